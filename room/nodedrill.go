package room

import (
	"errors"
	"fmt"
	"time"
)

// The node drills act on the deployment rather than inside the SDK: they
// end the server process that hosts the room. room runs no servers, so
// the caller, who does, performs the action (see DrillNode) and room
// reports what the session did about it.
const (
	// DrillKillNode kills the node hosting the room at once (SIGKILL), as
	// a crash would.
	DrillKillNode Drill = "kill-node"
	// DrillStopNode stops the node hosting the room the way an operator
	// does: SIGTERM, so it drains (takes no new rooms) before it goes.
	DrillStopNode Drill = "stop-node"
)

// NodeDrills lists the drills that act on the server node, for DrillNode.
func NodeDrills() []Drill { return []Drill{DrillKillNode, DrillStopNode} }

// OnNode reports whether the drill acts on the server node (DrillNode)
// rather than in the SDK (Session.Drill).
func (d Drill) OnNode() bool { return d == DrillKillNode || d == DrillStopNode }

// DrillNode runs a node drill: DrillStarted, then act(node) with the id of
// the server node hosting the room ("ND_…", see Session.Node), which must
// kill or stop that node as the drill says and return once it is under
// way. DrillResult follows as for Drill: recovered (how, on which node,
// through which address, presenting which token, after how long), ended,
// or nothing happened. An error from act ends the drill as DrillNotRun.
func (s *Session) DrillNode(d Drill, act func(node string) error) error {
	if !d.OnNode() {
		return fmt.Errorf("room: %s is not a node drill (want one of %v)", d, NodeDrills())
	}
	if act == nil {
		return errors.New("room: a node drill needs an action that reaches the node")
	}
	if s.Node() == "" {
		return errors.New("room: the server did not say which node hosts the room")
	}
	return s.runDrill(d, act)
}

// nodeDrillQuiet is drillQuiet for the node drills. A session whose signal
// goes through another node than the one killed hears of the death only
// when that node's link to the dead one times out: about 15 s on
// livekit-server v1.13.5.
const nodeDrillQuiet = 30 * time.Second

// quiet is how long the drill may go without a reconnect.
func (r *drillRun) quiet() time.Duration {
	if r.drill.OnNode() {
		return nodeDrillQuiet
	}
	return drillQuiet
}
