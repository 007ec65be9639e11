package tokens

import (
	"time"

	"github.com/lkdash/lkdash/internal/textsafe"
)

// Report is the JSON object printed by `lkdash decode --json`: the token's
// contents plus the verdict of Check. Times are RFC3339 in UTC.
// docs/json.md documents each field for script writers.
type Report struct {
	Header           map[string]any `json:"header"`             // Token.Header
	Claims           map[string]any `json:"claims"`             // Token.Claims
	Identity         string         `json:"identity"`           // Token.Identity()
	Name             string         `json:"name"`               // display name
	Room             string         `json:"room"`               // video.room
	Issuer           string         `json:"issuer"`             // iss, the API key
	IssuedAt         *time.Time     `json:"issued_at"`          // iat; nil when absent
	NotBefore        *time.Time     `json:"not_before"`         // nbf; nil when absent
	ExpiresAt        *time.Time     `json:"expires_at"`         // exp; nil when absent
	ExpiresInSeconds *int64         `json:"expires_in_seconds"` // negative once expired; null without exp
	Valid            bool           `json:"valid"`              // Validity.Valid
	Problems         []string       `json:"problems"`           // Validity.Problems, never null
	Signature        Signature      `json:"signature"`          // Validity.Signature
	Warnings         []string       `json:"warnings"`           // Validity.Warnings, never null
}

// NewReport decodes nothing itself: it lays out t and t.Check(now, cfg).
// Problems and Warnings are empty lists rather than null, so consumers can
// iterate without a null check.
func NewReport(t *Token, now time.Time, cfg CheckConfig) Report {
	v := t.Check(now, cfg)
	r := Report{
		Valid:     v.Valid,
		Problems:  nonNil(v.Problems),
		Signature: v.Signature,
		Warnings:  nonNil(v.Warnings),
	}
	if t == nil {
		return r
	}
	r.Header, r.Claims = t.Header, t.Claims
	r.Identity, r.Issuer = t.Identity(), t.Issuer
	if g := t.Grants; g != nil {
		r.Name = g.Name
		if g.Video != nil {
			r.Room = g.Video.Room
		}
	}
	r.IssuedAt, r.NotBefore, r.ExpiresAt = utcPtr(t.IssuedAt), utcPtr(t.NotBefore), utcPtr(t.ExpiresAt)
	if !t.ExpiresAt.IsZero() {
		secs := int64(v.ExpiresIn / time.Second)
		r.ExpiresInSeconds = &secs
	}
	return r
}

func utcPtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// MalformedReport is the Report of a string that does not decode as a JWT:
// not valid, with the parse error as its one problem.
func MalformedReport(err error) Report {
	return Report{
		Problems:  []string{textsafe.Line(err.Error(), 300)},
		Signature: SignatureInvalid,
		Warnings:  []string{},
	}
}
