package standin

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/lkdash/lkdash/devserver"
)

// The tests run against a real livekit-server (dev mode, loopback ports),
// started once on first use and stopped in TestMain.
var shared struct {
	once   sync.Once
	srv    *devserver.Server
	logDir string
	err    error
}

func TestMain(m *testing.M) {
	// Keep the stand-ins' registry files out of the user's cache.
	regDir, err := os.MkdirTemp("", "lkdash-standin-registry-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	registryDir = func() (string, error) { return regDir, nil }
	code := m.Run()
	os.RemoveAll(regDir)
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
		shared.logDir, shared.err = os.MkdirTemp("", "lkdash-standin-test-")
		if shared.err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
			defer cancel()
			shared.srv, shared.err = devserver.Start(ctx, devserver.Config{LogDir: shared.logDir})
		}
	})
	if shared.err != nil {
		tb.Fatalf("cannot start livekit-server: %v", shared.err)
	}
	return shared.srv
}
