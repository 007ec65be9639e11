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
	InRoom           RoomPermits    `json:"in_room"`            // what it permits in the room
	APIs             []APIPermit    `json:"apis"`               // what it permits on the server APIs, never null
}

// RoomPermits is what a token lets its holder do in the room, as the
// server reads the video grant (absent publish/subscribe/data/metadata
// flags mean yes).
type RoomPermits struct {
	Join              bool     `json:"join"`                // roomJoin
	Room              string   `json:"room"`                // the room it joins
	Publish           bool     `json:"publish"`             // canPublish
	PublishSources    []string `json:"publish_sources"`     // canPublishSources; empty: any source
	Subscribe         bool     `json:"subscribe"`           // canSubscribe
	PublishData       bool     `json:"publish_data"`        // canPublishData
	UpdateOwnMetadata bool     `json:"update_own_metadata"` // canUpdateOwnMetadata
	Hidden            bool     `json:"hidden"`              // invisible to others
	Recorder          bool     `json:"recorder"`            // marked as a recorder
	Agent             bool     `json:"agent"`               // joins as an agent
}

// APIPermit is one server API method: what it needs and whether the token
// has it.
type APIPermit struct {
	Service string   `json:"service"`        // RoomService, Egress, Ingress, SIP, AgentDispatch
	Method  string   `json:"method"`         // e.g. ListRooms
	Needs   []string `json:"needs"`          // the grants it checks (APIGrant names)
	Allowed bool     `json:"allowed"`        // the token has them all
	Room    string   `json:"room,omitempty"` // room-scoped methods: the only room they may name
	Missing []string `json:"missing"`        // the grants the token lacks, never null
}

// RoomPermitsOf reads what t permits in the room.
func RoomPermitsOf(t *Token) RoomPermits {
	p := RoomPermits{PublishSources: []string{}}
	if t == nil || t.Grants == nil || t.Grants.Video == nil {
		return p
	}
	v := t.Grants.Video
	p.Join, p.Room = v.RoomJoin, v.Room
	p.Publish, p.Subscribe = v.GetCanPublish(), v.GetCanSubscribe()
	p.PublishData, p.UpdateOwnMetadata = v.GetCanPublishData(), v.GetCanUpdateOwnMetadata()
	p.Hidden, p.Recorder, p.Agent = v.Hidden, v.Recorder, v.Agent
	if len(v.CanPublishSources) > 0 {
		p.PublishSources = append(p.PublishSources, v.CanPublishSources...)
	}
	return p
}

// APIPermitsOf lists every server API method and whether t may call it.
func APIPermitsOf(t *Token) []APIPermit {
	out := []APIPermit{}
	for _, a := range t.APIAccess() {
		p := APIPermit{Service: a.Service, Method: a.Method, Allowed: a.Allowed, Missing: []string{}}
		for _, n := range a.Needs {
			p.Needs = append(p.Needs, string(n))
		}
		for _, n := range a.Missing {
			p.Missing = append(p.Missing, string(n))
		}
		if a.RoomScoped() && a.Allowed {
			p.Room = a.Room
		}
		out = append(out, p)
	}
	return out
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
		InRoom:    RoomPermitsOf(t),
		APIs:      APIPermitsOf(t),
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
		InRoom:    RoomPermitsOf(nil),
		APIs:      APIPermitsOf(nil),
	}
}
