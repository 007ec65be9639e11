package source

import "github.com/lkdash/lkdash/tokens"
import "slices"

// GrantField is one permission a minted token can carry, described once for
// its flag, its form toggle and its place in Grants.
type GrantField struct {
	Flag  string                     // e.g. "can-publish"
	Claim string                     // the video grant claim, e.g. "canPublish"
	Label string                     // a short word, as Permission.Label, e.g. "publish"
	Ptr   func(*tokens.Grants) *bool // where the permission lives in a Grants
}

var grantFields = []GrantField{
	{"can-join", "roomJoin", "join", func(g *tokens.Grants) *bool { return &g.RoomJoin }},
	{"can-publish", "canPublish", "publish", func(g *tokens.Grants) *bool { return &g.CanPublish }},
	{"can-subscribe", "canSubscribe", "subscribe", func(g *tokens.Grants) *bool { return &g.CanSubscribe }},
	{"can-publish-data", "canPublishData", "data", func(g *tokens.Grants) *bool { return &g.CanPublishData }},
	{"can-update-metadata", "canUpdateOwnMetadata", "metadata", func(g *tokens.Grants) *bool { return &g.CanUpdateOwnMetadata }},
	{"hidden", "hidden", "hidden", func(g *tokens.Grants) *bool { return &g.Hidden }},
	{"room-admin", "roomAdmin", "admin", func(g *tokens.Grants) *bool { return &g.RoomAdmin }},
	{"room-create", "roomCreate", "create", func(g *tokens.Grants) *bool { return &g.RoomCreate }},
	{"room-list", "roomList", "list", func(g *tokens.Grants) *bool { return &g.RoomList }},
	{"room-record", "roomRecord", "record", func(g *tokens.Grants) *bool { return &g.RoomRecord }},
	{"agent-grant", "agent", "agent", func(g *tokens.Grants) *bool { return &g.Agent }},
}

// GrantFields lists every field of Grants, in declaration order.
func GrantFields() []GrantField { return slices.Clone(grantFields) }
