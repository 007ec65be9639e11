package ui

import (
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/internal/format"
	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/invite"
	"github.com/lkdash/lkdash/styles"
)

// inviteView is an invite in the Room panel, from asking for it to
// showing it. Nothing secret (server URL, token, link, QR code) is drawn
// until the user reveals it with a second key.
type inviteView struct {
	seq      int
	busy     bool
	inv      invite.Invite
	err      string
	revealed bool
	qr       []string // the link's QR code, a line per two rows of modules; drawn on reveal
	qrW      int      // its width in cells
	qrErr    string
}

// ready reports whether there is an invite to reveal.
func (v *inviteView) ready() bool { return !v.busy && v.err == "" }

func (v *inviteView) done(msg inviteDoneMsg) {
	v.busy = false
	if msg.err != nil {
		v.err = msg.err.Error()
		return
	}
	v.inv = msg.inv
}

// reveal shows the invite and draws its link's QR code.
func (v *inviteView) reveal(st *styles.Styles) {
	v.revealed = true
	code, err := invite.NewQR(v.inv.MeetURL())
	if err != nil {
		v.qrErr = err.Error()
		return
	}
	drawing, ink := qrDrawing(st)
	for _, l := range strings.Split(strings.TrimSuffix(code.Render(drawing), "\n"), "\n") {
		v.qr = append(v.qr, ink.Render(l))
	}
	v.qrW = len(code.Modules)
}

// qrDrawing is how the dashboard draws a QR code: dark modules on a
// bright white ground when there are colours (whatever the terminal's
// own); without them, in the terminal's own colours, the light modules
// inked unless the terminal says its background is light (COLORFGBG), as
// `lkdash invite` does under NO_COLOR.
func qrDrawing(st *styles.Styles) (invite.Style, lipgloss.Style) {
	if !st.NoColor {
		return invite.ForLightTerminal, st.QR
	}
	if dark, ok := styles.BackgroundFromEnv(); ok && !dark {
		return invite.ForLightTerminal, st.QR
	}
	return invite.ForDarkTerminal, st.QR
}

// lines draws the invite in w cells; qrShown leaves out where the QR code
// is, when it is beside them.
func (v *inviteView) lines(st *styles.Styles, now time.Time, w int, qrShown bool) []string {
	wrap := func(style lipgloss.Style, text string) []string {
		return styleAll(style, strings.Split(ansi.Wrap(textsafe.Clean(text), max(w, 1), " "), "\n"))
	}
	switch {
	case v.busy:
		return wrap(st.Muted, "Getting a token for a new participant in this room…")
	case v.err != "":
		return append([]string{st.BadgeBad.Render("INVITE FAILED")}, append(wrap(st.Error, v.err), wrap(st.Faint, "esc closes")...)...)
	}
	inv := v.inv
	head := st.BadgeInfo.Render("INVITE") + " " + textsafe.Line(inv.Identity, w/2) + st.Muted.Render(" in room ") + textsafe.Line(inv.Room, w/2)
	out := []string{head}
	expiry := "no expiry: the token has no exp"
	if !inv.ExpiresAt.IsZero() {
		expiry = "expires " + inv.ExpiresAt.In(now.Location()).Format("15:04:05") + " (in " + format.Duration(inv.ExpiresAt.Sub(now)) + ")"
	}
	out = append(out, st.Muted.Render(expiry))
	out = append(out, wrap(st.Level[styles.LevelWarn], inv.Warning(now))...)
	if inv.LocalOnly() {
		out = append(out, wrap(st.Muted, "Its server is on this machine: only a client on this machine can reach it.")...)
	}
	if !v.revealed {
		return append(out, wrap(st.Faint, "enter shows the server URL, the token, the LiveKit Meet link and its QR code · esc closes")...)
	}
	switch {
	case v.qrErr != "":
		out = append(out, wrap(st.Error, "QR code: "+v.qrErr)...)
	case !qrShown:
		out = append(out, wrap(st.Faint, "QR code: shown full-screen while this panel has the focus, in a terminal of at least "+
			itoa(v.qrW)+"×"+itoa(len(v.qr))+" (this one is too small, or another panel has the focus)")...)
	}
	out = append(out, wrap(st.Faint, "y copies the link · esc closes")...)
	vw := max(w-labelWidth-1, 8)
	row := func(label, value string) {
		for i, part := range strings.Split(ansi.Hardwrap(textsafe.Clean(value), vw, false), "\n") {
			l := strings.Repeat(" ", labelWidth+1)
			if i == 0 {
				l = st.Label.Render(pad(label, labelWidth)) + " "
			}
			out = append(out, l+part)
		}
	}
	row("server", inv.ServerURL)
	row("link", inv.MeetURL())
	row("token", inv.Token)
	return out
}

// qrGap is the space between the QR code and the text beside it; qrSideMin
// is the narrowest text column worth drawing beside it.
const (
	qrGap     = 2
	qrSideMin = 30
)

// qrMode reports whether the panel draws the revealed invite's QR code:
// its size holds it.
func (p roomPanel) qrMode() bool {
	v := p.inv
	return v != nil && v.revealed && len(v.qr) > 0 && p.w >= v.qrW && p.h >= len(v.qr)
}

// qrSize is the cells the revealed invite's QR code needs; ok is false
// when there is none to draw.
func (p roomPanel) qrSize() (w, h int, ok bool) {
	v := p.inv
	if v == nil || !v.revealed || len(v.qr) == 0 {
		return 0, 0, false
	}
	return v.qrW, len(v.qr), true
}

// qrScreen is the QR code with the invite beside it when there is room,
// else with the keys under it.
func (p roomPanel) qrScreen() []string {
	v := p.inv
	side := p.w - v.qrW - qrGap
	if side < qrSideMin {
		return append(append([]string{}, v.qr...), p.st.Faint.Render("y copies the link · esc closes"))
	}
	text := v.lines(p.st, p.now(), side, true)
	out := make([]string, max(len(v.qr), len(text)))
	for i := range out {
		l := strings.Repeat(" ", v.qrW)
		if i < len(v.qr) {
			l = v.qr[i]
		}
		if i < len(text) {
			l += strings.Repeat(" ", qrGap) + text[i]
		}
		out[i] = l
	}
	return out
}
