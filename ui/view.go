package ui

import (
	"fmt"
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
		// One fact a line, each centred, so neither breaks mid-phrase.
		msg := fmt.Sprintf("lkdash needs at least %d×%d\nthis terminal is %d×%d", MinWidth, MinHeight, m.w, m.h)
		return lipgloss.Place(m.w, m.h, lipgloss.Center, lipgloss.Center, ansi.Wrap(msg, m.w, " "))
	}
	l := m.cache.layout
	out := make([]string, l.body)
	for _, c := range l.cols {
		y := 0
		for _, r := range c.rows {
			for _, cl := range r.cells {
				box := m.cellBox
				if cl.bare {
					box = m.bareCell
				}
				for i, line := range box(cl, r.h) {
					out[y+i] += line
				}
			}
			y += r.h
		}
	}
	// Boxes are drawn at exact widths, so lines join by concatenation;
	// lipgloss.Join* would measure every cell of the frame again.
	if !l.noHeader {
		out = append([]string{m.header()}, out...)
	}
	if !l.noHelp {
		out = append(out, m.cache.help)
	}
	var b strings.Builder
	b.Grow(m.w * m.h * 2)
	for i, line := range out {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line)
	}
	return b.String()
}

// cellBox draws a cell: its shown panel framed, with every panel of the
// cell named in the frame's title by its number key, the shown one in
// brackets when there are several (so it reads without colour). When the
// full titles do not fit, the others shrink to their first word, then
// all to short names closer together, then the others to their number, so
// every key stays visible.
func (m Model) cellBox(c cell, h int) []string {
	focused := c.shown == m.focus
	shownStyle := m.st.Muted
	if focused {
		shownStyle = m.st.PanelTitle
	}
	var title string
	for _, tier := range tabTiers {
		var b strings.Builder
		for i, id := range c.tabs {
			n, t := id.key(), m.panel(id).Title()
			switch {
			case id == c.shown && len(c.tabs) == 1:
				b.WriteString(shownStyle.Render(" " + n + " " + t + " "))
			case id == c.shown:
				if tier.compact {
					t = shortNames[id]
					if i > 0 {
						b.WriteString(" ")
					}
				}
				b.WriteString(shownStyle.Render("[" + n + " " + t + "]"))
			default:
				if t = tier.name(id, t); t != "" {
					n += " " + t
				}
				if !tier.compact {
					n += " "
				}
				b.WriteString(m.st.Faint.Render(" " + n))
			}
		}
		if tier.compact {
			b.WriteString(" ")
		}
		if title = b.String(); lipgloss.Width(title) <= c.w-3 {
			break
		}
	}
	return m.box(title, m.panel(c.shown).View(), c.w, h, focused)
}

// tabTiers are the ways a box title names its hidden panels, roomiest
// first.
var tabTiers = []struct {
	name    func(id panelID, title string) string
	compact bool // one space between names, not two
}{
	{func(_ panelID, t string) string { return t }, false},
	{func(_ panelID, t string) string { return strings.Fields(t + " ")[0] }, false},
	{func(id panelID, _ string) string { return shortNames[id] }, true},
	{func(panelID, string) string { return "" }, false},
}

// shortNames name the panels in a crowded box title: every tab of the
// narrowest layout fits in 80 columns.
var shortNames = [numPanels]string{
	pSource: "Source", pToken: "Token", pEvents: "Events", pRoster: "Roster", pAgents: "Agents",
	pTimeline: "Time", pDoctor: "Doctor", pRoom: "Room", pWebhooks: "Hooks", pData: "Data",
}

// bareCell draws a cell's panel without a box, h lines of c.w cells.
func (m Model) bareCell(c cell, h int) []string {
	lines := strings.Split(m.panel(c.shown).View(), "\n")
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = pad(lines[i], c.w)
		} else {
			out[i] = strings.Repeat(" ", c.w)
		}
	}
	return out
}

// viewCache holds the layout and the help bar, which change only in Update.
type viewCache struct {
	layout layout
	help   string
}

// refreshCache lays the panels out and re-renders the help; Update calls
// it after every message. Panels render in View, only the visible ones,
// each only its visible rows.
func (m *Model) refreshCache() {
	if m.w < MinWidth || m.h < MinHeight {
		return
	}
	m.relayout()
	h := m.help.View(m.helpKeys())
	if !m.help.ShowAll {
		h = ansi.Truncate(h, m.w, "…")
	}
	m.cache.help = h
}

func (m Model) helpKeys() helpKeys {
	return helpKeys{panel: m.focused(), global: m.keys()}
}

func (m Model) header() string {
	state := map[joinState]string{notJoined: "not joined", joining: "joining…", joined: "joined"}[m.join]
	h := m.st.Title.Render("lkdash") + m.st.Muted.Render(" · "+state)
	if !m.drillPick { // the prompt needs the room
		h += m.nodeLine() + m.pathLine()
	}
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

// box frames content (already sized to w-2 × h-2) with a border whose
// top line carries title (already styled), and returns its h lines, each
// exactly w cells wide.
func (m Model) box(title, content string, w, h int, focused bool) []string {
	st, b := m.st.Border(focused)
	iw := w - 2
	t := title
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
		out = append(out, l+pad(c, iw)+r)
	}
	out = append(out, st.Render(b.BottomLeft+strings.Repeat(b.Bottom, iw)+b.BottomRight))
	return out
}
