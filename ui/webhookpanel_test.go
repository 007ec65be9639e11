package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/lkdash/lkdash/hooks"
	"github.com/lkdash/lkdash/room"
)

// delivery is a webhook as the receiver reports it; a forged one failed
// the body hash.
func delivery(event, participant string, at time.Time, verified bool) hooks.Delivery {
	d := hooks.Delivery{ArrivedAt: at, Event: event, ID: "EV_" + event + participant, Room: "demo", RoomSID: "RM_demo",
		Participant: participant, CreatedAt: at.Truncate(time.Second), Verified: verified, SignedWith: "devkey", Size: 96,
		Body: []byte(`{"event":"` + event + `","room":{"name":"demo"},"participant":{"identity":"` + participant + `"}}`)}
	if !verified {
		d.Cause = hooks.CauseHashMismatch
		d.Reason = "body changed after signing (hash mismatch): the token signs sha256 n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=, the body has 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
	}
	return d
}

// withReceiver is a dashboard whose backend has the managed server's
// webhook receiver, followed as the server comes up.
func withReceiver(t *testing.T, clk *fakeClock, b *fakeBackend, w, h int) Model {
	t.Helper()
	b.hooks = make(chan hooks.Delivery, 16)
	m := testModel(t, clk, b, w, h)
	m = send(t, m, DevServerReadyMsg{EndpointURL: "http://127.0.0.1:7890/token", ServerURL: "ws://127.0.0.1:7880", APIKey: "devkey", APISecret: "secret"})
	if m.hookCh == nil {
		t.Fatal("the dashboard does not follow the receiver once the server is up")
	}
	return m
}

// deliver hands deliveries to the dashboard as the receiver's channel would.
func deliver(t *testing.T, m Model, ds ...hooks.Delivery) Model {
	t.Helper()
	return send(t, m, webhooksMsg{from: m.hookCh, ds: ds})
}

// TestWebhooksLagAfterTheRoomEvent: each delivery shows how long after
// the session's room event it came, read when drawn: a webhook that beats
// its room event first waits for it, then says how far ahead it was; a
// forged delivery says why instead.
func TestWebhooksLagAfterTheRoomEvent(t *testing.T) {
	clk := newClock()
	b := newFetchBackend(t)
	m := joinNow(t, withReceiver(t, clk, b, 100, 30)) // Connected at t0
	m = send(t, m, keyMsg(pWebhooks.key()))
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }

	m = deliver(t, m, delivery("room_started", "", t0.Add(ms(300)), true), delivery("participant_joined", "bob", t0.Add(2*time.Second), true))
	if v := m.hooks.View(); !strings.Contains(v, "room_started +300 ms after the room event") || !strings.Contains(v, "participant_joined bob no room event yet") {
		t.Fatalf("before bob's room event:\n%s", v)
	}
	bob := room.ParticipantJoined{At: t0.Add(ms(2012)), Participant: room.Participant{Identity: "bob"}}
	carol := room.ParticipantJoined{At: t0.Add(3 * time.Second), Participant: room.Participant{Identity: "carol"}}
	m = send(t, m, streamMsg{id: m.joinID, evs: []room.Event{bob, carol}})
	m = deliver(t, m, delivery("participant_joined", "carol", t0.Add(ms(3012)), true), delivery("participant_joined", "mallory", t0.Add(4*time.Second), false))
	v := m.hooks.View()
	for _, want := range []string{
		"participant_joined bob 12 ms before the room event",
		"participant_joined carol +12 ms after the room event",
		"✗ participant_joined mallory NOT VERIFIED: body changed after signing (hash mismatch)",
		"4 deliveries · 1 not verified · receiving at http://127.0.0.1:41234/",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q in:\n%s", want, v)
		}
	}
	// enter opens the newest (the cursor follows new deliveries): the
	// whole reason, the body.
	m = send(t, m, keyMsg("enter"))
	v = strings.Join(m.hooks.detailLines(), "\n") // every line, as scrolling shows them
	for _, want := range []string{"NO: body changed after signing (hash mismatch): the token signs", `"identity": "mallory"`, "EV_participant_joinedmallory"} {
		if !strings.Contains(v, want) {
			t.Errorf("details lack %q:\n%s", want, v)
		}
	}
	m = send(t, m, keyMsg("esc"), keyMsg("up"), keyMsg("enter"))
	if v := m.hooks.View(); !strings.Contains(v, "room event  +12 ms: the webhook came after the session saw it") {
		t.Errorf("carol's details:\n%s", v)
	}
}

