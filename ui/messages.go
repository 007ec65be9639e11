package ui

import (
	"time"

	"github.com/lkdash/lkdash/room"
)

// DevServerReadyMsg tells the dashboard the embedded dev server is up (or
// failed to start). main sends it with Program.Send. On success the Endpoint
// source is preselected with EndpointURL, and APIKey/APISecret (when set)
// enable signature checks and server-side refresh.
type DevServerReadyMsg struct {
	EndpointURL string
	// ServerURL is the managed LiveKit server itself, where stand-in
	// agents register.
	ServerURL         string
	APIKey, APISecret string
	// Nodes are the managed deployment's nodes, node 1 (ServerURL) first:
	// one, or the nodes of a local cluster.
	Nodes []ManagedNode
	Err   error
}

// devProgressMsg is one dev-server progress update; closed when the channel
// is.
type devProgressMsg struct {
	DevProgress
	closed bool
}

// tickMsg drives the expiry countdown. gen identifies the tick chain: a tick
// whose gen is not the model's current one is stale and is dropped without
// re-arming, so at most one chain is ever alive.
type tickMsg struct {
	gen int
	at  time.Time
}

// fetchRequestMsg is a panel asking the root to fetch (enter on the token).
type fetchRequestMsg struct{}

// serverCheckedMsg carries the outcome of Backend.CheckServer for the
// token raw. seq drops answers a newer check superseded.
type serverCheckedMsg struct {
	seq   int
	raw   string // the token asked about; "" for a clock-only check
	check ServerCheck
	err   error
}

// fetchDoneMsg carries a finished fetch. seq drops results of a fetch that
// a newer one superseded.
type fetchDoneMsg struct {
	seq    int
	result FetchResult
	err    error
	at     time.Time
}

// joinStartedMsg carries the session Backend.Join started (its events
// tell how the join goes), or why it could not start.
type joinStartedMsg struct {
	id   int
	sess Session
	err  error
}

// streamMsg is the next events from session id, in order; closed when
// its channel is (after evs).
type streamMsg struct {
	id     int
	evs    []room.Event
	closed bool
}

// leaveDoneMsg reports that Session.Leave returned.
type leaveDoneMsg struct{}

// refreshDoneMsg reports the outcome of Session.TriggerRefresh.
type refreshDoneMsg struct{ err error }

// copiedMsg reports an OSC 52 copy.
type copiedMsg struct {
	what string
	n    int
	err  error
}

// exportedMsg reports an event log export.
type exportedMsg struct {
	path string
	n    int
	err  error
}

func (m statusMsg) status() (string, bool) { return m.text, m.err }

func (m drillDoneMsg) status() (string, bool) {
	if m.err != nil {
		return "drill failed: " + m.err.Error(), true
	}
	return "", false
}

func (m refreshDoneMsg) status() (string, bool) {
	if m.err != nil {
		return "server refresh failed: " + m.err.Error(), true
	}
	return "server refresh requested; watch for token_refreshed", false
}

func (m copiedMsg) status() (string, bool) {
	if m.err != nil {
		return "copy failed: " + m.err.Error(), true
	}
	return "copied " + m.what + " via OSC 52 (" + itoa(m.n) + " bytes)", false
}

func (m exportedMsg) status() (string, bool) {
	if m.err != nil {
		return "export failed: " + m.err.Error(), true
	}
	return "exported " + itoa(m.n) + " events to " + m.path, false
}
