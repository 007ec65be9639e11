package tokens

import (
	"fmt"
	"strings"
	"time"

	"github.com/lkdash/lkdash/internal/textsafe"
)

// Server rules mirrored below, as found in livekit-server v1.13.5 and the
// protocol module it pins (v1.50.5-0.20260728075222-28e604c046c6):
//
//   - pkg/service/auth.go APIKeyAuthMiddleware.ServeHTTP: auth.ParseAPIToken
//     (else "invalid authorization token"), then provider.GetSecret(iss)
//     (else "invalid API key"), then verifier.Verify(secret).
//   - protocol auth/verifier.go APIKeyTokenVerifier.Verify: jwt.ParseWithClaims
//     into tokenClaims with WithValidMethods(HS256), WithIssuer(iss),
//     WithLeeway(1 minute) and — unlike newer protocol versions — no
//     WithExpirationRequired, so a token without exp is accepted. iat is
//     not checked. Identity is sub, or jti when sub is empty (ParseAPIToken);
//     the payload's own "identity" field is overwritten.
//   - golang-jwt/jwt/v5 validator.go: expired when !now.Before(exp+leeway);
//     not yet valid when now.Before(nbf-leeway). parser.go DecodeSegment:
//     unpadded base64url only.
//   - pkg/service/utils.go ValidateConnectRequest + auth.go
//     EnsureJoinPermission: video grant with roomJoin, a non-empty identity,
//     a room name from video.room (the request's room is never filled in),
//     identity and room name at most 256 bytes (config.go default limits).
//   - pkg/service/roommanager.go StartSession: metadata <= 512 KiB and
//     attributes (keys+values) <= 64 KiB (default limits).
//   - pkg/service/roommanager.go refreshToken: the refreshed token keeps
//     name, identity, kind, metadata, attributes, video, roomConfig and
//     roomPreset, and lives max(10m, time left).
//
// Assumed server configuration: default limits and room.auto_create on
// (roomallocator.go ValidateCreateRoom), as with `livekit-server --dev`.

const (
	// ServerLeeway is the clock skew livekit-server allows on exp and nbf.
	ServerLeeway = time.Minute

	maxIdentityLen  = 256
	maxRoomNameLen  = 256
	maxMetadataSize = 512 << 10
	maxAttrsSize    = 64 << 10

	// expiringSoon is when a still-valid token earns a warning; it matches
	// the cache rule (PROTOCOL.md): less than this left is not worth reusing.
	expiringSoon = time.Minute
)

// CheckConfig is what the checking side knows about the server's keys.
// Both fields are optional; the secret is never printed.
type CheckConfig struct {
	APIKey    string // the key the server holds; iss must equal it when set
	APISecret string // its secret; with it the signature is verified
}

// Validity is the verdict of Check.
type Validity struct {
	// Valid is true exactly when livekit-server v1.13.5 holding
	// cfg's key and secret would let this token join right now. With no
	// secret the signature is assumed good (and a warning says so).
	Valid     bool
	Signature Signature // how the HS256 signature was judged
	// Problems are the reasons the server would refuse; Warnings are
	// things that do not stop a join but are worth knowing.
	Problems, Warnings []string
	// ExpiresIn is exp - now (negative once expired, zero without exp).
	ExpiresIn time.Duration
}

