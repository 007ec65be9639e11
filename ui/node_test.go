package ui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

// nodeBackend is the fake backend with the managed cluster's nodes in
// reach; acted records each node action ("kill-node ND_one").
type nodeBackend struct {
	*fakeBackend
	mu    sync.Mutex
	acted []string
	err   error
}

func (b *nodeBackend) NodeAction(d room.Drill) func(string) error {
	return func(node string) error {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.acted = append(b.acted, string(d)+" "+node)
		return b.err
	}
}

// Two nodes of a fake managed cluster; node 1 is the fake backend's
// server.
const node1URL, node2URL = "ws://127.0.0.1:7880", "ws://127.0.0.1:7882"

func clusterNodes(n int) []ManagedNode {
	return []ManagedNode{{ID: "ND_one", URL: node1URL}, {ID: "ND_two", URL: node2URL}}[:n]
}

// clusterJoined is the dashboard on a managed deployment of nodes, the
// backend b, joined on node ND_one with every queued event applied.
func clusterJoined(t *testing.T, fb *fakeBackend, b Backend, nodes []ManagedNode, w, h int) Model {
	t.Helper()
	s := newFakeSession(fb.resp)
	fb.sess = s
	clk := newClock()
	m := testModel(t, clk, fb, w, h)
	m.cfg.Backend = b
	m = send(t, m, DevServerReadyMsg{EndpointURL: "http://127.0.0.1:7890/token", ServerURL: node1URL,
		APIKey: "devkey", APISecret: "secret", Nodes: nodes})
	s.ch <- room.Connected{At: t0, Room: "demo", Local: room.Participant{Identity: "alice"},
		ServerURL: fb.resp.ServerURL, ServerNode: "ND_one"}
	m = joinNow(t, m)
	return send(t, m, streamMsg{id: m.joinID, evs: drain(s.ch)})
}

// header is the frame's first line.
func header(m Model) string { return strings.SplitN(m.View(), "\n", 2)[0] }

// logHas reports whether the log holds an entry of typ whose text and
// detail contain every one of want.
func logHas(m Model, typ string, want ...string) bool {
	return slices.ContainsFunc(m.evs.entries.snapshot(), func(e *logEntry) bool {
		all := e.text + "\n" + strings.Join(e.detail, "\n")
		for _, w := range want {
			if !strings.Contains(all, w) {
				return false
			}
		}
		return e.typ == typ
	})
}

// failoverToNode2 is what a session sees when node 1 dies under it: the
// relay moves to node 2's URL, the SDK rejoins there with the refreshed
// token, and the server names the new node.
func failoverToNode2(at time.Time) []room.Event {
	ref := room.TokenRef{Refresh: 1, ExpiresAt: t0.Add(10 * time.Minute)}
	return []room.Event{
		room.Reconnecting{At: at},
		room.Failover{At: at.Add(1200 * time.Millisecond), From: room.Upstream{URL: node1URL}, To: room.Upstream{URL: node2URL},
			Reason: "connection lost: EOF; ws://127.0.0.1:7880: connection refused", Took: 1200 * time.Millisecond},
		room.ReconnectAttempt{At: at.Add(1300 * time.Millisecond), Attempt: 1, Elapsed: 1300 * time.Millisecond, Mode: "rejoin",
			Presented: ref, Accepted: true, Status: 101, Upstream: room.Upstream{URL: node2URL}},
		room.NodeChanged{At: at.Add(1500 * time.Millisecond), From: "ND_one", To: "ND_two"},
		room.Reconnected{At: at.Add(3 * time.Second)},
	}
}

