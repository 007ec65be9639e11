package doctor

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lkdash/lkdash/internal/lktest"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

// BenchmarkDoctor times `lkdash doctor` (every check, the default 5 s
// protocol phase) and `lkdash doctor --quick` against a healthy local
// server with the embedded TURN server on, so that no check is skipped.
// The baseline, in the same run, is one plain join and leave through the
// same source: quick reports its ratio to it; the full run reports its
// time beyond the protocol phase, the one fixed wait.
func BenchmarkDoctor(b *testing.B) {
	srv, err := lktest.StartWith(b.TempDir(), "turn: {enabled: true}")
	if err != nil {
		b.Fatalf("cannot start livekit-server: %v", err)
	}
	b.Cleanup(func() { _ = srv.Stop() })
	src := mintAt(srv, srv.URL)
	n := 0
	roomName := func() string { n++; return fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), n) }
	var join time.Duration
	b.Run("join", func(b *testing.B) {
		var total time.Duration
		for b.Loop() {
			t0 := time.Now()
			joinAndLeave(b, src, roomName())
			total += time.Since(t0)
		}
		join = total / time.Duration(b.N)
	})
	run := func(b *testing.B, checks []CheckName) time.Duration {
		var total time.Duration
		for b.Loop() {
			t0 := time.Now()
			sum := Run(context.Background(), Config{Source: src, Options: tokens.Options{RoomName: roomName()}, Checks: checks}, nil)
			total += time.Since(t0)
			if sum.Passed != len(sum.Results) {
				b.Fatalf("a check did not pass: %+v", sum)
			}
		}
		avg := total / time.Duration(b.N)
		b.ReportMetric(avg.Seconds(), "s/run")
		return avg
	}
	b.Run("quick", func(b *testing.B) {
		avg := run(b, QuickChecks())
		if join > 0 {
			b.ReportMetric(float64(avg)/float64(join), "x-join")
		}
	})
	b.Run("full", func(b *testing.B) {
		avg := run(b, nil)
		b.ReportMetric((avg - DefaultProtocolDuration).Seconds(), "s-beyond-protocol")
	})
}

func joinAndLeave(b *testing.B, src tokens.ConfigurableSource, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := room.Join(ctx, src, tokens.Options{RoomName: name}, room.Config{})
	if err != nil {
		b.Fatal(err)
	}
	s.Leave()
}
