package tokens

import "strings"

// Permission is one grant flag as the server applies it, for display.
type Permission struct {
	Name string // the claim name, e.g. "canPublish"
	On   bool
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
		{Name: "roomJoin", On: v.RoomJoin},
		{Name: "canPublish", On: v.GetCanPublish(), Implied: v.CanPublish == nil},
		{Name: "canSubscribe", On: v.GetCanSubscribe(), Implied: v.CanSubscribe == nil},
		{Name: "canPublishData", On: v.GetCanPublishData(), Implied: v.CanPublishData == nil},
		{Name: "canUpdateOwnMetadata", On: v.GetCanUpdateOwnMetadata(), Implied: v.CanUpdateOwnMetadata == nil},
	}
	if len(v.CanPublishSources) > 0 {
		perms = append(perms, Permission{Name: "canPublishSources", On: true, Detail: strings.Join(v.CanPublishSources, ", ")})
	}
	// Flags that are off by default are worth a line only when set.
	for _, f := range []struct {
		name string
		on   bool
	}{
		{"roomAdmin", v.RoomAdmin}, {"roomCreate", v.RoomCreate}, {"roomList", v.RoomList},
		{"roomRecord", v.RoomRecord}, {"ingressAdmin", v.IngressAdmin}, {"hidden", v.Hidden},
		{"recorder", v.Recorder}, {"agent", v.Agent},
	} {
		if f.on {
			perms = append(perms, Permission{Name: f.name, On: true})
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

// AgentDispatch is one roomConfig.agents entry.
type AgentDispatch struct{ Name, Metadata, Deployment string }
