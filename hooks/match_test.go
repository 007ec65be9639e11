package hooks

import (
	"testing"
	"time"

	"github.com/lkdash/lkdash/room"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

func TestMatcherEitherOrder(t *testing.T) {
	m := NewMatcher()
	bobJoined := Delivery{ID: "EV_bob", Event: "participant_joined", Room: "r", Participant: "bob", ArrivedAt: at(1000)}
	if !m.Awaits(bobJoined) {
		t.Error("before Connected every room's delivery may still match")
	}
	m.Room(room.Connected{At: at(100), Room: "r", Local: room.Participant{Identity: "me"}})
	m.Add(bobJoined)
	if _, ok := m.Lag(bobJoined); ok || !m.Awaits(bobJoined) {
		t.Error("bob's room event has not been seen yet")
	}
	m.Room(room.ParticipantJoined{At: at(3500), Participant: room.Participant{Identity: "bob"}})
	if lag, ok := m.Lag(bobJoined); !ok || lag != -2500*time.Millisecond || m.Awaits(bobJoined) {
		t.Errorf("lag = %v %v, want -2.5s (the webhook came first)", lag, ok)
	}
	for _, tc := range []struct {
		d    Delivery
		lag  time.Duration
		want bool
	}{
		{Delivery{ID: "EV_rs", Event: "room_started", Room: "r", ArrivedAt: at(90)}, -10 * time.Millisecond, true},
		{Delivery{ID: "EV_me", Event: "participant_joined", Room: "r", Participant: "me", ArrivedAt: at(112)}, 12 * time.Millisecond, true},
		{Delivery{ID: "EV_o", Event: "participant_joined", Room: "other", Participant: "bob", ArrivedAt: at(112)}, 0, false},
		{Delivery{ID: "EV_eg", Event: "egress_started", Room: "r", ArrivedAt: at(112)}, 0, false},
	} {
		m.Add(tc.d)
		lag, ok := m.Lag(tc.d)
		if ok != tc.want || lag != tc.lag {
			t.Errorf("%s %s: lag %v %v, want %v %v", tc.d.Event, tc.d.Participant, lag, ok, tc.lag, tc.want)
		}
	}
	if m.Awaits(Delivery{Event: "participant_joined", Room: "other", Participant: "x"}) {
		t.Error("another room's delivery never matches")
	}
	m.Room(room.TrackPublished{At: at(5000), Identity: "bob", Track: room.Track{SID: "TR_1"}})
	m.Room(room.ParticipantLeft{At: at(9000), Participant: room.Participant{Identity: "bob"}})
	m.Room(room.Disconnected{At: at(9900)})
	for _, tc := range []struct {
		d   Delivery
		lag time.Duration
	}{
		{Delivery{ID: "EV_tp", Event: "track_published", Room: "r", Track: "TR_1", ArrivedAt: at(5020)}, 20 * time.Millisecond},
		{Delivery{ID: "EV_bl", Event: "participant_left", Room: "r", Participant: "bob", ArrivedAt: at(8000)}, -time.Second},
		{Delivery{ID: "EV_ml", Event: "participant_left", Room: "r", Participant: "me", ArrivedAt: at(10000)}, 100 * time.Millisecond},
	} {
		m.Add(tc.d)
		if lag, ok := m.Lag(tc.d); !ok || lag != tc.lag {
			t.Errorf("%s: lag %v %v, want %v", tc.d.Event, lag, ok, tc.lag)
		}
	}
}

// TestMatcherNodeMove: a node move starts the room again on the new node
// and joins us to it; those webhooks are timed against the move, not the
// join, even when they come before the session sees the move, and even
// when the room was there before we joined (no first room_started).
func TestMatcherNodeMove(t *testing.T) {
	for _, roomWasNew := range []bool{true, false} {
		m := NewMatcher()
		m.Room(room.Connected{At: at(0), Room: "r", Local: room.Participant{Identity: "me"}})
		first := Delivery{ID: "EV_1", Event: "room_started", Room: "r", ArrivedAt: at(8)}
		if roomWasNew {
			m.Add(first)
		}
		again := Delivery{ID: "EV_2", Event: "room_started", Room: "r", ArrivedAt: at(7030)}
		rejoined := Delivery{ID: "EV_3", Event: "participant_joined", Room: "r", Participant: "me", ArrivedAt: at(7031)}
		m.Add(again)
		m.Add(rejoined)
		if !m.Awaits(again) || !m.Awaits(rejoined) {
			t.Errorf("room was new %v: the webhooks of the move were paired with the join", roomWasNew)
		}
		m.Room(room.NodeChanged{At: at(7035), From: "ND_a", To: "ND_b"})
		for _, d := range []Delivery{again, rejoined} {
			if lag, ok := m.Lag(d); !ok || lag > 0 || lag < -5*time.Millisecond {
				t.Errorf("room was new %v: %s lag %v %v, want a few ms before the move", roomWasNew, d.Event, lag, ok)
			}
		}
		m.Add(again) // a retry keeps its pairing
		if lag, _ := m.Lag(again); lag != -5*time.Millisecond {
			t.Errorf("a retry moved the pairing: %v", lag)
		}
		if lag, ok := m.Lag(first); roomWasNew && (!ok || lag != 8*time.Millisecond) {
			t.Errorf("the first room_started: lag %v %v, want 8ms", lag, ok)
		}
	}
}

// TestMatcherOneDeliveryPerEvent: two deliveries for one room event (a
// second participant_left for the same identity, say) do not both claim it.
func TestMatcherOneDeliveryPerEvent(t *testing.T) {
	m := NewMatcher()
	m.Room(room.Connected{At: at(0), Room: "r", Local: room.Participant{Identity: "me"}})
	m.Room(room.ParticipantLeft{At: at(1000), Participant: room.Participant{Identity: "bob"}})
	a := Delivery{ID: "EV_a", Event: "participant_left", Room: "r", Participant: "bob", ArrivedAt: at(1010)}
	b := Delivery{ID: "EV_b", Event: "participant_left", Room: "r", Participant: "bob", ArrivedAt: at(1020)}
	m.Add(a)
	m.Add(b)
	if _, ok := m.Lag(a); !ok {
		t.Error("the first delivery was not paired")
	}
	if _, ok := m.Lag(b); ok || !m.Awaits(b) {
		t.Error("the second delivery took the same room event")
	}
}
