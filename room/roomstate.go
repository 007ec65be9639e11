package room

import (
	"reflect"
	"time"

	"github.com/livekit/protocol/livekit"
)

// RoomState is the room as the server describes it (the join response's
// room, then each RoomUpdate) together with who is in it as the session
// sees them. It is emitted after Connected and whenever any field changes;
// RoomAfterLeave adds one after leaving. The server's TURN password, which
// the same messages carry, is never copied.
type RoomState struct {
	At        time.Time `json:"-"`                   // when the session saw it
	Name      string    `json:"name"`                // the room's name
	SID       string    `json:"sid,omitempty"`       // the server's room id, "RM_…"
	CreatedAt time.Time `json:"created_at,omitzero"` // when the server created the room
	Metadata  string    `json:"metadata,omitempty"`  // the room's metadata, live
	Recording bool      `json:"recording"`           // a recorder (egress) is in the room
	// Participants counts the participants we see, ourselves included;
	// hidden ones are not visible and not counted.
	Participants int `json:"participants"`
	// Publishers counts those of them publishing audio or video.
	Publishers int `json:"publishers"`
	// EmptyTimeoutSeconds is how long the server keeps a room nobody has
	// joined yet.
	EmptyTimeoutSeconds int `json:"empty_timeout_seconds"`
	// DepartureTimeoutSeconds is how long the server keeps a room after
	// the last participant left.
	DepartureTimeoutSeconds int `json:"departure_timeout_seconds"`
	// MaxParticipants is the most participants the room admits; 0 means
	// no limit (agents and recorders do not count).
	MaxParticipants int `json:"max_participants"`
	// EnabledCodecs are the MIME types the server accepts in this room.
	EnabledCodecs []string `json:"enabled_codecs,omitempty"`
	// LastOne is true when nobody else keeps the room open: everyone else
	// (if anyone) is an agent or a recorder, whom the server does not count.
	LastOne bool `json:"last_one"`
	// ClosesAfterLeaveSeconds, set while LastOne, is when the room will
	// close after we leave: the departure timeout (livekit-server checks
	// once a second, in whole seconds, so up to a second or two later).
	ClosesAfterLeaveSeconds *int `json:"closes_after_leave_seconds,omitempty"`
	// Left is true in the RoomState that RoomAfterLeave returns.
	Left bool `json:"left,omitempty"`
	// Exists, after leaving, says whether RoomService still lists the room.
	Exists *bool `json:"exists,omitempty"`
	// ClosesInSeconds, after leaving a room we were the last one in that
	// still exists, is how long it has left by the departure timeout.
	ClosesInSeconds *int `json:"closes_in_seconds,omitempty"`
}

// Time returns At.
func (e RoomState) Time() time.Time { return e.At }

// Type returns "room".
func (RoomState) Type() string { return "room" }

// roomBook holds the server's latest description of the room and the last
// RoomState emitted. Session holds its lock around every use.
type roomBook struct {
	info *livekit.Room
	last *RoomState
}

// onRoom keeps the server's latest description of the room; an update for
// another room (after a move) replaces it too.
func (b *roomBook) onRoom(r *livekit.Room) {
	if r != nil {
		b.info = r
	}
}

// reviewRoomLocked returns a RoomState when anything in it changed since
// the last one; s.mu must be held.
func (s *Session) reviewRoomLocked(now time.Time) []Event {
	b := &s.roomBook
	if b.info == nil || !s.people.joined {
		return nil
	}
	st := roomStateOf(b.info, s.people)
	st.At = now
	if b.last != nil {
		prev := *b.last
		prev.At = now
		if reflect.DeepEqual(prev, st) {
			return nil
		}
	}
	b.last = &st
	return []Event{st}
}

// roomStateOf combines the server's room with the participants we see.
func roomStateOf(r *livekit.Room, t *tracker) RoomState {
	st := RoomState{
		Name: r.GetName(), SID: r.GetSid(), Metadata: r.GetMetadata(), Recording: r.GetActiveRecording(),
		EmptyTimeoutSeconds: int(r.GetEmptyTimeout()), DepartureTimeoutSeconds: int(r.GetDepartureTimeout()),
		MaxParticipants: int(r.GetMaxParticipants()),
	}
	switch {
	case r.GetCreationTimeMs() > 0:
		st.CreatedAt = time.UnixMilli(r.GetCreationTimeMs())
	case r.GetCreationTime() > 0:
		st.CreatedAt = time.Unix(r.GetCreationTime(), 0)
	}
	for _, c := range r.GetEnabledCodecs() {
		st.EnabledCodecs = append(st.EnabledCodecs, c.GetMime())
	}
	st.LastOne = true
	for id, p := range t.people {
		st.Participants++
		if publishesMedia(p) {
			st.Publishers++
		}
		if id != t.local && !dependent(p) {
			st.LastOne = false
		}
	}
	if st.LastOne {
		d := st.DepartureTimeoutSeconds
		st.ClosesAfterLeaveSeconds = &d
	}
	return st
}

// dependent reports whether the server leaves p out when it decides a room
// is empty: agents and recorders (IsDependent in livekit-server's
// pkg/rtc/participant.go).
func dependent(p Participant) bool {
	if p.Kind == KindAgent || p.Kind == KindEgress {
		return true
	}
	return p.Permissions != nil && (p.Permissions.Agent || p.Permissions.Recorder)
}

func publishesMedia(p Participant) bool {
	for _, tr := range p.Tracks {
		if tr.Kind == "audio" || tr.Kind == "video" {
			return true
		}
	}
	return false
}
