// Package lktest gives a test package a real livekit-server (dev mode,
// loopback ports): one shared by all its tests, started on first use and
// stopped in TestMain, or a dedicated one for a test that kills its server.
// If the test binary dies without reaching Stop, Pdeathsig takes the server
// down with it.
package lktest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/lkdash/lkdash/devserver"
)

// Start runs a dev server logging into logDir. The binary comes from PATH or
// the lkdash cache (building it here would take minutes).
func Start(logDir string) (*devserver.Server, error) {
	return StartWith(logDir, "")
}

// StartWith is Start with overlay: livekit-server YAML merged over the
// managed server's defaults (devserver.Config.Overlay), for a server
// configured the way a test case needs.
func StartWith(logDir, overlay string) (*devserver.Server, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	return devserver.Start(ctx, devserver.Config{LogDir: logDir, Overlay: overlay})
}

// Dedicated starts a server for t alone and stops it when t ends; t fails if
// the server cannot start.
func Dedicated(t *testing.T) *devserver.Server {
	t.Helper()
	return DedicatedWith(t, "")
}

// DedicatedWith starts a server for t alone, configured by overlay (see
// StartWith), and stops it when t ends; t fails if the server cannot start.
func DedicatedWith(t *testing.T, overlay string) *devserver.Server {
	t.Helper()
	srv, err := StartWith(t.TempDir(), overlay)
	if err != nil {
		t.Fatalf("cannot start a dedicated livekit-server: %v", err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	return srv
}

// Shared is one server for all the tests of a package. Its log directory
// outlives the tests when they fail, so the server's side can be read.
type Shared struct {
	name   string
	once   sync.Once
	srv    *devserver.Server
	logDir string
	err    error
}

// NewShared returns a Shared for the tests of package name; nothing starts
// until a test asks for the server.
func NewShared(name string) *Shared {
	return &Shared{name: name}
}

// Server returns the shared server, starting it on the first call. It fails
// tb, never skips, when the server cannot start.
func (s *Shared) Server(tb testing.TB) *devserver.Server {
	tb.Helper()
	s.once.Do(func() {
		s.logDir, s.err = os.MkdirTemp("", "lkdash-"+s.name+"-test-")
		if s.err == nil {
			s.srv, s.err = Start(s.logDir)
		}
	})
	if s.err != nil {
		tb.Fatalf("cannot start livekit-server for %s tests: %v", s.name, s.err)
	}
	return s.srv
}

// Stop stops the server if a test started it, then removes its log directory
// when code (m.Run's result) is 0 and otherwise keeps it and says where.
func (s *Shared) Stop(code int) {
	if s.srv != nil {
		if err := s.srv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping livekit-server:", err)
		}
	}
	if s.logDir != "" {
		if code == 0 {
			os.RemoveAll(s.logDir)
		} else {
			fmt.Fprintln(os.Stderr, "livekit-server log kept in", s.logDir)
		}
	}
}

// Cluster starts a local cluster of n nodes (a redis-server from PATH and n
// livekit-servers) for t alone and stops it when t ends; t fails if it
// cannot start.
func Cluster(t *testing.T, n int) *devserver.Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	c, err := devserver.StartCluster(ctx, devserver.Config{LogDir: t.TempDir()}, n)
	if err != nil {
		t.Fatalf("cannot start a %d-node cluster: %v", n, err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	return c
}
