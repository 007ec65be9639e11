package tokens

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/livekit/protocol/auth"
)

const (
	testKey    = "APIkey123"
	testSecret = "a-test-secret-that-is-long-enough-for-hs256"
)

// fixedNow is the clock for every time-dependent test.
var fixedNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// sign mints an HS256 token from arbitrary claims (golang-jwt), for the
// hand-crafted cases auth.AccessToken cannot express.
func sign(t testing.TB, claims map[string]any, secret string) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims(claims)).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// joinClaims is a token a server holding testKey accepts at fixedNow.
func joinClaims() map[string]any {
	return map[string]any{
		"iss":   testKey,
		"sub":   "alice",
		"name":  "Alice",
		"iat":   fixedNow.Add(-time.Minute).Unix(),
		"nbf":   fixedNow.Add(-time.Minute).Unix(),
		"exp":   fixedNow.Add(time.Hour).Unix(),
		"video": map[string]any{"room": "lobby", "roomJoin": true, "canPublish": true},
	}
}

func with(c map[string]any, kv ...any) map[string]any {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(c, kv[i].(string))
		} else {
			c[kv[i].(string)] = kv[i+1]
		}
	}
	return c
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// raw builds a token from literal header and payload JSON.
func raw(header, payload string) string {
	return b64(header) + "." + b64(payload) + "." + b64("sig")
}

const hs256Header = `{"alg":"HS256","typ":"JWT"}`

func mustDecode(t testing.TB, s string) *Token {
	t.Helper()
	tok, err := Decode(s)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return tok
}

func TestDecodeMintedToken(t *testing.T) {
	canPub := false
	at := auth.NewAccessToken(testKey, testSecret).
		SetIdentity("bob").
		SetName("Bob").
		SetMetadata(`{"role":"guest"}`).
		SetAttributes(map[string]string{"k": "v"}).
		SetVideoGrant(&auth.VideoGrant{RoomJoin: true, Room: "r1", CanPublish: &canPub}).
		SetSIPGrant(&auth.SIPGrant{Call: true}).
		SetValidFor(10 * time.Minute)
	s, err := at.ToJWT()
	if err != nil {
		t.Fatal(err)
	}
	tok := mustDecode(t, s)
	if tok.Raw != s || tok.Issuer != testKey || tok.Subject != "bob" {
		t.Errorf("iss/sub = %q/%q", tok.Issuer, tok.Subject)
	}
	if tok.Header["alg"] != "HS256" {
		t.Errorf("alg = %v", tok.Header["alg"])
	}
	g := tok.Grants
	if g.Identity != "bob" || g.Name != "Bob" || g.Metadata != `{"role":"guest"}` || g.Attributes["k"] != "v" {
		t.Errorf("grants = %+v", g)
	}
	if g.Video == nil || !g.Video.RoomJoin || g.Video.Room != "r1" || g.Video.GetCanPublish() {
		t.Errorf("video = %+v", g.Video)
	}
	if g.SIP == nil || !g.SIP.Call {
		t.Errorf("sip = %+v", g.SIP)
	}
	if got := tok.ExpiresAt.Sub(tok.NotBefore); got != 10*time.Minute {
		t.Errorf("exp - nbf = %v", got)
	}
	if _, ok := tok.Claims["exp"].(json.Number); !ok {
		t.Errorf("exp claim is %T, want json.Number", tok.Claims["exp"])
	}
	if v := tok.Verify(testSecret); v != SignatureVerified {
		t.Errorf("Verify = %v", v)
	}
}

