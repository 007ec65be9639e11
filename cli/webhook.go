package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/hooks"
	"github.com/lkdash/lkdash/internal/netguard"
	"github.com/lkdash/lkdash/internal/textsafe"
)

func newWebhookCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webhook",
		Short: "Receive and verify LiveKit webhooks, or test your webhook handler",
		Long: "Webhook listen receives the deliveries a LiveKit server sends, verifies each one and\n" +
			"prints it as a JSON line; webhook check sends your handler a genuine delivery and\n" +
			"forgeries, and tells you which it accepted.\n\n" +
			"Both sign or verify with the API key and secret from --api-key/--api-secret,\n" +
			"LIVEKIT_API_KEY/LIVEKIT_API_SECRET or an lk project; with none, the dev pair\n" +
			"(" + devserver.DevKey + ") of livekit-server --dev and lkdash's managed server.",
		Args: noArgs,
	}
	cmd.AddCommand(newWebhookListenCmd(s), newWebhookCheckCmd(s))
	return cmd
}

// hookKeys are the credential flags of the webhook commands.
type hookKeys struct{ project, key, secret string }

func (k *hookKeys) register(fl *pflag.FlagSet) {
	fl.StringVar(&k.key, "api-key", "", "API key the server signs with (env LIVEKIT_API_KEY)")
	fl.StringVar(&k.secret, "api-secret", "", "its secret (env LIVEKIT_API_SECRET; prefer the env var: flags show in ps)")
	fl.StringVar(&k.project, "project", "", "use this project saved by the lk CLI")
}

// resolve finds the key pair like every other command; with none it falls
// back to the public dev pair and says so on stderr.
func (k *hookKeys) resolve(s *streams) (credentials, error) {
	c, err := serverCredentials(k.project, "", k.key, k.secret)
	if err != nil {
		return c, err
	}
	switch {
	case c.key == "" && c.secret == "":
		fmt.Fprintf(s.err, "lkdash: no API key configured: using the dev pair %s (livekit-server --dev, lkdash's managed server)\n", devserver.DevKey)
		return credentials{key: devserver.DevKey, secret: devserver.DevSecret}, nil
	case c.key == "" || c.secret == "":
		return c, usageErrorf("both the API key and its secret are needed (--api-key/--api-secret or LIVEKIT_API_KEY/LIVEKIT_API_SECRET)")
	}
	return c, nil
}

// hookListen is listen's listener guard: loopback unless --allow-remote
// with an auth token, which becomes the URL's first path segment because
// livekit-server can send no other credential.
type hookListen struct {
	addr, forwardTo, authToken string
	allowRemote, remote        bool
	forDur                     time.Duration
}

func (g *hookListen) check() error {
	if g.authToken == "" {
		g.authToken = strings.TrimSpace(env(authTokenEnv))
	}
	remote, err := netguard.RemoteAddr(g.addr)
	if err != nil {
		return usageErrorf("--addr %q: %v", g.addr, err)
	}
	g.remote = remote
	switch {
	case remote && !g.allowRemote:
		return usageErrorf("refusing to listen on %s: it is not a loopback address, so anyone who can reach it could post deliveries (and, with --forward-to, reach your handler through lkdash); bind 127.0.0.1, or add --allow-remote and an auth token (%s or --auth-token)", g.addr, authTokenEnv)
	case g.allowRemote && g.authToken == "":
		return usageErrorf("--allow-remote needs an auth token: set %s (or --auth-token); the webhook URL then starts with it, /<token>/", authTokenEnv)
	case g.authToken != "" && len(g.authToken) < minAuthToken:
		return usageErrorf("the auth token is %d characters long; use at least %d random ones (e.g. openssl rand -hex 16)", len(g.authToken), minAuthToken)
	case g.authToken != "" && strings.ContainsAny(g.authToken, "/?#% "):
		return usageErrorf("the auth token becomes a URL path segment: use letters, digits, - and _ only")
	}
	if g.forwardTo != "" {
		if _, err := hooks.NewReceiver(hooks.ReceiverConfig{APIKey: "k", APISecret: "s", ForwardTo: g.forwardTo}); err != nil {
			return usageErrorf("--forward-to: %v", err)
		}
	}
	return nil
}

func newWebhookListenCmd(s *streams) *cobra.Command {
	var g hookListen
	var keys hookKeys
	cmd := &cobra.Command{
		Use:   "listen",
		Short: "Receive webhooks, verify each and print it as a JSON line",
		Long: "Listen receives webhook deliveries, verifies each one with the protocol library (the\n" +
			"Authorization token's signature and expiry, and its sha256 claim against the exact\n" +
			"body bytes) and prints one JSON line per delivery: the event, its id, room,\n" +
			"participant and track, when the server created it and when it arrived, and verified\n" +
			"or the reason it is not (\"body changed after signing (hash mismatch)\", \"signed with\n" +
			"key X, not Y\", \"expired\", …). Point livekit-server at it with\n" +
			"  webhook: {api_key: KEY, urls: [\"http://127.0.0.1:8090/\"]}\n\n" +
			"--forward-to passes every delivery on to your handler byte for byte, headers\n" +
			"included, and adds its status and latency to the line; the server then gets your\n" +
			"handler's answer. Like serve, it listens on loopback and refuses browser requests\n" +
			"and other Host names; --allow-remote needs an auth token, which the URL must start with.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := g.check(); err != nil {
				return err
			}
			creds, err := keys.resolve(s)
			if err != nil {
				return err
			}
			return listenWebhooks(cmd.Context(), s, g, creds)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&g.addr, "addr", "127.0.0.1:8090", "listen address (loopback unless --allow-remote)")
	fl.StringVar(&g.forwardTo, "forward-to", "", "also pass every delivery on to this URL (your handler) and report its status and latency")
	fl.BoolVar(&g.allowRemote, "allow-remote", false, "allow a non-loopback --addr (needs an auth token)")
	fl.StringVar(&g.authToken, "auth-token", "", "with --allow-remote: the URL path must start with /<token>/ (env "+authTokenEnv+"; prefer the env var)")
	fl.DurationVar(&g.forDur, "for", 0, "stop after this long (default: until Ctrl-C)")
	keys.register(fl)
	return cmd
}

