package room

import (
	"context"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/tokens"
)

// The tests below prove the statements of docs/token-lifecycle.md on the
// real server; each is cited there by name.

// joinWith joins with a token signed from claims (iss, sub and room filled
// in when absent) and returns the session and the join token.
func joinWith(t *testing.T, srv *devserver.Server, claims jwt.MapClaims) (*Session, *tokens.Token) {
	t.Helper()
	if _, ok := claims["iss"]; !ok {
		claims["iss"] = srv.APIKey
	}
	if _, ok := claims["sub"]; !ok {
		claims["sub"] = "lifecycle"
	}
	if _, ok := claims["video"]; !ok {
		claims["video"] = map[string]any{"roomJoin": true, "room": roomName(t)}
	}
	raw, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(srv.APISecret))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tokens.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Join(ctx, tokens.IgnoreOptions(tokens.Literal{ServerURL: srv.URL, ParticipantToken: raw}), tokens.Options{}, Config{})
	if err != nil {
		t.Fatalf("Join: %v", err)
	}
	t.Cleanup(s.Leave)
	return s, tok
}

// TestRefreshKeepsOriginalExpiry: while more than 10 minutes remain, the
// server's refreshed token keeps the join token's exp to the second.
func TestRefreshKeepsOriginalExpiry(t *testing.T) {
	srv := shared.Server(t)
	for _, ttl := range []time.Duration{11 * time.Minute, time.Hour, 24 * time.Hour} {
		now := time.Now()
		s, orig := joinWith(t, srv, jwt.MapClaims{"exp": now.Add(ttl).Unix(), "nbf": now.Unix(), "iat": now.Unix()})
		tr, _ := waitFor[TokenRefreshed](t, s, nil)
		if tr.Decoded == nil || !tr.Decoded.ExpiresAt.Equal(orig.ExpiresAt) || tr.Diff.LifetimeChange != 0 {
			t.Errorf("%v token: refreshed exp %v, want the original %v (diff %+v)", ttl, tr.Decoded.ExpiresAt, orig.ExpiresAt, tr.Diff)
		}
		s.Leave()
	}
}

// TestRefreshGivesShortTokensTenMinutes: a join token with 10 minutes or
// less left (or no exp at all) is refreshed into one that lives 10 minutes
// from the refresh: a 1-minute token is extended, never shortened.
func TestRefreshGivesShortTokensTenMinutes(t *testing.T) {
	srv := shared.Server(t)
	for _, ttl := range []time.Duration{time.Minute, 5 * time.Minute, 9*time.Minute + 50*time.Second, 0} {
		now := time.Now()
		claims := jwt.MapClaims{"nbf": now.Unix(), "iat": now.Unix()}
		if ttl > 0 {
			claims["exp"] = now.Add(ttl).Unix()
		}
		s, _ := joinWith(t, srv, claims)
		tr, _ := waitFor[TokenRefreshed](t, s, nil)
		if tr.Decoded == nil || tr.Decoded.ExpiresAt.IsZero() {
			t.Fatalf("%v token: refresh %+v has no exp", ttl, tr.Decoded)
		}
		// exp has whole seconds and the refresh was issued before we got it:
		// allow for both, generously on a loaded machine.
		lives := tr.Decoded.ExpiresAt.Sub(tr.At)
		if lives < 10*time.Minute-5*time.Second || lives > 10*time.Minute+time.Second {
			t.Errorf("%v token: refreshed token lives %v from its arrival, want 10m", ttl, lives)
		}
		s.Leave()
	}
}

// TestRefreshKeepsAndDropsClaims: a refresh keeps name, identity, kind,
// metadata, attributes, the video grant and roomConfig, and drops the
// sip, agent, inference and observability grants and kindDetails.
func TestRefreshKeepsAndDropsClaims(t *testing.T) {
	srv := shared.Server(t)
	now := time.Now()
	room := roomName(t)
	video := map[string]any{"roomJoin": true, "room": room, "canPublish": false, "canSubscribe": true, "canUpdateOwnMetadata": true, "hidden": false}
	s, orig := joinWith(t, srv, jwt.MapClaims{
		"exp": now.Add(time.Hour).Unix(), "nbf": now.Unix(),
		"name": "Ada", "kind": "standard", "metadata": `{"role":"host"}`,
		"attributes":  map[string]string{"team": "blue"},
		"video":       video,
		"roomConfig":  map[string]any{"emptyTimeout": 33, "maxParticipants": 7},
		"sip":         map[string]any{"admin": true, "call": true},
		"agent":       map[string]any{"admin": true},
		"kindDetails": []string{"cloud_agent"},
	})
	tr, _ := waitFor[TokenRefreshed](t, s, nil)
	got, want := tr.Decoded.Grants, orig.Grants
	if got.Name != "Ada" || got.Identity != "lifecycle" || got.Kind != "standard" || got.Metadata != want.Metadata ||
		got.Attributes["team"] != "blue" {
		t.Errorf("refresh lost a participant claim: %+v", got)
	}
	if got.Video == nil || got.Video.Room != room || !got.Video.RoomJoin || got.Video.GetCanPublish() || !got.Video.GetCanSubscribe() || !got.Video.GetCanUpdateOwnMetadata() {
		t.Errorf("refresh changed the video grant: %+v", got.Video)
	}
	if got.RoomConfig == nil || got.RoomConfig.EmptyTimeout != 33 || got.RoomConfig.MaxParticipants != 7 {
		t.Errorf("refresh lost roomConfig: %+v", got.RoomConfig)
	}
	if got.SIP != nil || got.Agent != nil || got.Inference != nil || got.Observability != nil || len(got.KindDetails) > 0 {
		t.Errorf("refresh kept a grant the server drops: sip %+v agent %+v kindDetails %v", got.SIP, got.Agent, got.KindDetails)
	}
	if want.SIP == nil || want.Agent == nil || len(want.KindDetails) == 0 {
		t.Fatalf("the join token lacks the grants under test: %+v", want)
	}
}

