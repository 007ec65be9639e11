package tokens

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

// TestHandlerRateLimit: a client (an IP, whatever its port) past its burst
// gets 429 with Retry-After; other addresses do not pay for it, one IPv6 /64
// is one client, and refused origins spend nothing.
func TestHandlerRateLimit(t *testing.T) {
	// One request per 1000 s: the refill never happens during the test, so
	// nothing here depends on timing.
	h := guardHandler(HandlerConfig{Rate: 0.001, Burst: 3})
	const me = "127.0.0.1:50000"
	for range 5 {
		// Refused origins come first and must not eat the budget.
		r := guardReq{remote: me, origin: []string{"https://evil.example"}, wantSt: 403, wantErr: "not allowed"}
		resp, body := r.do(t, h)
		r.check(t, resp, body)
	}
	for i := range 3 {
		if resp, body := (guardReq{remote: me, origin: []string{"http://localhost:3000"}}).do(t, h); resp.StatusCode != 201 {
			t.Fatalf("request %d within the burst: %d %s", i, resp.StatusCode, body)
		}
	}
	r := guardReq{remote: "127.0.0.1:50001", origin: []string{"http://localhost:3000"}, wantSt: 429, wantErr: "too many requests"}
	resp, body := r.do(t, h)
	r.check(t, resp, body)
	ra, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || ra < 900 || ra > 1000 {
		t.Errorf("Retry-After %q, want about 1000 s", resp.Header.Get("Retry-After"))
	}
	if resp.Header.Get("Access-Control-Allow-Origin") == "" || resp.Header.Get("Access-Control-Expose-Headers") != "Retry-After" {
		t.Errorf("the frontend cannot read the 429: %v", resp.Header)
	}
	for _, other := range []string{"127.0.0.2:1", "[::1]:1", "[2001:db8::1]:1"} {
		if resp, body := (guardReq{remote: other}).do(t, h); resp.StatusCode != 201 {
			t.Errorf("client %s paid for another's requests: %d %s", other, resp.StatusCode, body)
		}
	}
	// The same IPv6 /64 is one client.
	for range 2 {
		guardReq{remote: "[2001:db8::2]:1"}.do(t, h)
	}
	if resp, _ := (guardReq{remote: "[2001:db8::ffff]:1"}).do(t, h); resp.StatusCode != 429 {
		t.Errorf("a /64 neighbour after the burst: %d, want 429", resp.StatusCode)
	}
	// No limit at all when turned off.
	off := guardHandler(HandlerConfig{Rate: -1})
	for i := range 50 {
		if resp, _ := (guardReq{remote: me}).do(t, off); resp.StatusCode != 201 {
			t.Fatalf("request %d without a limit: %d", i, resp.StatusCode)
		}
	}
}

// TestLimiterForgetsIdleClients: memory stays bounded by maxClients;
// buckets that have refilled are dropped to make room.
func TestLimiterForgetsIdleClients(t *testing.T) {
	l := newLimiter(10, 10) // refills in 1 s
	now := time.Unix(1000, 0)
	l.now = func() time.Time { return now }
	for i := range maxClients {
		if d := l.wait(fmt.Sprintf("10.%d.%d.%d:1", i>>16, (i>>8)&255, i&255)); d != 0 {
			t.Fatalf("client %d waited %s", i, d)
		}
	}
	if d := l.wait("192.0.2.1:1"); d != time.Second {
		t.Fatalf("a new client with the table full: wait %s, want 1s", d)
	}
	if len(l.clients) != maxClients {
		t.Fatalf("%d clients kept", len(l.clients))
	}
	now = now.Add(2 * time.Second)
	if d := l.wait("192.0.2.1:1"); d != 0 {
		t.Fatalf("after the others went idle: wait %s", d)
	}
	if len(l.clients) != 1 {
		t.Errorf("%d clients kept after forgetting idle ones", len(l.clients))
	}
}

func TestClientKey(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:5000":         "127.0.0.1",
		"[::ffff:10.0.0.1]:5000": "10.0.0.1",
		"[2001:db8:1:2:3::4]:80": "2001:db8:1:2::/64",
		"[::1]:80":               "::/64",
		"garbage":                "garbage",
	} {
		if got := clientKey(in); got != want {
			t.Errorf("clientKey(%q) = %q, want %q", in, got, want)
		}
	}
	if retryAfter(10*time.Millisecond) != "1" || retryAfter(1500*time.Millisecond) != "2" {
		t.Errorf("retryAfter rounds up to whole seconds")
	}
}
