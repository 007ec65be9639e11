package cli

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/lkdash/lkdash/devserver"
)

// TestDecodeJSONMalformed: scripts get one JSON object even for a string
// that is no JWT at all, with the parse error as the problem.
func TestDecodeJSONMalformed(t *testing.T) {
	for _, arg := range []string{"abc", "eyJhbGciOiJIUzI1NiJ9.!!!.sig", "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.sig"} {
		r := lkdash(t, "", nil, "decode", "--json", arg)
		if r.code != 1 || r.err != "" {
			t.Errorf("%s: exit %d stderr %q, want 1 and nothing on stderr", arg, r.code, r.err)
		}
		m := decodeJSON(t, r.stdout)
		problems, _ := m["problems"].([]any)
		if m["valid"] != false || len(problems) != 1 || !strings.HasPrefix(problems[0].(string), "token: ") {
			t.Errorf("%s: valid=%v problems=%v", arg, m["valid"], m["problems"])
		}
	}
}

// TestDecodeAgesInWholeSeconds: relative times never show milliseconds.
func TestDecodeAgesInWholeSeconds(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		at   time.Time
		want string
	}{
		{now.Add(-203 * time.Millisecond), "(0s ago)"},
		{now.Add(-1700 * time.Millisecond), "(2s ago)"},
		{now.Add(90*time.Second + 400*time.Millisecond), "(in 1m30s)"},
	} {
		if got := when(&tt.at, now); !strings.HasSuffix(got, tt.want) {
			t.Errorf("when(%v) = %q, want suffix %q", tt.at.Sub(now), got, tt.want)
		}
	}
}

// TestDecodeJudgesInServerTime: with --url (or LIVEKIT_URL) a server whose
// clock is two hours ahead makes a one-hour token expired, and the offset
// is reported.
func TestDecodeJudgesInServerTime(t *testing.T) {
	for _, tt := range []struct {
		name              string
		skew              time.Duration
		valid             bool
		note, mintWarning string
	}{
		{"server 2h ahead", 2 * time.Hour, false, "this clock is 2h behind the server", "expire 2h early"},
		{"server 2m13s behind: minted here, not yet valid there", -(2*time.Minute + 13*time.Second), false, "ahead of the server", "refused as not yet valid"},
		{"in step", 0, true, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header()["Date"] = []string{time.Now().Add(tt.skew).UTC().Format(http.TimeFormat)}
			}))
			defer srv.Close()
			tok := mintToken(t, time.Hour, nil)
			for _, how := range []struct {
				args    []string
				environ map[string]string
			}{
				{[]string{"--url", srv.URL}, nil},
				{nil, map[string]string{"LIVEKIT_URL": strings.Replace(srv.URL, "http", "ws", 1)}},
			} {
				r := lkdash(t, "", how.environ, append([]string{"decode", "--json", tok}, how.args...)...)
				m := decodeJSON(t, r.stdout)
				c, _ := m["server_clock"].(map[string]any)
				if c == nil {
					t.Fatalf("no server_clock: %s", r.stdout)
				}
				if m["valid"] != tt.valid || c["judged_in_server_time"] != true {
					t.Errorf("valid=%v judged_in_server_time=%v problems=%v", m["valid"], c["judged_in_server_time"], m["problems"])
				}
				if off := c["offset_seconds"].(float64); math.Abs(off-tt.skew.Seconds()) > c["uncertainty_seconds"].(float64)+0.001 {
					t.Errorf("offset %vs ±%v, true %v", off, c["uncertainty_seconds"], tt.skew)
				}
				note, _ := c["note"].(string)
				mint, _ := c["mint_warning"].(string)
				if (tt.note == "") != (note == "") || !strings.Contains(note, tt.note) || !strings.Contains(mint, tt.mintWarning) {
					t.Errorf("note %q mint_warning %q, want %q and %q", note, mint, tt.note, tt.mintWarning)
				}
			}
		})
	}
}

