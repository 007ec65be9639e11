package hooks

import (
	"testing"
	"time"

	"github.com/lkdash/lkdash/room"
)

func TestMatcherEitherOrder(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	m := NewMatcher()
	bobJoined := Delivery{Event: "participant_joined", Room: "r", Participant: "bob", ArrivedAt: at(1000)}
	if !m.Awaits(bobJoined) {
		t.Error("before Connected every room's delivery may still match")
	}
	m.Room(room.Connected{At: at(100), Room: "r", Local: room.Participant{Identity: "me"}})
	if _, ok := m.Lag(bobJoined); ok || !m.Awaits(bobJoined) {
		t.Error("bob's room event has not been seen yet")
	}
	m.Room(room.ParticipantJoined{At: at(3500), Participant: room.Participant{Identity: "bob"}})
	if lag, ok := m.Lag(bobJoined); !ok || lag != -2500*time.Millisecond {
		t.Errorf("lag = %v %v, want -2.5s (the webhook came first)", lag, ok)
	}
	for _, tc := range []struct {
		d    Delivery
		lag  time.Duration
		want bool
	}{
		{Delivery{Event: "room_started", Room: "r", ArrivedAt: at(90)}, -10 * time.Millisecond, true},
		{Delivery{Event: "participant_joined", Room: "r", Participant: "me", ArrivedAt: at(112)}, 12 * time.Millisecond, true},
		{Delivery{Event: "participant_joined", Room: "other", Participant: "bob", ArrivedAt: at(112)}, 0, false},
		{Delivery{Event: "egress_started", Room: "r", ArrivedAt: at(112)}, 0, false},
	} {
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
		{Delivery{Event: "track_published", Room: "r", Track: "TR_1", ArrivedAt: at(5020)}, 20 * time.Millisecond},
		{Delivery{Event: "participant_left", Room: "r", Participant: "bob", ArrivedAt: at(8000)}, -time.Second},
		{Delivery{Event: "participant_left", Room: "r", Participant: "me", ArrivedAt: at(10000)}, 100 * time.Millisecond},
	} {
		if lag, ok := m.Lag(tc.d); !ok || lag != tc.lag {
			t.Errorf("%s: lag %v %v, want %v", tc.d.Event, lag, ok, tc.lag)
		}
	}
}
