package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"

	"github.com/lkdash/lkdash/devserver"
)

// TestNodeFlagsNeedTheManagedServer: a cluster and the node drills act on
// servers lkdash runs, so a configured source refuses them with exit 2.
func TestNodeFlagsNeedTheManagedServer(t *testing.T) {
	tok := mintToken(t, time.Hour, nil)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"join", "--url", "ws://127.0.0.1:1", "--token", tok, "--nodes", "2"}, "does not apply to a configured source"},
		{[]string{"join", "--url", "ws://127.0.0.1:1", "--token", tok, "--drill", "kill-node"}, "needs the managed server"},
		{[]string{"join", "--nodes", "0"}, "1 to 8 nodes"},
		{[]string{"devserver", "--nodes", "9"}, "1 to 8 nodes"},
		{[]string{"--url", "ws://127.0.0.1:1", "--token", tok, "--nodes", "3"}, "does not apply to a configured source"},
		{[]string{"join", "--drill", "kill-everything"}, "unknown drill"},
		{[]string{"fetch", "--url", "ws://127.0.0.1:1,ftp://x", "--token", tok}, "URL 2"},
	} {
		r := lkdash(t, "", nil, tc.args...)
		if r.code != exitUsage || !strings.Contains(r.err, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 saying %q", tc.args, r.code, r.err, tc.want)
		}
	}
}

// TestRoomChanges: rooms are announced with their node once it is known,
// moves and closes are said once, and hostile room names are made inert.
func TestRoomChanges(t *testing.T) {
	c := &devserver.Cluster{Nodes: []*devserver.Server{{NodeID: "ND_one"}, {NodeID: "ND_two"}}}
	known := map[string]placedRoom{}
	rooms := []*livekit.Room{{Name: "demo", Sid: "RM_1"}, {Name: "evil\x1b]52;c;aGk=\x07", Sid: "RM_2"}, {Name: "new", Sid: "RM_3"}}
	got := roomChanges(c, known, rooms, map[string]string{"demo": "ND_one", "evil\x1b]52;c;aGk=\x07": "ND_two"})
	want := []string{"room demo (RM_1) on node 1 (ND_one)", "room evil (RM_2) on node 2 (ND_two)"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("first poll:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, line := range got {
		if strings.ContainsAny(line, "\x1b\x07") {
			t.Errorf("a control character reached the output: %q", line)
		}
	}
	got = roomChanges(c, known, rooms[:1:1], map[string]string{"demo": "ND_two"})
	want = []string{"room demo moved from node 1 (ND_one) to node 2 (ND_two)", "room evil closed"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("second poll:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got = roomChanges(c, known, rooms[:1:1], map[string]string{"demo": "ND_two"}); len(got) != 0 {
		t.Errorf("nothing changed, yet: %q", got)
	}
	single := &devserver.Cluster{Nodes: []*devserver.Server{{NodeID: "ND_solo"}}}
	if got = roomChanges(single, map[string]placedRoom{}, rooms[:1], nil); len(got) != 1 || !strings.Contains(got[0], "node 1 (ND_solo)") {
		t.Errorf("a single node hosts every room: %q", got)
	}
}
