package tokens

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/livekit/protocol/auth"
)

// MaxTokenSize bounds what Decode accepts. Real LiveKit tokens are a few
// hundred bytes to a few KiB (metadata and attributes included); anything far
// larger is junk or an attempt to make us allocate.
const MaxTokenSize = 256 << 10

// Token is a JWT decoded without checking its signature: what it claims, not
// whether the claims are true. Use Verify or Check for that.
type Token struct {
	// Raw is the compact JWT as decoded (trimmed, without "Bearer ").
	Raw string
	// Header is the JOSE header (alg, typ, …).
	Header map[string]any
	// Claims is the whole payload; numbers are json.Number so nothing is
	// rounded on display or in Diff.
	Claims map[string]any
	// Grants is the payload read as LiveKit grants, as the server reads it
	// (Identity set from sub/jti); never nil after a successful Decode,
	// empty when the payload does not fit the grants.
	Grants *auth.ClaimGrants

	// Issuer (iss) is the API key that signed the token; Subject (sub) is
	// the identity; ID is jti.
	Issuer, Subject, ID string
	// IssuedAt, NotBefore and ExpiresAt are zero when the claim is absent.
	IssuedAt, NotBefore, ExpiresAt time.Time

	// signingInput and signature are the parts Verify needs.
	signingInput string
	signature    []byte
	// claimsErr is why the payload does not decode into the claims struct
	// the server decodes it into (registered claims + auth.ClaimGrants);
	// the server then rejects the token as malformed.
	claimsErr error
	// padded is set when a segment carries base64 '=' padding, which we
	// accept but the server's JWT parser does not.
	padded bool
	// quotedTimes lists time claims written as JSON strings ("exp":"123").
	quotedTimes []string
	// clampedTimes lists time claims outside years 1–9999, pinned to the
	// nearest end of that range (same verdict for any real clock).
	clampedTimes []string
}

// DecodeError says why a string is not a decodable JWT.
type DecodeError struct {
	Reason string // what is wrong, e.g. "token has 2 dot-separated segments, want 3 …"
	Err    error  // the underlying parse error, if any
}

// Error is "token: " and the reason.
func (e *DecodeError) Error() string {
	if e.Err != nil {
		return "token: " + e.Reason + ": " + e.Err.Error()
	}
	return "token: " + e.Reason
}

// Unwrap returns Err.
func (e *DecodeError) Unwrap() error { return e.Err }

func decodeErr(err error, format string, args ...any) *DecodeError {
	return &DecodeError{Reason: fmt.Sprintf(format, args...), Err: err}
}

// Decode parses a compact JWT without a secret. It trims surrounding
// whitespace and an optional "Bearer " prefix (tokens are often pasted from
// an Authorization header). Any malformed input yields a *DecodeError.
func Decode(raw string) (*Token, error) {
	s, parts, err := split(raw)
	if err != nil {
		return nil, err
	}
	t := &Token{Raw: s, signingInput: s[:len(parts[0])+1+len(parts[1])]}
	t.padded = strings.HasSuffix(parts[0], "=") || strings.HasSuffix(parts[1], "=") || strings.HasSuffix(parts[2], "=")
	hdr, err := decodeSegment(parts[0])
	if err != nil {
		return nil, decodeErr(err, "header is not valid base64url")
	}
	if t.Header, err = decodeObject(hdr); err != nil {
		return nil, decodeErr(err, "header is not a JSON object")
	}
	payload, err := decodeSegment(parts[1])
	if err != nil {
		return nil, decodeErr(err, "payload is not valid base64url")
	}
	if t.Claims, err = decodeObject(payload); err != nil {
		return nil, decodeErr(err, "payload is not a JSON object")
	}
	// An empty signature ("alg":"none") still decodes; Verify calls it invalid.
	if parts[2] != "" {
		if t.signature, err = decodeSegment(parts[2]); err != nil {
			return nil, decodeErr(err, "signature is not valid base64url")
		}
	}
	if err := t.registeredClaims(); err != nil {
		return nil, err
	}
	t.serverClaims(payload)
	return t, nil
}

