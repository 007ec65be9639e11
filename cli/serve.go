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
	"github.com/spf13/pflag"

	"github.com/lkdash/lkdash/internal/netguard"
	"github.com/lkdash/lkdash/tokens"
)

func newServeCmd(s *streams) *cobra.Command {
	var serverURL, apiKey, apiSecret, project string
	var g serveGuard
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run a standard token endpoint that mints tokens with your key and secret",
		Long: "Serve answers POST requests in the token-source wire format (the body the SDKs'\n" +
			"endpoint sources send) with 201 {server_url, participant_token}. It listens on\n" +
			"loopback and lets browser apps on any localhost port call it (CORS); other origins,\n" +
			"non-loopback Host headers and remote binds are refused unless allowed by flags.\n" +
			"With no key, secret or URL configured anywhere it starts the managed local\n" +
			"LiveKit server and mints for it.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if err := g.check(); err != nil {
				return err
			}
			creds, srv, err := credentialsOrLocal(ctx, s, project, serverURL, apiKey, apiSecret)
			if err != nil {
				return err
			}
			if srv != nil {
				defer srv.Stop()
			}
			if creds.key == "" || creds.secret == "" {
				return usageErrorf("serve needs both an API key and secret (--api-key/--api-secret or LIVEKIT_API_KEY/LIVEKIT_API_SECRET)")
			}
			ln, err := listenChecked(g.addr, g.remote)
			if err != nil {
				return err
			}
			for _, w := range g.warnings(ln.Addr(), creds) {
				fmt.Fprintf(s.err, "lkdash: %s\n", w)
			}
			cfg := g.handlerConfig(creds)
			cfg.Log = slog.New(slog.NewTextHandler(s.err, nil))
			auth := ""
			if g.authToken != "" {
				auth = ", bearer auth token required"
			}
			fmt.Fprintf(s.out, "token endpoint: http://%s  (server_url %s, key %s%s)\n", ln.Addr(), creds.url, creds.key, auth)
			return serveUntilDone(ctx, ln, tokens.NewHandler(cfg))
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&serverURL, "server-url", "", "server_url to hand out (env LIVEKIT_URL)")
	fl.StringVar(&apiKey, "api-key", "", "API key (env LIVEKIT_API_KEY)")
	fl.StringVar(&apiSecret, "api-secret", "", "API secret (env LIVEKIT_API_SECRET; prefer the env var)")
	fl.StringVar(&project, "project", "", "use this project saved by the lk CLI")
	g.addFlags(fl)
	return cmd
}

// listenChecked listens on addr and, for an address meant to be loopback,
// checks that the socket really is (a "localhost" that /etc/hosts maps
// elsewhere is refused).
func listenChecked(addr string, remote bool) (net.Listener, error) {
	ln, err := netguard.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); !remote && (!ok || !tcp.IP.IsLoopback()) {
		ln.Close()
		return nil, usageErrorf("refusing to listen on %s: %s resolved to %s, which is not loopback", ln.Addr(), addr, ln.Addr())
	}
	return ln, nil
}

// Server timeouts: a client that trickles its headers (slowloris) or body,
// or idles on a kept-alive connection, is cut off instead of holding a
// connection open. A token request is a few hundred bytes.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 15 * time.Second
	idleTimeout       = 60 * time.Second
	maxHeaderBytes    = 64 << 10 // localhost cookies from every dev app pile up
)

// newHTTPServer is the http.Server every lkdash endpoint runs in.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
	}
}

// serveUntilDone serves h on ln until ctx ends, then drains in-flight
// requests briefly.
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := newHTTPServer(h)
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
	// The settings exist only once registered; without them no flag, env
	// variable or project would be read.
	f.register(pflag.NewFlagSet("", pflag.ContinueOnError))
	f.given("url", url)
	f.given("api-key", key)
	f.given("api-secret", secret)
	r, err := f.resolve()
	if err != nil {
		return credentials{}, err
	}
	return credentials{url: r.spec.ServerURL, key: r.spec.APIKey, secret: r.spec.APISecret}, nil
}

// credentialsOrLocal resolves the server credentials like serverCredentials;
// with none configured anywhere it starts the managed local server, its
// webhooks logged on stderr, and returns that server's credentials and the
// server for the caller to stop (nil when it started none).
func credentialsOrLocal(ctx context.Context, s *streams, project, url, key, secret string) (credentials, *localServer, error) {
	creds, err := serverCredentials(project, url, key, secret)
	if err != nil || !creds.empty() {
		return creds, nil, err
	}
	srv, err := startManaged(ctx, s, 1)
	if err != nil {
		return credentials{}, nil, err
	}
	go logDeliveries(s.err, srv.hooks.rcv)
	return credentials{url: srv.URL, key: srv.APIKey, secret: srv.APISecret}, srv, nil
}
