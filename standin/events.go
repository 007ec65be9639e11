package standin

import (
	"encoding/json"
	"time"
)

// Event types, as they appear in Event.Type and in JSON lines.
const (
	EventRegistered = "worker_registered"
	EventJobStarted = "job_started" // joined the job's room
	EventJobEnded   = "job_ended"   // left the room; Reason says why
	EventJobFailed  = "job_failed"  // could not join; Reason says why
	// EventSaid: the turn of Config.Say was played (tone, states,
	// transcription); Reason says why it was cut short or failed.
	EventSaid = "said"
)

// Event is one thing the worker did. Job fields are empty on
// worker_registered; ServerVersion is set only there.
type Event struct {
	At            time.Time `json:"-"`                        // when it happened
	Type          string    `json:"-"`                        // EventRegistered, …; written first by MarshalJSON
	WorkerID      string    `json:"worker_id,omitempty"`      // the server's id for this worker, AW_…
	AgentName     string    `json:"agent_name"`               // the name registered, or the job's
	ServerVersion string    `json:"server_version,omitempty"` // worker_registered only
	Room          string    `json:"room,omitempty"`           // the job's room
	DispatchID    string    `json:"dispatch_id,omitempty"`    // the dispatch the job serves, AD_…
	JobID         string    `json:"job_id,omitempty"`         // the job, AJ_…
	Metadata      string    `json:"metadata,omitempty"`       // the dispatch's metadata
	Participant   string    `json:"participant,omitempty"`    // the identity we joined as
	Reason        string    `json:"reason,omitempty"`         // why a job ended or failed
}

// MarshalJSON starts with the type and the time, like join's lines.
func (e Event) MarshalJSON() ([]byte, error) {
	type plain Event
	return json.Marshal(struct {
		Type string `json:"type"`
		Time string `json:"time"`
		plain
	}{e.Type, e.At.UTC().Format(time.RFC3339Nano), plain(e)})
}