// TestDecodeAskServer runs `decode --ask-server` against the real server
// on valid, expired, forged and grant-less tokens: lkdash and the server
// agree, and neither the JSON nor the human output shows the token.
func TestDecodeAskServer(t *testing.T) {
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", cache) // keep the livekit-server binary test.sh built
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	srv, err := devserver.Start(ctx, devserver.Config{LogDir: t.TempDir(), Progress: func(l string) { t.Log(l) }})
	if err != nil {
		t.Fatalf("the managed livekit-server must start for this test: %v", err)
	}
	t.Cleanup(func() { srv.Stop() })
	now := time.Now()
	sign := func(secret string, edit func(jwt.MapClaims)) string {
		c := jwt.MapClaims{"iss": srv.APIKey, "sub": "alice", "exp": now.Add(time.Hour).Unix(),
			"video": map[string]any{"roomJoin": true, "room": "asked"}}
		if edit != nil {
			edit(c)
		}
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(secret))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	environ := map[string]string{"LIVEKIT_API_KEY": srv.APIKey, "LIVEKIT_API_SECRET": srv.APISecret}
	for _, tt := range []struct {
		name, token string
		accepted    bool
	}{
		{"valid", sign(srv.APISecret, nil), true},
		{"expired", sign(srv.APISecret, func(c jwt.MapClaims) { c["exp"] = now.Add(-5 * time.Minute).Unix() }), false},
		{"forged", sign("forged-secret", nil), false},
		{"no roomJoin grant", sign(srv.APISecret, func(c jwt.MapClaims) { c["video"] = map[string]any{"room": "asked"} }), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := lkdash(t, "", environ, "decode", "--json", "--ask-server", "--url", srv.URL, tt.token)
			m := decodeJSON(t, r.stdout)
			v, _ := m["server_verdict"].(map[string]any)
			if v == nil || v["agree"] != true || v["accepted"] != tt.accepted || m["valid"] != tt.accepted {
				t.Errorf("valid=%v server_verdict=%v stderr=%q", m["valid"], v, r.err)
			}
			human := lkdash(t, "", environ, "decode", "--ask-server", "--url", srv.URL, tt.token)
			if !strings.Contains(human.stdout, "agrees with lkdash") {
				t.Errorf("human output lacks the agreement:\n%s", human.stdout)
			}
			// The JSON's claims hold the payload; the token itself, its
			// signature and the header.payload pair must never appear.
			parts := strings.Split(tt.token, ".")
			for _, out := range []string{r.stdout, r.err, human.stdout, human.err} {
				if strings.Contains(out, tt.token) || strings.Contains(out, parts[2]) || strings.Contains(out, parts[0]+"."+parts[1]) {
					t.Errorf("the token shows in the output:\n%s", out)
				}
			}
		})
	}
	// A secret-less decode of a forged token differs from the server, and
	// says why instead of claiming a bug.
	r := lkdash(t, "", nil, "decode", "--json", "--ask-server", "--url", srv.URL, sign("forged-secret", nil))
	v, _ := decodeJSON(t, r.stdout)["server_verdict"].(map[string]any)
	if v == nil || v["agree"] != false || v["explained"] != true || !strings.Contains(v["note"].(string), "no secret") {
		t.Errorf("server_verdict = %v", v)
	}
	// Without a secret, the server's yes vouches for the signature.
	if r := lkdash(t, "", nil, "decode", "--ask-server", "--url", srv.URL, sign(srv.APISecret, nil)); r.code != 0 ||
		!strings.Contains(r.stdout, "vouches for the signature lkdash had no secret to check") {
		t.Errorf("secret-less decode of a good token: exit %d\n%s", r.code, r.stdout)
	}
	// fetch --ask-server asks the server the source named: a mint with
	// the server's pair is accepted, one with a secret of its own is not.
	for _, c := range []struct {
		secret string
		code   int
		want   bool
	}{{srv.APISecret, 0, true}, {"a-secret-only-this-machine-knows-0123456789", 1, false}} {
		r := lkdash(t, "", map[string]string{"LIVEKIT_API_KEY": srv.APIKey, "LIVEKIT_API_SECRET": c.secret},
			"fetch", "--json", "--ask-server", "--url", srv.URL, "--room", "asked")
		v, _ := decodeJSON(t, r.stdout)["server_verdict"].(map[string]any)
		if r.code != c.code || v == nil || v["accepted"] != c.want {
			t.Errorf("fetch --ask-server with secret %.8s…: exit %d, server_verdict %v, stderr %q", c.secret, r.code, v, r.err)
		}
	}
	// Minted and checked here with a secret, or a key, the server does
	// not hold: lkdash verifies the signature and the server refuses it.
	// The note says the pair differs instead of claiming a bug, and the
	// server's refusal sets the exit status.
	const mine = "a-secret-only-this-machine-knows-0123456789"
	for _, c := range []struct{ key, note string }{{srv.APIKey, "not the one the server holds"}, {"nokey", "holds no such API key"}} {
		tok := sign(mine, func(m jwt.MapClaims) { m["iss"] = c.key })
		r := lkdash(t, "", map[string]string{"LIVEKIT_API_KEY": c.key, "LIVEKIT_API_SECRET": mine}, "decode", "--json", "--ask-server", "--url", srv.URL, tok)
		m := decodeJSON(t, r.stdout)
		v, _ := m["server_verdict"].(map[string]any)
		if r.code != 1 || m["signature"] != "verified" || v == nil || v["accepted"] != false || v["explained"] != true ||
			!strings.Contains(v["note"].(string), c.note) {
			t.Errorf("key %s: exit %d, signature %v, server_verdict %v", c.key, r.code, m["signature"], v)
		}
	}
}
