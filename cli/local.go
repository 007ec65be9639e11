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

// watchManaged ends sess as soon as the managed server it runs on exits,
// with the exit status, the log's path and its last lines, instead of
// leaving the SDK to retry a dead address for about a minute.
func watchManaged(srv *devserver.Server, sess *room.Session) {
	go func() {
		select {
		case <-srv.Done():
		case <-sess.Done():
			return
		}
		e, _ := srv.Exit()
		reason := "the local livekit-server exited"
		if e.Status != "" {
			reason += " (" + e.Status + ")"
		}
		if e.LogPath != "" {
			reason += "; its log is " + e.LogPath
		}
		sess.Abort(devserver.DisconnectCode, reason, e.LogTail)
	}()
}
