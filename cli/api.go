package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/lkdash/lkdash/apicheck"
	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/internal/textsafe"
)

func newAPICmd(s *streams) *cobra.Command {
	api := &cobra.Command{
		Use:   "api",
		Short: "Check what a token may do with the server's APIs",
		Args:  noArgs,
	}
	api.AddCommand(newAPICheckCmd(s))
	return api
}

func newAPICheckCmd(s *streams) *cobra.Command {
	var f sourceFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Call the server's read-only APIs with a token and say which are allowed",
		Long: "Check lists rooms, participants, egress, ingress, SIP trunks and dispatch rules, and agent\n" +
			"dispatches with a token, and marks each call allowed, denied (naming the grant the token\n" +
			"lacks) or not available on this server (with the server's reason, e.g. egress without\n" +
			"Redis). It only lists: nothing on the server changes.\n\n" +
			"With an API key and secret and no grant flags, the token carries every API grant (what the\n" +
			"key may do); with grant flags (--room-list, --room-admin --room NAME, …) exactly those. A\n" +
			"token (--token with --url) or any other source is used as it is. The room-scoped calls ask\n" +
			"about --room, else the token's room (not one a mint made up), else the first room listed.\n" +
			"--room-admin needs --room: the grant is for one room. With nothing configured\n" +
			"it checks the managed local server.\n\n" + sourceHelp(),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := f.resolve()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if !r.configured {
				srv, err := startLocalServer(ctx, s, "")
				if err != nil {
					return err
				}
				defer srv.Stop()
				r.spec = localSpec(r.spec, srv)
			}
			serverURL, token, err := apiToken(ctx, cmd, r)
			if err != nil {
				return err
			}
			// A mint asked for no room makes one up: not a room to ask about.
			invented := r.spec.Mints() && r.opts.RoomName == ""
			rep, err := apicheck.Run(ctx, serverURL, token, apicheck.Options{Room: r.opts.RoomName, SkipTokenRoom: invented})
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(s.out, rep)
			}
			return printAPICheck(s.out, rep)
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	inGroup(cmd.Flags(), groupOutput, "json")
	return cmd
}

// apiToken is the token api check uses: with a key pair and no grant flag,
// one with every API grant; otherwise what the source returns.
func apiToken(ctx context.Context, cmd *cobra.Command, r resolved) (serverURL, token string, err error) {
	grantsGiven := false
	for _, g := range source.GrantFields() {
		grantsGiven = grantsGiven || cmd.Flags().Changed(g.Flag)
	}
	if r.spec.Mints() && cmd.Flags().Changed("room-admin") && r.opts.RoomName == "" {
		return "", "", usageErrorf("--room-admin grants the admin of one room: name it with --room")
	}
	if r.spec.Mints() && !grantsGiven {
		if r.spec.ServerURL == "" {
			return "", "", usageErrorf("api check needs the server: pass --url or set LIVEKIT_URL")
		}
		token, err = apicheck.FullToken(r.spec.APIKey, r.spec.APISecret, r.opts.RoomName)
		return r.spec.ServerURL, token, err
	}
	src, err := buildSource(r.spec)
	if err != nil {
		return "", "", err
	}
	resp, err := src.Fetch(ctx, r.opts)
	if err != nil {
		return "", "", fmt.Errorf("fetch via %s source: %w", r.spec.Kind, err)
	}
	return resp.ServerURL, resp.ParticipantToken, nil
}

// printAPICheck writes the check as a table, one call per row.
func printAPICheck(w io.Writer, rep apicheck.Report) error {
	grants := "none"
	if len(rep.Grants) > 0 {
		grants = strings.Join(rep.Grants, ", ")
	}
	fmt.Fprintf(w, "Server  %s\nGrants  %s\n", textsafe.Line(rep.Server, lineWidth), textsafe.Line(grants, lineWidth))
	room := "none named (--room names one)"
	if rep.Room != "" {
		room = textsafe.Line(rep.Room, lineWidth)
	}
	fmt.Fprintf(w, "Room    %s, for ListParticipants and ListDispatch\n", room)
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tCALL\tNEEDS\tRESULT")
	for _, res := range rep.Results {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", res.Service, res.Method, strings.Join(res.Needs, " + "), resultWords(res))
	}
	return tw.Flush()
}

// resultWords is one row's verdict: the answer, and why.
func resultWords(res apicheck.Result) string {
	var s string
	switch res.Status {
	case apicheck.Allowed:
		s = "allowed: " + res.Detail
	case apicheck.Denied:
		s = "denied: the token lacks " + strings.Join(res.Missing, " and ")
	case apicheck.Unavailable:
		s = "not available on this server: " + res.Detail
	default:
		s = "error: " + res.Detail
	}
	if !res.Agrees {
		s += fmt.Sprintf(" (!! lkdash expected %s from the token's grants: please report)", map[bool]string{true: "allowed", false: "denied"}[res.Expected])
	}
	return textsafe.Line(s, 300)
}
