package tokens

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// srcJWT builds an unsigned-looking JWT with the given claims; the cache
// only decodes, it never verifies.
func srcJWT(claims map[string]any) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]string{"alg": "HS256", "typ": "JWT"}) + "." + enc(claims) + ".c2ln"
}

// srcClock is a settable fake clock.
type srcClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *srcClock) Now() time.Time             { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *srcClock) Add(d time.Duration)        { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func newSrcClock() *srcClock                   { return &srcClock{t: time.Unix(1_800_000_000, 0)} }
func (c *srcClock) unix(d time.Duration) int64 { return c.Now().Add(d).Unix() }

// srcCounting is an inner source returning token() and counting calls.
type srcCounting struct {
	calls atomic.Int64
	token func(Options) string
	fail  atomic.Bool
}

func (s *srcCounting) Fetch(ctx context.Context, o Options) (Response, error) {
	s.calls.Add(1)
	if s.fail.Load() {
		return Response{}, errors.New("inner failed")
	}
	return Response{ServerURL: "wss://x", ParticipantToken: s.token(o), RoomName: o.RoomName}, nil
}

func TestCachingValidityRules(t *testing.T) {
	tests := []struct {
		name   string
		claims func(c *srcClock) map[string]any
		after  time.Duration // clock advance before the second fetch
		want   CacheStatus
	}{
		{"fresh token reused", func(c *srcClock) map[string]any { return map[string]any{"exp": c.unix(time.Hour)} }, 0, CacheHit},
		{"61 s before exp reused", func(c *srcClock) map[string]any { return map[string]any{"exp": c.unix(2 * time.Minute)} }, 59 * time.Second, CacheHit},
		{"exactly 60 s before exp refetched", func(c *srcClock) map[string]any { return map[string]any{"exp": c.unix(2 * time.Minute)} }, time.Minute, CacheMiss},
		{"expired refetched", func(c *srcClock) map[string]any { return map[string]any{"exp": c.unix(time.Minute)} }, 2 * time.Minute, CacheMiss},
		{"no exp reused forever", func(c *srcClock) map[string]any { return map[string]any{"sub": "x"} }, 100 * 365 * 24 * time.Hour, CacheHit},
		{"nbf in the future refetched", func(c *srcClock) map[string]any {
			return map[string]any{"nbf": c.unix(time.Minute), "exp": c.unix(time.Hour)}
		}, 0, CacheMiss},
		{"nbf reached reused", func(c *srcClock) map[string]any {
			return map[string]any{"nbf": c.unix(time.Minute), "exp": c.unix(time.Hour)}
		}, time.Minute, CacheHit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newSrcClock()
			tok := srcJWT(tt.claims(clock))
			inner := &srcCounting{token: func(Options) string { return tok }}
			c := NewCaching(inner, clock.Now)
			if _, st, err := c.FetchStatus(context.Background(), Options{RoomName: "r"}); err != nil || st != CacheMiss {
				t.Fatalf("first fetch: %v %v", st, err)
			}
			clock.Add(tt.after)
			_, st, err := c.FetchStatus(context.Background(), Options{RoomName: "r"})
			if err != nil || st != tt.want {
				t.Fatalf("second fetch: status %v err %v, want %v", st, err, tt.want)
			}
		})
	}

	t.Run("undecodable token never reused", func(t *testing.T) {
		clock := newSrcClock()
		inner := &srcCounting{token: func(Options) string { return "not-a-jwt" }}
		c := NewCaching(inner, clock.Now)
		for range 3 {
			if _, err := c.Fetch(context.Background(), Options{}); err != nil {
				t.Fatal(err)
			}
		}
		if n := inner.calls.Load(); n != 3 {
			t.Errorf("inner calls %d, want 3", n)
		}
		if e, ok := c.Entry(); !ok || !e.ReuseUntil.Equal(e.StoredAt) {
			t.Errorf("entry %+v %v", e, ok)
		}
	})
}

func srcFreshSource(clock *srcClock) *srcCounting {
	return &srcCounting{token: func(Options) string { return srcJWT(map[string]any{"exp": clock.unix(time.Hour)}) }}
}

func TestCachingOptionsByValue(t *testing.T) {
	clock := newSrcClock()
	inner := srcFreshSource(clock)
	c := NewCaching(inner, clock.Now)
	attrs := map[string]string{"k": "v"}
	if _, err := c.Fetch(context.Background(), Options{RoomName: "r", ParticipantAttributes: attrs}); err != nil {
		t.Fatal(err)
	}
	// An equal map that is a different object hits (JS compares by reference).
	if _, st, _ := c.FetchStatus(context.Background(), Options{RoomName: "r", ParticipantAttributes: map[string]string{"k": "v"}}); st != CacheHit {
		t.Errorf("equal attributes: %v, want hit", st)
	}
	// Mutating the caller's map must not change what was cached.
	attrs["k"] = "changed"
	if e, _ := c.Entry(); e.Options.ParticipantAttributes["k"] != "v" {
		t.Errorf("cached options changed with the caller's map: %+v", e.Options)
	}
	if _, st, _ := c.FetchStatus(context.Background(), Options{RoomName: "r", ParticipantAttributes: attrs}); st != CacheMiss {
		t.Errorf("changed attributes: %v, want miss", st)
	}
	for _, o := range []Options{{RoomName: "other"}, {RoomName: "r", AgentDeployment: "d"}} {
		if _, st, _ := c.FetchStatus(context.Background(), o); st != CacheMiss {
			t.Errorf("options %+v: %v, want miss", o, st)
		}
	}
	// Entry hands out a copy.
	e, _ := c.Entry()
	e.Options.RoomName = "tampered"
	if e2, _ := c.Entry(); e2.Options.RoomName == "tampered" {
		t.Error("Entry returned shared state")
	}
}

