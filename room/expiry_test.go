package room

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lkdash/lkdash/tokens"
)

// TestReconnectPastOriginalExpiry proves what users doubt: a session
// whose join token has expired (past exp and the server's leeway) still
// recovers from a reconnect, because the SDK presents the refreshed token
// the server pushed after the join, not the original. It waits about 100 s.
func TestReconnectPastOriginalExpiry(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	src := mint(srv)
	src.TTL = 40 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Join(ctx, src, tokens.Options{RoomName: roomName(t), ParticipantIdentity: "ivy"}, Config{})
	if err != nil {
		t.Fatalf("Join: %v", err)
	}
	t.Cleanup(s.Leave)
	original := s.Response().ParticipantToken
	orig, err := tokens.Decode(original)
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := waitFor[TokenRefreshed](t, s, nil)
	if got := tr.Decoded.ExpiresAt.Sub(orig.ExpiresAt); got < 9*time.Minute {
		t.Fatalf("the first refresh moved exp by %s; a 40 s token should be extended to about 10 minutes", got)
	}

	pastLeeway := orig.ExpiresAt.Add(tokens.ServerLeeway + 5*time.Second)
	t.Logf("waiting %s until the original token is past exp and the server's leeway", time.Until(pastLeeway).Round(time.Second))
	time.Sleep(time.Until(pastLeeway))
	if status, body := validate(t, srv.HTTPURL, original); status != http.StatusUnauthorized || !strings.Contains(body, "expired") {
		t.Fatalf("the server should now refuse the original token as expired: %d %q", status, body)
	}

	if err := s.Drill(DrillSignalReconnect); err != nil {
		t.Fatal(err)
	}
	res, seen := waitFor[DrillResult](t, s, nil)
	var attempts []ReconnectAttempt
	for _, ev := range seen {
		if a, ok := ev.(ReconnectAttempt); ok {
			attempts = append(attempts, a)
			t.Logf("attempt %d (%s) presented %s, exp %s: status %d", a.Attempt, a.Mode, a.Presented.Label(),
				a.Presented.ExpiresAt.Format(time.RFC3339), a.Status)
		}
	}
	if res.Outcome != DrillRecovered || res.Presented == nil || res.Presented.Refresh < 1 {
		t.Fatalf("drill result = %+v; want recovered with a refreshed token presented", res)
	}
	if len(attempts) == 0 {
		t.Fatal("no reconnect attempt was seen")
	}
	for _, a := range attempts {
		if a.Presented.Refresh == 0 {
			t.Errorf("attempt %d presented the expired original token", a.Attempt)
		}
	}
	t.Logf("recovered in %s presenting %s", res.Recovery, res.Presented.Label())

	sum := s.Summary()
	if len(sum.Tokens) < 2 || sum.LifetimeMoved < 9*time.Minute || len(sum.Reconnects) == 0 {
		t.Errorf("summary = %+v", sum)
	}
}

// validate asks the server whether it would accept token for a join.
func validate(t *testing.T, httpURL, token string) (int, string) {
	t.Helper()
	resp, err := http.Get(httpURL + "/rtc/validate?access_token=" + url.QueryEscape(token))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp.StatusCode, string(body)
}