// split trims raw (and a "Bearer" scheme) and cuts it into its three
// segments, refusing what cannot be a JWS before any decoding.
func split(raw string) (string, []string, error) {
	if len(raw) > MaxTokenSize+64 {
		return "", nil, decodeErr(nil, "token is %d bytes, larger than the %d KiB limit", len(raw), MaxTokenSize>>10)
	}
	s := strings.TrimSpace(raw)
	// A JWT starts with "eyJ" (base64 of `{"`), so a leading word "bearer"
	// can only be the auth scheme.
	if len(s) >= 6 && strings.EqualFold(s[:6], "bearer") && (len(s) == 6 || s[6] == ' ' || s[6] == '\t') {
		s = strings.TrimSpace(s[6:])
	}
	if s == "" {
		return "", nil, decodeErr(nil, "token is empty")
	}
	if len(s) > MaxTokenSize {
		return "", nil, decodeErr(nil, "token is %d bytes, larger than the %d KiB limit", len(s), MaxTokenSize>>10)
	}
	// Count before splitting: a string of dots must not become 256 Ki parts.
	if n := strings.Count(s, ".") + 1; n != 3 {
		if n == 5 {
			return "", nil, decodeErr(nil, "token has 5 dot-separated segments (an encrypted JWE?), want 3 (header.payload.signature)")
		}
		return "", nil, decodeErr(nil, "token has %d dot-separated segments, want 3 (header.payload.signature)", n)
	}
	return s, strings.Split(s, "."), nil
}

// registeredClaims reads iss, sub, jti and the times from the claims as
// JSON has them, refusing values of the wrong type.
func (t *Token) registeredClaims() error {
	var err error
	if t.Issuer, err = stringClaim(t.Claims, "iss"); err != nil {
		return err
	}
	if t.Subject, err = stringClaim(t.Claims, "sub"); err != nil {
		return err
	}
	if t.ID, err = stringClaim(t.Claims, "jti"); err != nil {
		return err
	}
	for _, c := range []struct {
		name string
		dst  *time.Time
	}{{"iat", &t.IssuedAt}, {"nbf", &t.NotBefore}, {"exp", &t.ExpiresAt}} {
		var quoted bool
		if *c.dst, quoted, err = timeClaim(t.Claims, c.name); err != nil {
			return err
		}
		if quoted {
			t.quotedTimes = append(t.quotedTimes, c.name)
		}
	}
	return nil
}

// serverClaims decodes the payload into the same shape livekit-server
// does (protocol auth.tokenClaims: jwt.RegisteredClaims + ClaimGrants, via
// jwt.ParseWithClaims), so the grants we show are what it would read. A
// payload that does not fit (e.g. "video" is a string, "aud" a number, a
// roomConfig field of the wrong type) is still a JWT; Check reports it.
func (t *Token) serverClaims(payload []byte) {
	var sc serverClaims
	if err := json.Unmarshal(payload, &sc); err != nil {
		t.claimsErr = err
		t.Grants = &auth.ClaimGrants{}
	} else {
		t.Grants = &sc.ClaimGrants
		// encoding/json matches struct fields case-insensitively, so the
		// server also reads "EXP" or "Sub"; take the registered claims from
		// the same decode so Check sees what the server sees.
		t.Issuer, t.Subject, t.ID = sc.Issuer, sc.Subject, sc.ID
		for _, c := range []struct {
			src *jwt.NumericDate
			dst *time.Time
		}{{sc.IssuedAt, &t.IssuedAt}, {sc.NotBefore, &t.NotBefore}, {sc.ExpiresAt, &t.ExpiresAt}} {
			if c.src == nil {
				*c.dst = time.Time{}
				continue
			}
			*c.dst = clampUnix(c.src.Unix())
		}
	}
	// verifier.go Verify overwrites the payload's "identity" the same way.
	t.Grants.Identity = t.Identity()
	for _, c := range []struct {
		name string
		at   time.Time
	}{{"iat", t.IssuedAt}, {"nbf", t.NotBefore}, {"exp", t.ExpiresAt}} {
		if u := c.at.Unix(); !c.at.IsZero() && (u == minUnix || u == maxUnix) {
			t.clampedTimes = append(t.clampedTimes, c.name)
		}
	}
}

