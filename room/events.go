package room

import (
	"time"

	"github.com/lkdash/lkdash/tokens"
)

// Event is one thing that happened in a session. The concrete types below
// and in lifecycle_events.go are the whole set; switch on them, or on
// Type() for logs.
type Event interface {
	// Time is when the session saw the event.
	Time() time.Time
	// Type is the event's name in JSON logs: "connected",
	// "token_refreshed", … (see MarshalEvent).
	Type() string
}

// Connected is always the first event of a session.
type Connected struct {
	At            time.Time   `json:"-"`                        // when the session saw it
	Room          string      `json:"room"`                     // the room's name
	RoomSID       string      `json:"room_sid,omitempty"`       // the server's room id, "RM_…"
	Local         Participant `json:"local"`                    // ourselves, as the server sees us
	ServerVersion string      `json:"server_version,omitempty"` // livekit-server's version
	ServerRegion  string      `json:"server_region,omitempty"`  // set by LiveKit Cloud
	// ServerNode is the id of the server node hosting the room ("ND_…");
	// NodeChanged follows when that changes.
	ServerNode   string        `json:"server_node,omitempty"`
	ServerURL    string        `json:"server_url"`             // the token source's server, not the relay
	Participants []Participant `json:"participants,omitempty"` // already in the room
	// Upstream is where the relay reached the server when that is a
	// LiveKit Cloud region, or another URL of the deployment than
	// ServerURL (a failover during the join).
	Upstream *Upstream `json:"upstream,omitempty"`
	// Regions is the LiveKit Cloud region list the relay fails over along,
	// closest first; empty for other servers.
	Regions []Upstream `json:"regions,omitempty"`
	// Token is the token the session joined with, decoded (a refresh that
	// came in meanwhile follows as TokenRefreshed).
	Token *tokens.Token `json:"-"`
}

// ParticipantJoined is a remote participant arriving.
type ParticipantJoined struct {
	At          time.Time   `json:"-"`           // when the session saw it
	Participant Participant `json:"participant"` // as of the event
}

// ParticipantLeft is a remote participant leaving.
type ParticipantLeft struct {
	At          time.Time   `json:"-"`           // when the session saw it
	Participant Participant `json:"participant"` // as of the event
	// Reason is human readable ("leave requested by user", "removed from
	// the room", …); empty when the server gave none.
	Reason string `json:"reason,omitempty"`
	// Code is the protocol's DisconnectReason name when the server gave one.
	Code string `json:"code,omitempty"`
}

// MetadataChanged is a participant's metadata changing; Local marks our own.
type MetadataChanged struct {
	At       time.Time `json:"-"`        // when the session saw it
	Identity string    `json:"identity"` // whose
	Local    bool      `json:"local"`    // true when it is ours
	Old      string    `json:"old"`      // before the change
	New      string    `json:"new"`      // after it
}

// NameChanged is a participant's display name changing. The SDK has no
// callback for it; it is read from the signal stream.
type NameChanged struct {
	At       time.Time `json:"-"`        // when the session saw it
	Identity string    `json:"identity"` // whose
	Local    bool      `json:"local"`    // true when it is ours
	Old      string    `json:"old"`      // before the change
	New      string    `json:"new"`      // after it
}

// AttributesChanged lists changed attributes; a deleted one maps to "".
type AttributesChanged struct {
	At       time.Time         `json:"-"`        // when the session saw it
	Identity string            `json:"identity"` // whose
	Local    bool              `json:"local"`    // true when they are ours
	Changed  map[string]string `json:"changed"`  // new values of the changed keys
}

// TrackPublished is a participant publishing a track.
type TrackPublished struct {
	At       time.Time `json:"-"`        // when the session saw it
	Identity string    `json:"identity"` // whose track
	Local    bool      `json:"local"`    // true when it is ours
	Track    Track     `json:"track"`    // which track
}

// TrackUnpublished is a participant unpublishing a track.
type TrackUnpublished struct {
	At       time.Time `json:"-"`        // when the session saw it
	Identity string    `json:"identity"` // whose track
	Local    bool      `json:"local"`    // true when it is ours
	Track    Track     `json:"track"`    // which track
}

// TrackMuted is a participant muting a track.
type TrackMuted struct {
	At       time.Time `json:"-"`        // when the session saw it
	Identity string    `json:"identity"` // whose track
	Local    bool      `json:"local"`    // true when it is ours
	Track    Track     `json:"track"`    // as now known
}

// TrackUnmuted is a participant unmuting a track.
type TrackUnmuted struct {
	At       time.Time `json:"-"`        // when the session saw it
	Identity string    `json:"identity"` // whose track
	Local    bool      `json:"local"`    // true when it is ours
	Track    Track     `json:"track"`    // as now known
}

// TrackUpdated is the server learning more about a published track: its
// codec, simulcast layers or name.
type TrackUpdated struct {
	At       time.Time `json:"-"`        // when the session saw it
	Identity string    `json:"identity"` // whose track
	Local    bool      `json:"local"`    // true when it is ours
	Track    Track     `json:"track"`    // as now known
}

// PermissionsChanged is a participant's permissions changing (e.g. through
// RoomService.UpdateParticipant).
type PermissionsChanged struct {
	At       time.Time    `json:"-"`        // when the session saw it
	Identity string       `json:"identity"` // whose
	Local    bool         `json:"local"`    // true when they are ours
	Old      *Permissions `json:"old"`      // before; nil when unknown
	New      *Permissions `json:"new"`      // now
}

// KindChanged is the server reclassifying a participant (rare: the kind is
// normally fixed by the token).
type KindChanged struct {
	At       time.Time       `json:"-"`        // when the session saw it
	Identity string          `json:"identity"` // whose
	Local    bool            `json:"local"`    // true when it is ours
	Old      ParticipantKind `json:"old"`      // the kind before
	New      ParticipantKind `json:"new"`      // the kind now
}

