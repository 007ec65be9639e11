package ui

import (
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/styles"
	"github.com/lkdash/lkdash/tokens"
)

// checkServer reads the clock of the server the current token is for and,
// when ask is set, asks that server for its verdict on the token.
func (m Model) checkServer(ask bool) (Model, tea.Cmd) {
	cur := m.tok.current()
	if cur == nil || cur.resp.ServerURL == "" {
		return m, nil
	}
	req := ServerCheckRequest{ServerURL: cur.resp.ServerURL}
	if ask {
		if cur.resp.ParticipantToken == "" {
			return m, nil
		}
		req.Token = cur.resp.ParticipantToken
		m.tok.setAsking(true)
		m.setStatus("asking the server about this token…", false)
	}
	m.checkSeq++
	return m, serverCheckCmd(m.ctx, m.cfg.Backend, req, m.checkSeq)
}

// onServerChecked hands a check's outcome to the token panel.
func (m Model) onServerChecked(msg serverCheckedMsg) Model {
	if msg.seq != m.checkSeq {
		return m
	}
	m.tok.setAsking(false)
	if msg.check.ClockErr == nil {
		c := msg.check.Clock
		m.tok.setClock(&c)
	}
	if msg.raw == "" {
		return m
	}
	if msg.err != nil {
		// The error can quote the server: it goes through the panel's
		// sanitising wrap, and never holds the token (AskServer redacts).
		m.tok.setVerdict(msg.raw, nil, tokens.RedactTokens(msg.err.Error(), msg.raw))
		m.setStatus("the server could not be asked", true)
		return m
	}
	m.tok.setVerdict(msg.raw, msg.check.Verdict, "")
	m.setStatus("the server answered", false)
	return m
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
	case t.askingNow:
		out = append(out, st.Muted.Render("asking the server…"))
	case t.verdictFor == "" || t.verdictFor != s.resp.ParticipantToken:
		// No answer about this token.
	case t.verdictErr != "":
		out = append(out, t.wrapped(st.Error, "server not asked: "+t.verdictErr)...)
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
		out = append(out, t.wrapped(st.Muted, fmt.Sprintf("HTTP %d: %s", v.Status, v.Reason))...)
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
