package ui

import (
	"fmt"
	"time"

	"github.com/lkdash/lkdash/internal/format"
	"github.com/lkdash/lkdash/room"
)

// nodeStory words the events of a move to another node or address
// (failover, node_changed) and the drills that cause them, with what the
// log saw since the connection was lost: how long the move took, why,
// how the session came back and with which token. A zero nodeStory words
// them from the event alone.
type nodeStory struct {
	names  nodeNames
	node   string    // the node hosting the room, as last named
	lostAt time.Time // when the current reconnect began; zero when connected
	// failover is the current reconnect's last failover, accepted its
	// accepted dial, and drill the node drill under way with the node it
	// acted on.
	failover  *room.Failover
	accepted  *room.ReconnectAttempt
	drill     room.Drill
	drillNode string
}

// observe follows ev, after it was worded.
func (s *nodeStory) observe(ev room.Event) {
	switch e := ev.(type) {
	case room.Connected:
		*s = nodeStory{names: s.names, node: e.ServerNode}
	case room.Reconnecting:
		s.lostAt, s.failover, s.accepted = e.At, nil, nil
	case room.ReconnectAttempt:
		if s.lostAt.IsZero() { // the attempt may be the first sign of the loss
			s.lostAt, s.failover, s.accepted = e.At.Add(-e.Elapsed), nil, nil
		}
		if e.Accepted {
			a := e
			s.accepted = &a
		}
	case room.Failover:
		f := e
		s.failover = &f
	case room.NodeChanged:
		s.node = e.To
	case room.Reconnected, room.Disconnected:
		s.lostAt = time.Time{}
	case room.DrillStarted:
		if e.Drill.OnNode() {
			s.drill, s.drillNode = e.Drill, s.node
		}
	case room.DrillResult:
		s.drill, s.drillNode = "", ""
	}
}

// entry words ev when it is one of the story's; ok is false otherwise.
func (s nodeStory) entry(ev room.Event) (*logEntry, bool) {
	switch e := ev.(type) {
	case room.DrillStarted:
		text := string(e.Drill)
		if e.Drill.OnNode() && s.node != "" {
			text += ": " + nodeAct(e.Drill) + " " + s.names.label(s.node) + ", which hosts the room"
		}
		return newEntry(e.At, entryInfo, e.Type(), text, nil, e), true
	case room.DrillResult:
		kind := entryInfo
		if e.Outcome != room.DrillRecovered {
			kind = entryError
		}
		return newEntry(e.At, kind, e.Type(), drillOutcome(e, s.names, false), nil, e), true
	case room.Failover:
		text := fmt.Sprintf("%s → %s in %s", e.From.Label(), e.To.Label(), e.Took.Round(10*time.Millisecond))
		return newEntry(e.At, entryEvent, e.Type(), text, []string{"why: " + e.Reason}, e), true
	case room.NodeChanged:
		return s.nodeChanged(e), true
	}
	return nil, false
}

// nodeChanged says where we are now, where from, how the session came
// back, how long after the loss, and why the node changed.
func (s nodeStory) nodeChanged(e room.NodeChanged) *logEntry {
	text := s.names.label(e.From) + " → " + s.names.label(e.To)
	if e.Region != "" {
		text += " in " + e.Region
	}
	if a := s.accepted; a != nil {
		text += ": " + modeDone(a.Mode)
	}
	if !s.lostAt.IsZero() {
		text += fmt.Sprintf(" %s after the connection was lost", e.At.Sub(s.lostAt).Round(10*time.Millisecond))
	}
	if a := s.accepted; a != nil {
		text += ", presenting " + tokenName(a.Presented)
	}
	why := "the session came back on another node: its node was lost, or the room moved"
	switch {
	case s.drill != "" && s.drillNode == e.From:
		why = fmt.Sprintf("the %s drill %s %s, which hosted the room", s.drill, nodeActed(s.drill), s.names.label(e.From))
	case s.failover != nil:
		why = s.failover.From.Label() + " failed: " + s.failover.Reason
	}
	return newEntry(e.At, entryEvent, e.Type(), text, []string{"why: " + why}, e)
}

// drillOutcome says what the session did in a drill: where and how it
// came back, after how long and presenting which token; or that it ended,
// or that nothing happened, and why. brief leaves the node and address
// out for the header, which names them already.
func drillOutcome(e room.DrillResult, names nodeNames, brief bool) string {
	d := string(e.Drill)
	switch e.Outcome {
	case room.DrillRecovered:
	case room.DrillEnded:
		return d + ": the session ended: " + orDash(e.Detail)
	case room.DrillNoReconnect:
		return d + ": nothing to recover: " + orDash(e.Detail)
	case room.DrillNotRun:
		return d + " did not run: " + orDash(e.Detail)
	default:
		return d + ": " + e.Outcome
	}
	text := fmt.Sprintf("%s: %s in %s", d, modeDone(e.Mode), e.Recovery.Round(10*time.Millisecond))
	if e.Presented != nil {
		text += ", presenting " + tokenName(*e.Presented)
	}
	same := e.FromNode != "" && e.FromNode == e.Node
	switch {
	case e.Node == "":
	case brief && same:
		text += ", on the same node"
	case brief:
		text += ", on another node"
	default:
		text += ", on " + names.label(e.Node)
		if same {
			text += " (the same node)"
		}
		if e.Upstream != nil {
			text += " via " + e.Upstream.Label()
		}
	}
	return text + " after " + format.Count(e.Attempts, "attempt")
}

// modeDone is how a reconnect came back, in words.
func modeDone(mode string) string {
	switch mode {
	case "resume":
		return "resumed"
	case "rejoin":
		return "rejoined"
	}
	return "recovered"
}

// nodeAct and nodeActed name what a node drill does to the node.
func nodeAct(d room.Drill) string {
	if d == room.DrillStopNode {
		return "stopping"
	}
	return "killing"
}

func nodeActed(d room.Drill) string {
	if d == room.DrillStopNode {
		return "stopped"
	}
	return "killed"
}