// ConnectionQuality lists participants whose connection quality changed:
// identity → "excellent", "good", "poor" or "lost".
type ConnectionQuality struct {
	At        time.Time         `json:"-"`         // when the session saw it
	Qualities map[string]string `json:"qualities"` // only the changed ones
}

// ActiveSpeakers is the current speaker list, loudest first; empty = silence.
type ActiveSpeakers struct {
	At         time.Time `json:"-"`          // when the session saw it
	Identities []string  `json:"identities"` // speakers, loudest first
}

// Reconnecting means the SDK lost the server and is trying to get back.
type Reconnecting struct {
	At time.Time `json:"-"` // when the session saw it
}

// Reconnected means a reconnect attempt succeeded.
type Reconnected struct {
	At time.Time `json:"-"` // when the session saw it
}

// Disconnected is always the last event; the channel closes after it.
type Disconnected struct {
	At time.Time `json:"-"` // when the session saw it
	// Reason is human readable: "leave requested by user", "room closed",
	// "server shutting down", …
	Reason string `json:"reason"`
	// Code is the protocol's DisconnectReason name when known
	// ("CLIENT_INITIATED", "SERVER_SHUTDOWN", "SIGNAL_CLOSE", …), or the
	// caller's own code given to Session.Abort.
	Code string `json:"code,omitempty"`
	// ReconnectAttempts counts the dials of the reconnect episode the
	// session ended in (0 when it was not reconnecting).
	ReconnectAttempts int `json:"reconnect_attempts,omitempty"`
	// Detail explains an Abort further, a line each (the end of a server's
	// log, say); control characters are the caller's to remove.
	Detail []string `json:"detail,omitempty"`
}

// TokenRefreshed is a new token pushed by the server (right after joining,
// every few minutes, and after permission or metadata changes). Diff
// compares it with the session's previous token.
type TokenRefreshed struct {
	At        time.Time     // when the session received it
	Token     string        // the raw JWT; a secret, shown only on request
	Decoded   *tokens.Token // nil if the server sent something undecodable
	DecodeErr error         // why Decoded is nil
	// Diff is the previous token → this one: the lifetime change (negative
	// when the refresh shortened it) and the claims that changed. Zero when
	// Decoded is nil.
	Diff tokens.TokenDiff
}

// Time returns At.
func (e Connected) Time() time.Time { return e.At }

// Time returns At.
func (e ParticipantJoined) Time() time.Time { return e.At }

// Time returns At.
func (e TrackMuted) Time() time.Time { return e.At }

// Time returns At.
func (e TrackUnmuted) Time() time.Time { return e.At }

// Time returns At.
func (e TrackUpdated) Time() time.Time { return e.At }

// Time returns At.
func (e PermissionsChanged) Time() time.Time { return e.At }

// Time returns At.
func (e KindChanged) Time() time.Time { return e.At }

// Time returns At.
func (e ConnectionQuality) Time() time.Time { return e.At }

// Time returns At.
func (e ParticipantLeft) Time() time.Time { return e.At }

// Time returns At.
func (e MetadataChanged) Time() time.Time { return e.At }

// Time returns At.
func (e NameChanged) Time() time.Time { return e.At }

// Time returns At.
func (e AttributesChanged) Time() time.Time { return e.At }

// Time returns At.
func (e TrackPublished) Time() time.Time { return e.At }

// Time returns At.
func (e TrackUnpublished) Time() time.Time { return e.At }

// Time returns At.
func (e ActiveSpeakers) Time() time.Time { return e.At }

// Time returns At.
func (e Reconnecting) Time() time.Time { return e.At }

// Time returns At.
func (e Reconnected) Time() time.Time { return e.At }

// Time returns At.
func (e Disconnected) Time() time.Time { return e.At }

// Time returns At.
func (e TokenRefreshed) Time() time.Time { return e.At }

// Type returns "connected".
func (Connected) Type() string { return "connected" }

// Type returns "participant_joined".
func (ParticipantJoined) Type() string { return "participant_joined" }

// Type returns "track_muted".
func (TrackMuted) Type() string { return "track_muted" }

// Type returns "track_unmuted".
func (TrackUnmuted) Type() string { return "track_unmuted" }

// Type returns "track_updated".
func (TrackUpdated) Type() string { return "track_updated" }

// Type returns "permissions_changed".
func (PermissionsChanged) Type() string { return "permissions_changed" }

// Type returns "kind_changed".
func (KindChanged) Type() string { return "kind_changed" }

// Type returns "connection_quality".
func (ConnectionQuality) Type() string { return "connection_quality" }

// Type returns "participant_left".
func (ParticipantLeft) Type() string { return "participant_left" }

// Type returns "metadata_changed".
func (MetadataChanged) Type() string { return "metadata_changed" }

// Type returns "name_changed".
func (NameChanged) Type() string { return "name_changed" }

// Type returns "attributes_changed".
func (AttributesChanged) Type() string { return "attributes_changed" }

// Type returns "track_published".
func (TrackPublished) Type() string { return "track_published" }

// Type returns "track_unpublished".
func (TrackUnpublished) Type() string { return "track_unpublished" }

// Type returns "active_speakers".
func (ActiveSpeakers) Type() string { return "active_speakers" }

// Type returns "reconnecting".
func (Reconnecting) Type() string { return "reconnecting" }

// Type returns "reconnected".
func (Reconnected) Type() string { return "reconnected" }

// Type returns "disconnected".
func (Disconnected) Type() string { return "disconnected" }

// Type returns "token_refreshed".
func (TokenRefreshed) Type() string { return "token_refreshed" }
