package hooks

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	"github.com/livekit/protocol/webhook"
	"google.golang.org/protobuf/encoding/protojson"
)

// verifier checks deliveries against one key pair with the protocol
// library and names what failed.
type verifier struct {
	key      string
	provider auth.KeyProvider
	now      func() time.Time
}

// unmarshal reads an event the way webhook.ReceiveWebhookEvent does.
var unmarshal = protojson.UnmarshalOptions{DiscardUnknown: true, AllowPartial: true}

// verify fills d's verdict and, from the body, its event fields. It uses
// webhook.Receive (signature, expiry, body hash) and unmarshals the event
// itself, rather than ReceiveWebhookEvent, so that an authentic body that
// is not an event is told apart from a forgery.
func (v verifier) verify(d *Delivery, header http.Header) {
	req := &http.Request{Header: header, Body: io.NopCloser(bytes.NewReader(d.Body))}
	if t, err := auth.ParseAPIToken(header.Get("Authorization")); err == nil {
		d.SignedWith = t.APIKey()
	}
	var ev livekit.WebhookEvent
	evErr := unmarshal.Unmarshal(d.Body, &ev)
	if evErr == nil {
		describe(d, &ev)
	}
	if _, err := webhook.Receive(req, v.provider); err != nil {
		d.Cause, d.Reason = v.classify(err, d.SignedWith, header.Get("Authorization"), d.Body)
		return
	}
	if evErr != nil {
		d.Cause, d.Reason = CauseNotAnEvent, "authentic, but the body is not a webhook event: "+evErr.Error()
		return
	}
	d.Verified = true
}

// describe copies what the event is about.
func describe(d *Delivery, ev *livekit.WebhookEvent) {
	d.Event, d.ID = ev.GetEvent(), ev.GetId()
	d.Room, d.RoomSID = ev.GetRoom().GetName(), ev.GetRoom().GetSid()
	d.Participant = ev.GetParticipant().GetIdentity()
	d.Track = ev.GetTrack().GetSid()
	if s := ev.GetCreatedAt(); s > 0 {
		d.CreatedAt = time.Unix(s, 0)
	}
}

// classify maps the protocol library's error to a Cause and a sentence.
// The library checks in this order: header present, token parses, key
// known, signature and times, body hash.
func (v verifier) classify(err error, key, raw string, body []byte) (Cause, string) {
	switch {
	case errors.Is(err, webhook.ErrNoAuthHeader):
		return CauseNoAuthorization, "no Authorization header: the delivery is not signed"
	case errors.Is(err, webhook.ErrSecretNotFound):
		return CauseWrongKey, fmt.Sprintf("signed with key %q, not %q", key, v.key)
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return CauseBadSignature, fmt.Sprintf("signature invalid: signed with another secret than key %q's", v.key)
	case errors.Is(err, jwt.ErrTokenExpired):
		return CauseExpired, "expired" + v.since(raw, jwt.MapClaims.GetExpirationTime, " %s ago")
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return CauseNotYetValid, "not valid yet" + v.since(raw, jwt.MapClaims.GetNotBefore, ": valid in %s")
	case errors.Is(err, webhook.ErrInvalidChecksum):
		return CauseHashMismatch, hashMismatch(raw, body)
	}
	return CauseMalformed, "the Authorization header is not a LiveKit webhook token: " + err.Error()
}

// claims reads a token's payload unverified, only to word a reason.
func claims(raw string) jwt.MapClaims {
	c := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(raw, c); err != nil {
		return nil
	}
	return c
}

// since says how far the token's exp or nbf is from now ("" when unknown).
func (v verifier) since(raw string, field func(jwt.MapClaims) (*jwt.NumericDate, error), format string) string {
	c := claims(raw)
	if c == nil {
		return ""
	}
	t, err := field(c)
	if err != nil || t == nil {
		return ""
	}
	d := v.now().Sub(t.Time).Round(time.Second)
	if d < 0 {
		d = -d
	}
	return fmt.Sprintf(format, d)
}

// hashMismatch words a checksum failure; a token without a sha256 claim
// fails the same check.
func hashMismatch(raw string, body []byte) string {
	signed, _ := claims(raw)["sha256"].(string)
	if signed == "" {
		return "the token carries no sha256 claim, so the body cannot be checked (hash mismatch)"
	}
	sum := sha256.Sum256(body)
	return fmt.Sprintf("body changed after signing (hash mismatch): the token signs sha256 %s, the body has %s",
		signed, base64.StdEncoding.EncodeToString(sum[:]))
}