// Check judges the token as livekit-server v1.13.5 would for a join at now.
func (t *Token) Check(now time.Time, cfg CheckConfig) Validity {
	var v Validity
	problem := func(format string, args ...any) { v.Problems = append(v.Problems, fmt.Sprintf(format, args...)) }
	warn := func(format string, args ...any) { v.Warnings = append(v.Warnings, fmt.Sprintf(format, args...)) }
	if t == nil {
		v.Signature = SignatureInvalid
		problem("no token")
		return v
	}

	// golang-jwt parser.go DecodeSegment (no WithPaddingAllowed).
	if t.padded {
		problem("token uses padded base64 ('='), which the server's JWT parser rejects")
	}
	// protocol auth/verifier.go ParseAPIToken / Verify decode the payload
	// into jwt.RegisteredClaims + auth.ClaimGrants.
	if t.claimsErr != nil {
		// The decoder's message can echo payload text: keep it inert and
		// short. protojson randomly uses U+00A0 for spaces in its errors.
		msg := strings.ReplaceAll(t.claimsErr.Error(), "\u00a0", " ")
		problem("claims do not decode as LiveKit grants: %s", textsafe.Line(msg, 160))
	}
	for _, name := range t.clampedTimes {
		warn("%s is outside years 1–9999; shown as the nearest end of that range", name)
	}
	for _, name := range t.quotedTimes {
		warn("%s is a quoted string; the server reads it, other JWT libraries may not", name)
	}

	// service/auth.go APIKeyAuthMiddleware: GetSecret(iss) must be non-empty.
	issuerOK := true
	switch {
	case t.Issuer == "":
		issuerOK = false
		problem("no issuer (iss): the server cannot tell which API key signed it")
	case cfg.APIKey != "" && t.Issuer != cfg.APIKey:
		issuerOK = false
		problem("issuer %q is not the API key %q", t.Issuer, cfg.APIKey)
	}

	// protocol auth/verifier.go Verify: WithValidMethods(HS256), HMAC.
	v.Signature = t.Verify(cfg.APISecret)
	alg, _ := t.Header["alg"].(string)
	switch {
	case alg != hs256.Alg():
		problem("signing method %q is not HS256", alg)
	case v.Signature == SignatureInvalid && issuerOK:
		// With a wrong issuer the server stops at the key lookup; the
		// signature against cfg's secret would say nothing more.
		problem("signature is invalid")
	case v.Signature == SignatureUnverified && t.Issuer != "":
		warn(unverifiedWarning+": signed by API key %q and no secret for it is at hand", t.Issuer)
	case v.Signature == SignatureUnverified:
		warn(unverifiedWarning + ": no API secret at hand")
	}

	t.checkTimes(now, &v, problem, warn)
	t.checkJoin(problem)
	t.checkRefresh(warn)

	v.Valid = len(v.Problems) == 0
	return v
}

// checkTimes mirrors golang-jwt validator.go verifyExpiresAt/verifyNotBefore
// with protocol auth/verifier.go's one-minute leeway.
func (t *Token) checkTimes(now time.Time, v *Validity, problem, warn func(string, ...any)) {
	if t.ExpiresAt.IsZero() {
		warn("no exp: the server accepts it and it never expires (a server refresh turns it into a 10m token)")
	} else {
		v.ExpiresIn = t.ExpiresAt.Sub(now)
		switch {
		case !now.Before(t.ExpiresAt.Add(ServerLeeway)):
			problem("expired %s ago", human(now.Sub(t.ExpiresAt)))
		case !now.Before(t.ExpiresAt):
			warn("expired %s ago; still accepted thanks to the server's %s leeway", human(now.Sub(t.ExpiresAt)), human(ServerLeeway))
		case v.ExpiresIn < expiringSoon:
			warn("expires in %s", human(v.ExpiresIn))
		}
	}
	if !t.NotBefore.IsZero() && now.Before(t.NotBefore) {
		at := t.NotBefore.UTC().Format(time.RFC3339)
		if now.Before(t.NotBefore.Add(-ServerLeeway)) {
			problem("not valid before %s (in %s)", at, human(t.NotBefore.Sub(now)))
		} else {
			warn("not valid before %s (in %s); accepted now only thanks to the server's %s leeway", at, human(t.NotBefore.Sub(now)), human(ServerLeeway))
		}
	}
}

