package room

import (
	"encoding/json"
	"time"
)

// DispatchState is where a dispatch stands.
type DispatchState string

// Dispatch states, in the order a healthy dispatch goes through them.
const (
	DispatchRequested   DispatchState = "requested"    // asked for; no job yet
	DispatchJobAssigned DispatchState = "job_assigned" // a worker accepted the job
	DispatchAgentJoined DispatchState = "agent_joined" // the agent participant is in the room
	DispatchMissing     DispatchState = "missing"      // no agent within the timeout
	// DispatchIgnored is a token's agent in a room that was already running:
	// livekit-server v1.13.5 dispatches roomConfig agents only when it
	// creates the room, so this agent is not coming.
	DispatchIgnored DispatchState = "ignored"
	DispatchDeleted DispatchState = "deleted" // the dispatch is gone from the server
)

// DispatchOrigin is where a dispatch item comes from.
type DispatchOrigin string

// Dispatch origins.
const (
	// FromToken is an agent in the token's roomConfig.agents.
	FromToken DispatchOrigin = "token"
	// FromRequest is an agent asked for in the request options that the
	// token does not carry (the token source dropped it).
	FromRequest DispatchOrigin = "request"
	// FromAPI is a dispatch created through the AgentDispatch API (by us
	// or anyone else), or one the server lists that the token did not ask for.
	FromAPI DispatchOrigin = "api"
	// FromAutomatic is the unnamed dispatch the server gives every new
	// room without a roomConfig: any worker registered with an empty agent
	// name takes it.
	FromAutomatic DispatchOrigin = "automatic"
)

// DispatchJob is one job of a dispatch, as the server last listed it.
type DispatchJob struct {
	ID          string `json:"job_id"`                // the job's id, AJ_…
	Status      string `json:"status,omitempty"`      // JS_PENDING, JS_RUNNING, JS_SUCCESS, JS_FAILED
	Participant string `json:"participant,omitempty"` // the identity the agent joins as
	WorkerID    string `json:"worker_id,omitempty"`   // the worker that took it, AW_…
	Error       string `json:"error,omitempty"`       // what the worker reported, if it failed
}

// Dispatch is what lkdash knows about one agent dispatch of the room.
type Dispatch struct {
	// ID is the server's dispatch id, known once listed or created through
	// the API (it needs the API key and secret).
	ID        string         `json:"dispatch_id,omitempty"`
	AgentName string         `json:"agent_name"`         // "" for automatic dispatch
	Metadata  string         `json:"metadata,omitempty"` // handed to the agent's job
	Origin    DispatchOrigin `json:"source"`             // FromToken, FromRequest, FromAPI, FromAutomatic
	State     DispatchState  `json:"state"`              // DispatchRequested … DispatchDeleted
	Jobs      []DispatchJob  `json:"jobs,omitempty"`     // with the API: the server's jobs for it
	// Agent is the agent participant's identity once it has joined.
	Agent string `json:"agent,omitempty"`
}

// AgentDispatch is a dispatch appearing or changing state.
type AgentDispatch struct {
	At       time.Time `json:"-"`        // when the session saw it
	Dispatch Dispatch  `json:"dispatch"` // the dispatch as it is now
}

// AgentJoined is an agent participant arriving (or found in the room when
// we joined).
type AgentJoined struct {
	At         time.Time      // when the session saw it
	AgentName  string         // the lk.agent_name attribute the server gives agents
	Identity   string         // the agent participant's identity
	DispatchID string         // the dispatch that brought it, when known
	Origin     DispatchOrigin // that dispatch's Origin
	// SinceJoin is from our join to the agent's, by the server's clock
	// (both participants' joined_at_ms); zero when AlreadyThere.
	SinceJoin time.Duration
	// SeenAfter is when we learnt of it, from the server accepting our
	// join. livekit-server announces participants that publish nothing in
	// batches every 3 s, so this can trail SinceJoin by up to 3 s.
	SeenAfter time.Duration
	// AlreadyThere is set for an agent that was in the room before us.
	AlreadyThere bool
}

// AgentMissing is a dispatch whose agent did not join within the timeout
// (or, for a DispatchIgnored one, will not), with the likely causes lkdash
// could check, most likely first.
type AgentMissing struct {
	At         time.Time      // when the session gave up waiting
	AgentName  string         // the agent name asked for
	DispatchID string         // the server's dispatch id, when known
	Origin     DispatchOrigin // the dispatch's Origin
	Waited     time.Duration  // the timeout, or 0 for an ignored dispatch
	Causes     []string       // one sentence each
}

// Time returns At.
func (e AgentDispatch) Time() time.Time { return e.At }

// Time returns At.
func (e AgentJoined) Time() time.Time { return e.At }

// Time returns At.
func (e AgentMissing) Time() time.Time { return e.At }

// Type returns "agent_dispatch".
func (AgentDispatch) Type() string { return "agent_dispatch" }

// Type returns "agent_joined".
func (AgentJoined) Type() string { return "agent_joined" }

// Type returns "agent_missing".
func (AgentMissing) Type() string { return "agent_missing" }

// MarshalJSON writes durations as seconds.
func (e AgentJoined) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		AgentName        string         `json:"agent_name"`
		Identity         string         `json:"identity"`
		DispatchID       string         `json:"dispatch_id,omitempty"`
		Origin           DispatchOrigin `json:"source,omitempty"`
		SinceJoinSeconds float64        `json:"since_join_seconds"`
		SeenAfterSeconds float64        `json:"seen_after_seconds"`
		AlreadyThere     bool           `json:"already_there,omitempty"`
	}{e.AgentName, e.Identity, e.DispatchID, e.Origin, e.SinceJoin.Seconds(), e.SeenAfter.Seconds(), e.AlreadyThere})
}

// MarshalJSON writes durations as seconds.
func (e AgentMissing) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		AgentName     string         `json:"agent_name"`
		DispatchID    string         `json:"dispatch_id,omitempty"`
		Origin        DispatchOrigin `json:"source"`
		WaitedSeconds float64        `json:"waited_seconds"`
		Causes        []string       `json:"causes"`
	}{e.AgentName, e.DispatchID, e.Origin, e.Waited.Seconds(), e.Causes})
}
