package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/tokens"
)

// fetchReport is `fetch --json`: the decode object plus the response.
type fetchReport struct {
	tokens.Report
	ServerURL        string `json:"server_url"`
	ParticipantToken string `json:"participant_token"`
	RoomName         string `json:"room_name,omitempty"`
	ParticipantName  string `json:"participant_name,omitempty"`
	// ServerVerdict is --ask-server's answer, as decode gives it.
	ServerVerdict *verdictReport `json:"server_verdict,omitempty"`
}

func newFetchCmd(s *streams) *cobra.Command {
	var f sourceFlags
	var asJSON, ask bool
	cmd := &cobra.Command{
		Use:   "fetch",
		Short: "Fetch a token once through any token source and decode it",
		Long: "Fetch asks one token source for a token and prints the response and the decoded token.\n" +
			"Exit status 1 means the fetch failed or the token would be refused (with --ask-server, also when\n" +
			"the server the source named refuses it).\n\n" + sourceHelp(),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := f.resolve()
			if err != nil {
				return err
			}
			if !r.configured {
				return usageErrorf("no token source configured: pass --source with its settings, " +
					"set LIVEKIT_API_KEY/LIVEKIT_API_SECRET, or save an lk project")
			}
			src, err := buildSource(r.spec)
			if err != nil {
				return err
			}
			resp, err := src.Fetch(cmd.Context(), r.opts)
			if err != nil {
				return fmt.Errorf("fetch via %s source: %w", r.spec.Kind, err)
			}
			t, err := tokens.Decode(resp.ParticipantToken)
			if err != nil {
				return fmt.Errorf("the %s source returned a token that does not decode: %w", r.spec.Kind, err)
			}
			cfg, _ := r.keys.For(t, resp.ServerURL)
			now := s.now()
			out := fetchReport{Report: tokens.NewReport(t, now, cfg), ServerURL: resp.ServerURL,
				ParticipantToken: resp.ParticipantToken, RoomName: resp.RoomName, ParticipantName: resp.ParticipantName}
			if ask {
				if out.ServerVerdict, err = askServer(cmd.Context(), resp.ServerURL, t, now, cfg); err != nil {
					return err
				}
			}
			if asJSON {
				err = writeJSON(s.out, out)
			} else {
				err = printFetch(s.out, out, t, s)
			}
			if err != nil {
				return err
			}
			if !out.Valid || (out.ServerVerdict != nil && !out.ServerVerdict.Accepted) {
				return errSilentFailure
			}
			return nil
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: the decode object plus server_url and participant_token")
	cmd.Flags().BoolVar(&ask, "ask-server", false, "also ask the server the source named for its verdict (GET /rtc/validate)")
	inGroup(cmd.Flags(), groupOutput, "json", "ask-server")
	return cmd
}

// buildSource validates a spec (a usage error: the flags are wrong) and
// builds its source.
func buildSource(spec source.Spec) (tokens.ConfigurableSource, error) {
	if err := validSource(spec.Kind); err != nil {
		return nil, err
	}
	if err := spec.Validate(); err != nil {
		// One line: the problems, then where to fix them.
		hint := ""
		if spec.Kind == source.KindLiteral && strings.TrimSpace(spec.Token) != "" && strings.TrimSpace(spec.ServerURL) == "" {
			hint = "; to read the token alone: lkdash decode"
		}
		return nil, usageErrorf("%s source: %s (flags: %s)%s", spec.Kind, strings.ReplaceAll(err.Error(), "\n", "; "), kindFlags(spec.Kind), hint)
	}
	return spec.Build()
}

func printFetch(w io.Writer, r fetchReport, t *tokens.Token, s *streams) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Server URL\t%s\n", textsafe.Line(r.ServerURL, lineWidth))
	if r.RoomName != "" {
		fmt.Fprintf(tw, "Room (response)\t%s\n", textsafe.Line(r.RoomName, lineWidth))
	}
	if r.ParticipantName != "" {
		fmt.Fprintf(tw, "Name (response)\t%s\n", textsafe.Line(r.ParticipantName, lineWidth))
	}
	// The token is a credential the user asked for; print it whole so it can
	// be copied, but inert.
	fmt.Fprintf(tw, "Token\t%s\n", textsafe.Clean(r.ParticipantToken))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if r.ServerVerdict != nil {
		printVerdict(w, r.ServerVerdict, r.Signature)
		fmt.Fprintln(w)
	}
	return printToken(w, t, r.Report, s.now())
}