// TestNodeInHeaderAndRoster: the header and the roster name our node
// (numbered as the managed cluster numbers it); a failover and a new
// node update both and are worded in the log: from where to where, why,
// how long, how the session came back and with which token.
func TestNodeInHeaderAndRoster(t *testing.T) {
	fb := newFetchBackend(t)
	m := clusterJoined(t, fb, fb, clusterNodes(2), 160, 40)
	if h := header(m); !strings.Contains(h, "· joined · node 1 (ND_one)") || strings.Contains(h, " via ") {
		t.Errorf("header on node 1, through the source's own URL: %q", h)
	}
	if v := m.roster.View(); !strings.Contains(v, "you: node 1 (ND_one)") {
		t.Errorf("the roster's status line should say where we are:\n%s", v)
	}

	for _, ev := range failoverToNode2(t0.Add(time.Minute)) {
		m.sess.(*fakeSession).ch <- ev
	}
	m = nextEvent(t, m)
	if h := header(m); !strings.Contains(h, "node 2 (ND_two) via 127.0.0.1:7882") {
		t.Errorf("header after the failover: %q", h)
	}
	if !logHas(m, "failover", "127.0.0.1:7880 → 127.0.0.1:7882 in 1.2s", "why: connection lost: EOF") {
		t.Errorf("the log should word the failover:\n%s", logText(m))
	}
	if !logHas(m, "node_changed", "node 1 (ND_one) → node 2 (ND_two): rejoined 1.5s after the connection was lost, presenting refreshed #1 (exp",
		"why: 127.0.0.1:7880 failed: connection lost") {
		t.Errorf("the log should word the move to node 2:\n%s", logText(m))
	}

	m = send(t, m, keyMsg("4"), keyMsg("enter")) // the roster; alice's details
	v := m.View()
	checkFrame(t, v, 160, 40)
	if !strings.Contains(v, "server") || !strings.Contains(v, "node 2 (ND_two) via 127.0.0.1:7882") || !strings.Contains(v, "node 1 (ND_one) → node 2 (ND_two)") {
		t.Errorf("our details should name the node and show the move:\n%s", v)
	}
}

// logText is the log's entries, a line each, for failure messages.
func logText(m Model) string {
	var b strings.Builder
	for _, e := range m.evs.entries.snapshot() {
		b.WriteString(e.typ + " " + e.text + " " + strings.Join(e.detail, " / ") + "\n")
	}
	return b.String()
}

// TestNodeFromAnotherServer: a server lkdash does not run is named by
// its ids alone, with the Cloud region it reports, and a hostile node id
// reaches the screen inert.
func TestNodeFromAnotherServer(t *testing.T) {
	fb := newFetchBackend(t)
	s := newFakeSession(fb.resp)
	fb.sess = s
	s.ch <- room.Connected{At: t0, Room: "demo", Local: room.Participant{Identity: "alice"},
		ServerURL: fb.resp.ServerURL, ServerNode: "ND_cloud1", ServerRegion: "us-east"}
	m := joinNow(t, testModel(t, newClock(), fb, 120, 30))
	if h := header(m); !strings.Contains(h, "node ND_cloud1 in us-east") {
		t.Errorf("header: %q", h)
	}
	s.ch <- room.Failover{At: t0.Add(time.Second), From: room.Upstream{URL: "wss://a.example", Region: "us-east"},
		To: room.Upstream{URL: "wss://b.example", Region: "eu-west"}, Reason: "connection lost", Took: time.Second}
	s.ch <- room.NodeChanged{At: t0.Add(2 * time.Second), From: "ND_cloud1", To: "ND_\x1b]52;c;aGk=\x07evil", Region: "eu-west"}
	m = nextEvent(t, m)
	h := header(m)
	if !strings.Contains(h, "node ND_evil via eu-west") {
		t.Errorf("header after the move: %q", h)
	}
	checkInert(t, m.View(), 120, 30)
	if !logHas(m, "failover", "us-east → eu-west in 1s") {
		t.Errorf("the failover names the regions:\n%s", logText(m))
	}
}

