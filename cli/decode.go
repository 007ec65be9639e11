package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/tokens"
)

// maxTokenInput bounds what decode reads from stdin; tokens.Decode has its
// own, smaller, limit and says so.
const maxTokenInput = 4 << 20

// decodeReport is `decode --json`: the token report plus, with a server
// URL, the server's clock and (with --ask-server) its own verdict.
type decodeReport struct {
	tokens.Report
	ServerClock   *clockReport   `json:"server_clock,omitempty"`
	ServerVerdict *verdictReport `json:"server_verdict,omitempty"`
}

// clockReport is the clock offset measured against the server.
type clockReport struct {
	URL string `json:"url"`
	// OffsetSeconds is server time minus local time: negative when this
	// clock is ahead.
	OffsetSeconds      float64 `json:"offset_seconds"`
	UncertaintySeconds float64 `json:"uncertainty_seconds"`
	Samples            int     `json:"samples"`
	// JudgedInServerTime is true when valid and the times above are in
	// the server's time.
	JudgedInServerTime bool   `json:"judged_in_server_time"`
	Note               string `json:"note,omitempty"`
	MintWarning        string `json:"mint_warning,omitempty"`
	Error              string `json:"error,omitempty"`
}

// verdictReport is the server's verdict beside lkdash's.
type verdictReport struct {
	tokens.ServerVerdict
	tokens.Agreement
}

// decodeFlags are decode's settings.
type decodeFlags struct {
	asJSON, askServer   bool
	apiKey, secret, url string
}

func newDecodeCmd(s *streams) *cobra.Command {
	var f decodeFlags
	cmd := &cobra.Command{
		Use:   "decode [TOKEN|-]",
		Short: "Decode a participant token and say whether a server would accept it",
		Long: "Decode prints a token's header, claims, grants, times and validity, and what it permits:\n" +
			"in the room (join, publish and which sources, subscribe, data, own metadata, hidden,\n" +
			"recorder, agent) and on each server API method, with the grant the method needs as\n" +
			"livekit-server v1.13.5 checks it.\n" +
			"With --secret (or LIVEKIT_API_SECRET) the signature is verified too; so is it when an\n" +
			"lk CLI project holds the token's key (its iss) or the --url server.\n" +
			"With --url (or LIVEKIT_URL) the token is judged in the server's time, read from its\n" +
			"Date header; --ask-server also asks the server itself (GET /rtc/validate).\n" +
			"Exit status 1 means the token is malformed or would be refused (with --ask-server, also when the server refuses it).",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDecode(cmd.Context(), s, f, args)
		},
	}
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print one JSON object (also for a malformed token)")
	cmd.Flags().StringVar(&f.secret, "secret", "", "API secret to verify the signature (env LIVEKIT_API_SECRET)")
	cmd.Flags().StringVar(&f.apiKey, "api-key", "", "API key the server holds (env LIVEKIT_API_KEY)")
	cmd.Flags().StringVar(&f.url, "url", "", "LiveKit server whose clock judges the token (env LIVEKIT_URL)")
	cmd.Flags().BoolVar(&f.askServer, "ask-server", false, "also ask the server for its verdict (needs --url or LIVEKIT_URL)")
	return cmd
}

func runDecode(ctx context.Context, s *streams, f decodeFlags, args []string) error {
	raw, err := tokenArg(s, args)
	if err != nil {
		return err
	}
	serverURL := orEnv(f.url, "LIVEKIT_URL")
	if f.askServer && serverURL == "" {
		return usageErrorf("--ask-server needs the server: pass --url or set LIVEKIT_URL")
	}
	t, err := tokens.Decode(raw)
	if err != nil {
		if f.asJSON {
			// Scripts always get one JSON object.
			if werr := writeJSON(s.out, decodeReport{Report: tokens.MalformedReport(err)}); werr != nil {
				return werr
			}
			return errSilentFailure
		}
		return err
	}
	keys := source.SignerKeys{Explicit: tokens.CheckConfig{APIKey: orEnv(f.apiKey, "LIVEKIT_API_KEY"), APISecret: orEnv(f.secret, "LIVEKIT_API_SECRET")}}
	if cfg := savedLKConfig(); cfg != nil {
		keys.Saved = cfg.savedKeys()
	}
	cfg, _ := keys.For(t, serverURL)

	now := s.now()
	out := decodeReport{}
	if serverURL != "" {
		clock, err := tokens.ClockProbe{Now: s.now}.Measure(ctx, serverURL)
		out.ServerClock = newClockReport(clock, err, serverURL)
		if err == nil {
			now = clock.ServerNow(s.now())
		}
	}
	out.Report = tokens.NewReport(t, now, cfg)
	if f.askServer {
		if out.ServerVerdict, err = askServer(ctx, serverURL, t, now, cfg); err != nil {
			return err
		}
	}
	if f.asJSON {
		err = writeJSON(s.out, out)
	} else {
		err = printDecode(s.out, t, out, now)
	}
	if err != nil {
		return err
	}
	// A refusal by the server itself is the last word on "would be
	// refused", whatever lkdash's own verdict.
	if !out.Valid || (out.ServerVerdict != nil && !out.ServerVerdict.Accepted) {
		return errSilentFailure
	}
	return nil
}

