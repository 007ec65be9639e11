package room

import (
	"encoding/json"
	"strconv"
	"time"
)

// TokenRef names one token of the session without quoting it: the original
// (the join token) or the Nth refresh the server pushed.
type TokenRef struct {
	// Refresh is 0 for the original, N for refreshed #N, -1 for a token the
	// session never saw (the client presented something else).
	Refresh   int
	ExpiresAt time.Time // zero when the token has no exp
}

// Label is "original", "refreshed #N" or "unknown".
func (r TokenRef) Label() string {
	switch {
	case r.Refresh == 0:
		return "original"
	case r.Refresh > 0:
		return "refreshed #" + strconv.Itoa(r.Refresh)
	}
	return "unknown"
}

// MarshalJSON writes {"token": Label, "refresh": N, "expires_at": RFC 3339}.
func (r TokenRef) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Token     string `json:"token"`
		Refresh   int    `json:"refresh"`
		ExpiresAt string `json:"expires_at,omitempty"`
	}{r.Label(), r.Refresh, rfc3339(r.ExpiresAt)})
}

// ReconnectAttempt is one signal dial the SDK made after the session was
// up: a resume or a full rejoin, the token it presented, and the server's
// answer. Attempts count from 1 within one reconnect episode (from
// Reconnecting to Reconnected or Disconnected).
type ReconnectAttempt struct {
	// At is when the server answered the dial.
	At time.Time `json:"-"`
	// Attempt counts the dials of this reconnect episode, from 1.
	Attempt int `json:"attempt"`
	// Elapsed is the time since the episode began.
	Elapsed time.Duration `json:"-"`
	// Mode is "resume" (keep the session) or "rejoin" (join again).
	Mode string `json:"mode"`
	// Presented names the token the dial carried.
	Presented TokenRef `json:"presented"`
	// Accepted is true when the server took the connection.
	Accepted bool `json:"accepted"`
	// Status is the server's HTTP status: 101 accepted, 401 refused, …; 0
	// when the server could not be reached.
	Status int    `json:"status"`
	Error  string `json:"error,omitempty"` // why it failed, token redacted
	// Upstream is the server address the dial ended at (the relay may
	// have failed over to it, see Failover).
	Upstream Upstream `json:"upstream"`
}

// DrillStarted marks a reconnect drill being triggered (Session.Drill).
type DrillStarted struct {
	// At is when the drill was triggered.
	At time.Time `json:"-"`
	// Drill is the scenario.
	Drill Drill `json:"drill"`
}

// Drill outcomes.
const (
	DrillRecovered   = "recovered"    // the SDK reconnected
	DrillEnded       = "ended"        // the session ended instead
	DrillNoReconnect = "no_reconnect" // nothing was dropped; nothing to recover
	DrillNotRun      = "not_run"      // the drill's action failed (Detail says why)
)

// DrillResult is how a reconnect drill ended: the outcome, how long
// recovery took from the trigger, and the token the accepted reconnect
// presented (nil when none was accepted).
type DrillResult struct {
	// At is when the drill ended.
	At time.Time `json:"-"`
	// Drill is the scenario.
	Drill Drill `json:"drill"`
	// Outcome is DrillRecovered, DrillEnded, DrillNoReconnect or
	// DrillNotRun.
	Outcome string `json:"outcome"`
	// Recovery is the time from the trigger to Reconnected (recovered only).
	Recovery time.Duration `json:"-"`
	// Attempts counts the reconnect dials during the drill.
	Attempts int `json:"attempts"`
	// Presented is the token of the accepted reconnect (recovered only).
	Presented *TokenRef `json:"presented,omitempty"`
	// Mode is how the session came back: "resume" (the same session) or
	// "rejoin" (joined again); recovered only.
	Mode string `json:"mode,omitempty"`
	// FromNode is the server node hosting the room when the drill began.
	FromNode string `json:"from_node,omitempty"`
	// Node is the one after recovery; it differs from FromNode when the
	// session moved.
	Node string `json:"node,omitempty"`
	// Upstream is the server address the accepted reconnect went to.
	Upstream *Upstream `json:"upstream,omitempty"`
	// Detail says why the session ended or why nothing happened.
	Detail string `json:"detail,omitempty"`
}

// JoinStep is a step of a join started with Connect, in the order they
// happen.
type JoinStep string

const (
	StepFetchingToken JoinStep = "fetching_token" // asking the token source
	StepConnecting    JoinStep = "connecting"     // dialling the server
)

// JoinProgress is one step of a join started with Connect; Connected (or
// JoinFailed) follows the last one.
type JoinProgress struct {
	// At is when the step began.
	At time.Time `json:"-"`
	// Step is which one.
	Step JoinStep `json:"step"`
	// Detail is the server URL, when connecting.
	Detail string `json:"detail,omitempty"`
}

// String says the step in words: "fetching token", "connecting to ws://…".
func (e JoinProgress) String() string {
	switch e.Step {
	case StepFetchingToken:
		return "fetching token"
	case StepConnecting:
		return "connecting to " + e.Detail
	}
	return string(e.Step)
}

// JoinFailed is the last event of a session from Connect whose join
// failed; the channel closes after it.
type JoinFailed struct {
	// At is when the join gave up.
	At time.Time `json:"-"`
	// Err says why, as Join would have returned it.
	Err *JoinError `json:"-"`
}

// Time returns At.
func (e ReconnectAttempt) Time() time.Time { return e.At }

// Time returns At.
func (e DrillStarted) Time() time.Time { return e.At }

// Time returns At.
func (e DrillResult) Time() time.Time { return e.At }

// Time returns At.
func (e JoinProgress) Time() time.Time { return e.At }

// Time returns At.
func (e JoinFailed) Time() time.Time { return e.At }

// Type returns "join_progress".
func (JoinProgress) Type() string { return "join_progress" }

// Type returns "join_failed".
func (JoinFailed) Type() string { return "join_failed" }

// MarshalJSON adds the failure's reason and message.
func (e JoinFailed) MarshalJSON() ([]byte, error) {
	var reason JoinReason
	var msg string
	if e.Err != nil {
		reason, msg = e.Err.Reason, e.Err.Error()
	}
	return json.Marshal(struct {
		Reason JoinReason `json:"reason"`
		Error  string     `json:"error"`
	}{reason, msg})
}

// Type returns "reconnect_attempt".
func (ReconnectAttempt) Type() string { return "reconnect_attempt" }

// Type returns "drill_started".
func (DrillStarted) Type() string { return "drill_started" }

// Type returns "drill_result".
func (DrillResult) Type() string { return "drill_result" }

// MarshalJSON adds elapsed_seconds.
func (e ReconnectAttempt) MarshalJSON() ([]byte, error) {
	type plain ReconnectAttempt
	return json.Marshal(struct {
		plain
		ElapsedSeconds float64 `json:"elapsed_seconds"`
	}{plain(e), e.Elapsed.Seconds()})
}

// MarshalJSON adds recovery_seconds.
func (e DrillResult) MarshalJSON() ([]byte, error) {
	type plain DrillResult
	return json.Marshal(struct {
		plain
		RecoverySeconds float64 `json:"recovery_seconds"`
	}{plain(e), e.Recovery.Seconds()})
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
