package ui

import (
	"errors"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/room"
)

// The node drills (room.NodeDrills) end the server process hosting the
// room, so they need a session that runs them and a backend that reaches
// the managed deployment's nodes; the drill key offers them only on a
// managed cluster of two nodes or more, where the session can go on.

// NodeSession is a Session that runs the node drills. *room.Session
// satisfies it.
type NodeSession interface {
	// DrillNode runs d: act gets the id of the node hosting the room and
	// kills or stops it; DrillStarted and DrillResult follow as for Drill.
	DrillNode(d room.Drill, act func(node string) error) error
}

// NodeDrillBackend is a Backend that acts on the nodes of the managed
// deployment.
type NodeDrillBackend interface {
	// NodeAction is what node drill d does to the managed deployment's
	// node with the given id: SIGKILL it, or stop it as an operator would.
	// It returns once the signal is sent; a node it does not run is an
	// error.
	NodeAction(d room.Drill) func(node string) error
}

// drills are the drills the drill key offers now: the SDK's, and the node
// drills when the session is on a managed cluster of two nodes or more
// that the backend can act on.
func (m Model) drills() []room.Drill {
	drills := room.Drills()
	if _, ok := m.cfg.Backend.(NodeDrillBackend); !ok || len(m.managed.nodes) < 2 || m.sess == nil {
		return drills
	}
	if _, ok := m.sess.(NodeSession); !ok || m.sess.Response().ServerURL != m.managed.url {
		return drills
	}
	return append(drills, room.NodeDrills()...)
}

// errNoNodeDrill is what a node drill reports where none can run (the
// prompt does not offer one there).
var errNoNodeDrill = errors.New("node drills need a session on the managed cluster")

// drillCmd runs d in the session: in the SDK, or on the node through the
// backend.
func drillCmd(s Session, b Backend, d room.Drill) tea.Cmd {
	if s == nil {
		return nil
	}
	if !d.OnNode() {
		return func() tea.Msg { return drillDoneMsg{err: s.Drill(d)} }
	}
	ns, ok := s.(NodeSession)
	nb, ok2 := b.(NodeDrillBackend)
	if !ok || !ok2 {
		return func() tea.Msg { return drillDoneMsg{err: errNoNodeDrill} }
	}
	return func() tea.Msg { return drillDoneMsg{err: ns.DrillNode(d, nb.NodeAction(d))} }
}
