package hooks

import (
	"time"

	"github.com/lkdash/lkdash/room"
)

// Key names what a webhook or a room event is about: the event and its
// subject (a participant's identity or a track's id) in one room.
type Key struct {
	Event   string // the webhook event name: "participant_joined", …
	Room    string // the room's name
	Subject string // identity, track id, or "" for the room itself
}

// Key is what the delivery reports; false for events no room event shows.
func (d Delivery) Key() (Key, bool) {
	k := Key{Event: d.Event, Room: d.Room}
	switch d.Event {
	case "room_started":
	case "participant_joined", "participant_left", "participant_connection_aborted":
		k.Subject = d.Participant
	case "track_published", "track_unpublished":
		k.Subject = d.Track
	default:
		return Key{}, false
	}
	return k, d.Room != ""
}

// Matcher pairs deliveries with the room events one session saw for the
// same thing, in either order: the webhook can beat the room event (the
// server announces participants that publish nothing in 3 s batches) or
// trail it. Feed it the session's events from Connected on. Not safe for
// concurrent use.
type Matcher struct {
	room   string
	local  string
	events map[Key]time.Time
}

// NewMatcher returns an empty Matcher.
func NewMatcher() *Matcher { return &Matcher{events: map[Key]time.Time{}} }

// Room notes the keys a room event stands for.
func (m *Matcher) Room(ev room.Event) {
	for _, k := range m.keys(ev) {
		m.events[k] = ev.Time()
	}
}

// Lag is d's arrival minus when the session saw the matching room event
// (negative when the webhook came first); false until both are known.
func (m *Matcher) Lag(d Delivery) (time.Duration, bool) {
	k, ok := d.Key()
	if !ok {
		return 0, false
	}
	at, ok := m.events[k]
	if !ok {
		return 0, false
	}
	return d.ArrivedAt.Sub(at), true
}

// Awaits reports whether a room event may still come for d: it is about
// this session's room (or the room is not known yet) and has no match yet.
func (m *Matcher) Awaits(d Delivery) bool {
	k, ok := d.Key()
	if !ok || (m.room != "" && k.Room != m.room) {
		return false
	}
	_, seen := m.events[k]
	return !seen
}

// keys lists what a room event stands for. Our own join is room_started
// and participant_joined for us; whoever was there before us joined
// before we could see it, so only later arrivals count.
func (m *Matcher) keys(ev room.Event) []Key {
	k := func(event, subject string) Key { return Key{Event: event, Room: m.room, Subject: subject} }
	switch e := ev.(type) {
	case room.Connected:
		m.room, m.local = e.Room, e.Local.Identity
		return []Key{k("room_started", ""), k("participant_joined", e.Local.Identity)}
	case room.ParticipantJoined:
		return []Key{k("participant_joined", e.Participant.Identity)}
	case room.ParticipantLeft:
		id := e.Participant.Identity
		return []Key{k("participant_left", id), k("participant_connection_aborted", id)}
	case room.Disconnected:
		return []Key{k("participant_left", m.local)}
	case room.TrackPublished:
		return []Key{k("track_published", e.Track.SID)}
	case room.TrackUnpublished:
		return []Key{k("track_unpublished", e.Track.SID)}
	}
	return nil
}
