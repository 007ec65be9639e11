//go:build unix

package room

import (
	"syscall"
	"testing"
	"time"

	"github.com/lkdash/lkdash/tokens"
)

// BenchmarkPublishDemoCPU measures what publishing the demo costs this
// process, in percent of one core: each iteration spends one window joined
// and idle, then one window publishing the demo (video and tone), so load
// from others on a busy machine hits both alike. The server is another
// process and is not counted. Run with -benchtime=5x or so; it reports
// idle-%core, demo-%core and their ratio.
func BenchmarkPublishDemoCPU(b *testing.B) {
	const window = 3 * time.Second
	srv := shared.Server(b)
	s, err := Join(b.Context(), mint(srv), tokens.Options{RoomName: roomName(b), ParticipantIdentity: "bench-publisher"}, Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Leave()
	go func() { // keep the event channel from filling
		for range s.Events() {
		}
	}()
	var idle, demo time.Duration
	b.ResetTimer()
	for b.Loop() {
		idle += cpuDuring(window)
		b.StopTimer()
		if _, err := s.PublishDemo(); err != nil {
			b.Fatal(err)
		}
		time.Sleep(500 * time.Millisecond) // past negotiation
		b.StartTimer()
		demo += cpuDuring(window)
		b.StopTimer()
		if err := s.UnpublishDemo(); err != nil {
			b.Fatal(err)
		}
		time.Sleep(500 * time.Millisecond)
		b.StartTimer()
	}
	n := float64(b.N) * window.Seconds()
	b.ReportMetric(100*idle.Seconds()/n, "idle-%core")
	b.ReportMetric(100*demo.Seconds()/n, "demo-%core")
	if idle > 0 {
		b.ReportMetric(demo.Seconds()/idle.Seconds(), "demo/idle")
	}
}

// BenchmarkReceiveDemoCPU measures what receiving the demo costs, stats
// included: a publisher and a watcher (stats every second) share this
// process; each iteration spends one window with the demo published but
// not subscribed, then one with the watcher subscribed. The difference is
// the receive side: decrypting, reading every packet, pion's statistics.
func BenchmarkReceiveDemoCPU(b *testing.B) {
	const window = 3 * time.Second
	srv := shared.Server(b)
	name := roomName(b)
	var sessions []*Session
	for _, id := range []string{"bench-publisher", "bench-watcher"} {
		s, err := Join(b.Context(), mint(srv), tokens.Options{RoomName: name, ParticipantIdentity: id}, Config{StatsInterval: time.Second})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Leave()
		go func() {
			for range s.Events() {
			}
		}()
		sessions = append(sessions, s)
	}
	pub, watcher := sessions[0], sessions[1]
	if _, err := pub.PublishDemo(); err != nil {
		b.Fatal(err)
	}
	var sending, receiving time.Duration
	b.ResetTimer()
	for b.Loop() {
		sending += cpuDuring(window)
		b.StopTimer()
		if err := watcher.SetAutoSubscribe(true); err != nil {
			b.Fatal(err)
		}
		time.Sleep(time.Second) // subscribed and flowing
		b.StartTimer()
		receiving += cpuDuring(window)
		b.StopTimer()
		if got := watcher.trackStats(); len(got) != 2 || got[0].(TrackStats).Bytes == 0 || got[1].(TrackStats).Bytes == 0 {
			b.Fatalf("the watcher did not receive both demo tracks: %+v", got)
		}
		if err := watcher.SetAutoSubscribe(false); err != nil {
			b.Fatal(err)
		}
		time.Sleep(time.Second)
		b.StartTimer()
	}
	n := float64(b.N) * window.Seconds()
	b.ReportMetric(100*sending.Seconds()/n, "publish-only-%core")
	b.ReportMetric(100*receiving.Seconds()/n, "publish+receive-%core")
	b.ReportMetric(100*(receiving-sending).Seconds()/n, "receive-%core")
}

// cpuDuring is the user+system CPU time this process used over d.
func cpuDuring(d time.Duration) time.Duration {
	before := cpuTime()
	time.Sleep(d)
	return cpuTime() - before
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
