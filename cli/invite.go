package cli

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/invite"
)

// inviteReport is `invite --json`. The token and the link appear only with
// --show.
type inviteReport struct {
	ServerURL        string     `json:"server_url"`
	Room             string     `json:"room"`
	Identity         string     `json:"identity"`
	ExpiresAt        *time.Time `json:"expires_at"`
	LocalOnly        bool       `json:"local_only"`
	Warning          string     `json:"warning"`
	Shown            bool       `json:"shown"`
	ParticipantToken string     `json:"participant_token,omitempty"`
	MeetURL          string     `json:"meet_url,omitempty"`
}

// inviteFlags are invite's own flags.
type inviteFlags struct {
	show, asJSON bool
	qr           string
}

// qrStyles maps --qr to how the code is drawn; "auto" and "off" are
// decided in qrStyle.
var qrStyles = map[string]invite.Style{"color": invite.Colored, "dark": invite.ForDarkTerminal, "light": invite.ForLightTerminal}

func newInviteCmd(s *streams) *cobra.Command {
	var f sourceFlags
	var inv inviteFlags
	cmd := &cobra.Command{
		Use:   "invite",
		Short: "Get a token for a second participant in the room, with a LiveKit Meet link and its QR code",
		Long: "Invite gets a token for a new identity (--identity, or guest-…) in the room (--room) from the\n" +
			"token source, or mints one with the key pair (lifetime --ttl, 1h by default), so that someone\n" +
			"else — a phone, a colleague — can join with a real client and tell whether they see you.\n\n" +
			"The token and the LiveKit Meet link (" + invite.MeetCustomURL + "?liveKitUrl=…&token=…)\n" +
			"are a credential: whoever has them can join the room as that identity until the token\n" +
			"expires. So invite prints them only with --show; the QR code of the link is drawn only on a\n" +
			"terminal (--qr color, dark or light picks the drawing; NO_COLOR draws for a dark terminal).\n\n" +
			sourceHelp(),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, ok := qrStyles[inv.qr]; !ok && inv.qr != "auto" && inv.qr != "off" {
				return usageErrorf("--qr: want auto, color, dark, light or off, not %q", inv.qr)
			}
			r, err := f.resolve()
			if err != nil {
				return err
			}
			if !r.configured {
				return usageErrorf("invite needs the server the room is on: a token source, or --url with the key pair " +
					"(LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET)")
			}
			if r.spec.Mints() && r.opts.RoomName == "" {
				return usageErrorf("invite: which room? pass --room")
			}
			src, err := buildSource(r.spec)
			if err != nil {
				return err
			}
			got, err := invite.New(cmd.Context(), src, r.opts)
			if err != nil {
				return err
			}
			return printInvite(s, got, inv)
		},
	}
	f.register(cmd.Flags())
	fl := cmd.Flags()
	fl.BoolVar(&inv.show, "show", false, "print the token, the LiveKit Meet link and its QR code (they are a credential)")
	fl.StringVar(&inv.qr, "qr", "auto", "draw the link's QR code: auto (on a terminal), color, dark (for light text on dark), light, off")
	fl.BoolVar(&inv.asJSON, "json", false, "print one JSON object (the token and link only with --show)")
	inGroup(fl, groupOutput, "show", "qr", "json")
	return cmd
}

// printInvite says who is invited where and until when, warns that the
// link is a credential, and prints the secrets only when asked.
func printInvite(s *streams, got invite.Invite, inv inviteFlags) error {
	rep := inviteReport{ServerURL: got.ServerURL, Room: got.Room, Identity: got.Identity,
		LocalOnly: got.LocalOnly(), Warning: got.Warning(s.now()), Shown: inv.show}
	if !got.ExpiresAt.IsZero() {
		exp := got.ExpiresAt.UTC()
		rep.ExpiresAt = &exp
	}
	if inv.show {
		rep.ParticipantToken, rep.MeetURL = got.Token, got.MeetURL()
	}
	if inv.asJSON {
		return writeJSON(s.out, rep)
	}
	w := s.out
	fmt.Fprintf(w, "Invite  %s in room %s\nServer  %s\n", textsafe.Line(got.Identity, lineWidth),
		textsafe.Line(got.Room, lineWidth), textsafe.Line(got.ServerURL, lineWidth))
	if rep.LocalOnly {
		fmt.Fprintln(w, "        on this machine: only a client on this machine can reach it")
	}
	fmt.Fprintf(w, "\n%s\n", rep.Warning)
	if !inv.show {
		_, err := fmt.Fprintln(w, "Run again with --show to print the token, the LiveKit Meet link and its QR code.")
		return err
	}
	fmt.Fprintf(w, "\nToken   %s\nMeet    %s\n", got.Token, got.MeetURL())
	style, draw := qrStyle(w, inv.qr)
	if !draw {
		return nil
	}
	code, err := invite.NewQR(got.MeetURL())
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "\n%s", code.Render(style))
	return err
}

// qrStyle decides whether and how to draw the QR code: "auto" draws only
// on a terminal, in colour unless NO_COLOR asks for none.
func qrStyle(w io.Writer, flag string) (invite.Style, bool) {
	if st, ok := qrStyles[flag]; ok {
		return st, true
	}
	if flag == "off" {
		return 0, false
	}
	f, ok := w.(*os.File)
	if !ok || !isatty.IsTerminal(f.Fd()) {
		return 0, false
	}
	if env("NO_COLOR") != "" {
		return invite.ForDarkTerminal, true
	}
	return invite.Colored, true
}
