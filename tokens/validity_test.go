package tokens

import (
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/livekit/protocol/auth"
)

func unix(d time.Duration) int64 { return fixedNow.Add(d).Unix() }

func TestCheck(t *testing.T) {
	cfg := CheckConfig{APIKey: testKey, APISecret: testSecret}
	hs512, err := jwt.NewWithClaims(jwt.SigningMethodHS512, jwt.MapClaims(joinClaims())).SignedString([]byte(testSecret))
	if err != nil {
		t.Fatal(err)
	}
	good := sign(t, joinClaims(), testSecret)
	// A minter that pads, signing over the padded text (so the HMAC is
	// right and only the padding is wrong).
	pad := base64.URLEncoding.EncodeToString
	in := pad([]byte(hs256Header)) + "." + pad([]byte(`{"iss":"`+testKey+`","sub":"alice","exp":`+strconv.FormatInt(unix(time.Hour), 10)+`,"video":{"room":"lobby","roomJoin":true}}`))
	mac, err := jwt.SigningMethodHS256.Sign(in, []byte(testSecret))
	if err != nil {
		t.Fatal(err)
	}
	padded := in + "." + pad(mac)
	if !strings.Contains(padded, "=") {
		t.Fatal("padding test token has no padding")
	}
	tests := []struct {
		name      string
		token     string
		cfg       CheckConfig
		valid     bool
		sig       Signature
		problems  []string // substrings, each must appear in some problem
		warnings  []string // substrings, each must appear in some warning
		noWarning bool
	}{
		{name: "valid", token: good, cfg: cfg, valid: true, sig: SignatureVerified, noWarning: true},
		{name: "no secret", token: good, cfg: CheckConfig{}, valid: true, sig: SignatureUnverified,
			warnings: []string{"signature not checked"}},
		{name: "key only", token: good, cfg: CheckConfig{APIKey: testKey}, valid: true, sig: SignatureUnverified},
		{name: "expired", token: sign(t, with(joinClaims(), "exp", unix(-3*time.Minute)), testSecret), cfg: cfg,
			sig: SignatureVerified, problems: []string{"expired 3m ago"}},
		{name: "expired long ago", token: sign(t, with(joinClaims(), "exp", unix(-50*time.Hour-10*time.Minute)), testSecret), cfg: cfg,
			sig: SignatureVerified, problems: []string{"expired 2d2h ago"}},
		{name: "expired within leeway", token: sign(t, with(joinClaims(), "exp", unix(-30*time.Second)), testSecret), cfg: cfg,
			valid: true, sig: SignatureVerified, warnings: []string{"expired 30s ago; still accepted thanks to the server's 1m leeway"}},
		{name: "exactly at end of leeway", token: sign(t, with(joinClaims(), "exp", unix(-time.Minute)), testSecret), cfg: cfg,
			sig: SignatureVerified, problems: []string{"expired 1m ago"}},
		{name: "one second inside leeway", token: sign(t, with(joinClaims(), "exp", unix(-59*time.Second)), testSecret), cfg: cfg,
			valid: true, sig: SignatureVerified, warnings: []string{"leeway"}},
		{name: "expiring soon", token: sign(t, with(joinClaims(), "exp", unix(45*time.Second)), testSecret), cfg: cfg,
			valid: true, sig: SignatureVerified, warnings: []string{"expires in 45s"}},
		{name: "nbf far future", token: sign(t, with(joinClaims(), "nbf", unix(5*time.Minute)), testSecret), cfg: cfg,
			sig: SignatureVerified, problems: []string{"not valid before 2026-01-02T03:09:05Z (in 5m)"}},
		{name: "nbf within leeway", token: sign(t, with(joinClaims(), "nbf", unix(30*time.Second)), testSecret), cfg: cfg,
			valid: true, sig: SignatureVerified, warnings: []string{"not valid before", "leeway"}},
		{name: "nbf exactly at leeway", token: sign(t, with(joinClaims(), "nbf", unix(time.Minute)), testSecret), cfg: cfg,
			valid: true, sig: SignatureVerified, warnings: []string{"leeway"}},
		{name: "iat in future is ignored", token: sign(t, with(joinClaims(), "iat", unix(time.Hour)), testSecret), cfg: cfg,
			valid: true, sig: SignatureVerified, noWarning: true},
		{name: "no exp", token: sign(t, with(joinClaims(), "exp", nil), testSecret), cfg: cfg,
			valid: true, sig: SignatureVerified, warnings: []string{"no exp"}},
		{name: "no video grant", token: sign(t, with(joinClaims(), "video", nil), testSecret), cfg: cfg,
			sig: SignatureVerified, problems: []string{"no video grant"}},
		{name: "no roomJoin", token: sign(t, with(joinClaims(), "video", map[string]any{"room": "lobby", "roomAdmin": true}), testSecret), cfg: cfg,
			sig: SignatureVerified, problems: []string{"no roomJoin grant"}},
		{name: "no room", token: sign(t, with(joinClaims(), "video", map[string]any{"roomJoin": true}), testSecret), cfg: cfg,
			sig: SignatureVerified, problems: []string{"no room in video grant"}},
		{name: "room too long", token: sign(t, with(joinClaims(), "video", map[string]any{"roomJoin": true, "room": strings.Repeat("r", 257)}), testSecret), cfg: cfg,
			sig: SignatureVerified, problems: []string{"room name is 257 bytes"}},
		{name: "no identity", token: sign(t, with(joinClaims(), "sub", nil), testSecret), cfg: cfg,
			sig: SignatureVerified, problems: []string{"no identity"}},
		{name: "identity from jti", token: sign(t, with(joinClaims(), "sub", nil, "jti", "bob"), testSecret), cfg: cfg,
			valid: true, sig: SignatureVerified},
		{name: "identity claim without sub", token: sign(t, with(joinClaims(), "sub", nil, "identity", "carol"), testSecret), cfg: cfg,
			sig: SignatureVerified, problems: []string{"no identity"}, warnings: []string{`identity claim "carol" is ignored`}},
		{name: "identity too long", token: sign(t, with(joinClaims(), "sub", strings.Repeat("i", 300)), testSecret), cfg: cfg,
			sig: SignatureVerified, problems: []string{"identity is 300 bytes"}},
		{name: "attributes too large", token: sign(t, with(joinClaims(), "attributes", map[string]any{"k": strings.Repeat("v", 65<<10)}), testSecret), cfg: cfg,
			sig: SignatureVerified, problems: []string{"attributes are"}},
		{name: "wrong key", token: sign(t, with(joinClaims(), "iss", "otherkey"), "othersecret"), cfg: cfg,
			sig: SignatureInvalid, problems: []string{`issuer "otherkey" is not the API key "APIkey123"`}},
		{name: "no issuer", token: sign(t, with(joinClaims(), "iss", nil), testSecret), cfg: cfg,
			sig: SignatureVerified, problems: []string{"no issuer"}},
		{name: "no issuer, no config", token: sign(t, with(joinClaims(), "iss", nil), testSecret), cfg: CheckConfig{},
			sig: SignatureUnverified, problems: []string{"no issuer"}},
		{name: "bad signature", token: sign(t, joinClaims(), "wrong-secret"), cfg: cfg,
			sig: SignatureInvalid, problems: []string{"signature is invalid"}},
		{name: "hs512", token: hs512, cfg: cfg, sig: SignatureInvalid, problems: []string{`signing method "HS512" is not HS256`}},
		{name: "hs512 without secret", token: hs512, cfg: CheckConfig{}, sig: SignatureInvalid, problems: []string{"not HS256"}},
		{name: "padded", token: padded, cfg: cfg, sig: SignatureVerified, problems: []string{"padded base64"}},
		{name: "claims not grants", token: sign(t, with(joinClaims(), "video", "lobby"), testSecret), cfg: cfg,
			sig: SignatureVerified, problems: []string{"claims do not decode as LiveKit grants"}},
		{name: "aud not a string", token: sign(t, with(joinClaims(), "aud", 5), testSecret), cfg: cfg,
			sig: SignatureVerified, problems: []string{"claims do not decode"}},
		{name: "roomConfig field of wrong type", token: sign(t, with(joinClaims(), "roomConfig", map[string]any{"emptyTimeout": "x"}), testSecret), cfg: cfg,
			sig: SignatureVerified, problems: []string{"claims do not decode"}},
		{name: "exp in year 31 million", token: sign(t, with(joinClaims(), "exp", 1e15), testSecret), cfg: cfg,
			valid: true, sig: SignatureVerified, warnings: []string{"exp is outside years 1–9999"}},
		{name: "quoted exp", token: sign(t, with(joinClaims(), "exp", "1767326645"), testSecret), cfg: cfg,
			valid: true, sig: SignatureVerified, warnings: []string{"exp is a quoted string"}},
		{name: "sip and agent grants", token: sign(t, with(joinClaims(), "sip", map[string]any{"call": true}, "agent", map[string]any{"admin": true}, "kindDetails", []any{"FORWARDED"}), testSecret), cfg: cfg,
			valid: true, sig: SignatureVerified, warnings: []string{"sip, agent, kindDetails dropped when the server refreshes"}},
		{name: "expired and wrong everything", token: sign(t, with(joinClaims(), "exp", unix(-time.Hour), "sub", nil, "video", nil), "x"), cfg: cfg,
			sig: SignatureInvalid, problems: []string{"signature is invalid", "expired 1h ago", "no video grant", "no identity"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := mustDecode(t, tt.token).Check(fixedNow, tt.cfg)
			if v.Valid != tt.valid {
				t.Errorf("Valid = %v, want %v (problems %q)", v.Valid, tt.valid, v.Problems)
			}
			if v.Valid != (len(v.Problems) == 0) {
				t.Errorf("Valid = %v with problems %q", v.Valid, v.Problems)
			}
			if v.Signature != tt.sig {
				t.Errorf("Signature = %v, want %v", v.Signature, tt.sig)
			}
			for _, want := range tt.problems {
				if !containsSub(v.Problems, want) {
					t.Errorf("problems %q lack %q", v.Problems, want)
				}
			}
			for _, want := range tt.warnings {
				if !containsSub(v.Warnings, want) {
					t.Errorf("warnings %q lack %q", v.Warnings, want)
				}
			}
			if tt.noWarning && len(v.Warnings) > 0 {
				t.Errorf("unexpected warnings %q", v.Warnings)
			}
		})
	}
}