// checkJoin mirrors service/utils.go ValidateConnectRequest, auth.go
// EnsureJoinPermission and roommanager.go StartSession limits.
func (t *Token) checkJoin(problem func(string, ...any)) {
	g := t.Grants
	switch {
	case t.claimsErr != nil:
		// Grants unknown; the decode problem already explains the refusal.
	case g == nil || g.Video == nil:
		problem("no video grant (a join needs video.roomJoin and video.room)")
	case !g.Video.RoomJoin:
		problem("no roomJoin grant")
	}
	identity := t.Identity()
	if identity == "" {
		problem("no identity (sub)")
	} else if len(identity) > maxIdentityLen {
		problem("identity is %d bytes, over the server's %d-byte limit", len(identity), maxIdentityLen)
	}
	if g == nil {
		return
	}
	if g.Video != nil && t.claimsErr == nil {
		// The room comes from the token only: ValidateConnectRequest's
		// params.roomName is never set by the RTC service.
		if g.Video.Room == "" {
			problem("no room in video grant")
		} else if len(g.Video.Room) > maxRoomNameLen {
			problem("room name is %d bytes, over the server's %d-byte limit", len(g.Video.Room), maxRoomNameLen)
		}
	}
	if len(g.Metadata) > maxMetadataSize {
		problem("metadata is %d bytes, over the server's %d KiB limit", len(g.Metadata), maxMetadataSize>>10)
	}
	size := 0
	for k, val := range g.Attributes {
		size += len(k) + len(val)
	}
	if size > maxAttrsSize {
		problem("attributes are %d bytes, over the server's %d KiB limit", size, maxAttrsSize>>10)
	}
}

// checkRefresh warns about what the server's token refresh
// (roommanager.go refreshToken) does not carry over, and other oddities
// the server tolerates.
func (t *Token) checkRefresh(warn func(string, ...any)) {
	g := t.Grants
	if g == nil {
		return
	}
	var dropped []string
	if g.SIP != nil {
		dropped = append(dropped, "sip")
	}
	if g.Agent != nil {
		dropped = append(dropped, "agent")
	}
	if g.Inference != nil {
		dropped = append(dropped, "inference")
	}
	if g.Observability != nil {
		dropped = append(dropped, "observability")
	}
	if len(g.KindDetails) > 0 {
		dropped = append(dropped, "kindDetails")
	}
	if len(dropped) > 0 {
		warn("%s dropped when the server refreshes the token", strings.Join(dropped, ", "))
	}
	if raw, _ := t.Claims["identity"].(string); raw != "" && raw != g.Identity {
		warn("identity claim %q is ignored; the server uses sub (then jti)", raw)
	}
	// service/utils.go ValidateConnectRequest logs and lets this through.
	if g.RoomConfig != nil && g.RoomConfig.CheckCredentials() != nil {
		warn("roomConfig carries credentials, readable by anyone holding the token")
	}
}

// human formats a duration compactly: "45s", "3m", "3m20s", "2h5m", "3d4h".
func human(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Round(time.Second)
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d/time.Second))
	}
	days, d := d/(24*time.Hour), d%(24*time.Hour)
	h, d := d/time.Hour, d%time.Hour
	m, s := d/time.Minute, (d%time.Minute)/time.Second
	var b strings.Builder
	units := 0
	for _, p := range []struct {
		n    time.Duration
		unit string
	}{{days, "d"}, {h, "h"}, {m, "m"}, {s, "s"}} {
		if units > 0 {
			units++ // two adjacent units at most: "3d4h", "2h5m", never "3d5m"
		}
		if p.n > 0 && units < 3 {
			fmt.Fprintf(&b, "%d%s", p.n, p.unit)
			if units == 0 {
				units = 1
			}
		}
	}
	return b.String()
}

// unverifiedWarning begins the warning Check gives when it has no secret
// to check the signature with.
const unverifiedWarning = "signature not checked"

// IsUnverifiedWarning reports whether w, one of Validity.Warnings, is the
// one about a signature not checked: a display that learns the signature
// is good elsewhere (the server accepted the token) drops it.
func IsUnverifiedWarning(w string) bool { return strings.HasPrefix(w, unverifiedWarning) }
