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
)

// Event is one thing the worker did. Job fields are empty on
// worker_registered; ServerVersion is set only there.
type Event struct {
	At            time.Time `json:"-"`
	Type          string    `json:"-"` // written first by MarshalJSON
	WorkerID      string    `json:"worker_id,omitempty"`
	AgentName     string    `json:"agent_name"`
	ServerVersion string    `json:"server_version,omitempty"`
	Room          string    `json:"room,omitempty"`
	DispatchID    string    `json:"dispatch_id,omitempty"`
	JobID         string    `json:"job_id,omitempty"`
	Metadata      string    `json:"metadata,omitempty"`
	Participant   string    `json:"participant,omitempty"`
	Reason        string    `json:"reason,omitempty"`
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