func TestDecodeAccepts(t *testing.T) {
	good := sign(t, joinClaims(), testSecret)
	parts := strings.Split(good, ".")
	pad := func(s string) string { return s + strings.Repeat("=", (4-len(s)%4)%4) }
	tests := []struct {
		name string
		in   string
		exp  int64 // expected ExpiresAt unix
	}{
		{"plain", good, fixedNow.Add(time.Hour).Unix()},
		{"bearer", "Bearer " + good, fixedNow.Add(time.Hour).Unix()},
		{"bearer lower case", "bearer " + good, fixedNow.Add(time.Hour).Unix()},
		{"whitespace", "\n  \t" + good + " \r\n", fixedNow.Add(time.Hour).Unix()},
		{"bearer and whitespace", "  Bearer   " + good + "\n", fixedNow.Add(time.Hour).Unix()},
		{"padded base64", pad(parts[0]) + "." + pad(parts[1]) + "." + pad(parts[2]), fixedNow.Add(time.Hour).Unix()},
		{"fractional exp truncated like golang-jwt", raw(hs256Header, `{"exp":1700000000.9}`), 1700000000},
		{"exponent exp", raw(hs256Header, `{"exp":1.7e9}`), 1700000000},
		{"quoted exp like golang-jwt", raw(hs256Header, `{"exp":"1700000000"}`), 1700000000},
		{"no signature (alg none)", b64(`{"alg":"none"}`) + "." + b64(`{"exp":5}`) + ".", 5},
		{"null time claims", raw(hs256Header, `{"exp":7,"nbf":null}`), 7},
		{"exp past year 9999 pinned", raw(hs256Header, `{"exp":1e15}`), maxUnix},
		{"exp before year 1 pinned", raw(hs256Header, `{"exp":-1e15}`), minUnix},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := mustDecode(t, tt.in)
			if got := tok.ExpiresAt.Unix(); got != tt.exp {
				t.Errorf("exp = %d, want %d", got, tt.exp)
			}
			if tok.Grants == nil {
				t.Error("Grants is nil")
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	good := sign(t, joinClaims(), testSecret)
	parts := strings.Split(good, ".")
	tests := []struct {
		name, in, reason string
	}{
		{"empty", "", "empty"},
		{"only whitespace", " \n\t", "empty"},
		{"only bearer", "Bearer ", "empty"},
		{"one segment", "abc", "1 dot-separated segments"},
		{"two segments", parts[0] + "." + parts[1], "2 dot-separated segments"},
		{"four segments", good + ".x", "4 dot-separated segments"},
		{"jwe", "a.b.c.d.e", "JWE"},
		{"empty header", "." + parts[1] + "." + parts[2], "header is not valid base64url"},
		{"bad base64 header", "!!!." + parts[1] + "." + parts[2], "header is not valid base64url"},
		{"standard base64 chars", parts[0] + "." + b64(`{"a":1}`) + "+/." + parts[2], "payload is not valid base64url"},
		{"bad base64 signature", parts[0] + "." + parts[1] + ".*", "signature is not valid base64url"},
		{"header not json", b64("hello") + "." + parts[1] + "." + parts[2], "header is not a JSON object"},
		{"header array", b64("[1]") + "." + parts[1] + "." + parts[2], "header is not a JSON object"},
		{"payload not json", raw(hs256Header, "not json"), "payload is not a JSON object"},
		{"payload null", raw(hs256Header, "null"), "payload is not a JSON object"},
		{"payload string", raw(hs256Header, `"x"`), "payload is not a JSON object"},
		{"payload truncated", raw(hs256Header, `{"exp":1`), "payload is not a JSON object"},
		{"payload trailing data", raw(hs256Header, `{"exp":1} {}`), "payload is not a JSON object"},
		{"payload trailing bracket", raw(hs256Header, `{"exp":1}]`), "payload is not a JSON object"},
		{"exp word", raw(hs256Header, `{"exp":"soon"}`), `claim "exp" is a string`},
		{"exp bool", raw(hs256Header, `{"exp":true}`), `claim "exp" is a boolean`},
		{"exp object", raw(hs256Header, `{"exp":{}}`), `claim "exp" is an object`},
		{"nbf array", raw(hs256Header, `{"nbf":[1]}`), `claim "nbf" is an array`},
		{"exp overflow", raw(hs256Header, `{"exp":1e400}`), `claim "exp" is not a usable number`},
		{"exp beyond int64", raw(hs256Header, `{"exp":1e19}`), `claim "exp" is out of range`},
		{"iat beyond int64", raw(hs256Header, `{"iat":-1e19}`), `claim "iat" is out of range`},
		{"iss number", raw(hs256Header, `{"iss":5}`), `claim "iss" is a number`},
		{"sub object", raw(hs256Header, `{"sub":{}}`), `claim "sub" is an object`},
		{"huge", strings.Repeat("a", MaxTokenSize+1), "256 KiB limit"},
		{"huge after trim", " " + strings.Repeat("a", MaxTokenSize+1) + " ", "256 KiB limit"},
		{"very huge", strings.Repeat("a.", 4<<20), "256 KiB limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := Decode(tt.in)
			if err == nil {
				t.Fatalf("Decode succeeded: %+v", tok)
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not a *DecodeError: %v", err, err)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("error %q does not mention %q", err, tt.reason)
			}
			if tok != nil {
				t.Error("token returned with error")
			}
		})
	}
}

func TestDecodeErrorUnwraps(t *testing.T) {
	_, err := Decode(raw(hs256Header, "{"))
	var se *json.SyntaxError
	if !errors.As(err, &se) && !strings.Contains(err.Error(), "EOF") {
		t.Errorf("error %v does not carry the JSON error", err)
	}
	if errors.Unwrap(err) == nil {
		t.Error("DecodeError.Unwrap = nil")
	}
}

func TestDecodeGrantsMismatch(t *testing.T) {
	// A payload that is a JWT but not LiveKit grants still decodes, so it
	// can be shown; Check then says why the server refuses it.
	tok := mustDecode(t, raw(hs256Header, `{"sub":"a","video":"lobby"}`))
	if tok.Grants == nil || tok.Grants.Video != nil {
		t.Errorf("Grants = %+v", tok.Grants)
	}
	if tok.claimsErr == nil {
		t.Error("claimsErr not set")
	}
}

func TestDecodeIdentity(t *testing.T) {
	tests := []struct{ payload, want string }{
		{`{"sub":"s","jti":"j","identity":"i"}`, "s"},
		{`{"jti":"j","identity":"i"}`, "j"},
		{`{"identity":"i"}`, ""},
	}
	for _, tt := range tests {
		tok := mustDecode(t, raw(hs256Header, tt.payload))
		if tok.Identity() != tt.want || tok.Grants.Identity != tt.want {
			t.Errorf("%s: Identity() = %q, Grants.Identity = %q, want %q", tt.payload, tok.Identity(), tok.Grants.Identity, tt.want)
		}
	}
}

func TestVerify(t *testing.T) {
	good := sign(t, joinClaims(), testSecret)
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + b64(`{"sub":"mallory","video":{"roomJoin":true,"room":"lobby"}}`) + "." + parts[2]
	hs512, err := jwt.NewWithClaims(jwt.SigningMethodHS512, jwt.MapClaims(joinClaims())).SignedString([]byte(testSecret))
	if err != nil {
		t.Fatal(err)
	}
	none := b64(`{"alg":"none"}`) + "." + parts[1] + "."
	tests := []struct {
		name, token, secret string
		want                Signature
	}{
		{"right secret", good, testSecret, SignatureVerified},
		{"wrong secret", good, "other", SignatureInvalid},
		{"no secret", good, "", SignatureUnverified},
		{"tampered payload", tampered, testSecret, SignatureInvalid},
		{"hs512", hs512, testSecret, SignatureInvalid},
		{"hs512 no secret", hs512, "", SignatureInvalid},
		{"alg none", none, testSecret, SignatureInvalid},
		{"alg none no secret", none, "", SignatureInvalid},
		{"bearer prefix", "Bearer " + good, testSecret, SignatureVerified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustDecode(t, tt.token).Verify(tt.secret); got != tt.want {
				t.Errorf("Verify = %v, want %v", got, tt.want)
			}
		})
	}
	var nilTok *Token
	if nilTok.Verify(testSecret) != SignatureInvalid {
		t.Error("nil token verified")
	}
}

