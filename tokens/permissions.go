package tokens

import "strings"

// Permission is one grant flag as the server applies it, for display.
type Permission struct {
	Name  string // the claim name, e.g. "canPublish"
	Label string // a short word for narrow displays, e.g. "publish"
	On    bool   // the server allows it
	// Implied is true when the claim is absent and On is the server's
	// default (canPublish, canSubscribe and canPublishData default to true).
	Implied bool
	// Detail qualifies On, e.g. the sources canPublishSources allows.
	Detail string
}

// Permissions lists a token's video grant as the server reads it: absent
// publish/subscribe flags default to allowed, via auth.VideoGrant's getters,
// so what is shown is what the server enforces, not what the JSON spells.
func (t *Token) Permissions() []Permission {
	if t == nil || t.Grants == nil || t.Grants.Video == nil {
		return nil
	}
	v := t.Grants.Video
	perms := []Permission{
		{Name: "roomJoin", Label: "join", On: v.RoomJoin},
		{Name: "canPublish", Label: "publish", On: v.GetCanPublish(), Implied: v.CanPublish == nil},
		{Name: "canSubscribe", Label: "subscribe", On: v.GetCanSubscribe(), Implied: v.CanSubscribe == nil},
		{Name: "canPublishData", Label: "data", On: v.GetCanPublishData(), Implied: v.CanPublishData == nil},
		{Name: "canUpdateOwnMetadata", Label: "metadata", On: v.GetCanUpdateOwnMetadata(), Implied: v.CanUpdateOwnMetadata == nil},
	}
	if len(v.CanPublishSources) > 0 {
		perms = append(perms, Permission{Name: "canPublishSources", Label: "sources", On: true,
			Detail: strings.Join(v.CanPublishSources, ", ")})
	}
	// Flags that are off by default are worth a line only when set.
	for _, p := range []Permission{
		{Name: "roomAdmin", Label: "admin", On: v.RoomAdmin}, {Name: "roomCreate", Label: "create", On: v.RoomCreate},
		{Name: "roomList", Label: "list", On: v.RoomList}, {Name: "roomRecord", Label: "record", On: v.RoomRecord},
		{Name: "ingressAdmin", Label: "ingress", On: v.IngressAdmin}, {Name: "hidden", Label: "hidden", On: v.Hidden},
		{Name: "recorder", Label: "recorder", On: v.Recorder}, {Name: "agent", Label: "agent", On: v.Agent},
	} {
		if p.On {
			perms = append(perms, p)
		}
	}
	return perms
}

// AgentDispatches lists the agents a token's roomConfig dispatches.
func (t *Token) AgentDispatches() []AgentDispatch {
	if t == nil || t.Grants == nil || t.Grants.RoomConfig == nil {
		return nil
	}
	var out []AgentDispatch
	for _, a := range t.Grants.RoomConfig.Agents {
		if a == nil {
			continue
		}
		out = append(out, AgentDispatch{Name: a.AgentName, Metadata: a.Metadata, Deployment: a.Deployment})
	}
	return out
}

// AgentDispatch is one roomConfig.agents entry: an agent the server
// dispatches into the room when the token joins.
type AgentDispatch struct {
	Name       string // agentName; "" means the default agent
	Metadata   string // passed to the agent's job
	Deployment string // which deployment of the agent
}

// String is the permission as one word, the same in every view:
// "+publish", "-subscribe", "+sources(camera, microphone)".
func (p Permission) String() string {
	s := "-" + p.Label
	if p.On {
		s = "+" + p.Label
	}
	if p.Detail != "" {
		s += "(" + p.Detail + ")"
	}
	return s
}

// String formats the dispatch the same in every view:
// "name=support deployment=staging metadata={…}"; an empty name is "—".
func (a AgentDispatch) String() string {
	name := a.Name
	if name == "" {
		name = "—"
	}
	s := "name=" + name
	if a.Deployment != "" {
		s += " deployment=" + a.Deployment
	}
	if a.Metadata != "" {
		s += " metadata=" + a.Metadata
	}
	return s
}
