package hooks

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

// joinsPerOp is how many joins one benchmark op makes: the percentiles
// are over these.
const joinsPerOp = 100

// BenchmarkWebhookAfterRoomEvent joins a room 100 times per op, one
// participant after another (an anchor keeps the room open), and measures
// how long after the joining session's own room event (connected) the
// server's participant_joined webhook reaches a Receiver: the lag lkdash
// prints as after_room_event_seconds. The baseline in the same run is the
// join itself (from the call to connected); the ratios are the lag's p50
// and p99 over the join's p50.
func BenchmarkWebhookAfterRoomEvent(b *testing.B) {
	rcv, err := NewReceiver(ReceiverConfig{APIKey: devserver.DevKey, APISecret: devserver.DevSecret})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(rcv)
	defer hs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	srv, err := devserver.Start(ctx, devserver.Config{LogDir: b.TempDir(), Overlay: serverOverlay(hs.URL + "/")})
	if err != nil {
		b.Fatalf("livekit-server must start for this benchmark: %v", err)
	}
	defer srv.Stop()
	mint := &tokens.Mint{ServerURL: srv.URL, APIKey: srv.APIKey, APISecret: srv.APISecret}
	name := fmt.Sprintf("bench-hooks-%d", time.Now().UnixNano())
	anchor, err := room.Join(ctx, mint, tokens.Options{RoomName: name, ParticipantIdentity: "anchor"}, room.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer anchor.Leave()
	go func() {
		for range anchor.Events() {
		}
	}()

	var lags, joins []time.Duration
	b.ResetTimer()
	for i := range b.N * joinsPerOp {
		lag, join := timeOneJoin(b, ctx, mint, rcv, name, fmt.Sprintf("j-%d", i))
		lags, joins = append(lags, lag), append(joins, join)
	}
	b.StopTimer()
	slices.Sort(lags)
	slices.Sort(joins)
	p50, p99, join50 := pct(lags, 50), pct(lags, 99), pct(joins, 50)
	b.ReportMetric(float64(p50.Microseconds())/1000, "lag-p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "lag-p99-ms")
	b.ReportMetric(float64(join50.Microseconds())/1000, "join-p50-ms")
	b.ReportMetric(p50.Seconds()/join50.Seconds(), "lag-p50/join")
	b.ReportMetric(p99.Seconds()/join50.Seconds(), "lag-p99/join")
}

// timeOneJoin joins as identity, waits for its participant_joined webhook
// and leaves; it returns the webhook's lag after connected and the join's
// duration.
func timeOneJoin(b *testing.B, ctx context.Context, mint tokens.ConfigurableSource, rcv *Receiver, name, identity string) (lag, join time.Duration) {
	t0 := time.Now()
	sess, err := room.Join(ctx, mint, tokens.Options{RoomName: name, ParticipantIdentity: identity}, room.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer sess.Leave()
	m := NewMatcher()
	connected := (<-sess.Events()).(room.Connected)
	m.Room(connected)
	for {
		select {
		case d := <-rcv.Deliveries():
			if d.Event != "participant_joined" || d.Participant != identity {
				continue
			}
			m.Add(d)
			lag, ok := m.Lag(d)
			if !ok {
				b.Fatalf("the webhook for %s matched no room event", identity)
			}
			return lag, connected.At.Sub(t0)
		case <-time.After(10 * time.Second):
			b.Fatalf("no participant_joined webhook for %s within 10 s", identity)
		}
	}
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}