func TestCheckExpiresIn(t *testing.T) {
	tok := mustDecode(t, sign(t, with(joinClaims(), "exp", unix(-90*time.Second)), testSecret))
	if got := tok.Check(fixedNow, CheckConfig{}).ExpiresIn; got != -90*time.Second {
		t.Errorf("ExpiresIn = %v", got)
	}
	tok = mustDecode(t, sign(t, with(joinClaims(), "exp", nil), testSecret))
	if got := tok.Check(fixedNow, CheckConfig{}).ExpiresIn; got != 0 {
		t.Errorf("ExpiresIn without exp = %v", got)
	}
}

// TestCheckAgreesWithProtocolVerifier cross-checks the time and signature
// rules against the protocol verifier (auth.ParseAPIToken + Verify), which
// reads the wall clock, so tokens are minted relative to time.Now.
func TestCheckAgreesWithProtocolVerifier(t *testing.T) {
	now := time.Now()
	for _, c := range []struct {
		name   string
		claims map[string]any
		secret string
	}{
		{"fresh", with(joinClaims(), "exp", now.Add(time.Hour).Unix(), "nbf", now.Unix()), testSecret},
		{"expired", with(joinClaims(), "exp", now.Add(-5*time.Minute).Unix()), testSecret},
		{"in leeway", with(joinClaims(), "exp", now.Add(-20*time.Second).Unix()), testSecret},
		{"nbf future", with(joinClaims(), "exp", now.Add(time.Hour).Unix(), "nbf", now.Add(10*time.Minute).Unix()), testSecret},
		{"nbf in leeway", with(joinClaims(), "exp", now.Add(time.Hour).Unix(), "nbf", now.Add(20*time.Second).Unix()), testSecret},
		{"wrong secret", with(joinClaims(), "exp", now.Add(time.Hour).Unix()), "nope"},
	} {
		s := sign(t, c.claims, c.secret)
		v, err := auth.ParseAPIToken(s)
		if err != nil {
			t.Fatal(err)
		}
		_, _, verr := v.Verify(testSecret)
		val := mustDecode(t, s).Check(time.Now(), CheckConfig{APIKey: testKey, APISecret: testSecret})
		// Only the rules the verifier implements: drop exp-required (the
		// newer protocol in our go.mod requires exp; the server's does not).
		if (verr == nil) != val.Valid {
			t.Errorf("%s: protocol verifier err = %v, Check valid = %v %q", c.name, verr, val.Valid, val.Problems)
		}
	}
}

