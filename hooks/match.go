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

// MatchWindow is how far apart a delivery and the room event it reports
// may be: livekit-server announces participants that publish nothing in
// 3 s batches, so a participant_joined webhook often comes first, and a
// webhook trails its event by its delivery's latency.
const MatchWindow = 5 * time.Second

// Matcher pairs deliveries with the room events one session saw for the
// same thing, in either order, one delivery per room event: the same
// thing can happen twice in a session (a node move starts the room again
// on another node, and joins us to it), and each webhook is timed against
// its own occurrence. Feed it the session's events from Connected on, and
// each delivery as it arrives (Add). Not safe for concurrent use.
type Matcher struct {
	room, local string
	seen        map[Key][]occurrence     // the room events, in order, per key
	pending     map[Key][]Delivery       // deliveries still without a room event
	paired      map[string]time.Duration // a delivery's lag, by pairID
}

// occurrence is one room event for a key, and whether a delivery took it.
type occurrence struct {
	at    time.Time
	taken bool
}

// NewMatcher returns an empty Matcher.
func NewMatcher() *Matcher {
	return &Matcher{seen: map[Key][]occurrence{}, pending: map[Key][]Delivery{}, paired: map[string]time.Duration{}}
}

// pairID tells deliveries apart: a retry has its first try's event id.
func pairID(d Delivery) string {
	if d.ID != "" {
		return d.ID
	}
	return d.Event + "@" + d.ArrivedAt.Format(time.RFC3339Nano)
}

// Room notes a room event: each key it stands for pairs with the first
// delivery waiting for it, if one does.
func (m *Matcher) Room(ev room.Event) {
	for _, k := range m.keys(ev) {
		o := occurrence{at: ev.Time()}
		for i, d := range m.pending[k] {
			if near(d.ArrivedAt, o.at) {
				m.paired[pairID(d)] = d.ArrivedAt.Sub(o.at)
				m.pending[k] = append(m.pending[k][:i:i], m.pending[k][i+1:]...)
				o.taken = true
				break
			}
		}
		m.seen[k] = append(m.seen[k], o)
	}
}

// Add notes a delivery: it pairs with the nearest room event seen for its
// key that no other delivery took, or waits for one to come.
func (m *Matcher) Add(d Delivery) {
	if m.Claim(d) || !m.Awaits(d) {
		return
	}
	if k, _ := d.Key(); !m.isPending(k, d) {
		m.pending[k] = append(m.pending[k], d)
	}
}

// Claim pairs d with a room event already seen, as Add does, but does not
// keep it waiting: false when no such event is free.
func (m *Matcher) Claim(d Delivery) bool {
	k, ok := d.Key()
	if !ok {
		return false
	}
	id := pairID(d)
	if _, done := m.paired[id]; done {
		return true // a retry of a delivery already paired
	}
	best := -1
	for i, o := range m.seen[k] {
		if !o.taken && near(d.ArrivedAt, o.at) && (best < 0 || gap(d.ArrivedAt, o.at) < gap(d.ArrivedAt, m.seen[k][best].at)) {
			best = i
		}
	}
	if best < 0 {
		return false
	}
	m.seen[k][best].taken = true
	m.paired[id] = d.ArrivedAt.Sub(m.seen[k][best].at)
	return true
}

func (m *Matcher) isPending(k Key, d Delivery) bool {
	for _, p := range m.pending[k] {
		if pairID(p) == pairID(d) {
			return true
		}
	}
	return false
}

// Lag is d's arrival minus when the session saw the room event it is
// paired with (negative when the webhook came first); false while it has
// none, or when d was never added.
func (m *Matcher) Lag(d Delivery) (time.Duration, bool) {
	lag, ok := m.paired[pairID(d)]
	return lag, ok
}

// Awaits reports whether a room event may still come for d: it is about
// this session's room (or the room is not known yet) and has no match yet.
func (m *Matcher) Awaits(d Delivery) bool {
	k, ok := d.Key()
	if !ok || (m.room != "" && k.Room != m.room) {
		return false
	}
	_, paired := m.paired[pairID(d)]
	return !paired
}

func near(a, b time.Time) bool { return gap(a, b) <= MatchWindow }

func gap(a, b time.Time) time.Duration {
	if a.Before(b) {
		return b.Sub(a)
	}
	return a.Sub(b)
}

// keys lists what a room event stands for. Our own join is room_started
// and participant_joined for us; whoever was there before us joined
// before we could see it, so only later arrivals count. A node move is
// both again: the new node starts the room and joins us to it.
func (m *Matcher) keys(ev room.Event) []Key {
	k := func(event, subject string) Key { return Key{Event: event, Room: m.room, Subject: subject} }
	switch e := ev.(type) {
	case room.Connected:
		m.room, m.local = e.Room, e.Local.Identity
		return []Key{k("room_started", ""), k("participant_joined", e.Local.Identity)}
	case room.NodeChanged:
		return []Key{k("room_started", ""), k("participant_joined", m.local)}
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