// TestServerRefreshesEveryFiveMinutes: with nothing changing, the server
// pushes a new token 5 minutes after the one it sent at join.
func TestServerRefreshesEveryFiveMinutes(t *testing.T) {
	t.Parallel() // waits five minutes
	srv := shared.Server(t)
	now := time.Now()
	s, _ := joinWith(t, srv, jwt.MapClaims{"exp": now.Add(time.Hour).Unix(), "nbf": now.Unix()})
	first, _ := waitFor[TokenRefreshed](t, s, nil)
	second, _ := waitWithin[TokenRefreshed](t, s, 6*time.Minute, nil)
	gap := second.At.Sub(first.At)
	if gap < 5*time.Minute-5*time.Second || gap > 5*time.Minute+15*time.Second {
		t.Errorf("second refresh %v after the first, want 5m", gap)
	}
	t.Logf("refresh cadence: %v", gap)
}

// TestParticipantUpdateRefreshes: changing the participant's name,
// metadata and permissions through RoomService makes the server push a
// refreshed token that carries the new values, with the original exp.
func TestParticipantUpdateRefreshes(t *testing.T) {
	srv := shared.Server(t)
	now := time.Now()
	room := roomName(t)
	s, orig := joinWith(t, srv, jwt.MapClaims{"exp": now.Add(time.Hour).Unix(), "name": "Ada", "metadata": "m0",
		"video": map[string]any{"roomJoin": true, "room": room, "canPublish": true, "canSubscribe": true}})
	waitFor[TokenRefreshed](t, s, nil) // the one sent at join

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rs := lksdk.NewRoomServiceClient(srv.HTTPURL, srv.APIKey, srv.APISecret)
	if _, err := rs.UpdateParticipant(ctx, &livekit.UpdateParticipantRequest{
		Room: room, Identity: "lifecycle", Name: "Ada L.", Metadata: "m1",
		Permission: &livekit.ParticipantPermission{CanSubscribe: true, CanPublish: false, CanPublishData: true},
	}); err != nil {
		t.Fatal(err)
	}
	tr, _ := waitFor(t, s, func(e TokenRefreshed) bool {
		g := e.Decoded.Grants
		return g.Name == "Ada L." && g.Metadata == "m1" && g.Video != nil && !g.Video.GetCanPublish()
	})
	if !tr.Decoded.ExpiresAt.Equal(orig.ExpiresAt) {
		t.Errorf("the update's refresh moved exp: %v -> %v", orig.ExpiresAt, tr.Decoded.ExpiresAt)
	}
}

// TestRejoinReusesCachedJoinToken: refreshed tokens never enter the
// caching decorator; a second join through the same cache presents the
// original join token again.
func TestRejoinReusesCachedJoinToken(t *testing.T) {
	srv := shared.Server(t)
	cache := tokens.NewCaching(mint(srv), nil)
	opts := tokens.Options{RoomName: roomName(t), ParticipantIdentity: "rejoiner"}
	joinOnce := func() (*Session, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s, err := Join(ctx, cache, opts, Config{})
		if err != nil {
			t.Fatalf("Join: %v", err)
		}
		t.Cleanup(s.Leave)
		return s, s.Response().ParticipantToken
	}
	s, first := joinOnce()
	tr, _ := waitFor[TokenRefreshed](t, s, nil)
	if tr.Token == first {
		t.Fatal("the refresh is the join token itself")
	}
	s.Leave()
	waitFor[Disconnected](t, s, nil)
	_, second := joinOnce()
	if second != first {
		t.Error("the second join did not present the cached join token")
	}
	if st := cache.Stats(); st.Hits != 1 || st.Misses != 1 {
		t.Errorf("cache stats %+v, want one miss then one hit", st)
	}
}
