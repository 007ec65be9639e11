package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/lkdash/lkdash/tokens"
)

func newServeCmd(s *streams) *cobra.Command {
	var addr, serverURL, apiKey, apiSecret, project string
	var ttl time.Duration
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run a standard token endpoint that mints tokens with your key and secret",
		Long: "Serve answers POST requests in the token-source wire format (the body the SDKs'\n" +
			"endpoint sources send) with 201 {server_url, participant_token}, with CORS so a\n" +
			"browser app on another localhost port can call it. With no key, secret or URL\n" +
			"configured anywhere it starts the managed local LiveKit server and mints for it.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			creds, err := serverCredentials(project, serverURL, apiKey, apiSecret)
			if err != nil {
				return err
			}
			if creds.empty() {
				srv, err := startLocalServer(ctx, s)
				if err != nil {
					return err
				}
				defer srv.Stop()
				creds = credentials{url: srv.URL, key: srv.APIKey, secret: srv.APISecret}
			}
			if creds.key == "" || creds.secret == "" {
				return usageErrorf("serve needs both an API key and secret (--api-key/--api-secret or LIVEKIT_API_KEY/LIVEKIT_API_SECRET)")
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", addr, err)
			}
			log := slog.New(slog.NewTextHandler(s.err, nil))
			h := tokens.NewHandler(tokens.HandlerConfig{ServerURL: creds.url, APIKey: creds.key,
				APISecret: creds.secret, TTL: ttl, Grants: tokens.DefaultGrants(), Log: log})
			fmt.Fprintf(s.out, "token endpoint: http://%s  (server_url %s, key %s)\n", ln.Addr(), creds.url, creds.key)
			return serveUntilDone(ctx, ln, h)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&addr, "addr", "127.0.0.1:8080", "listen address")
	fl.StringVar(&serverURL, "server-url", "", "server_url to hand out (env LIVEKIT_URL)")
	fl.StringVar(&apiKey, "api-key", "", "API key (env LIVEKIT_API_KEY)")
	fl.StringVar(&apiSecret, "api-secret", "", "API secret (env LIVEKIT_API_SECRET; prefer the env var)")
	fl.StringVar(&project, "project", "", "use this project saved by the lk CLI")
	fl.DurationVar(&ttl, "ttl", time.Hour, "lifetime of minted tokens")
	return cmd
}

// serveUntilDone serves h on ln until ctx ends, then drains in-flight
// requests briefly.
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			return err
		}
		if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}

// credentials are a server URL and key pair.
type credentials struct{ url, key, secret string }

func (c credentials) empty() bool { return c.url == "" && c.key == "" && c.secret == "" }

// serverCredentials merges flags, an explicit lk project, env and the lk
// default project, the same order as the source flags.
func serverCredentials(project, url, key, secret string) (credentials, error) {
	f := sourceFlags{project: project}
	f.given("url", url)
	f.given("api-key", key)
	f.given("api-secret", secret)
	r, err := f.resolve()
	if err != nil {
		return credentials{}, err
	}
	return credentials{url: r.spec.ServerURL, key: r.spec.APIKey, secret: r.spec.APISecret}, nil
}
