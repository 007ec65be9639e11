package main

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDashboardKillNodeEndToEnd runs the real binary in tmux on a managed
// two-node cluster (a real redis-server and two livekit-server nodes):
// after the join the header names the node hosting the room; d then 6
// kills it, and the screen shows the session rejoined on the other node
// (through node 2's URL when node 1 died), the recovery time and the
// token the rejoin presented, the move (and the failover) in the Events
// panel, the header and the roster on the other node, and the rejoin on
// the Timeline.
func TestDashboardKillNodeEndToEnd(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatal("redis-server is required for the cluster end-to-end test (scripts/test.sh installs it)")
	}
	term := startDashboard(t, "e2e-cluster", "--nodes", "2")
	term.waitFor("dev server ready", 3*time.Minute, "dev server ready")

	term.keys("j")
	// The room lives on the node the cluster picks, whichever node's URL
	// the session dialled (node 1's).
	screen := term.waitFor("our node in the header", time.Minute, "· joined · node ")
	placed := regexp.MustCompile(`· joined · node ([12]) \((ND_\w+)\)`).FindStringSubmatch(screen)
	if placed == nil {
		t.Fatalf("the header should name the node hosting the room:\n%s", screen)
	}
	killed, killedID, other := placed[1], placed[2], map[string]string{"1": "2", "2": "1"}[placed[1]]
	t.Logf("the room is on node %s (%s)", killed, killedID)
	// The server pushes a refreshed token right after the join; the
	// rejoin presents it.
	term.waitFor("the first refresh", time.Minute, "token_refreshed")

	term.keys("d")
	term.waitFor("the drill prompt", 10*time.Second, "6 kill-node 7 stop-node")
	term.keys("6")
	term.waitFor("the drill starting", 30*time.Second, "drill_started kill-node: killing node "+killed+" (")
	screen = term.waitFor("the drill's result", 2*time.Minute, "drill_result kill-node: rejoined in")
	header := strings.SplitN(screen, "\n", 2)[0]
	t.Logf("after the drill:\n%s", screen)
	result := regexp.MustCompile(`kill-node: rejoined in (\d+(\.\d+)?m?s), presenting (refreshed #\d+|original)`).FindStringSubmatch(header)
	if result == nil || !strings.Contains(header, "· joined · node "+other+" (ND_") {
		t.Fatalf("the header should name node %s and how the session came back:\n%s\nLog:\n%s", other, screen, term.log())
	}
	t.Logf("recovered in %s presenting %s", result[1], result[3])
	// The Events panel is narrow at 160 columns: its lines are cut, so
	// only their beginnings are checked here (the unit tests check them
	// whole).
	wants := []*regexp.Regexp{
		regexp.MustCompile(`node_changed node ` + killed + ` \(` + killedID + `\) → node`),
		regexp.MustCompile(`why: the kill-node drill killed node ` + killed),
	}
	if killed == "1" { // the URL the session dialled died with it: the relay moved to node 2's
		wants = append(wants, regexp.MustCompile(`failover 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+`))
		if !regexp.MustCompile(`· node 2 \(ND_\w+\) via 127\.0\.0\.1:\d+ ·`).MatchString(header) {
			t.Errorf("the header should name node 2's URL: %s", header)
		}
	}
	for _, want := range wants {
		if !want.MatchString(screen) {
			t.Errorf("the Events panel should show %s:\n%s", want, screen)
		}
	}
	if strings.Index(screen, "node_changed") > strings.Index(screen, "drill_result") {
		t.Errorf("the session should know its new node before the drill's result:\n%s", screen)
	}

	term.keys("4", "Enter") // our details in the roster
	term.waitFor("our node in the roster", 10*time.Second, "server      node "+other+" (ND_")

	// The Timeline marks the rejoin on the token it presented.
	term.keys("Escape", "6")
	screen = term.waitFor("the timeline", 10*time.Second, "6 Timeline", "refresh #1")
	if !regexp.MustCompile(regexp.QuoteMeta(strings.Replace(result[3], "refreshed", "refresh", 1)) + ` .*↻`).MatchString(screen) {
		t.Errorf("the timeline should mark the accepted rejoin on the token it presented (%s):\n%s", result[3], screen)
	}

	term.keys("q")
	term.waitFor("dashboard exit", 30*time.Second, "LKDASH-EXIT=0")
}
