package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lkdash/lkdash/devserver"
)

func newDevserverCmd(s *streams) *cobra.Command {
	var configFile string
	var nodes int
	cmd := &cobra.Command{
		Use:   "devserver",
		Short: "Run the managed local LiveKit server (or a local cluster) in the foreground",
		Long: "Devserver finds livekit-server (PATH, then lkdash's cache, else builds the pinned\n" +
			"version with the Go toolchain), starts it in dev mode on free loopback ports and\n" +
			"prints its URL and the well-known dev key pair. Ctrl-C stops it.\n\n" +
			"--nodes N (2 or more) starts a local cluster instead: a redis-server (from PATH;\n" +
			"nothing persisted) and N nodes sharing it, each on its own ports. It prints every\n" +
			"node's URL, then which node hosts which room as rooms appear and move. Give the\n" +
			"url line to --url: a session fails over between the nodes in that order.\n\n" +
			"--config merges a livekit-server YAML file over lkdash's defaults (every node's),\n" +
			"to reproduce a deployment's settings or break one on purpose, e.g.\n" +
			"  rtc: {tcp_port: 0}          # no ICE/TCP\n" +
			"  turn: {enabled: true}       # the embedded TURN server, on a free UDP port\n" +
			"  room: {max_participants: 2}\n" +
			"The key pair stays the dev pair and every listener stays on loopback.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkNodes(nodes, false); err != nil {
				return err
			}
			var overlay string
			if configFile != "" {
				var err error
				if overlay, err = devserver.LoadOverlay(configFile); err != nil {
					return usageErrorf("--config: %v", err)
				}
			}
			c, err := startCluster(cmd.Context(), s, overlay, nodes)
			if err != nil {
				return err
			}
			defer c.Stop()
			printDeployment(s.out, c)
			if keys := devserver.OverlayKeys(overlay); len(keys) > 0 {
				fmt.Fprintf(s.out, "config:     %s (from %s)\n", strings.Join(keys, ", "), configFile)
			}
			return watchRooms(cmd.Context(), s.out, c, time.Now)
		},
	}
	cmd.Flags().StringVar(&configFile, "config", "", "livekit-server YAML `file` merged over the defaults")
	cmd.Flags().IntVar(&nodes, "nodes", 1, fmt.Sprintf("run a local cluster of this many nodes (up to %d) sharing a Redis", devserver.MaxNodes))
	return cmd
}

// printDeployment writes where the deployment answers. Only the
// well-known dev pair is ever printed; it is no secret.
func printDeployment(w io.Writer, c *devserver.Cluster) {
	if c.Redis != nil {
		fmt.Fprintf(w, "nodes:      %d, sharing redis %s (log %s)\n", len(c.Nodes), c.Redis.Addr, c.Redis.LogPath)
		for i, n := range c.Nodes {
			fmt.Fprintf(w, "node %d:     %s  %s  log %s\n", i+1, n.URL, n.NodeID, n.LogPath)
		}
	}
	fmt.Fprintf(w, "url:        %s\napi key:    %s\napi secret: %s\n",
		strings.Join(c.URLs(), ","), devserver.DevKey, devserver.DevSecret)
	if c.Redis == nil {
		fmt.Fprintf(w, "log:        %s\n", c.Nodes[0].LogPath)
	}
	for i, n := range c.Nodes {
		if n.TURNPort == 0 {
			continue
		}
		label := "turn:      "
		if c.Redis != nil {
			label = fmt.Sprintf("turn %d:    ", i+1)
		}
		fmt.Fprintf(w, "%s udp 127.0.0.1:%d\n", label, n.TURNPort)
	}
}
