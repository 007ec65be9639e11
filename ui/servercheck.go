package ui

import (
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/styles"
	"github.com/lkdash/lkdash/tokens"
)

// checkServer asks the root to read the clock of the server the shown
// token is for and, when ask is set, that server's verdict on the token;
// quiet leaves the status line alone.
func (t tokenPanel) checkServer(ask, quiet bool) (tokenPanel, tea.Cmd) {
	cur := t.current()
	if cur == nil || cur.resp.ServerURL == "" {
		return t, nil
	}
	req := ServerCheckRequest{ServerURL: cur.resp.ServerURL}
	var status tea.Cmd
	if ask {
		if cur.resp.ParticipantToken == "" {
			return t, nil
		}
		req.Token = cur.resp.ParticipantToken
		t.asking, t.quietAsk = true, quiet
		if !quiet {
			status = statusCmd("asking the server about this token…", false)
		}
	}
	t.checkSeq++
	seq := t.checkSeq
	return t, tea.Batch(status, func() tea.Msg { return serverCheckRequestMsg{req: req, seq: seq} })
}

// onServerChecked takes a check's outcome.
func (t tokenPanel) onServerChecked(msg serverCheckedMsg) (tokenPanel, tea.Cmd) {
	if msg.seq != t.checkSeq {
		return t, nil // a newer check superseded it
	}
	t.asking = false
	if msg.check.ClockErr == nil {
		c := msg.check.Clock
		t.clock = &c
	}
	if msg.raw == "" {
		return t, nil
	}
	if msg.err != nil {
		// The error can quote the server: it goes through the panel's
		// sanitising wrap, and never holds the token (AskServer redacts).
		t.verdictFor, t.verdict, t.verdictErr = msg.raw, nil, tokens.RedactTokens(msg.err.Error(), msg.raw)
		if t.quietAsk {
			return t, nil
		}
		return t, statusCmd("the server could not be asked", true)
	}
	t.verdictFor, t.verdict, t.verdictErr = msg.raw, msg.check.Verdict, ""
	if t.quietAsk {
		return t, nil
	}
	return t, statusCmd("the server answered", false)
}

// serverLines say how the server's clock and verdict relate to the token
// shown; nothing while the clock is in step and nobody asked.
func (t tokenPanel) serverLines(s *shownToken, now time.Time) []string {
	st := t.st
	var out []string
	if c := t.clock; c != nil && c.Notable() {
		out = append(out, t.wrapped(st.Level[styles.LevelWarn], "⏱ "+c.Describe()+"; judged in the server's time")...)
		if w := c.MintWarning(); w != "" {
			out = append(out, t.wrapped(st.Level[styles.LevelWarn], "  "+w)...)
		}
	}
	switch {
	case t.asking:
		out = append(out, st.Muted.Render("asking the server…"))
	case t.verdictFor == "" || t.verdictFor != s.resp.ParticipantToken:
		// No answer about this token.
	case t.verdictErr != "":
		// A server that is down or unreachable is worth knowing, not an
		// error of the token's.
		out = append(out, t.wrapped(st.Level[styles.LevelWarn], "could not ask the server: "+t.verdictErr)...)
	case t.verdict != nil && s.tok != nil:
		v := *t.verdict
		head := st.BadgeGood.Render("SERVER ACCEPTS")
		if !v.Accepted {
			head = st.BadgeBad.Render("SERVER REFUSES")
		}
		a := tokens.Compare(s.tok.Check(now, t.check), v)
		switch {
		case a.Agree:
			head += st.Muted.Render(" agrees with lkdash")
		case a.Explained:
			head += " " + st.BadgeWarn.Render("DIFFERS")
		default:
			head += " " + st.BadgeBad.Render("DISAGREES WITH LKDASH")
		}
		out = append(out, head)
		if !v.Accepted || !a.Agree { // "200: success" adds nothing to an agreeing yes
			out = append(out, t.wrapped(st.Muted, fmt.Sprintf("HTTP %d: %s", v.Status, v.Reason))...)
		}
		if a.Note != "" {
			style := st.Level[styles.LevelWarn]
			if !a.Explained {
				style = st.Error
			}
			out = append(out, t.wrapped(style, a.Note)...)
		}
	}
	return out
}
