// Package room joins a LiveKit room with a token from any token source and
// turns what happens there into typed events, including the refreshed
// tokens the server pushes (which the Go SDK applies but never exposes).
package room

import (
	"time"

	"github.com/lkdash/lkdash/tokens"
)

// Event is one thing that happened in a session. The concrete types below
// are the whole set; switch on them, or on Type() for logs.
type Event interface {
	Time() time.Time
	Type() string
}

// Participant describes someone in the room as of the event.
type Participant struct {
	Identity   string            `json:"identity"`
	Name       string            `json:"name,omitempty"`
	SID        string            `json:"sid,omitempty"`
	Metadata   string            `json:"metadata,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// Connected is always the first event of a session.
type Connected struct {
	At            time.Time     `json:"-"`
	Room          string        `json:"room"`
	RoomSID       string        `json:"room_sid,omitempty"`
	Local         Participant   `json:"local"`
	ServerVersion string        `json:"server_version,omitempty"`
	ServerRegion  string        `json:"server_region,omitempty"`
	ServerURL     string        `json:"server_url"`             // the real server, not the relay
	Participants  []Participant `json:"participants,omitempty"` // already in the room
}

// ParticipantJoined is a remote participant arriving.
type ParticipantJoined struct {
	At          time.Time   `json:"-"`
	Participant Participant `json:"participant"`
}

// ParticipantLeft is a remote participant leaving.
type ParticipantLeft struct {
	At          time.Time   `json:"-"`
	Participant Participant `json:"participant"`
}

// MetadataChanged is a participant's metadata changing; Local marks our own.
type MetadataChanged struct {
	At       time.Time `json:"-"`
	Identity string    `json:"identity"`
	Local    bool      `json:"local"`
	Old      string    `json:"old"`
	New      string    `json:"new"`
}

// NameChanged is a participant's display name changing. The SDK has no
// callback for it; it is read from the signal stream.
type NameChanged struct {
	At       time.Time `json:"-"`
	Identity string    `json:"identity"`
	Local    bool      `json:"local"`
	Old      string    `json:"old"`
	New      string    `json:"new"`
}

// AttributesChanged lists changed attributes; a deleted one maps to "".
type AttributesChanged struct {
	At       time.Time         `json:"-"`
	Identity string            `json:"identity"`
	Local    bool              `json:"local"`
	Changed  map[string]string `json:"changed"`
}

// Track identifies a published track.
type Track struct {
	SID    string `json:"sid"`
	Name   string `json:"name,omitempty"`
	Kind   string `json:"kind,omitempty"`   // "audio", "video"
	Source string `json:"source,omitempty"` // "CAMERA", "MICROPHONE", "SCREEN_SHARE", …
}

// TrackPublished is a participant publishing a track.
type TrackPublished struct {
	At       time.Time `json:"-"`
	Identity string    `json:"identity"`
	Local    bool      `json:"local"`
	Track    Track     `json:"track"`
}

// TrackUnpublished is a participant unpublishing a track.
type TrackUnpublished struct {
	At       time.Time `json:"-"`
	Identity string    `json:"identity"`
	Local    bool      `json:"local"`
	Track    Track     `json:"track"`
}

// ActiveSpeakers is the current speaker list, loudest first; empty = silence.
type ActiveSpeakers struct {
	At         time.Time `json:"-"`
	Identities []string  `json:"identities"`
}

// Reconnecting means the SDK lost the server and is trying to get back.
type Reconnecting struct {
	At time.Time `json:"-"`
}

// Reconnected means a reconnect attempt succeeded.
type Reconnected struct {
	At time.Time `json:"-"`
}

// Disconnected is always the last event; the channel closes after it.
type Disconnected struct {
	At time.Time `json:"-"`
	// Reason is human readable: "leave requested by user", "room closed",
	// "server shutting down", …
	Reason string `json:"reason"`
	// Code is the protocol's DisconnectReason name when known
	// ("CLIENT_INITIATED", "SERVER_SHUTDOWN", "SIGNAL_CLOSE", …).
	Code string `json:"code,omitempty"`
}

// TokenRefreshed is a new token pushed by the server (right after joining,
// every few minutes, and after permission or metadata changes). Diff
// compares it with the session's previous token.
type TokenRefreshed struct {
	At      time.Time
	Token   string        // the raw JWT; a secret, shown only on request
	Decoded *tokens.Token // nil if the server sent something undecodable
	Diff    tokens.TokenDiff
}

func (e Connected) Time() time.Time         { return e.At }
func (e ParticipantJoined) Time() time.Time { return e.At }
func (e ParticipantLeft) Time() time.Time   { return e.At }
func (e MetadataChanged) Time() time.Time   { return e.At }
func (e NameChanged) Time() time.Time       { return e.At }
func (e AttributesChanged) Time() time.Time { return e.At }
func (e TrackPublished) Time() time.Time    { return e.At }
func (e TrackUnpublished) Time() time.Time  { return e.At }
func (e ActiveSpeakers) Time() time.Time    { return e.At }
func (e Reconnecting) Time() time.Time      { return e.At }
func (e Reconnected) Time() time.Time       { return e.At }
func (e Disconnected) Time() time.Time      { return e.At }
func (e TokenRefreshed) Time() time.Time    { return e.At }

func (Connected) Type() string         { return "connected" }
func (ParticipantJoined) Type() string { return "participant_joined" }
func (ParticipantLeft) Type() string   { return "participant_left" }
func (MetadataChanged) Type() string   { return "metadata_changed" }
func (NameChanged) Type() string       { return "name_changed" }
func (AttributesChanged) Type() string { return "attributes_changed" }
func (TrackPublished) Type() string    { return "track_published" }
func (TrackUnpublished) Type() string  { return "track_unpublished" }
func (ActiveSpeakers) Type() string    { return "active_speakers" }
func (Reconnecting) Type() string      { return "reconnecting" }
func (Reconnected) Type() string       { return "reconnected" }
func (Disconnected) Type() string      { return "disconnected" }
func (TokenRefreshed) Type() string    { return "token_refreshed" }
