package cli

import (
	"context"
	"os"
	"path/filepath"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/room"
)

// startLocalServer starts the managed livekit-server with overlay (YAML
// merged over its defaults, "" for none), reporting progress on stderr
// (stdout stays machine-readable for join's JSON lines).
func startLocalServer(ctx context.Context, s *streams, overlay string) (*devserver.Server, error) {
	r := newBuildReporter(s.err)
	defer r.done() // a failed build leaves no half-drawn line before the error
	return devserver.Start(ctx, devserver.Config{LogDir: logDir(), Progress: r.line, Build: r.build, Overlay: overlay})
}

// logDir is where the managed server's log goes.
func logDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return os.TempDir()
	}
	return filepath.Join(dir, "lkdash", "logs")
}

// localSpec mints tokens for the managed server.
func localSpec(base source.Spec, srv *devserver.Server) source.Spec {
	base.Kind = source.KindMint
	base.ServerURL = srv.URL
	base.APIKey = srv.APIKey
	base.APISecret = srv.APISecret
	return base
}

// watchServer wires the managed server's exit into a session
// (room.Config.ServerGone and ServerExit).
func watchServer(srv *devserver.Server) (<-chan struct{}, func() room.ServerExit) {
	return srv.Done(), func() room.ServerExit {
		e, _ := srv.Exit()
		return room.ServerExit{Status: e.Status, LogPath: e.LogPath, LogTail: e.LogTail}
	}
}
