package hooks

import (
	"encoding/json"
	"net/http"
	"time"
)

// Cause names why a delivery did not verify.
type Cause string

// Causes, in the order the verifier meets them.
const (
	// CauseNoAuthorization: the request had no Authorization header.
	CauseNoAuthorization Cause = "no_authorization"
	// CauseMalformed: the Authorization header is not a LiveKit webhook
	// token (not a JWT, not HS256, no exp, …).
	CauseMalformed Cause = "malformed_token"
	// CauseWrongKey: the token names an API key whose secret we do not have.
	CauseWrongKey Cause = "wrong_key"
	// CauseBadSignature: the token names our key but was signed with
	// another secret.
	CauseBadSignature Cause = "bad_signature"
	// CauseExpired: the token's exp is past (beyond one minute of leeway).
	CauseExpired Cause = "expired"
	// CauseNotYetValid: the token's nbf is in the future.
	CauseNotYetValid Cause = "not_yet_valid"
	// CauseHashMismatch: the body is not the one that was signed.
	CauseHashMismatch Cause = "hash_mismatch"
	// CauseNotAnEvent: authentic, but the body is not a webhook event.
	CauseNotAnEvent Cause = "not_an_event"
)

// Delivery is one webhook request as the Receiver saw it. The fields that
// describe the event come from the body even when it did not verify (they
// are then what the sender claims); they are empty when the body is not a
// webhook event.
type Delivery struct {
	ArrivedAt   time.Time // when the request arrived
	Event       string    // "room_started", "participant_joined", …
	ID          string    // the event's id, EV_…; the same on a retry
	Room        string    // the room's name
	RoomSID     string    // the room's id, RM_…
	Participant string    // the participant's identity
	Track       string    // the track's id, TR_…
	CreatedAt   time.Time // when the server created the event (1 s resolution)
	Verified    bool      // signature, expiry and body hash all check out
	Cause       Cause     // why it did not verify; "" when Verified
	Reason      string    // Cause for people, e.g. `signed with key "a", not "b"`
	SignedWith  string    // the API key the token names (its iss), when it parses
	Size        int       // body bytes
	// Forward is the handler's answer when the Receiver forwards.
	Forward *Forwarded
	// AfterRoomEvent is ArrivedAt minus when the session saw the matching
	// room event (negative: the webhook came first); nil when unmatched.
	// The Receiver leaves it nil; see Matcher.
	AfterRoomEvent *time.Duration

	Body   []byte      // the body, exactly as it arrived
	Header http.Header // the request's headers, Authorization included
}

// Forwarded is what the handler a delivery was forwarded to answered.
type Forwarded struct {
	Status  int           // its HTTP status; 0 when it could not be reached
	Latency time.Duration // from sending the request to the response headers
	Error   string        // why it could not be reached
}

// Time returns ArrivedAt, so a Delivery reads like a room event.
func (d Delivery) Time() time.Time { return d.ArrivedAt }

// Type returns "webhook", the type of a delivery's JSON line.
func (Delivery) Type() string { return "webhook" }

// MarshalJSON writes the delivery's fields for a JSON line; the Body and
// headers (the Authorization token) stay out, and durations are seconds.
func (d Delivery) MarshalJSON() ([]byte, error) {
	type forwarded struct {
		Status         int     `json:"status"`
		LatencySeconds float64 `json:"latency_seconds"`
		Error          string  `json:"error,omitempty"`
	}
	out := struct {
		Event          string     `json:"event"`
		ID             string     `json:"id,omitempty"`
		Room           string     `json:"room,omitempty"`
		RoomSID        string     `json:"room_sid,omitempty"`
		Participant    string     `json:"participant,omitempty"`
		Track          string     `json:"track,omitempty"`
		CreatedAt      string     `json:"created_at,omitempty"`
		Verified       bool       `json:"verified"`
		Cause          Cause      `json:"cause,omitempty"`
		Reason         string     `json:"reason,omitempty"`
		SignedWith     string     `json:"signed_with,omitempty"`
		Size           int        `json:"size"`
		Forward        *forwarded `json:"forward,omitempty"`
		AfterRoomEvent *float64   `json:"after_room_event_seconds,omitempty"`
	}{
		Event: d.Event, ID: d.ID, Room: d.Room, RoomSID: d.RoomSID, Participant: d.Participant, Track: d.Track,
		Verified: d.Verified, Cause: d.Cause, Reason: d.Reason, SignedWith: d.SignedWith, Size: d.Size,
	}
	if !d.CreatedAt.IsZero() {
		out.CreatedAt = d.CreatedAt.UTC().Format(time.RFC3339)
	}
	if f := d.Forward; f != nil {
		out.Forward = &forwarded{Status: f.Status, LatencySeconds: f.Latency.Seconds(), Error: f.Error}
	}
	if d.AfterRoomEvent != nil {
		s := d.AfterRoomEvent.Seconds()
		out.AfterRoomEvent = &s
	}
	return json.Marshal(out)
}
