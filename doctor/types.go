package doctor

import (
	"crypto/x509"
	"fmt"
	"strings"
	"time"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

// CheckName names one check.
type CheckName string

// The checks, in the order Run runs them.
const (
	CheckURL       CheckName = "url"       // the URL, the proxy in front, TLS, the token's verdicts
	CheckSignal    CheckName = "signal"    // one timed join: the server and the ICE servers it hands out
	CheckWebRTC    CheckName = "webrtc"    // the server's candidates and the path media took
	CheckTURN      CheckName = "turn"      // a join through TURN only
	CheckProtocol  CheckName = "protocol"  // media over UDP only, then TCP only, compared
	CheckReconnect CheckName = "reconnect" // a signal reconnect drill
	CheckPublish   CheckName = "publish"   // demo audio and video, confirmed by a second participant
)

// Checks lists every check in the order Run runs them.
func Checks() []CheckName {
	return []CheckName{CheckURL, CheckSignal, CheckWebRTC, CheckTURN, CheckProtocol, CheckReconnect, CheckPublish}
}

// QuickChecks are the checks that need no media: URL, signal and WebRTC.
func QuickChecks() []CheckName { return []CheckName{CheckURL, CheckSignal, CheckWebRTC} }

// ParseCheck accepts a check's name.
func ParseCheck(s string) (CheckName, error) {
	for _, c := range Checks() {
		if string(c) == strings.ToLower(strings.TrimSpace(s)) {
			return c, nil
		}
	}
	names := make([]string, 0, len(Checks()))
	for _, c := range Checks() {
		names = append(names, string(c))
	}
	return "", fmt.Errorf("unknown check %q (want one of %s)", s, strings.Join(names, ", "))
}

// Title is what the check looks at, for people.
func (c CheckName) Title() string {
	switch c {
	case CheckURL:
		return "URL and proxy"
	case CheckSignal:
		return "Signal"
	case CheckWebRTC:
		return "WebRTC"
	case CheckTURN:
		return "TURN"
	case CheckProtocol:
		return "UDP vs TCP"
	case CheckReconnect:
		return "Reconnect"
	case CheckPublish:
		return "Publish"
	}
	return string(c)
}

// State is a check's outcome.
type State string

// The outcomes, from best to worst; SKIP means the check could not run.
const (
	Pass State = "PASS" // works
	Skip State = "SKIP" // not run: nothing to check, or an earlier failure stops it
	Warn State = "WARN" // works, or works here, but something will bite
	Fail State = "FAIL" // does not work
)

// rank orders states for "the worst one wins".
func (s State) rank() int {
	switch s {
	case Skip:
		return 1
	case Warn:
		return 2
	case Fail:
		return 3
	}
	return 0
}

// Problem is one finding that is not a pass: what is wrong, in words, and
// the setting or action that fixes it.
type Problem struct {
	State State  `json:"state"` // WARN, FAIL, or SKIP (then Cause says why it did not run)
	Cause string `json:"cause"` // what is wrong, naming the address, status or certificate involved
	Fix   string `json:"fix"`   // what to change: a livekit-server setting, the proxy, the token; "" when nothing can be done
}

// Result is one finished check.
type Result struct {
	Check    CheckName     `json:"check"` // which check
	State    State         `json:"state"` // the worst of Problems; PASS when there are none
	Duration time.Duration `json:"-"`     // how long the check ran
	// Summary is what the check found, in one line.
	Summary string `json:"summary"`
	// Problems are the findings, worst first.
	Problems []Problem `json:"problems"`
	// Details are the facts behind the verdict; which fields are set
	// depends on the check.
	Details Details `json:"details"`
}

// Summary is a whole run: every result, and the counts.
type Summary struct {
	Results                         []Result      // in check order
	Passed, Warned, Failed, Skipped int           // results per state
	Duration                        time.Duration // the whole run
}

// OK is true when no check failed.
func (s Summary) OK() bool { return s.Failed == 0 }

// DefaultProtocolDuration is how long the protocol check publishes over
// each of UDP and TCP.
const DefaultProtocolDuration = 5 * time.Second

// Config says what to check and how.
type Config struct {
	// Source gives the token, as for room.Join. The room and identity of
	// the first token are reused (with a suffix on the identity) for the
	// extra participants some checks need.
	Source tokens.ConfigurableSource
	// Options are the request options for Source.
	Options tokens.Options
	// Checks to run, in any order (they run in the order of Checks()); nil
	// runs them all.
	Checks []CheckName
	// ProtocolDuration is how long the protocol check publishes over each
	// protocol; 0 means DefaultProtocolDuration.
	ProtocolDuration time.Duration
	// Block reproduces a hostile network for every join (room.Block).
	Block room.Block
	// RootCAs, when set, are the authorities trusted for the server's
	// certificate instead of the system's.
	RootCAs *x509.CertPool
	// Keys, when set, gives the key pair lkdash judges the token with; a
	// zero pair judges the claims alone.
	Keys func(t *tokens.Token, serverURL string) tokens.CheckConfig
	// Started, when set, is told as each check starts (for a live
	// checklist); Run's report is told as each ends.
	Started func(CheckName)
	// Now is the clock for token verdicts and certificates; nil means
	// time.Now.
	Now func() time.Time
}
