package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/internal/textsafe"
)

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
	l := m.computeLayout()
	var lines []string
	if l.wide {
		lines = m.wideLines(l)
	} else {
		lines = append([]string{m.tabBar()}, m.panelBox(m.focus, m.w, l.body-1)...)
	}
	// Boxes are drawn at exact widths, so lines join by concatenation;
	// lipgloss.Join* would measure every cell of the frame again.
	var b strings.Builder
	b.Grow(m.w * m.h * 2)
	b.WriteString(m.header())
	for _, line := range lines {
		b.WriteByte('\n')
		b.WriteString(line)
	}
	b.WriteByte('\n')
	b.WriteString(m.cache.help)
	return b.String()
}

// wideLines draws every panel where the layout put it.
func (m Model) wideLines(l layout) []string {
	out := make([]string, l.body)
	for _, c := range l.cols {
		y := 0
		for _, r := range c.rows {
			for _, cl := range r.cells {
				for i, line := range m.panelBox(cl.slot, cl.w, r.h) {
					out[y+i] += line
				}
			}
			y += r.h
		}
	}
	return out
}

// tabBar names every panel with its number key, the focused one marked.
// When the full titles do not fit, the others shrink to their first word
// and then to their number, so every key stays visible at 80 columns.
func (m Model) tabBar() string {
	titles := make([]string, len(panelSlots))
	for i, s := range panelSlots {
		titles[i] = s.view(&m).Title()
	}
	shorten := []func(string) string{
		func(t string) string { return t },
		func(t string) string { return strings.Fields(t + " ")[0] },
		func(string) string { return "" },
	}
	var bar string
	for _, short := range shorten {
		var b strings.Builder
		for i, t := range titles {
			n := strconv.Itoa(i + 1)
			if i == m.focus {
				b.WriteString(m.st.PanelTitle.Render("[ " + n + " " + t + " ]"))
				continue
			}
			if t = short(t); t != "" {
				n += " " + t
			}
			b.WriteString(m.st.Muted.Render("  " + n + "  "))
		}
		if bar = b.String(); lipgloss.Width(bar) <= m.w {
			return bar
		}
	}
	return ansi.Truncate(bar, m.w, "…")
}

// viewCache holds the help bar, which changes only in Update.
type viewCache struct {
	help string
}

// refreshCache re-renders the help; Update calls it after every message.
// Panels render in View, only the visible ones, each only its visible rows.
func (m *Model) refreshCache() {
	if m.w < MinWidth || m.h < MinHeight {
		return
	}
	h := m.help.View(m.helpKeys())
	if !m.help.ShowAll {
		h = ansi.Truncate(h, m.w, "…")
	}
	m.cache.help = h
}

func (m Model) helpKeys() helpKeys {
	return helpKeys{panel: m.focused(), global: m.keys()}
}

// panelBox renders slot i framed in a w×h box.
func (m Model) panelBox(i, w, h int) []string {
	p := panelSlots[i].view(&m)
	return m.box(p.Title(), p.View(), w, h, i == m.focus)
}

func (m Model) header() string {
	state := map[joinState]string{notJoined: "not joined", joining: "joining…", joined: "joined"}[m.join]
	h := m.st.Title.Render("lkdash") + m.st.Muted.Render(" · "+state)
	if m.devBuilding {
		h += m.devStatus()
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
