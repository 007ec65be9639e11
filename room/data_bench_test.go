package room

import (
	"context"
	"testing"
	"time"

	"github.com/lkdash/lkdash/tokens"
)

// BenchmarkRPCvsDataRoundTrip measures, in one room on the local server,
// an RPC round trip (PerformRpc to an echo method: request, ack and
// response through the server) against a data packet round trip (a
// reliable packet to the other participant, who publishes it back), one
// after the other in each op, and reports their medians and ratio.
func BenchmarkRPCvsDataRoundTrip(b *testing.B) {
	srv := shared.Server(b)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	name := roomName(b)
	join := func(identity string, cfg Config) *Session {
		s, err := Join(ctx, mint(srv), tokens.Options{RoomName: name, ParticipantIdentity: identity}, cfg)
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	echo := join("echo", Config{RPC: map[string]RPCHandler{"echo": Echo}})
	defer echo.Leave()
	caller := join("caller", Config{})
	defer caller.Leave()
	go func() { // the echo side publishes every ping back as a pong
		for ev := range echo.Events() {
			if d, ok := ev.(DataReceived); ok && d.Topic == "ping" {
				_ = echo.PublishData([]byte(d.Text), "pong", true, d.Identity)
			}
		}
	}()
	pong := func() {
		for ev := range caller.Events() {
			if d, ok := ev.(DataReceived); ok && d.Topic == "pong" {
				return
			}
		}
		b.Fatal("the session ended")
	}
	payload := []byte("round trip")
	call := RPCCall{Destination: "echo", Method: "echo", Payload: string(payload)}
	// Warm up both paths (the publisher's data channel opens on first use).
	if err := caller.PublishData(payload, "ping", true, "echo"); err != nil {
		b.Fatal(err)
	}
	pong()
	if res, _ := caller.CallRPC(ctx, call); !res.OK {
		b.Fatalf("warm-up call failed: %+v", res)
	}
	var data, rpc []time.Duration
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		if err := caller.PublishData(payload, "ping", true, "echo"); err != nil {
			b.Fatal(err)
		}
		pong()
		data = append(data, time.Since(t0))
		res, err := caller.CallRPC(ctx, call)
		if err != nil || !res.OK {
			b.Fatalf("call failed: %+v %v", res, err)
		}
		rpc = append(rpc, res.RTT)
	}
	b.StopTimer()
	d50, r50 := median(data), median(rpc)
	b.ReportMetric(float64(d50.Microseconds())/1000, "data-rtt-ms")
	b.ReportMetric(float64(r50.Microseconds())/1000, "rpc-rtt-ms")
	b.ReportMetric(r50.Seconds()/d50.Seconds(), "rpc/data")
}
