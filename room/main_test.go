package room

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/internal/lktest"
	"github.com/lkdash/lkdash/tokens"
)

// The room tests run against a real livekit-server; tests that kill their
// server start a dedicated one (lktest.Dedicated).
var shared = lktest.NewShared("room")

func TestMain(m *testing.M) {
	code := m.Run()
	shared.Stop(code)
	os.Exit(code)
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
