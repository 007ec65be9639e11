package tokens_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/tokens"
)

// TestCheckAgreesWithServer holds Token.Check to the truth: for each token,
// `Valid` must equal whether the real livekit-server v1.13.5 lets it join.
// The cases sit on both sides of every rule Check mirrors (leeway edges,
// required claims, key and signature, base64 padding).
func TestCheckAgreesWithServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	srv, err := devserver.Start(ctx, devserver.Config{LogDir: t.TempDir(), Progress: func(l string) { t.Log(l) }})
	if err != nil {
		t.Fatalf("the managed livekit-server must start for this test: %v", err)
	}
	t.Cleanup(func() { srv.Stop() })

	now := time.Now()
	base := func() jwt.MapClaims {
		return jwt.MapClaims{
			"iss": srv.APIKey, "sub": "alice", "nbf": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix(),
			"video": map[string]any{"roomJoin": true, "room": "verdicts"},
		}
	}
	with := func(edit func(jwt.MapClaims)) jwt.MapClaims { c := base(); edit(c); return c }
	sign := func(c jwt.MapClaims, method jwt.SigningMethod, secret string) string {
		s, err := jwt.NewWithClaims(method, c).SignedString([]byte(secret))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	hs := func(c jwt.MapClaims) string { return sign(c, jwt.SigningMethodHS256, srv.APISecret) }

	cases := []struct {
		name  string
		token string
	}{
		{"good", hs(base())},
		{"expired 20s ago, inside leeway", hs(with(func(c jwt.MapClaims) { c["exp"] = now.Add(-20 * time.Second).Unix() }))},
		{"expired 2m ago", hs(with(func(c jwt.MapClaims) { c["exp"] = now.Add(-2 * time.Minute).Unix() }))},
		{"nbf in 20s, inside leeway", hs(with(func(c jwt.MapClaims) { c["nbf"] = now.Add(20 * time.Second).Unix() }))},
		{"nbf in 3m", hs(with(func(c jwt.MapClaims) { c["nbf"] = now.Add(3 * time.Minute).Unix() }))},
		{"no exp", hs(with(func(c jwt.MapClaims) { delete(c, "exp") }))},
		{"no nbf", hs(with(func(c jwt.MapClaims) { delete(c, "nbf") }))},
		{"no roomJoin", hs(with(func(c jwt.MapClaims) { c["video"] = map[string]any{"room": "verdicts"} }))},
		{"no room", hs(with(func(c jwt.MapClaims) { c["video"] = map[string]any{"roomJoin": true} }))},
		{"no video grant", hs(with(func(c jwt.MapClaims) { delete(c, "video") }))},
		{"no sub", hs(with(func(c jwt.MapClaims) { delete(c, "sub") }))},
		{"identity claim but no sub", hs(with(func(c jwt.MapClaims) { delete(c, "sub"); c["identity"] = "alice" }))},
		{"jti but no sub", hs(with(func(c jwt.MapClaims) { delete(c, "sub"); c["jti"] = "alice-jti" }))},
		{"unknown key", hs(with(func(c jwt.MapClaims) { c["iss"] = "not-the-dev-key" }))},
		{"no iss", hs(with(func(c jwt.MapClaims) { delete(c, "iss") }))},
		{"wrong secret", sign(base(), jwt.SigningMethodHS256, "some-other-secret")},
		{"HS512", sign(base(), jwt.SigningMethodHS512, srv.APISecret)},
		{"padded base64", padded(hs(base()))},
	}
	cfg := tokens.CheckConfig{APIKey: srv.APIKey, APISecret: srv.APISecret}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok, err := tokens.Decode(c.token)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			verdict := tok.Check(time.Now(), cfg)
			accepted, why := serverAccepts(srv.URL, c.token)
			if verdict.Valid != accepted {
				t.Errorf("case %d: Check says valid=%v (problems %q), the server says accepted=%v (%s)",
					i, verdict.Valid, verdict.Problems, accepted, why)
			}
		})
	}
}