func TestCachingFailedFetchKeepsEntry(t *testing.T) {
	clock := newSrcClock()
	inner := srcFreshSource(clock)
	c := NewCaching(inner, clock.Now)
	a := Options{RoomName: "a"}
	want, err := c.Fetch(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	inner.fail.Store(true)
	if _, err := c.Fetch(context.Background(), Options{RoomName: "b"}); err == nil {
		t.Fatal("failing inner: no error")
	}
	e, ok := c.Entry()
	if !ok || e.Options.RoomName != "a" || e.Response != want {
		t.Errorf("entry after failed fetch: %+v %v", e, ok)
	}
	if got, st, err := c.FetchStatus(context.Background(), a); err != nil || st != CacheHit || got != want {
		t.Errorf("old entry not reused: %v %v", st, err)
	}
}

func TestCachingInvalidate(t *testing.T) {
	clock := newSrcClock()
	inner := srcFreshSource(clock)
	c := NewCaching(inner, clock.Now)
	c.Fetch(context.Background(), Options{})
	c.Invalidate()
	if _, ok := c.Entry(); ok {
		t.Error("entry after Invalidate")
	}
	if _, st, _ := c.FetchStatus(context.Background(), Options{}); st != CacheMiss {
		t.Errorf("after Invalidate: %v, want miss", st)
	}
	if s := c.Stats(); s.Hits != 0 || s.Misses != 2 || s.InnerFetches != 2 {
		t.Errorf("stats %+v", s)
	}
}

// srcGate is an inner source whose fetches block until released.
type srcGate struct {
	calls   atomic.Int64
	release chan struct{}
	token   string
}

func (g *srcGate) Fetch(ctx context.Context, o Options) (Response, error) {
	g.calls.Add(1)
	select {
	case <-g.release:
	case <-ctx.Done():
		return Response{}, ctx.Err()
	}
	return Response{ServerURL: "wss://x", ParticipantToken: g.token, RoomName: o.RoomName}, nil
}

// srcWaitFor polls cond; the test fails if it never holds.
func srcWaitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestCachingConcurrentMissesFetchOnce(t *testing.T) {
	clock := newSrcClock()
	gate := &srcGate{release: make(chan struct{}), token: srcJWT(map[string]any{"exp": clock.unix(time.Hour)})}
	c := NewCaching(gate, clock.Now)
	const n = 50
	var wg sync.WaitGroup
	statuses := make([]CacheStatus, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			// A fresh but equal map per caller.
			_, statuses[i], errs[i] = c.FetchStatus(context.Background(), Options{RoomName: "r", ParticipantAttributes: map[string]string{"k": "v"}})
		})
	}
	// Every caller has registered its miss before the fetch may finish.
	srcWaitFor(t, "50 misses", func() bool { return c.Stats().Misses == n })
	close(gate.release)
	wg.Wait()
	if got := gate.calls.Load(); got != 1 {
		t.Fatalf("inner fetches = %d, want exactly 1", got)
	}
	counts := map[CacheStatus]int{}
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		counts[statuses[i]]++
	}
	if counts[CacheMiss] != 1 || counts[CacheShared] != n-1 {
		t.Errorf("statuses %v, want 1 miss and %d shared", counts, n-1)
	}
	if s := c.Stats(); s.InnerFetches != 1 || s.Misses != n {
		t.Errorf("stats %+v", s)
	}
	if _, st, _ := c.FetchStatus(context.Background(), Options{RoomName: "r", ParticipantAttributes: map[string]string{"k": "v"}}); st != CacheHit {
		t.Errorf("after the flight: %v, want hit", st)
	}
}

func TestCachingHitNotBlockedByFetch(t *testing.T) {
	clock := newSrcClock()
	tok := srcJWT(map[string]any{"exp": clock.unix(time.Hour)})
	gate := &srcGate{release: make(chan struct{}), token: tok}
	c := NewCaching(gate, clock.Now)
	close(gate.release)
	c.Fetch(context.Background(), Options{RoomName: "a"})
	gate.release = make(chan struct{}) // the next fetch blocks (no fetch in flight now)

	done := make(chan Response)
	go func() { r, _ := c.Fetch(context.Background(), Options{RoomName: "b"}); done <- r }()
	srcWaitFor(t, "fetch b in flight", func() bool { return gate.calls.Load() == 2 })
	if r, st, err := c.FetchStatus(context.Background(), Options{RoomName: "a"}); err != nil || st != CacheHit || r.RoomName != "a" {
		t.Errorf("hit during another fetch: %+v %v %v", r, st, err)
	}
	close(gate.release)
	if r := <-done; r.RoomName != "b" {
		t.Errorf("b got %+v", r)
	}
	// Only the latest written is cached.
	if e, _ := c.Entry(); e.Options.RoomName != "b" {
		t.Errorf("entry is for %q, want b", e.Options.RoomName)
	}
}

