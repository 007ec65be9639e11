package room

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// tokenRefreshedJSON is TokenRefreshed on the wire: the summary a log reader
// wants, and the token itself under the one name tools already know.
type tokenRefreshedJSON struct {
	Identity              string   `json:"identity,omitempty"`
	ExpiresAt             string   `json:"expires_at,omitempty"`
	LifetimeChangeSeconds float64  `json:"lifetime_change_seconds"`
	ChangedClaims         []string `json:"changed_claims"`
	DecodeError           string   `json:"decode_error,omitempty"`
	ParticipantToken      string   `json:"participant_token"`
}

// EventSchema is the version of the JSON form of events written by
// MarshalEvent and documented in docs/json.md. It is carried by the
// connected line, the first of every session, and goes up only when a
// field is removed, renamed or changes meaning; new event types and new
// fields keep it.
const EventSchema = 2

// MarshalEvent renders an event as one JSON object for newline-delimited
// JSON logs (`lkdash join`): {"type": Type(), "time": RFC 3339 UTC with
// nanoseconds, then the event's fields}. A Connected event also carries
// "schema": EventSchema right after the time. docs/json.md lists every
// type and field.
func MarshalEvent(ev Event) ([]byte, error) {
	if ev == nil {
		return nil, errors.New("room: MarshalEvent of a nil event")
	}
	var body any = ev
	if tr, ok := ev.(TokenRefreshed); ok {
		body = refreshedJSON(tr)
	} else if tr, ok := ev.(*TokenRefreshed); ok && tr != nil {
		body = refreshedJSON(*tr)
	}
	fields, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("room: marshal %s event: %w", ev.Type(), err)
	}
	if len(fields) < 2 || fields[0] != '{' {
		return nil, fmt.Errorf("room: %s event does not marshal to an object", ev.Type())
	}
	env := envelope{Type: ev.Type(), Time: ev.Time().UTC().Format(time.RFC3339Nano)}
	switch ev.(type) {
	case Connected, *Connected:
		env.Schema = EventSchema
	}
	head, err := json.Marshal(env)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(len(head) + len(fields))
	out.Write(head[:len(head)-1]) // drop '}'
	if rest := fields[1:]; len(rest) > 1 {
		out.WriteByte(',')
		out.Write(rest)
	} else {
		out.WriteByte('}')
	}
	return out.Bytes(), nil
}

// envelope is the head every event line starts with, in this order.
type envelope struct {
	Type   string `json:"type"`
	Time   string `json:"time"`
	Schema int    `json:"schema,omitempty"`
}

func refreshedJSON(e TokenRefreshed) tokenRefreshedJSON {
	j := tokenRefreshedJSON{
		LifetimeChangeSeconds: e.Diff.LifetimeChange.Seconds(),
		ChangedClaims:         make([]string, 0, len(e.Diff.Changed)),
		ParticipantToken:      e.Token,
	}
	if e.DecodeErr != nil {
		j.DecodeError = e.DecodeErr.Error()
	}
	exp := e.Diff.NewExpiry
	if e.Decoded != nil {
		exp = e.Decoded.ExpiresAt
		j.Identity = e.Decoded.Subject
	}
	if !exp.IsZero() {
		j.ExpiresAt = exp.UTC().Format(time.RFC3339)
	}
	for _, c := range e.Diff.Changed {
		j.ChangedClaims = append(j.ChangedClaims, c.Claim)
	}
	return j
}
