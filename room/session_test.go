package room

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/lkdash/lkdash/internal/lktest"
	"github.com/lkdash/lkdash/tokens"
)

func TestJoinConnectedThenInitialRefresh(t *testing.T) {
	srv := shared.Server(t)
	s := join(t, srv, "alice", Config{})

	first := <-s.Events()
	c, ok := first.(Connected)
	if !ok {
		t.Fatalf("first event is %s, want connected", first.Type())
	}
	if c.Local.Identity != "alice" || !strings.HasPrefix(c.Room, "TestJoinConnectedThenInitialRefresh") ||
		c.RoomSID == "" || c.ServerVersion != strings.TrimPrefix("v1.13.5", "v") || c.ServerURL != srv.URL {
		t.Errorf("connected = %+v", c)
	}

	tr, _ := waitFor[TokenRefreshed](t, s, nil)
	if tr.Decoded == nil || tr.Decoded.Subject != "alice" || tr.Token == "" {
		t.Fatalf("refresh = %+v", tr)
	}
	if s.Token() != tr.Decoded {
		t.Error("Session.Token is not the refreshed token")
	}
	if tr.Diff.NewExpiry.IsZero() || tr.Diff.OldExpiry.IsZero() {
		t.Errorf("diff lacks expiries: %+v", tr.Diff)
	}

	s.Leave()
	d, _ := waitFor[Disconnected](t, s, nil)
	if d.Code != "CLIENT_INITIATED" {
		t.Errorf("disconnected = %+v", d)
	}
	if _, ok := <-s.Events(); ok {
		t.Error("events still open after Disconnected")
	}
	s.Leave() // idempotent
}

func TestSecondParticipantJoinAndLeave(t *testing.T) {
	srv := shared.Server(t)
	room := roomName(t)
	a := joinRoom(t, srv, room, "watcher", Config{})
	waitFor[Connected](t, a, nil)

	b := joinRoom(t, srv, room, "bob", Config{})
	bc, _ := waitFor[Connected](t, b, nil)
	if len(bc.Participants) != 1 || bc.Participants[0].Identity != "watcher" {
		t.Errorf("bob sees participants %+v", bc.Participants)
	}
	waitFor(t, a, func(e ParticipantJoined) bool { return e.Participant.Identity == "bob" })
	t0 := time.Now()
	b.Leave()
	t.Logf("bob left in %s", time.Since(t0))
	waitFor(t, a, func(e ParticipantLeft) bool { return e.Participant.Identity == "bob" })
	t.Logf("watcher saw it after %s", time.Since(t0))
}

func TestTriggerRefreshDiffsAttributes(t *testing.T) {
	srv := shared.Server(t)
	s := join(t, srv, "carol", Config{APIKey: srv.APIKey, APISecret: srv.APISecret})
	metaBefore := s.Token().Grants.Metadata
	waitFor[TokenRefreshed](t, s, nil) // the one sent right after joining

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.TriggerRefresh(ctx); err != nil {
		t.Fatal(err)
	}
	tr, seen := waitFor[TokenRefreshed](t, s, nil)
	if !slices.ContainsFunc(tr.Diff.Changed, func(c tokens.ClaimChange) bool { return c.Claim == "attributes."+RefreshAttribute }) {
		t.Errorf("diff = %+v, want the %s attribute changed", tr.Diff.Changed, RefreshAttribute)
	}
	if tr.Decoded.Grants.Attributes[RefreshAttribute] == "" {
		t.Errorf("refreshed attributes = %v", tr.Decoded.Grants.Attributes)
	}
	if tr.Decoded.Grants.Metadata != metaBefore {
		t.Errorf("the refresh changed the metadata: %q -> %q", metaBefore, tr.Decoded.Grants.Metadata)
	}
	if !slices.ContainsFunc(seen, func(e Event) bool { a, ok := e.(AttributesChanged); return ok && a.Local }) {
		// The SDK may report it after the refresh; allow either order.
		waitFor(t, s, func(e AttributesChanged) bool { return e.Local })
	}

	// A rename has no SDK callback; it comes from the signal stream.
	rs := lksdk.NewRoomServiceClient(srv.HTTPURL, srv.APIKey, srv.APISecret)
	if _, err := rs.UpdateParticipant(ctx, &livekit.UpdateParticipantRequest{
		Room: s.room.Load().Name(), Identity: "carol", Name: "Carol C.",
	}); err != nil {
		t.Fatal(err)
	}
	nc, _ := waitFor(t, s, func(e NameChanged) bool { return e.Identity == "carol" })
	if nc.New != "Carol C." || !nc.Local {
		t.Errorf("name change = %+v", nc)
	}
}

func TestTriggerRefreshNeedsCredentials(t *testing.T) {
	srv := shared.Server(t)
	s := join(t, srv, "dave", Config{})
	if err := s.TriggerRefresh(context.Background()); !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("err = %v", err)
	}
}

