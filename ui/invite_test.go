package ui

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/internal/qrtest"
	"github.com/lkdash/lkdash/invite"
	"github.com/lkdash/lkdash/styles"
	"github.com/lkdash/lkdash/tokens"
)

// guestInvite is what a token source gives for a guest in room demo: a
// token of the usual size, so its link makes a code of the usual size.
func guestInvite(t *testing.T) invite.Invite {
	t.Helper()
	c := baseClaims(t0, time.Hour)
	c["sub"], c["jti"], c["name"] = "guest-4kq2vd", "guest-4kq2vd", "Guest"
	raw := mintJWT(t, c)
	tok, err := tokens.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	return invite.Invite{ServerURL: "ws://127.0.0.1:7880", Token: raw, Room: "demo", Identity: "guest-4kq2vd",
		ExpiresAt: tok.ExpiresAt, Decoded: tok}
}

func inviteBackend(t *testing.T) *fakeBackend {
	b := roomBackend(t, true)
	b.invite = guestInvite(t)
	return b
}

// invited joins, presses i and waits for the invite.
func invited(t *testing.T, b *fakeBackend, w, h int) Model {
	t.Helper()
	m := joinedRoster(t, b, w, h)
	m, cmd := sendCmd(t, m, keyMsg("i"))
	return send(t, m, findMsg[inviteDoneMsg](t, cmd))
}

// TestInvite: i asks the backend for a token for someone else in the
// joined room and brings the Room panel forward; nothing secret shows
// until enter; then the server URL, token and link show, and y copies
// the link (not our token).
func TestInvite(t *testing.T) {
	b := inviteBackend(t)
	m := invited(t, b, 100, 40)
	if len(b.invites) != 1 || b.invites[0].Room != "demo" || b.invites[0].TTL != time.Hour || b.invites[0].Spec.Endpoint == "" {
		t.Fatalf("invite requests = %+v", b.invites)
	}
	if m.focus != pRoom {
		t.Errorf("focus %v, want the Room panel", m.focus)
	}
	inv := b.invite
	before := words(m.room.lines())
	for _, secret := range []string{inv.Token, "meet.livekit.io", inv.ServerURL, "eyJ"} {
		if strings.Contains(before, secret) {
			t.Errorf("%q on screen before the reveal:\n%s", secret, before)
		}
	}
	for _, want := range []string{"INVITE guest-4kq2vd in room demo", "The token and the link are a credential", "enter shows"} {
		if !strings.Contains(before, want) {
			t.Errorf("before the reveal, the panel lacks %q:\n%s", want, before)
		}
	}
	m = send(t, m, keyMsg("enter"))
	after := strings.Join(m.room.lines(), "\n")
	for _, want := range []string{inv.ServerURL, "https://meet.livekit.io/custom?liveKitUrl=ws%3A%2F%2F127.0.0.1%3A7880&token=", "y copies the link"} {
		if !strings.Contains(after, want) {
			t.Errorf("after the reveal, the panel lacks %q:\n%s", want, after)
		}
	}
	if joined := strings.Join(strings.Fields(strings.NewReplacer("token", "", "link", "").Replace(after)), ""); !strings.Contains(joined, inv.Token) {
		t.Errorf("the token is not all there:\n%s", after)
	}
	if m.keys().Copy.Enabled() || m.room.keys().Copy.Help().Desc != "copy invite link" {
		t.Errorf("y should be the Room panel's: global %v", m.keys().Copy.Enabled())
	}
	out := m.cfg.Output.(*strings.Builder)
	out.Reset()
	m, cmd := sendCmd(t, m, keyMsg("y"))
	if c := findMsg[copiedMsg](t, cmd); c.err != nil || c.what != "invite link" {
		t.Errorf("copy: %+v", c)
	}
	if !strings.Contains(out.String(), base64.StdEncoding.EncodeToString([]byte(inv.MeetURL()))) {
		t.Errorf("the clipboard did not get the link: %q", out.String())
	}
	m = send(t, m, keyMsg("esc"))
	if strings.Contains(m.View(), "INVITE") || m.room.inv != nil {
		t.Errorf("esc should close the invite:\n%s", m.View())
	}
}

