package tokens

import "maps"

// Options are the token request options shared by every LiveKit SDK
// (TokenRequestOptions). All fields are optional.
type Options struct {
	RoomName              string
	ParticipantName       string
	ParticipantIdentity   string
	ParticipantMetadata   string
	ParticipantAttributes map[string]string
	AgentName             string
	AgentMetadata         string
	AgentDeployment       string
}

// Equal compares field by field, attributes by value: a nil map equals an
// empty one, since both send nothing on the wire.
func (o Options) Equal(p Options) bool {
	return o.RoomName == p.RoomName &&
		o.ParticipantName == p.ParticipantName &&
		o.ParticipantIdentity == p.ParticipantIdentity &&
		o.ParticipantMetadata == p.ParticipantMetadata &&
		o.AgentName == p.AgentName &&
		o.AgentMetadata == p.AgentMetadata &&
		o.AgentDeployment == p.AgentDeployment &&
		maps.Equal(o.ParticipantAttributes, p.ParticipantAttributes)
}

// HasAgent reports whether any agent field is set, which is when the wire
// request carries a room_config.
func (o Options) HasAgent() bool {
	return o.AgentName != "" || o.AgentMetadata != "" || o.AgentDeployment != ""
}

// Clone returns a copy that shares no map with o, so a cached copy cannot be
// changed by the caller mutating its attributes afterwards.
func (o Options) Clone() Options {
	o.ParticipantAttributes = maps.Clone(o.ParticipantAttributes)
	return o
}
