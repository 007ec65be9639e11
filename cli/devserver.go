package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newDevserverCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "devserver",
		Short: "Run the managed local LiveKit server in the foreground",
		Long: "Devserver finds livekit-server (PATH, then lkdash's cache, else builds the pinned\n" +
			"version with the Go toolchain), starts it in dev mode on free loopback ports and\n" +
			"prints its URL and the well-known dev key pair. Ctrl-C stops it.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			srv, err := startLocalServer(cmd.Context(), s)
			if err != nil {
				return err
			}
			defer srv.Stop()
			// Only the well-known dev pair is ever printed; it is no secret.
			fmt.Fprintf(s.out, "url:        %s\napi key:    %s\napi secret: %s\nlog:        %s\n",
				srv.URL, srv.APIKey, srv.APISecret, srv.LogPath)
			<-cmd.Context().Done()
			return nil
		},
	}
}