// TestWebhooksEachSessionTimesItsOwn: after a rejoin, the same event in
// the new session does not re-time the old delivery, and the new one is
// timed against the new session.
func TestWebhooksEachSessionTimesItsOwn(t *testing.T) {
	clk := newClock()
	b := newFetchBackend(t)
	m := joinNow(t, withReceiver(t, clk, b, 100, 30))
	m = send(t, m, streamMsg{id: m.joinID, evs: []room.Event{room.ParticipantJoined{At: t0.Add(time.Second), Participant: room.Participant{Identity: "bob"}}}})
	m = deliver(t, m, delivery("participant_joined", "bob", t0.Add(time.Second+40*time.Millisecond), true))
	m = send(t, m, keyMsg("l"))
	clk.Advance(time.Minute)
	b.sess = nil
	m = joinNow(t, m)
	m = send(t, m, streamMsg{id: m.joinID, evs: []room.Event{room.ParticipantJoined{At: clk.Now().Add(time.Second), Participant: room.Participant{Identity: "bob"}}}})
	m = deliver(t, m, delivery("participant_joined", "bob", clk.Now().Add(time.Second+7*time.Millisecond), true))
	// Our own participant_left trails our leave: timed against it.
	m = send(t, m, keyMsg("l"))
	m = deliver(t, m, delivery("participant_left", "alice", clk.Now().Add(25*time.Millisecond), true))
	v := m.hooks.View()
	for _, want := range []string{"bob +40 ms after", "bob +7.0 ms after", "participant_left alice +25 ms after"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q: each delivery should keep its own session's lag:\n%s", want, v)
		}
	}
}

// TestWebhooksWithoutManagedServer: with a server the dashboard did not
// start there is nothing to receive, and the panel says how to get the
// webhooks of another server.
func TestWebhooksWithoutManagedServer(t *testing.T) {
	m := testModel(t, newClock(), newFetchBackend(t), 160, 45)
	m = send(t, m, keyMsg(pWebhooks.key()))
	v := m.View()
	for _, want := range []string{"No managed server", "lkdash webhook listen --addr 127.0.0.1:8090", `urls: ["http://127.0.0.1:8090/"]`, "api_key: <its API key>"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q in:\n%s", want, v)
		}
	}
	if m.hookCh != nil {
		t.Error("nothing to follow without a receiver")
	}
}

// TestWebhooksFollowTheReceiver: deliveries arrive through the backend's
// channel, a burst in one message; a restarted server keeps its receiver
// (followed once); a closed receiver ends the wait.
func TestWebhooksFollowTheReceiver(t *testing.T) {
	b := newFetchBackend(t)
	b.hooks = make(chan hooks.Delivery, 16)
	m := testModel(t, newClock(), b, 160, 45)
	b.hooks <- delivery("room_started", "", t0, true)
	b.hooks <- delivery("participant_joined", "bob", t0, true)
	ready := DevServerReadyMsg{EndpointURL: "http://127.0.0.1:7890/token", ServerURL: "ws://127.0.0.1:7880"}
	m, cmd := sendCmd(t, m, ready)
	msg := findMsg[webhooksMsg](t, cmd)
	if len(msg.ds) != 2 || msg.closed {
		t.Fatalf("one message for the burst: %d deliveries, closed %v", len(msg.ds), msg.closed)
	}
	m = send(t, m, msg)
	if m.hooks.feed.len() != 2 {
		t.Fatalf("%d deliveries in the panel", m.hooks.feed.len())
	}
	b.hooks <- delivery("participant_left", "bob", t0, true)
	m, cmd = sendCmd(t, m, ready)
	for _, msg := range runCmd(cmd) {
		if _, ok := msg.(webhooksMsg); ok {
			t.Error("a restarted server's receiver is followed already")
		}
	}
	<-b.hooks
	close(b.hooks)
	m, cmd = sendCmd(t, m, webhooksMsg{from: m.hookCh})
	m = send(t, m, findMsg[webhooksMsg](t, cmd))
	if m.hookCh != nil {
		t.Error("a closed receiver is no longer followed")
	}
}