func TestJoinErrors(t *testing.T) {
	srv := shared.Server(t)
	past := func() time.Time { return time.Now().Add(-2 * time.Hour) }
	future := func() time.Time { return time.Now().Add(time.Hour) }
	// What a proxy that does not pass WebSocket upgrades on, or a web app
	// answering every path, says to the signal request.
	frontOf := func(status int) tokens.ConfigurableSource {
		app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if status/100 == 3 {
				w.Header().Set("Location", "https://127.0.0.1/")
			}
			w.WriteHeader(status)
			_, _ = io.WriteString(w, "<html>my app</html>")
		}))
		t.Cleanup(app.Close)
		return tokens.Custom(func(ctx context.Context, o tokens.Options) (tokens.Response, error) {
			r, err := mint(srv).Fetch(ctx, o)
			r.ServerURL = "ws://" + app.Listener.Addr().String()
			return r, err
		})
	}
	cases := []struct {
		name string
		src  tokens.ConfigurableSource
		want JoinReason
	}{
		{"expired", &tokens.Mint{ServerURL: srv.URL, APIKey: srv.APIKey, APISecret: srv.APISecret, TTL: time.Hour, Now: past}, ReasonExpired},
		{"not yet valid", &tokens.Mint{ServerURL: srv.URL, APIKey: srv.APIKey, APISecret: srv.APISecret, Now: future}, ReasonNotYetValid},
		{"bad signature", &tokens.Mint{ServerURL: srv.URL, APIKey: srv.APIKey, APISecret: "not-the-secret-at-all"}, ReasonBadSignature},
		{"unknown key", &tokens.Mint{ServerURL: srv.URL, APIKey: "nokey", APISecret: srv.APISecret}, ReasonUnknownKey},
		{"no join grant", &tokens.Mint{ServerURL: srv.URL, APIKey: srv.APIKey, APISecret: srv.APISecret, Grants: tokens.Grants{CanSubscribe: true}}, ReasonNoJoinGrant},
		{"connection refused", &tokens.Mint{ServerURL: "ws://127.0.0.1:1", APIKey: srv.APIKey, APISecret: srv.APISecret}, ReasonUnreachable},
		{"no such host", &tokens.Mint{ServerURL: "ws://lkdash-test.invalid", APIKey: srv.APIKey, APISecret: srv.APISecret}, ReasonUnreachable},
		{"bad scheme", &tokens.Mint{ServerURL: "ftp://127.0.0.1:1", APIKey: srv.APIKey, APISecret: srv.APISecret}, ReasonBadURL},
		{"not livekit", tokens.Custom(func(ctx context.Context, o tokens.Options) (tokens.Response, error) {
			r, err := mint(srv).Fetch(ctx, o)
			r.ServerURL = srv.HTTPURL + "/nope"
			return r, err
		}), ReasonBadURL},
		{"a web app answers", frontOf(http.StatusOK), ReasonNoUpgrade},
		{"a redirect", frontOf(http.StatusMovedPermanently), ReasonNoUpgrade},
		{"upgrade required", frontOf(http.StatusUpgradeRequired), ReasonNoUpgrade},
		{"malformed token", tokens.Custom(func(context.Context, tokens.Options) (tokens.Response, error) {
			return tokens.Response{ServerURL: srv.URL, ParticipantToken: "not-a-jwt"}, nil
		}), ReasonMalformedToken},
		{"source fails", tokens.Custom(func(context.Context, tokens.Options) (tokens.Response, error) {
			return tokens.Response{}, errors.New("endpoint said 500")
		}), ReasonTokenSource},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var token string
			src := tokens.Custom(func(ctx context.Context, o tokens.Options) (tokens.Response, error) {
				r, err := tc.src.Fetch(ctx, o)
				token = r.ParticipantToken
				return r, err
			})
			s, err := Join(ctx, src, tokens.Options{RoomName: roomName(t), ParticipantIdentity: "eve"}, Config{})
			if err == nil {
				s.Leave()
				t.Fatal("Join succeeded")
			}
			var je *JoinError
			if !errors.As(err, &je) || je.Reason != tc.want {
				t.Fatalf("err = %v (%#v), want reason %s", err, err, tc.want)
			}
			if len(token) > 20 && strings.Contains(err.Error(), token) {
				t.Errorf("error text contains the token: %v", err)
			}
			t.Logf("%s: %v", tc.want, err)
		})
	}
}