func BenchmarkDecode(b *testing.B) {
	s := sign(b, joinClaims(), testSecret)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeBaseline is what the server does to read the same token
// without a secret (protocol auth.ParseAPIToken), for comparison.
func BenchmarkDecodeBaseline(b *testing.B) {
	s := sign(b, joinClaims(), testSecret)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := auth.ParseAPIToken(s); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzDecode: Decode never panics, fails only with *DecodeError, and every
// token it accepts can be checked, diffed and reported as JSON.
func FuzzDecode(f *testing.F) {
	f.Add(sign(f, joinClaims(), testSecret))
	f.Add("Bearer " + raw(hs256Header, `{"exp":1.5,"video":{"roomJoin":true}}`))
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := Decode(s)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || de.Reason == "" {
				t.Fatalf("error %T %v is not a *DecodeError with a reason", err, err)
			}
			return
		}
		if tok.Grants == nil || tok.Claims == nil || tok.Header == nil {
			t.Fatalf("incomplete token %+v", tok)
		}
		tok.Verify(testSecret)
		v := tok.Check(fixedNow, CheckConfig{APIKey: testKey, APISecret: testSecret})
		if v.Valid != (len(v.Problems) == 0) {
			t.Fatalf("Valid = %v with problems %q", v.Valid, v.Problems)
		}
		if _, err := json.Marshal(NewReport(tok, fixedNow, CheckConfig{})); err != nil {
			t.Fatalf("report does not marshal: %v", err)
		}
		if d := Diff(tok, tok); len(d.Changed) != 0 || d.LifetimeChange != 0 {
			t.Fatalf("token differs from itself: %+v", d)
		}
		again, err := Decode(tok.Raw)
		if err != nil || again.Raw != tok.Raw {
			t.Fatalf("Raw does not decode again: %v", err)
		}
	})
}

// TestDecodeClaimCaseLikeServer: the server decodes claims into structs,
// and encoding/json matches keys case-insensitively, so "EXP" counts.
func TestDecodeClaimCaseLikeServer(t *testing.T) {
	tok := mustDecode(t, raw(hs256Header, `{"EXP":5,"Sub":"s","ISS":"k","Video":{"RoomJoin":true,"ROOM":"r"}}`))
	if tok.ExpiresAt.Unix() != 5 || tok.Subject != "s" || tok.Issuer != "k" {
		t.Errorf("exp/sub/iss = %v/%q/%q", tok.ExpiresAt, tok.Subject, tok.Issuer)
	}
	if tok.Grants.Video == nil || !tok.Grants.Video.RoomJoin || tok.Grants.Video.Room != "r" {
		t.Errorf("video = %+v", tok.Grants.Video)
	}
	if tok := mustDecode(t, raw(hs256Header, `{"Exp":1e300}`)); tok.ExpiresAt.Unix() < minUnix || tok.ExpiresAt.Unix() > maxUnix {
		t.Errorf("Exp 1e300 -> %v, outside the representable range", tok.ExpiresAt)
	}
}
