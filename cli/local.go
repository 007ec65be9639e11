package cli

import (
	"context"
	"fmt"
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

// startCluster starts the managed local deployment: one livekit-server, or
// with nodes > 1 a cluster of nodes sharing a Redis, each with overlay
// merged over its defaults; progress on stderr.
func startCluster(ctx context.Context, s *streams, overlay string, nodes int) (*devserver.Cluster, error) {
	r := newBuildReporter(s.err)
	defer r.done()
	return devserver.StartCluster(ctx, devserver.Config{LogDir: logDir(), Progress: r.line, Build: r.build, Overlay: overlay}, nodes)
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

// clusterSpec mints tokens for the managed deployment: node 1's URL, the
// other nodes' to fail over to.
func clusterSpec(base source.Spec, c *devserver.Cluster) source.Spec {
	base = localSpec(base, c.Nodes[0])
	base.FailoverURLs = c.URLs()[1:]
	return base
}

// watchManaged ends sess as soon as the managed deployment is gone — its
// only server, or every node of a cluster (one node of several dying is
// something a session survives, by failing over) — with the exit status,
// the log's path and its last lines, instead of leaving the SDK to retry
// dead addresses for about a minute.
func watchManaged(c *devserver.Cluster, sess *room.Session) {
	go func() {
		select {
		case <-c.Done():
		case <-sess.Done():
			return
		}
		e, _ := c.Exit()
		reason := "the local livekit-server exited"
		if len(c.Nodes) > 1 {
			reason = "every node of the local cluster exited"
		}
		if e.Status != "" {
			reason += " (" + e.Status + ")"
		}
		if e.LogPath != "" {
			reason += "; its log is " + e.LogPath
		}
		sess.Abort(devserver.DisconnectCode, reason, e.LogTail)
	}()
}

// nodeAction is what a node drill does to the managed deployment: kill
// the node the session names (SIGKILL), or stop it as lkdash stops its
// servers (SIGTERM, so it drains; a second one a second later; SIGKILL
// after 5 s). It returns once the signal is sent.
func nodeAction(c *devserver.Cluster, d room.Drill) func(node string) error {
	return func(node string) error {
		_, srv, ok := c.Node(node)
		if !ok {
			return fmt.Errorf("the room's node %s is not one lkdash runs", node)
		}
		if d == room.DrillKillNode {
			return srv.Kill()
		}
		go func() { _ = srv.Stop() }() // its outcome is the session's to report
		return nil
	}
}