func TestCachingDifferentOptionsConcurrently(t *testing.T) {
	clock := newSrcClock()
	gate := &srcGate{release: make(chan struct{}), token: srcJWT(map[string]any{"exp": clock.unix(time.Hour)})}
	c := NewCaching(gate, clock.Now)
	got := make(chan Response, 2)
	for _, room := range []string{"a", "b"} {
		go func() { r, _ := c.Fetch(context.Background(), Options{RoomName: room}); got <- r }()
	}
	srcWaitFor(t, "two fetches", func() bool { return gate.calls.Load() == 2 })
	close(gate.release)
	rooms := map[string]bool{(<-got).RoomName: true, (<-got).RoomName: true}
	if !rooms["a"] || !rooms["b"] {
		t.Errorf("each caller should get its own options' response: %v", rooms)
	}
}

func TestCachingCallerCancel(t *testing.T) {
	clock := newSrcClock()
	gate := &srcGate{release: make(chan struct{}), token: srcJWT(map[string]any{"exp": clock.unix(time.Hour)})}
	c := NewCaching(gate, clock.Now)

	// The leader gives up; a caller that joined still gets the result.
	ctx, cancel := context.WithCancel(context.Background())
	leader := make(chan error)
	go func() { _, err := c.Fetch(ctx, Options{}); leader <- err }()
	srcWaitFor(t, "leader in flight", func() bool { return gate.calls.Load() == 1 })
	joined := make(chan error)
	go func() { _, err := c.Fetch(context.Background(), Options{}); joined <- err }()
	srcWaitFor(t, "joiner", func() bool { return c.Stats().Misses == 2 })
	cancel()
	if err := <-leader; !errors.Is(err, context.Canceled) {
		t.Errorf("leader: %v", err)
	}
	close(gate.release)
	if err := <-joined; err != nil {
		t.Errorf("joiner: %v", err)
	}

	// When everyone gives up, the inner fetch is cancelled too.
	c.Invalidate()
	gate.release = make(chan struct{})
	var innerErr atomic.Value
	c.inner = Custom(func(ctx context.Context, o Options) (Response, error) {
		<-ctx.Done()
		innerErr.Store(ctx.Err())
		return Response{}, ctx.Err()
	})
	ctx2, cancel2 := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() { _, err := c.Fetch(ctx2, Options{}); errc <- err }()
	srcWaitFor(t, "second flight", func() bool { return c.Stats().InnerFetches == 2 })
	cancel2()
	<-errc
	srcWaitFor(t, "inner cancelled", func() bool { return innerErr.Load() != nil })
}

func TestCachingInvalidateDuringFetch(t *testing.T) {
	clock := newSrcClock()
	gate := &srcGate{release: make(chan struct{}), token: srcJWT(map[string]any{"exp": clock.unix(time.Hour)})}
	c := NewCaching(gate, clock.Now)
	done := make(chan error)
	go func() { _, err := c.Fetch(context.Background(), Options{}); done <- err }()
	srcWaitFor(t, "flight", func() bool { return gate.calls.Load() == 1 })
	c.Invalidate()
	close(gate.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Entry(); ok {
		t.Error("a fetch started before Invalidate was cached")
	}
}

func BenchmarkEndpointFetch(b *testing.B) {
	e := &Endpoint{URL: srcBenchServer(b)}
	ctx := context.Background()
	for b.Loop() {
		if _, err := e.Fetch(ctx, Options{RoomName: "r"}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCachingFetchHit(b *testing.B) {
	c := NewCaching(&Endpoint{URL: srcBenchServer(b)}, nil)
	ctx := context.Background()
	opts := Options{RoomName: "r", ParticipantAttributes: map[string]string{"k": "v"}}
	if _, err := c.Fetch(ctx, opts); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.Fetch(ctx, opts); err != nil {
			b.Fatal(err)
		}
	}
	if s := c.Stats(); s.InnerFetches != 1 {
		b.Fatalf("inner fetches %d", s.InnerFetches)
	}
}

func srcBenchServer(b *testing.B) string {
	body, _ := json.Marshal(map[string]string{"server_url": "wss://x",
		"participant_token": srcJWT(map[string]any{"exp": time.Now().Add(time.Hour).Unix()})})
	srv := srcURLServer(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write(body)
	}))
	return srv
}

func TestCachingInnerPanicIsAnError(t *testing.T) {
	c := NewCaching(Custom(func(context.Context, Options) (Response, error) { panic("boom") }), nil)
	if _, err := c.Fetch(context.Background(), Options{}); err == nil || !strings.Contains(err.Error(), "panicked: boom") {
		t.Errorf("err = %v", err)
	}
	if _, ok := c.Entry(); ok {
		t.Error("a panicking fetch was cached")
	}
}