// listenWebhooks serves the receiver until ctx ends or --for elapses and
// prints each delivery.
func listenWebhooks(ctx context.Context, s *streams, g hookListen, creds credentials) error {
	cfg := hooks.ReceiverConfig{APIKey: creds.key, APISecret: creds.secret, ForwardTo: g.forwardTo, AnyHost: g.remote, Now: s.now}
	shown := ""
	if g.authToken != "" {
		cfg.PathPrefix, shown = "/"+g.authToken, "/‹auth token›"
	}
	rcv, err := hooks.NewReceiver(cfg)
	if err != nil {
		return err
	}
	ln, err := listenChecked(g.addr, g.remote)
	if err != nil {
		return err
	}
	url := fmt.Sprintf("http://%s%s/", ln.Addr(), shown)
	fmt.Fprintf(s.err, "lkdash: receiving webhooks signed with key %s at %s\n", creds.key, url)
	fmt.Fprintf(s.err, "lkdash: livekit-server config: webhook: {api_key: %s, urls: [%q]}\n", creds.key, url)
	if g.forwardTo != "" {
		fmt.Fprintf(s.err, "lkdash: forwarding each delivery to %s\n", g.forwardTo)
	}
	if g.remote {
		fmt.Fprintf(s.err, "lkdash: warning: listening on %s, beyond this machine: whoever reaches it with the auth token can post deliveries%s; requests travel as plain HTTP\n",
			ln.Addr(), map[bool]string{true: " that lkdash forwards to " + g.forwardTo}[g.forwardTo != ""])
	}
	if g.forDur > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, g.forDur)
		defer cancel()
	}
	served := make(chan error, 1)
	go func() {
		served <- serveUntilDone(ctx, ln, rcv)
		rcv.Close()
	}()
	for d := range rcv.Deliveries() {
		if err := printEvent(s, d); err != nil {
			return err
		}
	}
	return <-served
}

func newWebhookCheckCmd(s *streams) *cobra.Command {
	var target string
	var keys hookKeys
	cmd := &cobra.Command{
		Use:   "check --url URL",
		Short: "Send your webhook handler genuine and forged deliveries and report what it accepted",
		Long: "Check posts six deliveries to your handler, one at a time, signed as livekit-server\n" +
			"signs them: a genuine one (it must answer 2xx), one signed with the wrong secret, one\n" +
			"whose body was altered after signing, one whose token expired, one without an\n" +
			"Authorization header (it must refuse these four), and the genuine one again (either\n" +
			"answer; lkdash says what it means). A handler that accepts a forged delivery is a\n" +
			"security hole: check says so and exits 1, as it does when the genuine delivery is\n" +
			"refused or the handler cannot be reached.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if target == "" {
				return usageErrorf("--url is required: the URL of your webhook handler")
			}
			creds, err := keys.resolve(s)
			if err != nil {
				return err
			}
			rep, err := hooks.Check(cmd.Context(), hooks.CheckConfig{URL: target, APIKey: creds.key, APISecret: creds.secret})
			if err != nil {
				return usageErrorf("%v", err)
			}
			printCheck(s, rep)
			if rep.Failed() {
				return errSilentFailure
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&target, "url", "", "your webhook handler's URL")
	keys.register(cmd.Flags())
	return cmd
}

// printCheck writes the report for people: one line per delivery, then
// the verdict, the security hole first.
func printCheck(s *streams, rep hooks.CheckReport) {
	fmt.Fprintf(s.out, "webhook check %s (deliveries signed with key %s)\n", textsafe.Line(rep.URL, 200), rep.Key)
	for _, r := range rep.Results {
		mark := "ok  "
		switch {
		case r.Hole:
			mark = "HOLE"
		case !r.OK:
			mark = "FAIL"
		}
		status := "---"
		if r.Status != 0 {
			status = fmt.Sprint(r.Status)
		}
		fmt.Fprintf(s.out, "  %s  %-30s %s %6.1fms  %s\n", mark, r.Title, status, float64(r.Latency.Microseconds())/1000, textsafe.Line(r.Note, 300))
	}
	if holes := rep.Holes(); len(holes) > 0 {
		var titles []string
		for _, h := range holes {
			titles = append(titles, h.Title)
		}
		fmt.Fprintf(s.out, "SECURITY HOLE: the handler accepted %d forged deliveries (%s). Anyone who can reach it can make it act as if LiveKit had sent them. Verify every delivery with the server's API secret over the raw body bytes (Go: webhook.ReceiveWebhookEvent; Node: WebhookReceiver.receive) and refuse what fails.\n",
			len(holes), strings.Join(titles, "; "))
	}
	switch {
	case rep.Failed() && len(rep.Holes()) == 0:
		fmt.Fprintln(s.out, "FAILED: see the lines marked FAIL.")
	case !rep.Failed():
		fmt.Fprintln(s.out, "passed: the genuine delivery was accepted and every forgery refused.")
	}
}
