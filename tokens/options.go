package tokens

import "maps"

// Options are the token request options shared by every LiveKit SDK
// (TokenRequestOptions): what the token should be made for. All fields are
// optional; a source fills in or ignores what is left out (a sandbox
// server invents a room and identity, a Literal ignores everything).
type Options struct {
	RoomName              string            // the room to join
	ParticipantName       string            // display name
	ParticipantIdentity   string            // unique identity in the room
	ParticipantMetadata   string            // free-form metadata, often JSON
	ParticipantAttributes map[string]string // key/value attributes
	// AgentName, AgentMetadata and AgentDeployment ask the server to
	// dispatch an agent into the room when this token joins (one agent,
	// the token's roomConfig.agents[0]).
	AgentName, AgentMetadata, AgentDeployment string
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
