package room

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/tokens"
)

// The room tests run against a real livekit-server (dev mode, loopback
// ports) started once on first use and stopped in TestMain. If the test
// binary dies without reaching Stop, Pdeathsig takes the server down with
// it. Tests that kill their server start a dedicated one.
var shared struct {
	once   sync.Once
	srv    *devserver.Server
	logDir string
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.srv != nil {
		if err := shared.srv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping livekit-server:", err)
		}
	}
	if shared.logDir != "" {
		if code == 0 {
			os.RemoveAll(shared.logDir)
		} else {
			fmt.Fprintln(os.Stderr, "livekit-server log kept in", shared.logDir)
		}
	}
	os.Exit(code)
}

func sharedServer(tb testing.TB) *devserver.Server {
	tb.Helper()
	shared.once.Do(func() {
		shared.logDir, shared.err = os.MkdirTemp("", "lkdash-room-test-")
		if shared.err == nil {
			shared.srv, shared.err = startServer(shared.logDir)
		}
	})
	if shared.err != nil {
		tb.Fatalf("cannot start livekit-server for room tests: %v", shared.err)
	}
	return shared.srv
}

// startServer runs a dev server; the binary comes from PATH or the lkdash
// cache (building it here would take minutes).
func startServer(logDir string) (*devserver.Server, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	return devserver.Start(ctx, devserver.Config{LogDir: logDir})
}

func dedicatedServer(t *testing.T) *devserver.Server {
	t.Helper()
	srv, err := startServer(t.TempDir())
	if err != nil {
		t.Fatalf("cannot start a dedicated livekit-server: %v", err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	return srv
}

func mint(srv *devserver.Server) *tokens.Mint {
	return &tokens.Mint{ServerURL: srv.URL, APIKey: srv.APIKey, APISecret: srv.APISecret}
}

// roomName keeps tests (and reruns) out of each other's rooms.
func roomName(t testing.TB) string {
	return fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano())
}

func join(t *testing.T, srv *devserver.Server, identity string, cfg Config) *Session {
	t.Helper()
	return joinRoom(t, srv, roomName(t), identity, cfg)
}

func joinRoom(t *testing.T, srv *devserver.Server, room, identity string, cfg Config) *Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Join(ctx, mint(srv), tokens.Options{RoomName: room, ParticipantIdentity: identity}, cfg)
	if err != nil {
		t.Fatalf("Join: %v", err)
	}
	t.Cleanup(s.Leave)
	return s
}

// waitFor reads events until match accepts one, failing after a generous
// deadline (this is about correctness, not speed). It returns the event
// and everything seen before it.
func waitFor[E Event](t *testing.T, s *Session, match func(E) bool) (E, []Event) {
	t.Helper()
	return waitWithin(t, s, 60*time.Second, match)
}

func waitWithin[E Event](t *testing.T, s *Session, within time.Duration, match func(E) bool) (E, []Event) {
	t.Helper()
	var seen []Event
	deadline := time.After(within)
	for {
		select {
		case ev, ok := <-s.Events():
			if !ok {
				var zero E
				t.Fatalf("events closed before a %T arrived; saw %s", zero, types(seen))
				return zero, seen
			}
			if e, ok := ev.(E); ok && (match == nil || match(e)) {
				return e, seen
			}
			seen = append(seen, ev)
		case <-deadline:
			var zero E
			t.Fatalf("no %T within %s; saw %s", zero, within, types(seen))
			return zero, seen
		}
	}
}

func types(evs []Event) string {
	out := "["
	for i, ev := range evs {
		if i > 0 {
			out += " "
		}
		out += ev.Type()
	}
	return out + "]"
}
