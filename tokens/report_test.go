package tokens

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lkdash/lkdash/internal/textsafe"
)

func TestReportJSON(t *testing.T) {
	tok := mustDecode(t, sign(t, with(joinClaims(), "exp", unix(-90*time.Second), "metadata", "m"), testSecret))
	r := NewReport(tok, fixedNow, CheckConfig{APIKey: testKey, APISecret: testSecret})
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"header", "claims", "identity", "name", "room", "issuer", "issued_at", "not_before",
		"expires_at", "expires_in_seconds", "valid", "problems", "signature", "warnings", "in_room", "apis"} {
		if _, ok := got[key]; !ok {
			t.Errorf("key %q missing from %s", key, b)
		}
	}
	if len(got) != 16 {
		t.Errorf("%d keys in %s", len(got), b)
	}
	checks := map[string]any{
		"identity":           "alice",
		"name":               "Alice",
		"room":               "lobby",
		"issuer":             testKey,
		"expires_at":         "2026-01-02T03:02:35Z",
		"not_before":         "2026-01-02T03:03:05Z",
		"expires_in_seconds": float64(-90),
		"valid":              false,
		"signature":          "verified",
	}
	for k, want := range checks {
		if got[k] != want {
			t.Errorf("%s = %#v, want %#v", k, got[k], want)
		}
	}
	if p, _ := got["problems"].([]any); len(p) != 1 || !strings.Contains(p[0].(string), "expired 1m30s ago") {
		t.Errorf("problems = %v", got["problems"])
	}
	if c, _ := got["claims"].(map[string]any); c["metadata"] != "m" {
		t.Errorf("claims = %v", got["claims"])
	}
}

func TestReportLocalTimesBecomeUTC(t *testing.T) {
	tok := mustDecode(t, sign(t, joinClaims(), testSecret))
	tok.ExpiresAt = tok.ExpiresAt.In(time.FixedZone("X", 5*3600))
	r := NewReport(tok, fixedNow, CheckConfig{})
	b, _ := json.Marshal(r.ExpiresAt)
	if string(b) != `"2026-01-02T04:04:05Z"` {
		t.Errorf("expires_at = %s", b)
	}
}

func TestReportEmptyLists(t *testing.T) {
	tok := mustDecode(t, sign(t, with(joinClaims(), "exp", nil, "nbf", nil, "iat", nil), testSecret))
	b, err := json.Marshal(NewReport(tok, fixedNow, CheckConfig{APIKey: testKey, APISecret: testSecret}))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"problems":[]`, `"expires_at":null`, `"expires_in_seconds":null`, `"issued_at":null`, `"valid":true`} {
		if !strings.Contains(s, want) {
			t.Errorf("%s lacks %s", s, want)
		}
	}
}

func TestReportNil(t *testing.T) {
	r := NewReport(nil, fixedNow, CheckConfig{})
	if r.Valid {
		t.Error("nil token valid")
	}
	if _, err := json.Marshal(r); err != nil {
		t.Error(err)
	}
}

// TestHostileClaimsInert: claims a token minter controls come out of the
// decoder verbatim (they are data), and textsafe makes them inert for the
// screen; in JSON the encoder escapes the controls.
func TestHostileClaimsInert(t *testing.T) {
	hostile := []string{
		"\x1b[2J\x1b[H",                  // clear screen, home
		"\x1b]52;c;cm0gLXJmIC8K\x07",     // OSC 52 clipboard write
		"\x1b]52;c;cm0gLXJmIC8K\x1b\\",   // same with ST
		"ding\x07\x07",                   // BEL
		"admin\u202e\u2066txt.exe\u2069", // bidi override/isolate
		"\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
		"\u009b31mc1\u009d0;title\u009c",
		"bad utf8 \xff\xfe",
	}
	for _, h := range hostile {
		claims := with(joinClaims(), "name", "n"+h, "metadata", "m"+h, "attributes", map[string]any{"k" + h: "v" + h})
		tok := mustDecode(t, sign(t, claims, testSecret))
		for _, s := range []string{tok.Grants.Name, tok.Grants.Metadata, tok.Grants.Attributes["k"+h]} {
			for _, out := range []string{textsafe.Clean(s), textsafe.Line(s, 40)} {
				if strings.ContainsAny(out, "\x1b\x07\x00\u009b\u009d\u009c\u202e\u2066\u2069") {
					t.Errorf("%q -> %q is not inert", s, out)
				}
			}
		}
		b, err := json.Marshal(NewReport(tok, fixedNow, CheckConfig{}))
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(string(b), "\x1b\x07") {
			t.Errorf("report JSON carries raw controls: %q", b)
		}
	}
}

// TestProblemsInert: Problems and Warnings quote claim text; whatever a
// token carries, they hold no raw controls or bidi characters.
func TestProblemsInert(t *testing.T) {
	h := "\x1b]52;c;eA==\x07\x1b[2J\u202e\u009b"
	claims := with(joinClaims(),
		"iss", "k"+h,
		"sub", nil,
		"identity", "i"+h,
		"roomConfig", map[string]any{"name": 5, "x" + h: h},
	)
	algJSON, _ := json.Marshal("HS256" + h)
	hdr := b64(`{"alg":` + string(algJSON) + `}`)
	tok := mustDecode(t, hdr+"."+strings.Split(sign(t, claims, testSecret), ".")[1]+".c2ln")
	v := tok.Check(fixedNow, CheckConfig{APIKey: testKey, APISecret: testSecret})
	if len(v.Problems) < 3 {
		t.Errorf("problems = %q", v.Problems)
	}
	for _, s := range append(v.Problems, v.Warnings...) {
		if strings.ContainsAny(s, "\x1b\x07\u202e\u009b") {
			t.Errorf("not inert: %q", s)
		}
	}
}