// padded re-encodes the payload with '=' padding, which some JWT libraries
// emit and the server's parser refuses.
func padded(token string) string {
	parts := strings.Split(token, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
	parts[1] = base64.URLEncoding.EncodeToString(raw)
	return strings.Join(parts, ".")
}

// serverAccepts joins with token and leaves at once.
func serverAccepts(url, token string) (bool, string) {
	r, err := lksdk.ConnectToRoomWithToken(url, token, &lksdk.RoomCallback{}, lksdk.WithAutoSubscribe(false))
	if err != nil {
		return false, err.Error()
	}
	r.Disconnect()
	return true, "joined"
}

// TestAskServerAgrees puts lkdash's verdict beside the real server's answer
// to /rtc/validate, judged in the server's time: on valid, expired, forged
// and grant-less tokens the two agree, and the token never shows in the
// server's reason.
func TestAskServerAgrees(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	srv, err := devserver.Start(ctx, devserver.Config{LogDir: t.TempDir(), Progress: func(l string) { t.Log(l) }})
	if err != nil {
		t.Fatalf("the managed livekit-server must start for this test: %v", err)
	}
	t.Cleanup(func() { srv.Stop() })
	clock, err := tokens.ClockProbe{}.Measure(ctx, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if clock.Notable() {
		t.Fatalf("a local server's clock is this one: %s", clock.Describe())
	}

	now := time.Now()
	claims := func(edit func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"iss": srv.APIKey, "sub": "alice", "nbf": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix(),
			"video": map[string]any{"roomJoin": true, "room": "verdicts"}}
		if edit != nil {
			edit(c)
		}
		return c
	}
	sign := func(c jwt.MapClaims, secret string) string {
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(secret))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	cases := []struct {
		name, token string
		accepted    bool
		reason      string
	}{
		{"valid", sign(claims(nil), srv.APISecret), true, "success"},
		{"expired", sign(claims(func(c jwt.MapClaims) { c["exp"] = now.Add(-2 * time.Minute).Unix() }), srv.APISecret), false, "token is expired"},
		{"forged", sign(claims(nil), "not-the-secret"), false, "signature is invalid"},
		{"no roomJoin grant", sign(claims(func(c jwt.MapClaims) { c["video"] = map[string]any{"room": "verdicts"} }), srv.APISecret), false, "permissions denied"},
		{"no video grant", sign(claims(func(c jwt.MapClaims) { delete(c, "video") }), srv.APISecret), false, "no permissions"},
		{"unknown key", sign(claims(func(c jwt.MapClaims) { c["iss"] = "other-key" }), srv.APISecret), false, "invalid API key"},
		{"not yet valid", sign(claims(func(c jwt.MapClaims) { c["nbf"] = now.Add(3 * time.Minute).Unix() }), srv.APISecret), false, "not valid yet"},
	}
	cfg := tokens.CheckConfig{APIKey: srv.APIKey, APISecret: srv.APISecret}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok, err := tokens.Decode(c.token)
			if err != nil {
				t.Fatal(err)
			}
			verdict, err := tokens.AskServer(ctx, nil, srv.URL, c.token)
			if err != nil {
				t.Fatal(err)
			}
			mine := tok.Check(clock.ServerNow(time.Now()), cfg)
			if a := tokens.Compare(mine, verdict); !a.Agree {
				t.Errorf("lkdash valid=%v (%q), server %d %q: %s", mine.Valid, mine.Problems, verdict.Status, verdict.Reason, a.Note)
			}
			if verdict.Accepted != c.accepted || !strings.Contains(verdict.Reason, c.reason) {
				t.Errorf("server said %d %q, want accepted=%v and %q", verdict.Status, verdict.Reason, c.accepted, c.reason)
			}
			for _, part := range append(strings.Split(c.token, "."), c.token) {
				if strings.Contains(verdict.Reason, part) {
					t.Errorf("the reason %q shows the token", verdict.Reason)
				}
			}
		})
	}
}

// TestServerLeewayIsOneMinute: the server allows 60 s of clock skew on exp
// and nbf, no more, and Check draws the same line.
func TestServerLeewayIsOneMinute(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	srv, err := devserver.Start(ctx, devserver.Config{LogDir: t.TempDir(), Progress: func(l string) { t.Log(l) }})
	if err != nil {
		t.Fatalf("the managed livekit-server must start for this test: %v", err)
	}
	t.Cleanup(func() { srv.Stop() })
	now := time.Now()
	for _, c := range []struct {
		claim    string
		at       time.Duration
		accepted bool
	}{
		{"exp", -50 * time.Second, true},
		{"exp", -70 * time.Second, false},
		{"nbf", 50 * time.Second, true},
		{"nbf", 70 * time.Second, false},
	} {
		claims := jwt.MapClaims{"iss": srv.APIKey, "sub": "leeway", "exp": now.Add(time.Hour).Unix(),
			"video": map[string]any{"roomJoin": true, "room": "leeway"}}
		claims[c.claim] = now.Add(c.at).Unix()
		raw, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(srv.APISecret))
		if err != nil {
			t.Fatal(err)
		}
		v, err := tokens.AskServer(ctx, nil, srv.URL, raw)
		if err != nil {
			t.Fatal(err)
		}
		tok, _ := tokens.Decode(raw)
		mine := tok.Check(time.Now(), tokens.CheckConfig{APIKey: srv.APIKey, APISecret: srv.APISecret})
		if v.Accepted != c.accepted || mine.Valid != c.accepted {
			t.Errorf("%s %v from now: server accepted=%v (%s), lkdash valid=%v, want %v", c.claim, c.at, v.Accepted, v.Reason, mine.Valid, c.accepted)
		}
	}
}
