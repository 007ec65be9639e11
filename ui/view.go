package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/internal/textsafe"
)

// Smallest terminal the dashboard lays out in; below it a message says so.
const (
	MinWidth  = 60
	MinHeight = 16
)

// SetSize lays the panels out for a w×h terminal and passes the inner sizes
// down.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.help.Width = w
	if w < MinWidth || h < MinHeight {
		return
	}
	lw, rw, body, th := m.layout()
	m.src.SetSize(lw-2, body-2)
	m.tok.SetSize(rw-2, th-2)
	m.evs.SetSize(rw-2, body-th-2)
}

// layout: source form on the left, token over event log on the right,
// one header line and the help below.
func (m Model) layout() (lw, rw, body, th int) {
	lw = min(max(m.w*2/5, 34), 56)
	rw = m.w - lw
	body = m.h - 1 - m.helpHeight()
	th = body * 2 / 3 // the token is what people come for
	return
}

func (m Model) helpHeight() int {
	if m.help.ShowAll {
		return lipgloss.Height(m.help.View(m.keys))
	}
	return 1
}

// View implements tea.Model.
func (m Model) View() string {
	if m.quitting {
		return ""
	}
	if m.w == 0 {
		return "starting…"
	}
	if m.w < MinWidth || m.h < MinHeight {
		msg := fmt.Sprintf("lkdash needs at least %d×%d (this terminal is %d×%d)", MinWidth, MinHeight, m.w, m.h)
		return lipgloss.Place(m.w, m.h, lipgloss.Center, lipgloss.Center, ansi.Wrap(msg, m.w, " "))
	}
	lw, rw, body, th := m.layout()
	// Panels are drawn at exact widths, so lines join by concatenation;
	// lipgloss.Join* would measure every cell of the frame again.
	left := m.box("Source", m.cache.src, lw, body, m.focus == focusSource)
	right := append(m.box(m.tokenTitle(), m.tok.View(m.now()), rw, th, m.focus == focusToken),
		m.box("Events", m.evs.View(), rw, body-th, m.focus == focusLog)...)
	var b strings.Builder
	b.Grow(m.w * m.h * 2)
	b.WriteString(m.header())
	for i := range left {
		b.WriteByte('\n')
		b.WriteString(left[i])
		b.WriteString(right[i])
	}
	b.WriteByte('\n')
	b.WriteString(m.cache.help)
	return b.String()
}

// viewCache holds the parts of the frame that change only in Update, so
// the once-a-second countdown redraw does not re-render them.
type viewCache struct {
	src, help string
}

// refreshCache re-renders the cached parts; Update calls it after every
// message (cheap next to a frame, and View stays a pure read).
func (m *Model) refreshCache() {
	if m.w < MinWidth || m.h < MinHeight {
		return
	}
	m.cache.src = m.src.View()
	h := m.help.View(m.keys)
	if !m.help.ShowAll {
		h = ansi.Truncate(h, m.w, "…")
	}
	m.cache.help = h
}

func (m Model) tokenTitle() string {
	if m.tok.refreshed != nil && !m.tok.showOriginal {
		return "Token (refreshed)"
	}
	return "Token"
}

func (m Model) header() string {
	state := map[joinState]string{notJoined: "not joined", joining: "joining…", joined: "joined"}[m.join]
	h := m.st.Title.Render("lkdash") + m.st.Muted.Render(" · "+state)
	if m.devBuilding {
		h += m.st.Muted.Render(" · dev server: " + textsafe.Line(orDash(m.devLine), 60))
	}
	if m.status != "" {
		st := m.st.Status
		if m.statusErr {
			st = m.st.Error
		}
		h += m.st.Muted.Render(" · ") + st.Render(textsafe.Line(m.status, m.w))
	}
	return ansi.Truncate(h, m.w, "…")
}

// box frames content (already sized to w-2 × h-2) with a titled border and
// returns its h lines, each exactly w cells wide.
func (m Model) box(title, content string, w, h int, focused bool) []string {
	st, b := m.st.Border(focused)
	iw := w - 2
	t := m.st.PanelTitle.Render(" " + title + " ")
	if !focused {
		t = m.st.Muted.Render(" " + title + " ")
	}
	fill := max(iw-1-lipgloss.Width(t), 0)
	top := st.Render(b.TopLeft+b.Top) + t + st.Render(strings.Repeat(b.Top, fill)+b.TopRight)
	lines := strings.Split(content, "\n")
	out := make([]string, 0, h)
	out = append(out, ansi.Truncate(top, w, ""))
	l, r := st.Render(b.Left), st.Render(b.Right) // rendered once, not per line
	for i := 0; i < h-2; i++ {
		c := ""
		if i < len(lines) {
			c = lines[i]
		}
		out = append(out, l+padRight(c, iw)+r)
	}
	out = append(out, st.Render(b.BottomLeft+strings.Repeat(b.Bottom, iw)+b.BottomRight))
	return out
}
