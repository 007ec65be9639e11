package tokens

import "time"

// Report is the JSON object printed by `lkdash decode --json`: the token's
// contents plus the verdict of Check. Times are RFC3339 in UTC.
type Report struct {
	Header           map[string]any `json:"header"`
	Claims           map[string]any `json:"claims"`
	Identity         string         `json:"identity"`
	Name             string         `json:"name"`
	Room             string         `json:"room"`
	Issuer           string         `json:"issuer"`
	IssuedAt         *time.Time     `json:"issued_at"`
	NotBefore        *time.Time     `json:"not_before"`
	ExpiresAt        *time.Time     `json:"expires_at"`
	ExpiresInSeconds *int64         `json:"expires_in_seconds"` // negative once expired; null without exp
	Valid            bool           `json:"valid"`
	Problems         []string       `json:"problems"`
	Signature        Signature      `json:"signature"`
	Warnings         []string       `json:"warnings"`
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
