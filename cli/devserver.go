package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lkdash/lkdash/devserver"
)

func newDevserverCmd(s *streams) *cobra.Command {
	var configFile string
	cmd := &cobra.Command{
		Use:   "devserver",
		Short: "Run the managed local LiveKit server in the foreground",
		Long: "Devserver finds livekit-server (PATH, then lkdash's cache, else builds the pinned\n" +
			"version with the Go toolchain), starts it in dev mode on free loopback ports and\n" +
			"prints its URL and the well-known dev key pair. Ctrl-C stops it.\n\n" +
			"--config merges a livekit-server YAML file over lkdash's defaults, to reproduce a\n" +
			"deployment's settings or break one on purpose, e.g.\n" +
			"  rtc: {tcp_port: 0}          # no ICE/TCP\n" +
			"  turn: {enabled: true}       # the embedded TURN server, on a free UDP port\n" +
			"  room: {max_participants: 2}\n" +
			"The key pair stays the dev pair and every listener stays on loopback.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var overlay string
			if configFile != "" {
				var err error
				if overlay, err = devserver.LoadOverlay(configFile); err != nil {
					return usageErrorf("--config: %v", err)
				}
			}
			srv, err := startLocalServer(cmd.Context(), s, overlay)
			if err != nil {
				return err
			}
			defer srv.Stop()
			// Only the well-known dev pair is ever printed; it is no secret.
			fmt.Fprintf(s.out, "url:        %s\napi key:    %s\napi secret: %s\nlog:        %s\n",
				srv.URL, srv.APIKey, srv.APISecret, srv.LogPath)
			if keys := devserver.OverlayKeys(overlay); len(keys) > 0 {
				fmt.Fprintf(s.out, "config:     %s (from %s)\n", strings.Join(keys, ", "), configFile)
			}
			if srv.TURNPort != 0 {
				fmt.Fprintf(s.out, "turn:       udp 127.0.0.1:%d\n", srv.TURNPort)
			}
			<-cmd.Context().Done()
			return nil
		},
	}
	cmd.Flags().StringVar(&configFile, "config", "", "livekit-server YAML `file` merged over the defaults")
	return cmd
}