func newClockReport(c tokens.ClockOffset, err error, serverURL string) *clockReport {
	if err != nil {
		u := serverURL
		if base, uerr := tokens.ServerHTTPURL(serverURL); uerr == nil {
			u = base.String()
		}
		return &clockReport{URL: u, Error: textsafe.Line(err.Error(), 300)}
	}
	return &clockReport{
		URL: c.URL, OffsetSeconds: c.Offset.Round(time.Millisecond).Seconds(),
		UncertaintySeconds: c.Uncertainty().Round(time.Millisecond).Seconds(),
		Samples:            c.Samples, JudgedInServerTime: true,
		Note: c.Describe(), MintWarning: c.MintWarning(),
	}
}

// printDecode is the human decode: the server's clock and verdict first,
// then the token.
func printDecode(w io.Writer, t *tokens.Token, r decodeReport, now time.Time) error {
	if c := r.ServerClock; c != nil {
		switch {
		case c.Error != "":
			fmt.Fprintf(w, "Server clock  unknown (%s); judged in this machine's time\n", c.Error)
		default:
			note := c.Note
			if note == "" {
				note = "in step with this clock"
			}
			fmt.Fprintf(w, "Server clock  %s (±%.1fs, %d samples of %s); judged in the server's time\n",
				note, c.UncertaintySeconds, c.Samples, textsafe.Line(c.URL, lineWidth))
			if c.MintWarning != "" {
				fmt.Fprintf(w, "              %s\n", c.MintWarning)
			}
		}
	}
	printVerdict(w, r.ServerVerdict, r.Signature)
	if r.ServerClock != nil || r.ServerVerdict != nil {
		fmt.Fprintln(w)
	}
	return printToken(w, t, r.Report, now)
}

// printVerdict is the server's verdict beside lkdash's, when it was asked;
// sig is lkdash's own finding on the signature.
func printVerdict(w io.Writer, v *verdictReport, sig tokens.Signature) {
	if v == nil {
		return
	}
	fmt.Fprintf(w, "Server says   %s (HTTP %d: %s)\n", map[bool]string{true: "accepted", false: "refused"}[v.Accepted], v.Status, v.Reason)
	switch {
	case v.Agree && v.Accepted && sig == tokens.SignatureUnverified:
		fmt.Fprintf(w, "              agrees with lkdash, and vouches for the signature lkdash had no secret to check\n")
	case v.Agree:
		fmt.Fprintf(w, "              agrees with lkdash\n")
	case v.Explained:
		fmt.Fprintf(w, "              differs from lkdash: %s\n", v.Note)
	default:
		fmt.Fprintf(w, "!!! %s\n", v.Note)
	}
}

// askServer is --ask-server: the verdict of the server at serverURL on t,
// set beside lkdash's as judged at now with cfg.
func askServer(ctx context.Context, serverURL string, t *tokens.Token, now time.Time, cfg tokens.CheckConfig) (*verdictReport, error) {
	v, err := tokens.AskServer(ctx, nil, serverURL, t.Raw)
	if err != nil {
		return nil, err
	}
	return &verdictReport{ServerVerdict: v, Agreement: tokens.Compare(t.Check(now, cfg), v)}, nil
}

// savedLKConfig is the lk CLI config, nil when there is none or it is
// unreadable (decode then just has no saved keys).
func savedLKConfig() *lkConfig {
	path, err := lkConfigPath()
	if err != nil {
		return nil
	}
	cfg, err := loadLKConfig(path)
	if err != nil {
		return nil
	}
	return cfg
}

// tokenArg reads the token from the argument, or from stdin for "-" or when
// stdin is piped.
func tokenArg(s *streams, args []string) (string, error) {
	if len(args) == 1 && args[0] != "-" {
		return args[0], nil
	}
	if len(args) == 0 {
		if f, ok := s.in.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
			return "", usageErrorf("give a token as the argument, or pipe one on stdin")
		}
	}
	data, err := io.ReadAll(io.LimitReader(s.in, maxTokenInput+1))
	if err != nil {
		return "", fmt.Errorf("reading token from stdin: %w", err)
	}
	if len(data) > maxTokenInput {
		return "", fmt.Errorf("input is larger than %d MiB; that is not a token", maxTokenInput>>20)
	}
	raw := strings.TrimSpace(string(data))
	if raw == "" {
		return "", usageErrorf("no token on stdin")
	}
	return raw, nil
}

func orEnv(v, name string) string {
	if v != "" {
		return v
	}
	return strings.TrimSpace(env(name))
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
