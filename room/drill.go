package room

import (
	"errors"
	"fmt"
	"strings"
	"time"

	lksdk "github.com/livekit/server-sdk-go/v2"
)

// Drill is a reconnect scenario the SDK can simulate (Room.Simulate).
type Drill string

// The drills lkdash offers.
const (
	// DrillSignalReconnect closes the signal connection on the client: the
	// SDK resumes.
	DrillSignalReconnect Drill = "signal-reconnect"
	// DrillFullReconnect makes the SDK drop the session and join again, as a
	// RECONNECT leave request does. It uses SimulateForceTLS, the scenario
	// that triggers that leave inside the SDK; livekit-server v1.13.5 ignores
	// SimulateLeaveRequestFullReconnect.
	DrillFullReconnect Drill = "full-reconnect"
	// DrillServerLeave asks the server to close the participant with a leave
	// request.
	DrillServerLeave Drill = "server-leave"
	// DrillMigration asks the server to drop the participant as if it moved
	// to another node, expecting it to resume.
	DrillMigration Drill = "migration"
	// DrillNodeFailure asks the server to drop the participant as if its
	// node failed.
	DrillNodeFailure Drill = "node-failure"
)

// Drills lists every drill, in the order help shows them.
func Drills() []Drill {
	return []Drill{DrillSignalReconnect, DrillFullReconnect, DrillServerLeave, DrillMigration, DrillNodeFailure}
}

// ParseDrill accepts a drill's name, of Drills or NodeDrills.
func ParseDrill(name string) (Drill, error) {
	all := append(Drills(), NodeDrills()...)
	for _, d := range all {
		if string(d) == strings.TrimSpace(name) {
			return d, nil
		}
	}
	names := make([]string, 0, len(all))
	for _, d := range all {
		names = append(names, string(d))
	}
	return "", fmt.Errorf("unknown drill %q (want one of %s)", name, strings.Join(names, ", "))
}

func (d Drill) scenario() lksdk.SimulateScenario {
	switch d {
	case DrillFullReconnect:
		return lksdk.SimulateForceTLS
	case DrillServerLeave:
		return lksdk.SimulateServerLeave
	case DrillMigration:
		return lksdk.SimulateMigration
	case DrillNodeFailure:
		return lksdk.SimulateNodeFailure
	}
	return lksdk.SimulateSignalReconnect
}

// drillQuiet is how long a drill may go without any reconnect before it is
// reported as having caused none.
const drillQuiet = 10 * time.Second

// drillRun is the drill in progress; guarded by Session.mu.
type drillRun struct {
	drill     Drill
	start     time.Time
	attempts  int
	presented *TokenRef // the token of the accepted reconnect
	mode      string    // how that reconnect came back
	upstream  *Upstream // where it went
	fromNode  string    // the node hosting the room at the start
}

// ErrDrillRunning is returned by Session.Drill while another drill runs.
var ErrDrillRunning = errors.New("room: a drill is already running")

// Drill triggers a reconnect scenario of Drills inside the SDK.
// DrillStarted is emitted at once; DrillResult follows when the SDK has
// reconnected (with the recovery time and the token its accepted
// reconnect presented), when the session ends, or after a quiet spell
// without any reconnect. NodeDrills act on the server: see DrillNode.
func (s *Session) Drill(d Drill) error {
	if _, err := ParseDrill(string(d)); err != nil {
		return err
	}
	if d.OnNode() {
		return fmt.Errorf("room: %s acts on the server node, not in the SDK: run it with DrillNode", d)
	}
	room := s.room.Load()
	if room == nil || !s.joined.Load() {
		return ErrNotJoined
	}
	return s.runDrill(d, func(string) error {
		room.Simulate(d.scenario())
		return nil
	})
}

// runDrill starts a drill: DrillStarted, then act with the node hosting
// the room. A failed act ends the drill as DrillNotRun.
func (s *Session) runDrill(d Drill, act func(node string) error) error {
	now := s.cfg.Now()
	s.mu.Lock()
	switch {
	case s.closed:
		s.mu.Unlock()
		return errors.New("room: the session has ended")
	case s.life.drill != nil:
		s.mu.Unlock()
		return ErrDrillRunning
	}
	run := &drillRun{drill: d, start: now, fromNode: s.node}
	s.life.drill = run
	s.mu.Unlock()
	s.emit(DrillStarted{At: now, Drill: d})
	if err := act(run.fromNode); err != nil {
		s.mu.Lock()
		var result *DrillResult
		if s.life.drill == run {
			result = s.endDrill(s.cfg.Now(), DrillNotRun, err.Error())
		}
		s.mu.Unlock()
		if result != nil {
			s.emit(*result)
		}
		return err
	}
	time.AfterFunc(run.quiet(), func() { s.drillQuiet(run) })
	return nil
}

// drillQuiet ends a drill that caused no reconnect; one still reconnecting
// is left to finish (the SDK gives up within about a minute).
func (s *Session) drillQuiet(run *drillRun) {
	now := s.cfg.Now()
	s.mu.Lock()
	if s.life.drill != run {
		s.mu.Unlock()
		return
	}
	if s.life.episode.active {
		s.mu.Unlock()
		time.AfterFunc(run.quiet(), func() { s.drillQuiet(run) })
		return
	}
	result := s.endDrill(now, DrillNoReconnect, fmt.Sprintf("no reconnect within %s: the connection was not dropped", run.quiet()))
	s.mu.Unlock()
	if result != nil {
		s.emit(*result)
	}
}

// endDrill closes the running drill, if any, and returns its result; s.mu
// must be held.
func (s *Session) endDrill(now time.Time, outcome, detail string) *DrillResult {
	run := s.life.drill
	if run == nil {
		return nil
	}
	s.life.drill = nil
	r := &DrillResult{At: now, Drill: run.drill, Outcome: outcome, Attempts: run.attempts, Detail: detail, FromNode: run.fromNode}
	if outcome == DrillRecovered {
		r.Recovery = now.Sub(run.start)
		r.Presented, r.Mode, r.Upstream, r.Node = run.presented, run.mode, run.upstream, s.node
	}
	return r
}
