package room

import (
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestLeaveLeaksNoGoroutines joins and leaves twice and checks that the
// second round leaves nothing behind. The first round warms up what lives
// for the whole process by design, which IgnoreCurrent then excludes:
// the shared test server's reaper, pion's and the SDK's package-level
// workers. Also ignored: net/http's keep-alive connections to the server in
// http.DefaultTransport (the SDK's /rtc/validate and RoomService clients use
// it and it is not ours to close; idle ones expire on their own).
func TestLeaveLeaksNoGoroutines(t *testing.T) {
	srv := shared.Server(t)
	warm := join(t, srv, "warmup", Config{APIKey: srv.APIKey, APISecret: srv.APISecret})
	waitFor[TokenRefreshed](t, warm, nil)
	warm.Leave()

	opts := []goleak.Option{
		goleak.IgnoreCurrent(),
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
	}
	s := join(t, srv, "leaker", Config{APIKey: srv.APIKey, APISecret: srv.APISecret})
	waitFor[TokenRefreshed](t, s, nil)
	s.Leave()
	for range s.Events() {
	}
	// Like Room.Disconnect, Leave returns once the leave request is on its
	// way; the SDK closes its peer connections in the background. Give that
	// time on a busy machine before judging.
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if goleak.Find(opts...) == nil {
			return
		}
	}
	goleak.VerifyNone(t, opts...)
}

// TestLeaveWhilePublishingLeaksNoGoroutines leaves mid-stream: one side
// publishing the demo and a file, the other subscribed with stats. The first
// round warms up, as above.
func TestLeaveWhilePublishingLeaksNoGoroutines(t *testing.T) {
	srv := shared.Server(t)
	round := func() {
		room := roomName(t)
		a := joinRoom(t, srv, room, "streamer", Config{})
		b := joinRoom(t, srv, room, "watcher", Config{AutoSubscribe: true, StatsInterval: 200 * time.Millisecond})
		if _, err := a.PublishDemo(); err != nil {
			t.Fatal(err)
		}
		if _, err := a.PublishFile("../media/testdata/sample.ogg"); err != nil {
			t.Fatal(err)
		}
		latestStats(t, b, 10*time.Second, flowing(DemoVideoName, DemoAudioName, "sample.ogg"))
		a.Leave()
		b.Leave()
		for range a.Events() {
		}
		for range b.Events() {
		}
	}
	round()

	opts := []goleak.Option{
		goleak.IgnoreCurrent(),
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
	}
	round()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if goleak.Find(opts...) == nil {
			return
		}
	}
	goleak.VerifyNone(t, opts...)
}