// TestNodeDrillsOffered: the drill key lists kill-node and stop-node only
// on a managed cluster of two nodes or more whose nodes the backend
// reaches; elsewhere the digits past the SDK's drills cancel.
func TestNodeDrillsOffered(t *testing.T) {
	for _, tc := range []struct {
		name  string
		nodes int
		reach bool
		offer bool
	}{
		{"cluster", 2, true, true},
		{"one node", 1, true, false},
		{"backend without node actions", 2, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fb := newFetchBackend(t)
			nb := &nodeBackend{fakeBackend: fb}
			var b Backend = fb
			if tc.reach {
				b = nb
			}
			m := clusterJoined(t, fb, b, clusterNodes(tc.nodes), 160, 40)
			m = send(t, m, keyMsg("d"))
			if got := strings.Contains(m.status, "6 kill-node 7 stop-node"); got != tc.offer {
				t.Errorf("prompt %q: node drills offered = %v, want %v", m.status, got, tc.offer)
			}
			if !strings.Contains(header(m), "5 node-failure") {
				t.Errorf("the header should show the prompt: %q", header(m))
			}
			m, cmd := sendCmd(t, m, keyMsg("6"))
			if tc.offer {
				if msg := findMsg[drillDoneMsg](t, cmd); msg.err != nil {
					t.Fatal(msg.err)
				}
				if !slices.Equal(nb.acted, []string{"kill-node ND_one"}) {
					t.Errorf("node actions: %v", nb.acted)
				}
				return
			}
			if cmd != nil || m.status != "drill cancelled" || len(nb.acted) != 0 {
				t.Errorf("6 should cancel here: status %q, acted %v", m.status, nb.acted)
			}
		})
	}
}

// TestNodeDrillReport: a kill-node drill from the dashboard says which
// node it kills, and its result says how the session came back (rejoined
// on node 2, through which URL, after how long, presenting which token)
// in the log and the header; the reconnect shows on the timeline like the
// SDK's drills. A failed action says why.
func TestNodeDrillReport(t *testing.T) {
	fb := newFetchBackend(t)
	nb := &nodeBackend{fakeBackend: fb}
	m := clusterJoined(t, fb, nb, clusterNodes(2), 160, 40)
	m = send(t, m, keyMsg("d"))
	m, cmd := sendCmd(t, m, keyMsg("6"))
	m = send(t, m, findMsg[drillDoneMsg](t, cmd))

	at := t0.Add(time.Minute)
	ref := room.TokenRef{Refresh: 1, ExpiresAt: t0.Add(10 * time.Minute)}
	evs := append([]room.Event{room.DrillStarted{At: at, Drill: room.DrillKillNode}}, failoverToNode2(at)...)
	evs = append(evs, room.DrillResult{At: at.Add(3210 * time.Millisecond), Drill: room.DrillKillNode, Outcome: room.DrillRecovered,
		Recovery: 3210 * time.Millisecond, Attempts: 1, Presented: &ref, Mode: "rejoin", FromNode: "ND_one", Node: "ND_two",
		Upstream: &room.Upstream{URL: node2URL}})
	s := m.sess.(*fakeSession)
	for _, ev := range evs {
		s.ch <- ev
	}
	m = nextEvent(t, m)
	if h := header(m); !strings.Contains(h, "node 2 (ND_two) via 127.0.0.1:7882 · kill-node: rejoined in 3.21s, presenting refreshed #1 (exp 01:47:00), on another node after 1 attempt") {
		t.Errorf("header after the drill: %q", h)
	}
	want := "kill-node: rejoined in 3.21s, presenting refreshed #1 (exp 01:47:00), on node 2 (ND_two) via 127.0.0.1:7882 after 1 attempt"
	if !logHas(m, "drill_started", "kill-node: killing node 1 (ND_one), which hosts the room") || !logHas(m, "drill_result", want) {
		t.Errorf("the log should say what the drill did and how the session came back:\n%s", logText(m))
	}
	if !logHas(m, "node_changed", "why: the kill-node drill killed node 1 (ND_one), which hosted the room") {
		t.Errorf("the move should name the drill as its cause:\n%s", logText(m))
	}
	if len(m.tl.marks) != 1 || m.tl.marks[0].refresh != 1 || !m.tl.marks[0].accepted {
		t.Errorf("the timeline should mark the accepted rejoin on refresh #1: %+v", m.tl.marks)
	}

	nb.err = errors.New("the room's node ND_one is not one lkdash runs")
	m = send(t, m, keyMsg("d"))
	_, cmd = sendCmd(t, m, keyMsg("7"))
	if msg := findMsg[drillDoneMsg](t, cmd); msg.err == nil || !slices.Contains(nb.acted, "stop-node ND_one") {
		t.Errorf("stop-node: %v, acted %v", msg.err, nb.acted)
	}
}