func TestCheckNil(t *testing.T) {
	var tok *Token
	v := tok.Check(fixedNow, CheckConfig{})
	if v.Valid || len(v.Problems) == 0 {
		t.Errorf("nil token: %+v", v)
	}
}

func TestHuman(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                                   "0s",
		45 * time.Second:                    "45s",
		-45 * time.Second:                   "45s",
		3 * time.Minute:                     "3m",
		3*time.Minute + 20*time.Second:      "3m20s",
		2*time.Hour + 5*time.Minute:         "2h5m",
		2*time.Hour + 5*time.Second:         "2h",
		50*time.Hour + 10*time.Minute:       "2d2h",
		24*time.Hour + 1*time.Minute:        "1d",
		1500 * time.Millisecond:             "2s",
		6*time.Hour + 59*time.Minute + 59e9: "6h59m",
	} {
		if got := human(d); got != want {
			t.Errorf("human(%v) = %q, want %q", d, got, want)
		}
	}
}

func containsSub(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func BenchmarkCheck(b *testing.B) {
	tok := mustDecode(b, sign(b, joinClaims(), testSecret))
	cfg := CheckConfig{APIKey: testKey, APISecret: testSecret}
	b.ReportAllocs()
	for b.Loop() {
		if !tok.Check(fixedNow, cfg).Valid {
			b.Fatal("invalid")
		}
	}
}

// BenchmarkCheckBaseline is the protocol verifier's parse + verify of the
// same token, the server's cost for the same question.
func BenchmarkCheckBaseline(b *testing.B) {
	s := sign(b, with(joinClaims(), "exp", time.Now().Add(time.Hour).Unix()), testSecret)
	b.ReportAllocs()
	for b.Loop() {
		v, err := auth.ParseAPIToken(s)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := v.Verify(testSecret); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVsProtocol times our path and the protocol library's path for
// the same question side by side in one loop (so both see the same machine
// load) and reports ours/protocol: comparable across machines even when
// absolute ns/op are not. Decode vs auth.ParseAPIToken; Decode+Check vs
// ParseAPIToken+Verify (what the server runs).
func BenchmarkVsProtocol(b *testing.B) {
	s := sign(b, with(joinClaims(), "exp", time.Now().Add(time.Hour).Unix()), testSecret)
	cfg := CheckConfig{APIKey: testKey, APISecret: testSecret}
	var decode, parse, check, verify time.Duration
	for b.Loop() {
		t0 := time.Now()
		tok, err := Decode(s)
		t1 := time.Now()
		v := tok.Check(t1, cfg)
		t2 := time.Now()
		p, perr := auth.ParseAPIToken(s)
		t3 := time.Now()
		_, _, verr := p.Verify(testSecret)
		t4 := time.Now()
		if err != nil || !v.Valid || perr != nil || verr != nil {
			b.Fatal(err, v.Problems, perr, verr)
		}
		decode, check, parse, verify = decode+t1.Sub(t0), check+t2.Sub(t1), parse+t3.Sub(t2), verify+t4.Sub(t3)
	}
	b.ReportMetric(float64(decode)/float64(parse), "decode/parse")
	b.ReportMetric(float64(decode+check)/float64(parse+verify), "decode+check/parse+verify")
}

// TestIsUnverifiedWarning picks out exactly the warning of a signature not
// checked, whichever form it takes, among the others of a token.
func TestIsUnverifiedWarning(t *testing.T) {
	now := fixedNow
	for _, cfg := range []CheckConfig{{}, {APIKey: testKey}} {
		tok, err := Decode(sign(t, with(joinClaims(), "exp", unix(45*time.Second)), testSecret))
		if err != nil {
			t.Fatal(err)
		}
		var picked []string
		v := tok.Check(now, cfg)
		for _, w := range v.Warnings {
			if IsUnverifiedWarning(w) {
				picked = append(picked, w)
			}
		}
		if len(picked) != 1 || len(v.Warnings) < 2 {
			t.Errorf("cfg %+v: picked %q of %q, want the one unverified warning beside the expiry's", cfg, picked, v.Warnings)
		}
	}
}
