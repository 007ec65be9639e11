package room

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/internal/lktest"
)

// managed wires a dev server's exit into a session, as the CLI does.
func managed(srv *devserver.Server, cfg Config) Config {
	cfg.ServerGone = srv.Done()
	cfg.ServerExit = func() ServerExit {
		e, _ := srv.Exit()
		return ServerExit{Status: e.Status, LogPath: e.LogPath, LogTail: e.LogTail}
	}
	return cfg
}

// TestManagedServerDeathEndsSession: SIGKILL from outside to the managed
// server ends the session at once with the exit status and the log, not
// after the SDK's minute of reconnect attempts. The time from the kill to
// Disconnected is logged, not asserted (the machine is shared).
func TestManagedServerDeathEndsSession(t *testing.T) {
	t.Parallel()
	srv := lktest.Dedicated(t)
	s := join(t, srv, "kim", managed(srv, Config{}))
	waitFor[TokenRefreshed](t, s, nil)

	killed := time.Now()
	if err := syscall.Kill(srv.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	d, seen := waitWithin[Disconnected](t, s, 30*time.Second, nil)
	t.Logf("server death reported after %s (events before: %s)", d.At.Sub(killed), types(seen))
	if d.Code != CodeServerExited || d.Server == nil {
		t.Fatalf("disconnected = %+v", d)
	}
	if !strings.Contains(d.Server.Status, "killed") || d.Server.LogPath != srv.LogPath || len(d.Server.LogTail) == 0 {
		t.Errorf("server exit = %+v", *d.Server)
	}
	if !strings.Contains(d.Reason, "killed") || !strings.Contains(d.Reason, srv.LogPath) {
		t.Errorf("reason %q should name the exit status and the log", d.Reason)
	}
	for range s.Events() {
	} // must close
	done := make(chan struct{})
	go func() { s.Leave(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Leave hung after the server died")
	}
}
