package room

import (
	"context"
	"fmt"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/lkdash/lkdash/internal/sdkquiet"
	"github.com/lkdash/lkdash/tokens"
)

// The join benchmarks compare a full lkdash join (mint a token through the
// token-source interface, start the relay, connect through it, leave)
// with the SDK connecting straight to the same local server using a token
// minted before the timer starts. Both report the median next to the mean
// (ns/op); BenchmarkJoinCompare alternates the two in one loop so drift in
// a busy machine hits both alike, and reports their ratio.
//
// The SDK tears a room down in the background after Disconnect returns
// (closing peer connections, then the signal socket). Each iteration lets
// that finish with the timer stopped (settle), so one join's teardown is not
// billed to the next join, whichever kind it is.

// settle waits, untimed, until the goroutine count is back to baseline
// (or half a second passes).
func settle(b *testing.B, baseline int) {
	b.StopTimer()
	defer b.StartTimer()
	deadline := time.Now().Add(500 * time.Millisecond)
	for runtime.NumGoroutine() > baseline && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
}

func baseline() int {
	time.Sleep(100 * time.Millisecond)
	return runtime.NumGoroutine()
}

func joinLkdash(b *testing.B, src tokens.ConfigurableSource, room string, i int) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Join(ctx, src, tokens.Options{RoomName: room, ParticipantIdentity: fmt.Sprintf("lk-%d", i)}, Config{})
	if err != nil {
		b.Fatal(err)
	}
	s.Leave()
}

func joinBare(b *testing.B, url, token string) {
	r, err := lksdk.ConnectToRoomWithToken(url, token, &lksdk.RoomCallback{}, lksdk.WithAutoSubscribe(false))
	if err != nil {
		b.Fatal(err)
	}
	r.Disconnect()
}

func bareTokens(b *testing.B, srv interface {
	Fetch(context.Context, tokens.Options) (tokens.Response, error)
}, room string, n int) []string {
	toks := make([]string, n)
	for i := range toks {
		r, err := srv.Fetch(context.Background(), tokens.Options{RoomName: room, ParticipantIdentity: fmt.Sprintf("bare-%d", i)})
		if err != nil {
			b.Fatal(err)
		}
		toks[i] = r.ParticipantToken
	}
	return toks
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func BenchmarkJoinLkdash(b *testing.B) {
	srv := shared.Server(b)
	src, room := mint(srv), roomName(b)
	sdkquiet.Silence()
	joinLkdash(b, src, room, -1) // warm up
	base := baseline()
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		joinLkdash(b, src, room, i)
		times = append(times, time.Since(t0))
		settle(b, base)
	}
	b.ReportMetric(float64(median(times).Nanoseconds()), "median-ns")
}

func BenchmarkJoinBare(b *testing.B) {
	srv := shared.Server(b)
	room := roomName(b)
	sdkquiet.Silence()
	toks := bareTokens(b, mint(srv), room, b.N+1)
	joinBare(b, srv.URL, toks[b.N]) // warm up
	base := baseline()
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		joinBare(b, srv.URL, toks[i])
		times = append(times, time.Since(t0))
		settle(b, base)
	}
	b.ReportMetric(float64(median(times).Nanoseconds()), "median-ns")
}

func BenchmarkJoinCompare(b *testing.B) {
	srv := shared.Server(b)
	src, room := mint(srv), roomName(b)
	sdkquiet.Silence()
	toks := bareTokens(b, src, room, b.N+1)
	joinBare(b, srv.URL, toks[b.N])
	joinLkdash(b, src, room, -1)
	base := baseline()
	var bare, lk []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		joinBare(b, srv.URL, toks[i])
		bare = append(bare, time.Since(t0))
		settle(b, base)
		t1 := time.Now()
		joinLkdash(b, src, room, i)
		lk = append(lk, time.Since(t1))
		settle(b, base)
	}
	mb, ml := median(bare), median(lk)
	b.ReportMetric(float64(mb.Nanoseconds()), "bare-median-ns")
	b.ReportMetric(float64(ml.Nanoseconds()), "lkdash-median-ns")
	if mb > 0 {
		b.ReportMetric(float64(ml)/float64(mb), "ratio")
	}
	b.Logf("n=%d median bare %s, lkdash %s, ratio %.3f, overhead %s", b.N, mb, ml, float64(ml)/float64(mb), ml-mb)
}

// BenchmarkRelayRoundTrip measures one 1 KiB frame out and back through
// the relay (with signal decoding on the return leg) against the same
// echo server dialled directly.
func BenchmarkRelayRoundTrip(b *testing.B) {
	f := &fakeUpstream{}
	up := websocket.Upgrader{}
	f.Server = httptest.NewServer(echoHandler(up))
	defer f.Close()
	msg := []byte(strings.Repeat("x", 1024))
	run := func(b *testing.B, url string) {
		c, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		b.SetBytes(int64(len(msg)))
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := c.WriteMessage(websocket.BinaryMessage, msg); err != nil {
				b.Fatal(err)
			}
			if _, _, err := c.ReadMessage(); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("direct", func(b *testing.B) { run(b, strings.Replace(f.URL, "http", "ws", 1)) })
	b.Run("relay", func(b *testing.B) {
		s := &Session{cfg: Config{Now: time.Now}, events: make(chan Event, EventBuffer), people: newTracker(), joinSeen: make(chan struct{})}
		r, err := newRelay(f.URL, s.onServerFrame)
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close()
		run(b, r.URL())
	})
}