// TestInviteRefusesOurIdentity: a source that ignores the identity asked
// for gives our own token back; that is no invite.
func TestInviteRefusesOurIdentity(t *testing.T) {
	b := inviteBackend(t)
	b.invite.Identity = "alice"
	m := invited(t, b, 100, 40)
	if v := words(m.room.lines()); !strings.Contains(v, "INVITE FAILED") || !strings.Contains(v, "your own identity") || m.room.keys().Reveal.Enabled() {
		t.Errorf("an invite for ourselves should fail, with nothing to reveal:\n%s", v)
	}
}

// qrOnScreen cuts the QR code out of a frame with the Room panel
// full-screen: the lines from the top (under the header, if any), the
// code's width.
func qrOnScreen(t *testing.T, m Model, w, lines int) string {
	t.Helper()
	frame := strings.Split(m.View(), "\n")
	top := 1
	if m.cache.layout.noHeader {
		top = 0
	}
	if len(frame) < top+lines {
		t.Fatalf("frame of %d lines, the code needs %d:\n%s", len(frame), lines, m.View())
	}
	var b strings.Builder
	for _, l := range frame[top : top+lines] {
		b.WriteString(ansi.Truncate(l, w, "") + "\n")
	}
	return b.String()
}

// TestInviteQRDecodes: the code the dashboard draws decodes back to the
// link, with colours (dark modules on white) and under NO_COLOR (drawn
// for a dark terminal); a terminal too small for it says what it needs.
func TestInviteQRDecodes(t *testing.T) {
	t.Setenv("COLORFGBG", "")
	for _, noColor := range []bool{false, true} {
		t.Run(fmt.Sprintf("NO_COLOR=%v", noColor), func(t *testing.T) {
			b := inviteBackend(t)
			m := invited(t, b, 160, 45)
			st := styles.New(styles.DefaultTheme(), noColor)
			m.st, m.room.st = &st, &st
			m = send(t, m, keyMsg("enter"))
			qw, qh, ok := m.room.qrSize()
			if !ok || !m.room.qrMode() {
				t.Fatalf("no QR code at 160×45 (it needs %d×%d)", qw, qh)
			}
			checkFrame(t, m.View(), 160, 45)
			mods, err := qrtest.Modules(qrOnScreen(t, m, qw, qh), noColor)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := qrtest.Decode(mods); err != nil || got != b.invite.MeetURL() {
				t.Fatalf("the code decodes to %q (%v), want the link", got, err)
			}
		})
	}
	m := send(t, invited(t, inviteBackend(t), 100, 30), keyMsg("enter"))
	if m.room.qrMode() || !strings.Contains(words(m.room.lines()), "in a terminal of at least") {
		t.Errorf("at 100×30 the panel should say what the code needs:\n%s", m.View())
	}
}

// Goldens: the invite before and after the reveal.
func TestGoldenInvite(t *testing.T) {
	for _, sz := range [][2]int{{100, 30}, {160, 45}} {
		for _, c := range []struct {
			name    string
			waitFor string
			keys    []tea.Msg
		}{
			{"warning", "enter shows", nil},
			{"revealed", "meet.livekit.io", []tea.Msg{waitScreen("enter shows"), keyMsg("enter")}},
		} {
			t.Run(fmt.Sprintf("%s/%dx%d", c.name, sz[0], sz[1]), func(t *testing.T) {
				msgs := append([]tea.Msg{keyMsg("j"), waitScreen("· joined"), keyMsg("i")}, c.keys...)
				runGoldenAt(t, sz[0], sz[1], inviteBackend(t), c.waitFor, msgs...)
			})
		}
	}
}
