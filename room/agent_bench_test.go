package room

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lkdash/lkdash/standin"
	"github.com/lkdash/lkdash/tokens"
)

// BenchmarkAgentJoin measures, per op, a join whose token dispatches an
// agent that a stand-in worker serves, until the agent participant is
// reported. It reports the medians of the time from our join to the
// agent's by the server's clock (since-join-ms), of when lkdash learnt of
// it (seen-after-ms: livekit-server announces a participant that publishes
// nothing in its 3 s batch), and their ratio. Run with -benchtime=10x for
// the median of 10.
func BenchmarkAgentJoin(b *testing.B) {
	srv := shared.Server(b)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	w, err := standin.Register(ctx, standin.Config{URL: srv.URL, APIKey: srv.APIKey, APISecret: srv.APISecret, AgentName: "bench-agent"})
	cancel()
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	go func() {
		for range w.Events() { // drain
		}
	}()
	since := make([]time.Duration, 0, b.N)
	seen := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		s, err := Join(ctx, mint(srv), tokens.Options{RoomName: fmt.Sprintf("%s-%d", roomName(b), i), ParticipantIdentity: "bench", AgentName: "bench-agent"}, Config{})
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		deadline := time.After(30 * time.Second)
	wait:
		for {
			select {
			case ev, ok := <-s.Events():
				if !ok {
					b.Fatal("session ended before the agent joined")
				}
				if j, ok := ev.(AgentJoined); ok {
					since, seen = append(since, j.SinceJoin), append(seen, j.SeenAfter)
					break wait
				}
				if m, ok := ev.(AgentMissing); ok {
					b.Fatalf("agent missing: %v", m.Causes)
				}
			case <-deadline:
				b.Fatal("no agent within 30s")
			}
		}
		s.Leave()
	}
	b.StopTimer()
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(median(since)), "since-join-ms")
	b.ReportMetric(ms(median(seen)), "seen-after-ms")
	if m := median(since); m > 0 {
		b.ReportMetric(float64(median(seen))/float64(m), "seen/since")
	}
}