// Identity is the participant identity the server assigns: sub, or jti when
// sub is empty (protocol auth/verifier.go ParseAPIToken). A payload
// "identity" field is ignored by the server and so here.
func (t *Token) Identity() string {
	if t.Subject != "" {
		return t.Subject
	}
	return t.ID
}

// serverClaims mirrors protocol auth.tokenClaims (unexported there).
type serverClaims struct {
	jwt.RegisteredClaims
	auth.ClaimGrants
}

// decodeSegment accepts base64url with or without padding.
func decodeSegment(seg string) ([]byte, error) {
	if seg == "" {
		return nil, errors.New("it is empty")
	}
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
}

func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("got null")
	}
	if dec.More() {
		return nil, errors.New("trailing data after the object")
	}
	// dec.More is false at EOF but also before a stray closing bracket;
	// insist on nothing but whitespace after the object.
	if rest := bytes.TrimSpace(b[dec.InputOffset():]); len(rest) > 0 {
		return nil, errors.New("trailing data after the object")
	}
	return m, nil
}

func stringClaim(claims map[string]any, name string) (string, error) {
	v, ok := claims[name]
	if !ok || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", decodeErr(nil, "claim %q is %s, want a string", name, jsonKind(v))
	}
	return s, nil
}

// minUnix and maxUnix bound times to years 1–9999, which RFC3339 (and so
// Report's JSON) can represent and where the zero time.Time still means
// "absent". A claim beyond them is pinned to the bound: for any real clock
// the server's verdict is the same (expired long ago / valid for ever).
const (
	minUnix = -62135596799 // 0001-01-01T00:00:01Z
	maxUnix = 253402300799 // 9999-12-31T23:59:59Z
	// int64Limit is 2^63: beyond it golang-jwt's float->int64 conversion
	// is undefined, so the server's reading cannot be predicted.
	int64Limit = 9223372036854775808.0
)

func clampUnix(u int64) time.Time {
	return time.Unix(min(max(u, minUnix), maxUnix), 0)
}

// timeClaim reads a NumericDate the way golang-jwt's NumericDate.UnmarshalJSON
// does: seconds since the epoch, integer or fractional, truncated to whole
// seconds (jwt.TimePrecision). Like encoding/json into a json.Number, a JSON
// string holding a valid number is accepted too; quoted reports that.
func timeClaim(claims map[string]any, name string) (_ time.Time, quoted bool, _ error) {
	v, ok := claims[name]
	if !ok || v == nil {
		return time.Time{}, false, nil
	}
	var n json.Number
	switch v := v.(type) {
	case json.Number:
		n = v
	case string:
		if !isJSONNumber(v) {
			return time.Time{}, false, decodeErr(nil, "claim %q is a string (%.40q), want a number of seconds", name, v)
		}
		n, quoted = json.Number(v), true
	default:
		return time.Time{}, false, decodeErr(nil, "claim %q is %s, want a number of seconds", name, jsonKind(v))
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, false, decodeErr(err, "claim %q is not a usable number (%.40s)", name, n.String())
	}
	if f <= -int64Limit || f >= int64Limit {
		return time.Time{}, false, decodeErr(nil, "claim %q is out of range (%.40s)", name, n.String())
	}
	sec, _ := math.Modf(f)
	return clampUnix(int64(sec)), quoted, nil
}

// isJSONNumber reports whether s is exactly one JSON number literal.
func isJSONNumber(s string) bool {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return false
	}
	n, ok := v.(json.Number)
	return ok && n.String() == s
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}
