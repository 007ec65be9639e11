package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/internal/textsafe"
)

// roomPoll is how often devserver looks for rooms appearing, moving and
// closing: often enough to follow a drill, light on the server.
const roomPoll = time.Second

// placedRoom is a room as devserver last reported it.
type placedRoom struct{ sid, node string }

// watchRooms prints, until ctx ends, one line per room that appears
// (with the node that hosts it), moves to another node or closes, and
// per node that exits. It returns an error once every node has exited.
func watchRooms(ctx context.Context, w io.Writer, c *devserver.Cluster, now func() time.Time) error {
	exits := make(chan int, len(c.Nodes))
	for i, n := range c.Nodes {
		go func() {
			select {
			case <-n.Done():
				exits <- i
			case <-ctx.Done():
			}
		}()
	}
	say := func(format string, args ...any) {
		fmt.Fprintf(w, "%s %s\n", now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}
	known := map[string]placedRoom{}
	gone := 0
	tick := time.NewTicker(roomPoll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case i := <-exits:
			if ctx.Err() != nil {
				return nil // Ctrl-C: we are stopping them
			}
			e, _ := c.Nodes[i].Exit()
			say("node %d exited: %s (log %s)", i+1, e.Status, e.LogPath)
			if gone++; gone == len(c.Nodes) {
				return errors.New("every livekit-server exited")
			}
		case <-tick.C:
			rooms, placed, err := roomsNow(ctx, c)
			if err != nil {
				continue // a node dying or busy: the next poll tells
			}
			for _, line := range roomChanges(c, known, rooms, placed) {
				say("%s", line)
			}
		}
	}
}

// roomsNow lists the rooms through the first node that answers, and where
// each lives.
func roomsNow(ctx context.Context, c *devserver.Cluster) ([]*livekit.Room, map[string]string, error) {
	ctx, cancel := context.WithTimeout(ctx, roomPoll)
	defer cancel()
	var err error
	for _, n := range c.Nodes {
		select {
		case <-n.Done():
			continue
		default:
		}
		var resp *livekit.ListRoomsResponse
		resp, err = lksdk.NewRoomServiceClient(n.HTTPURL, n.APIKey, n.APISecret).ListRooms(ctx, &livekit.ListRoomsRequest{})
		if err != nil {
			continue
		}
		placed, err := c.RoomNodes(ctx)
		return resp.GetRooms(), placed, err
	}
	if err == nil {
		err = errors.New("no node is running")
	}
	return nil, nil, err
}

// roomChanges compares the rooms now with those known, updates known and
// says what changed. A room's node comes from the cluster's placement
// record (a single node hosts them all); a room is announced once its node
// is known. Room names come from clients: they are made inert.
func roomChanges(c *devserver.Cluster, known map[string]placedRoom, rooms []*livekit.Room, placed map[string]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range rooms {
		name := r.GetName()
		seen[name] = true
		node := placed[name]
		if node == "" && len(c.Nodes) == 1 {
			node = c.Nodes[0].NodeID
		}
		if node == "" {
			continue
		}
		label := textsafe.Line(name, 80)
		before, ok := known[name]
		switch {
		case !ok || before.sid != r.GetSid():
			out = append(out, fmt.Sprintf("room %s (%s) on %s", label, r.GetSid(), nodeLabel(c, node)))
		case before.node != node:
			out = append(out, fmt.Sprintf("room %s moved from %s to %s", label, nodeLabel(c, before.node), nodeLabel(c, node)))
		}
		known[name] = placedRoom{sid: r.GetSid(), node: node}
	}
	for _, name := range slices.Sorted(maps.Keys(known)) {
		if !seen[name] {
			out = append(out, fmt.Sprintf("room %s closed", textsafe.Line(name, 80)))
			delete(known, name)
		}
	}
	return out
}

// nodeLabel names a node by its number in the cluster and its id.
func nodeLabel(c *devserver.Cluster, id string) string {
	if n, _, ok := c.Node(id); ok {
		return fmt.Sprintf("node %d (%s)", n, id)
	}
	return textsafe.Line(id, 40)
}
