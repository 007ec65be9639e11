package ui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

// nextEvent delivers the session's queued events to the model.
func nextEvent(t *testing.T, m Model) Model {
	t.Helper()
	return send(t, m, findMsg[streamMsg](t, waitEvent(m.sess, m.joinID)))
}

// TestTimelineKeyShowsTheSession: the timeline panel (6) shows the refresh
// and the reconnect that presented it, legibly at 80 columns.
func TestTimelineKeyShowsTheSession(t *testing.T) {
	b := newFetchBackend(t)
	s := newFakeSession(b.resp)
	b.sess = s
	clk := newClock()
	m := joinNow(t, testModel(t, clk, b, 80, 24))
	raw := mintJWT(t, baseClaims(t0.Add(time.Second), 10*time.Minute))
	dec, _ := tokens.Decode(raw)
	s.ch <- room.TokenRefreshed{At: t0.Add(time.Second), Token: raw, Decoded: dec}
	s.ch <- room.ReconnectAttempt{At: t0.Add(time.Minute), Attempt: 1, Mode: "resume", Accepted: true,
		Status: 101, Presented: room.TokenRef{Refresh: 1, ExpiresAt: dec.ExpiresAt}}
	m = nextEvent(t, m) // all three arrive in one batch
	clk.Advance(2 * time.Minute)
	m = send(t, m, keyMsg("6")) // at 80 columns it is a tab below the token
	v := m.View()
	checkFrame(t, v, 80, 24)
	if !strings.Contains(v, "[6 Time") || !strings.Contains(v, "refresh #1") || !strings.Contains(v, string(glyphReconnect)) {
		t.Fatalf("timeline view:\n%s", v)
	}
	if !strings.Contains(v, "z zoom") {
		t.Errorf("the help should offer the timeline's zoom:\n%s", v)
	}
	if !slices.ContainsFunc(m.evs.entries.snapshot(), func(e *logEntry) bool {
		return e.typ == "reconnect_attempt" && strings.Contains(e.text, "presented refreshed #1")
	}) {
		t.Error("the log should name the token the reconnect presented")
	}
}

// TestDrillKeys: d then a digit runs that drill; d then anything else
// cancels.
func TestDrillKeys(t *testing.T) {
	b := newFetchBackend(t)
	s := newFakeSession(b.resp)
	b.sess = s
	m := joinNow(t, testModel(t, newClock(), b, 100, 30))
	m = send(t, m, keyMsg("d"))
	// At 100 columns the names do not fit the title line: every choice
	// shows, in short.
	title := strings.SplitN(m.View(), "\n", 2)[0]
	if !strings.Contains(title, "4 migrate") || !strings.Contains(title, "5 node-fail · esc") {
		t.Errorf("title %q should list every drill", title)
	}
	wide := send(t, joinNow(t, testModel(t, newClock(), b, 160, 40)), keyMsg("d"))
	if title := strings.SplitN(wide.View(), "\n", 2)[0]; !strings.Contains(title, "4 migration 5 node-failure · esc cancels") {
		t.Errorf("title %q should list the drills by name", title)
	}
	m, cmd := sendCmd(t, m, keyMsg("4"))
	findMsg[drillDoneMsg](t, cmd)
	m = send(t, m, keyMsg("d"), keyMsg("x"))
	if !slices.Equal(s.drills, []room.Drill{room.DrillMigration}) || m.drillPick {
		t.Errorf("drills run = %v", s.drills)
	}
}

// TestDrillPromptFitsEveryChoice: on a managed cluster (seven drills) at
// 80 columns, every digit and its drill still shows.
func TestDrillPromptFitsEveryChoice(t *testing.T) {
	all := []room.Drill{room.DrillSignalReconnect, room.DrillFullReconnect, room.DrillServerLeave, room.DrillMigration,
		room.DrillNodeFailure, room.DrillKillNode, room.DrillStopNode}
	for _, w := range []int{62, 90, 140} {
		p := drillPrompt(all, w)
		if ansi.StringWidth(p) > w || !strings.Contains(p, "1 signal") || !strings.Contains(p, "7 stop") {
			t.Errorf("at %d: %q", w, p)
		}
	}
}

type fakeDevServer struct {
	restarts int
}

func (f *fakeDevServer) Restart(context.Context) DevServerReadyMsg {
	f.restarts++
	return DevServerReadyMsg{EndpointURL: "http://127.0.0.1:7999", APIKey: "devkey", APISecret: "secret"}
}

// TestServerDeathOffersRestart: when the managed server dies the log shows
// its exit and log tail, and R restarts it and joins again.
func TestServerDeathOffersRestart(t *testing.T) {
	b := newFetchBackend(t)
	s := newFakeSession(b.resp)
	b.sess = s
	m := testModel(t, newClock(), b, 100, 30)
	ds := &fakeDevServer{}
	m.cfg.DevServer = ds
	m = joinNow(t, m)
	if m.keys().RestartServer.Enabled() {
		t.Fatal("R enabled while the server runs")
	}
	s.ch <- room.Disconnected{At: t0, Code: devserver.DisconnectCode, Reason: "the local livekit-server exited (signal: killed); its log is /tmp/lk.log",
		Detail: []string{"INFO\x1b[31m last words"}}
	s.Leave()                   // a real session closes its events after Disconnected
	m = nextEvent(t, m)         // Disconnected, and the stream ends
	m = send(t, m, keyMsg("3")) // the log
	v := m.View()
	checkFrame(t, v, 100, 30)
	if !m.keys().RestartServer.Enabled() || !strings.Contains(v, "R restarts it") || !strings.Contains(v, "last words") {
		t.Fatalf("after the server died:\n%s", v)
	}
	s2 := newFakeSession(b.resp)
	b.sess = s2
	m, cmd := sendCmd(t, m, keyMsg("R"))
	m = pump(t, m, cmd, isJoinOutcome)
	if ds.restarts != 1 || m.join != joined || m.sess != Session(s2) {
		t.Errorf("R should restart the server and rejoin: restarts %d, join state %v", ds.restarts, m.join)
	}
}

// TestReconnectAttemptsInHeader: each reconnect attempt shows in the
// header as it happens, and the session's end says why.
func TestReconnectAttemptsInHeader(t *testing.T) {
	b := newFetchBackend(t)
	s := newFakeSession(b.resp)
	b.sess = s
	m := joinNow(t, testModel(t, newClock(), b, 100, 30))
	s.ch <- room.Reconnecting{At: t0}
	s.ch <- room.ReconnectAttempt{At: t0.Add(2 * time.Second), Attempt: 3, Elapsed: 2 * time.Second, Mode: "rejoin",
		Presented: room.TokenRef{Refresh: 1}, Error: "dial tcp 127.0.0.1:1: connect: connection refused"}
	m = nextEvent(t, m)
	if !strings.Contains(m.View(), "reconnect attempt 3 failed after 2s") {
		t.Errorf("header should show the attempt:\n%s", m.View())
	}
	s.ch <- room.Disconnected{At: t0.Add(time.Minute), Code: "SIGNAL_CLOSE", ReconnectAttempts: 10,
		Reason: "gave up reconnecting after 10 attempts over 1m0s; last: connection refused"}
	s.Leave()
	m = nextEvent(t, m)
	if !strings.Contains(m.View(), "gave up reconnecting after 10 attempts") {
		t.Errorf("header should give the final reason:\n%s", m.View())
	}
}
