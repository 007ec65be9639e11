package tokens

import (
	"context"
	"github.com/lkdash/lkdash/internal/netguard"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// BenchmarkHandlerOverhead interleaves a bare Mint.Fetch with a full
// request through the handler (every guard on: Host, Origin, rate limit,
// bearer token, room prefix, JSON in and out, the log line), so a busy
// machine slows both alike, and reports handler/mint.
func BenchmarkHandlerOverhead(b *testing.B) {
	const auth = "bench-auth-token-0123456789"
	m := &Mint{ServerURL: "ws://127.0.0.1:7880", APIKey: srcKey, APISecret: srcSecret, TTL: time.Hour}
	h := NewHandler(HandlerConfig{ServerURL: m.ServerURL, APIKey: srcKey, APISecret: srcSecret, TTL: time.Hour,
		RoomPrefix: "bench-", AuthToken: auth, Rate: 1e9, Burst: 1 << 30,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	const body = `{"room_name":"bench-r","participant_identity":"alice","participant_name":"Alice"}`
	opts := Options{RoomName: "bench-r", ParticipantIdentity: "alice", ParticipantName: "Alice"}
	ctx := context.Background()
	var mintTime, handlerTime time.Duration
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		if _, err := m.Fetch(ctx, opts); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8080/", strings.NewReader(body))
		req.Header.Set("Origin", "http://localhost:3000")
		req.Header.Set("Authorization", "Bearer "+auth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		t2 := time.Now()
		if rec.Code != http.StatusCreated {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		mintTime += t1.Sub(t0)
		handlerTime += t2.Sub(t1)
	}
	n := float64(b.N)
	b.ReportMetric(float64(mintTime.Nanoseconds())/n, "mint-ns/op")
	b.ReportMetric(float64(handlerTime.Nanoseconds())/n, "handler-ns/op")
	b.ReportMetric(float64(handlerTime)/float64(mintTime), "ratio")
}

// BenchmarkHandlerGuards is the price of the checks alone on an accepted
// request: Host, Origin, the client's bucket and the bearer comparison.
func BenchmarkHandlerGuards(b *testing.B) {
	origins := newOriginPolicy([]string{"https://app.example"})
	lim := newLimiter(1e9, 1<<30)
	auth := newBearer("bench-auth-token-0123456789")
	for range b.N {
		ok, _ := origins.allow("http://localhost:3000")
		if !netguard.LoopbackHost("127.0.0.1:8080") || !ok || lim.wait("127.0.0.1:50000") != 0 ||
			!auth.check("Bearer bench-auth-token-0123456789") {
			b.Fatal("refused")
		}
	}
}
