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
	ParticipantToken      string   `json:"participant_token"`
}

// MarshalEvent renders an event as one JSON object, {"time": RFC 3339 with
// nanoseconds, "type": Type(), …the event's fields}, for newline-delimited
// JSON logs.
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
	head, err := json.Marshal(struct {
		Time string `json:"time"`
		Type string `json:"type"`
	}{ev.Time().UTC().Format(time.RFC3339Nano), ev.Type()})
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

func refreshedJSON(e TokenRefreshed) tokenRefreshedJSON {
	j := tokenRefreshedJSON{
		LifetimeChangeSeconds: e.Diff.LifetimeChange.Seconds(),
		ChangedClaims:         make([]string, 0, len(e.Diff.Changed)),
		ParticipantToken:      e.Token,
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
