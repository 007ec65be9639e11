package room

import (
	"maps"
	"slices"
)

// Member is one participant on a Roster.
type Member struct {
	Participant
	Local    bool   // ourselves
	Speaking bool   // in the current active-speaker list
	Quality  string // connection quality: "excellent", "good", "poor", "lost"; "" until known
}

// Roster is a room's participants as a session's events describe them:
// the local participant first, then the others in the order they joined.
// Feed it every event of one session, in order, starting with Connected.
// Not safe for concurrent use.
type Roster struct {
	order   []string // identities
	members map[string]*Member
}

// NewRoster returns an empty roster.
func NewRoster() *Roster { return &Roster{members: map[string]*Member{}} }

// Len is the number of participants.
func (r *Roster) Len() int { return len(r.order) }

// At returns the i-th participant (0 ≤ i < Len). The result must not be
// changed.
func (r *Roster) At(i int) *Member { return r.members[r.order[i]] }

// Get returns the participant with identity.
func (r *Roster) Get(identity string) (*Member, bool) {
	m, ok := r.members[identity]
	return m, ok
}

// Reset empties the roster (the session ended).
func (r *Roster) Reset() {
	r.order = r.order[:0]
	clear(r.members)
}

// Apply updates the roster from one event and reports whether anything
// on it changed.
func (r *Roster) Apply(ev Event) bool {
	switch e := ev.(type) {
	case Connected:
		r.Reset()
		r.add(e.Local, true)
		for _, p := range e.Participants {
			r.add(p, false)
		}
	case ParticipantJoined:
		r.add(e.Participant, false)
	case ParticipantLeft:
		return r.remove(e.Participant.Identity)
	case Disconnected:
		r.Reset()
	case ActiveSpeakers:
		speaking := map[string]bool{}
		for _, id := range e.Identities {
			speaking[id] = true
		}
		for _, m := range r.members {
			m.Speaking = speaking[m.Identity]
		}
	case ConnectionQuality:
		changed := false
		for id, q := range e.Qualities {
			if m, ok := r.members[id]; ok {
				m.Quality, changed = q, true
			}
		}
		return changed
	default:
		return r.change(ev)
	}
	return true
}

// change applies an event about one participant's state.
func (r *Roster) change(ev Event) bool {
	var id string
	var apply func(*Participant)
	switch e := ev.(type) {
	case NameChanged:
		id, apply = e.Identity, func(p *Participant) { p.Name = e.New }
	case MetadataChanged:
		id, apply = e.Identity, func(p *Participant) { p.Metadata = e.New }
	case KindChanged:
		id, apply = e.Identity, func(p *Participant) { p.Kind = e.New }
	case PermissionsChanged:
		id, apply = e.Identity, func(p *Participant) { p.Permissions = e.New }
	case AttributesChanged:
		id, apply = e.Identity, func(p *Participant) {
			attrs := maps.Clone(p.Attributes) // shared with the event that brought it
			if attrs == nil {
				attrs = map[string]string{}
			}
			for k, v := range e.Changed {
				if v == "" {
					delete(attrs, k)
				} else {
					attrs[k] = v
				}
			}
			p.Attributes = attrs
		}
	case TrackPublished:
		id, apply = e.Identity, func(p *Participant) { p.Tracks = putTrack(p.Tracks, e.Track) }
	case TrackUpdated:
		id, apply = e.Identity, func(p *Participant) { p.Tracks = putTrack(p.Tracks, e.Track) }
	case TrackMuted:
		id, apply = e.Identity, func(p *Participant) { p.Tracks = putTrack(p.Tracks, e.Track) }
	case TrackUnmuted:
		id, apply = e.Identity, func(p *Participant) { p.Tracks = putTrack(p.Tracks, e.Track) }
	case TrackUnpublished:
		id, apply = e.Identity, func(p *Participant) {
			p.Tracks = slices.DeleteFunc(slices.Clone(p.Tracks), func(t Track) bool { return t.SID == e.Track.SID })
		}
	default:
		return false
	}
	m, ok := r.members[id]
	if !ok {
		return false
	}
	apply(&m.Participant)
	return true
}

// putTrack replaces the track with t's SID, or appends t, in a copy (the
// slice is shared with the event that brought it).
func putTrack(tracks []Track, t Track) []Track {
	out := slices.Clone(tracks)
	for i := range out {
		if out[i].SID == t.SID {
			out[i] = t
			return out
		}
	}
	return append(out, t)
}

func (r *Roster) add(p Participant, local bool) {
	if p.Identity == "" {
		return
	}
	if m, ok := r.members[p.Identity]; ok { // known: refresh in place
		m.Participant = p
		return
	}
	r.members[p.Identity] = &Member{Participant: p, Local: local}
	r.order = append(r.order, p.Identity)
}

func (r *Roster) remove(id string) bool {
	if _, ok := r.members[id]; !ok {
		return false
	}
	delete(r.members, id)
	r.order = slices.DeleteFunc(r.order, func(s string) bool { return s == id })
	return true
}