func TestJoinTimeoutIsAJoinError(t *testing.T) {
	srv := shared.Server(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Join(ctx, mint(srv), tokens.Options{}, Config{})
	var je *JoinError
	if !errors.As(err, &je) || je.Reason != ReasonCanceled {
		t.Fatalf("err = %v", err)
	}
}

// TestServerKilledMidSession kills its own server (SIGKILL, like a crash)
// under a joined session that does not know the server is local (as with
// a remote server): the SDK must report reconnecting, each attempt must be
// shown as it happens, and the session must end with Disconnected saying
// it gave up, and a closed channel.
func TestServerKilledMidSession(t *testing.T) {
	t.Parallel()
	srv := lktest.Dedicated(t)
	s := join(t, srv, "frank", Config{})
	waitFor[TokenRefreshed](t, s, nil)
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	// The SDK retries for about a minute (10 attempts, quadratic backoff)
	// before it gives up.
	d, before := waitWithin[Disconnected](t, s, 3*time.Minute, nil)
	if !slices.ContainsFunc(before, func(e Event) bool { _, ok := e.(Reconnecting); return ok }) {
		t.Errorf("no reconnecting before disconnected: %s", types(before))
	}
	var attempts []ReconnectAttempt
	for _, ev := range before {
		if a, ok := ev.(ReconnectAttempt); ok {
			attempts = append(attempts, a)
		}
	}
	if len(attempts) < 2 {
		t.Fatalf("want each reconnect attempt as an event, got %s", types(before))
	}
	for i, a := range attempts {
		if a.Accepted || a.Status != 0 || a.Error == "" || (i > 0 && (a.Attempt <= attempts[i-1].Attempt || a.Elapsed < attempts[i-1].Elapsed)) {
			t.Errorf("attempt %d = %+v", i, a)
		}
	}
	last := attempts[len(attempts)-1]
	t.Logf("%d attempts, last #%d after %s; disconnected: %s", len(attempts), last.Attempt, last.Elapsed, d.Reason)
	if d.ReconnectAttempts != last.Attempt || !strings.HasPrefix(d.Reason, "gave up reconnecting after") {
		t.Errorf("disconnected = %+v", d)
	}
	for range s.Events() {
	} // must close
	done := make(chan struct{})
	go func() { s.Leave(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Leave hung after the server died")
	}
}

// TestLeaveWhileReconnecting: the user gives up before the SDK does.
func TestLeaveWhileReconnecting(t *testing.T) {
	srv := lktest.Dedicated(t)
	s := join(t, srv, "grace", Config{})
	waitFor[TokenRefreshed](t, s, nil)
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	waitFor[Reconnecting](t, s, nil)
	done := make(chan struct{})
	go func() { s.Leave(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Leave hung while the SDK was reconnecting")
	}
	d, _ := waitFor[Disconnected](t, s, nil)
	if d.Code != "CLIENT_INITIATED" {
		t.Errorf("disconnected = %+v", d)
	}
	for range s.Events() {
	}
}

// TestJoinSilentServerTimesOut: something accepts connections on the port
// but never answers (a hung server, or the wrong service).
func TestJoinSilentServerTimesOut(t *testing.T) {
	srv := shared.Server(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		for _, c := range held {
			c.Close()
		}
		mu.Unlock()
	}()
	src := tokens.Custom(func(ctx context.Context, o tokens.Options) (tokens.Response, error) {
		r, err := mint(srv).Fetch(ctx, o)
		r.ServerURL = "ws://" + ln.Addr().String()
		return r, err
	})
	// With a deadline, Join gives up at the deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	start := time.Now()
	_, err = Join(ctx, src, tokens.Options{}, Config{})
	var je *JoinError
	if !errors.As(err, &je) || je.Reason != ReasonTimeout || time.Since(start) > 15*time.Second {
		t.Fatalf("err = %v after %s", err, time.Since(start))
	}
	t.Logf("%v after %s", err, time.Since(start))

	// Without one, the SDK's own connect and validate timeouts (5 s + 3 s)
	// end it, and the relay must not hold it longer.
	start = time.Now()
	_, err = Join(context.Background(), src, tokens.Options{}, Config{})
	if !errors.As(err, &je) || je.Reason != ReasonTimeout || time.Since(start) > 30*time.Second {
		t.Fatalf("err = %v after %s", err, time.Since(start))
	}
	t.Logf("%v after %s", err, time.Since(start))
}

// TestRemovedByServer: the server's leave reason reaches Disconnected.
func TestRemovedByServer(t *testing.T) {
	srv := shared.Server(t)
	s := join(t, srv, "henry", Config{})
	waitFor[TokenRefreshed](t, s, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rs := lksdk.NewRoomServiceClient(srv.HTTPURL, srv.APIKey, srv.APISecret)
	if _, err := rs.RemoveParticipant(ctx, &livekit.RoomParticipantIdentity{Room: s.room.Load().Name(), Identity: "henry"}); err != nil {
		t.Fatal(err)
	}
	d, _ := waitFor[Disconnected](t, s, nil)
	if d.Code != "PARTICIPANT_REMOVED" || d.Reason != "removed from the room" {
		t.Errorf("disconnected = %+v", d)
	}
	for range s.Events() {
	}
}