// TestDrillOutcomeWords: every outcome of a drill says what the session
// did, from the event alone when nothing else is known.
func TestDrillOutcomeWords(t *testing.T) {
	names := newNodeNames(clusterNodes(2))
	for _, tc := range []struct {
		e    room.DrillResult
		want string
	}{
		{room.DrillResult{Drill: room.DrillSignalReconnect, Outcome: room.DrillRecovered, Mode: "resume", Recovery: 120 * time.Millisecond,
			Attempts: 1, Presented: &room.TokenRef{}, FromNode: "ND_one", Node: "ND_one"},
			"signal-reconnect: resumed in 120ms, presenting original, on node 1 (ND_one) (the same node) after 1 attempt"},
		{room.DrillResult{Drill: room.DrillStopNode, Outcome: room.DrillEnded, Attempts: 2, Detail: "server shutting down"},
			"stop-node: the session ended: server shutting down"},
		{room.DrillResult{Drill: room.DrillKillNode, Outcome: room.DrillNoReconnect, Detail: "no reconnect within 30s"},
			"kill-node: nothing to recover: no reconnect within 30s"},
		{room.DrillResult{Drill: room.DrillKillNode, Outcome: room.DrillNotRun, Detail: "no such node"},
			"kill-node did not run: no such node"},
		{room.DrillResult{Drill: room.DrillMigration, Outcome: room.DrillRecovered, Recovery: time.Second, Attempts: 2, Node: "ND_x"},
			"migration: recovered in 1s, on node ND_x after 2 attempts"},
	} {
		if got := drillOutcome(tc.e, names, false); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}

// TestGoldenClusterFailover: on a two-node managed cluster, node 1 dies
// under a kill-node drill: the header names node 2 and the address that
// took the rejoin, the log words the drill, the failover, the move and
// the result.
func TestGoldenClusterFailover(t *testing.T) {
	for _, sz := range [][2]int{{100, 30}, {160, 45}} {
		w, h := sz[0], sz[1]
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			b := newFetchBackend(t)
			s := newFakeSession(b.resp)
			b.sess = s
			at := t0.Add(2 * time.Second)
			ref := room.TokenRef{Refresh: 1, ExpiresAt: t0.Add(10 * time.Minute)}
			s.ch <- room.Connected{At: t0.Add(time.Second), Room: "demo", Local: room.Participant{Identity: "alice", Name: "Alice", JoinedAt: t0},
				ServerVersion: "1.13.5", ServerURL: b.resp.ServerURL, ServerNode: "ND_one"}
			raw := mintJWT(t, baseClaims(t0.Add(time.Second), 10*time.Minute))
			dec, _ := tokens.Decode(raw)
			s.ch <- room.TokenRefreshed{At: t0.Add(time.Second), Token: raw, Decoded: dec}
			s.ch <- room.DrillStarted{At: at, Drill: room.DrillKillNode}
			for _, ev := range failoverToNode2(at) {
				s.ch <- ev
			}
			s.ch <- room.DrillResult{At: at.Add(3210 * time.Millisecond), Drill: room.DrillKillNode, Outcome: room.DrillRecovered,
				Recovery: 3210 * time.Millisecond, Attempts: 1, Presented: &ref, Mode: "rejoin", FromNode: "ND_one", Node: "ND_two",
				Upstream: &room.Upstream{URL: node2URL}}
			ready := DevServerReadyMsg{EndpointURL: "http://127.0.0.1:7890/token", ServerURL: node1URL, APIKey: "devkey", APISecret: "secret", Nodes: clusterNodes(2)}
			runGoldenAt(t, w, h, b, "drill_result", ready, keyMsg("j"))
		})
	}
}
