package ui

import (
	"slices"

	"github.com/charmbracelet/lipgloss"
)

// Smallest terminal the dashboard lays out in; below it a message says so.
const (
	MinWidth  = 60
	MinHeight = 16
)

// WideWidth is the narrowest terminal that shows every panel at once;
// narrower ones stack the token above a cell whose panels are tabs.
const WideWidth = 120

// sideBySideWidth is the narrowest stacked layout that puts the source
// form beside the token rather than among the tabs below it.
const sideBySideWidth = 100

// A grid is one way to lay the panels out: columns side by side, each a
// stack of rows, each row cells side by side. A cell shows one of its
// panels at a time; the others are tabs in its title.
type grid []gridCol

type gridCol struct {
	side bool // form-sized (see sideWidth); the other columns share the rest
	rows []gridRow
}

type gridRow struct {
	weight int // share of the height nobody's content wants
	cells  []gridCell
}

type gridCell struct {
	side   bool // form-sized, like gridCol.side
	panels []panelID
}

func cells(side bool, ids ...panelID) gridCell { return gridCell{side: side, panels: ids} }

// The grids, by terminal width. Every panel is in exactly one cell of each.
var (
	// From WideWidth: every panel on screen.
	wideGrid = grid{
		{side: true, rows: []gridRow{
			{1, []gridCell{cells(false, pSource)}},
			{1, []gridCell{cells(false, pAgents, pDoctor)}},
		}},
		{rows: []gridRow{
			{2, []gridCell{cells(false, pToken)}},
			{2, []gridCell{cells(false, pEvents, pData, pWebhooks), cells(false, pRoster, pRoom)}},
			{1, []gridCell{cells(false, pTimeline)}},
		}},
	}
	// From sideBySideWidth: the form beside the token, the room below.
	stackedGrid = grid{{rows: []gridRow{
		{1, []gridCell{cells(true, pSource), cells(false, pToken)}},
		{2, []gridCell{cells(false, pEvents, pRoster, pAgents, pTimeline, pDoctor, pRoom, pWebhooks, pData)}},
	}}}
	// Narrower: the token alone, everything else below it.
	narrowGrid = grid{{rows: []gridRow{
		{1, []gridCell{cells(false, pToken)}},
		{2, []gridCell{cells(false, pSource, pEvents, pRoster, pAgents, pTimeline, pDoctor, pRoom, pWebhooks, pData)}},
	}}}
)

// gridFor picks the grid for a terminal w cells wide.
func gridFor(w int) grid {
	switch {
	case w >= WideWidth:
		return wideGrid
	case w >= sideBySideWidth:
		return stackedGrid
	}
	return narrowGrid
}

// sideWidth is a form-sized column or cell: about two sevenths of the
// width, 34–52 cells.
func sideWidth(w int) int { return min(max(w*2/7, 34), 52) }

// layout is where each panel goes for one terminal size and content.
type layout struct {
	body int // lines between the header and the help
	cols []column
	// noHeader, noHelp: a full-screen panel needs their lines too.
	noHeader, noHelp bool
}

type column struct {
	w    int
	rows []row
}

type row struct {
	h     int
	cells []cell
}

// cell is a box on screen: shown is the panel drawn in it, tabs all of its
// panels (one, or several shown one at a time).
type cell struct {
	w     int
	shown panelID
	tabs  []panelID
	bare  bool // drawn without a box (see fullScreen)
}

// computeLayout places the panels: widths from the grid, then each
// column's height shared out by allot, from what the panels want to show
// and which of them the user touched last.
func (m *Model) computeLayout() layout {
	l := layout{body: m.h - 1 - m.helpHeight()}
	if id, ok := m.fullScreen(&l); ok {
		l.cols = []column{{w: m.w, rows: []row{{h: l.body, cells: []cell{{w: m.w, shown: id, tabs: []panelID{id}, bare: true}}}}}}
		return l
	}
	g := gridFor(m.w)
	for ci, gc := range g {
		col := column{w: splitWidth(m.w, len(g), ci, gc.side, func(i int) bool { return g[i].side })}
		needs := make([]need, len(gc.rows))
		for ri, gr := range gc.rows {
			r := row{}
			needs[ri] = need{rank: int(numPanels), weight: gr.weight}
			for k, gcl := range gr.cells {
				c := cell{w: splitWidth(col.w, len(gr.cells), k, gcl.side, func(i int) bool { return gr.cells[i].side }),
					tabs: gcl.panels, shown: m.shownOf(gcl.panels)}
				r.cells = append(r.cells, c)
				needs[ri].want = max(needs[ri].want, m.panel(c.shown).Want(c.w-2)+2)
				needs[ri].rank = min(needs[ri].rank, m.rankOf(c.shown))
			}
			col.rows = append(col.rows, r)
		}
		for ri, h := range allot(l.body, needs) {
			col.rows[ri].h = h
		}
		l.cols = append(l.cols, col)
	}
	return l
}

// fullScreen is the panel that takes the whole body, unboxed, and
// whether one does: the Room panel while it has the focus and a revealed
// invite whose QR code fits the terminal. A token-sized link makes a code
// of 85×43 to 89×45 cells, more than any cell of the grids holds (a box
// around it would only add to the light margin it has); when the code
// needs them, the help bar's line and then the header's go too (the
// panel names its keys beside the code).
func (m *Model) fullScreen(l *layout) (panelID, bool) {
	w, h, ok := m.room.qrSize()
	if !ok || m.focus != pRoom || w > m.w || h > m.h {
		return pRoom, false
	}
	if h > l.body {
		l.body, l.noHelp = m.h-1, true
	}
	if h > l.body {
		l.body, l.noHeader = m.h, true
	}
	return pRoom, true
}

// splitWidth is the width of item i of n sharing total: a side item gets
// sideWidth, the others split what is left equally (the last one takes
// the rounding).
func splitWidth(total, n, i int, side bool, isSide func(int) bool) int {
	if side {
		return sideWidth(total)
	}
	rest, others := total, 0
	for k := range n {
		if isSide(k) {
			rest -= sideWidth(total)
		} else {
			others++
		}
	}
	w := rest / max(others, 1)
	last := true
	for k := i + 1; k < n; k++ {
		if !isSide(k) {
			last = false
		}
	}
	if last {
		w = rest - w*(others-1)
	}
	return w
}

// need is what a row of a column asks for: want lines (its box included),
// rank (how recently the user touched what it shows: 0 is last) and its
// weight in what nobody wants.
type need struct{ want, rank, weight int }

// minRow is the smallest box: its frame and one line.
const minRow = 3

// allot shares total lines among rows. Each row first gets what it wants
// up to a fair share (total/(rows+1)), so every panel keeps a readable
// box; then the rows the user touched most recently get the rest of what
// they want, in that order; what is still left goes by weight. The sum is
// always total.
func allot(total int, rows []need) []int {
	hs := make([]int, len(rows))
	share := max(total/(len(rows)+1), minRow)
	left := total
	for i, r := range rows {
		hs[i] = min(max(r.want, minRow), share)
		left -= hs[i]
	}
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return rows[a].rank - rows[b].rank })
	for _, i := range order {
		if left <= 0 {
			break
		}
		more := min(max(rows[i].want-hs[i], 0), left)
		hs[i] += more
		left -= more
	}
	weights := 0
	for _, r := range rows {
		weights += r.weight
	}
	if left > 0 && weights > 0 {
		given := 0
		for i, r := range rows {
			add := left * r.weight / weights
			hs[i] += add
			given += add
		}
		left -= given
	}
	// Rounding (or a terminal too short for every minimum) lands on the
	// last row, never below one line of content.
	hs[len(hs)-1] = max(hs[len(hs)-1]+left, minRow)
	return hs
}

// shownOf is the panel a cell of these panels shows: the focused one if it
// is there, else the one the user touched last.
func (m *Model) shownOf(ids []panelID) panelID {
	best := ids[0]
	for _, id := range ids {
		if id == m.focus {
			return id
		}
		if m.rankOf(id) < m.rankOf(best) {
			best = id
		}
	}
	return best
}

// rankOf is how recently id was brought forward: 0 is the latest.
func (m *Model) rankOf(id panelID) int { return slices.Index(m.recent[:], id) }

// bringForward makes id the panel its cell shows and the first to get
// the space it wants: the user's last action filled it. If that hides the
// focused panel, the focus follows to id.
func (m *Model) bringForward(id panelID) {
	i := m.rankOf(id)
	copy(m.recent[1:i+1], m.recent[:i])
	m.recent[0] = id
	for _, gc := range gridFor(m.w) {
		for _, gr := range gc.rows {
			for _, c := range gr.cells {
				if contains(c.panels, id) && contains(c.panels, m.focus) {
					m.focus = id
				}
			}
		}
	}
}

// setFocus gives id the keyboard, which also brings it forward.
func (m *Model) setFocus(id panelID) {
	m.focus = id
	m.bringForward(id)
}

func contains(ids []panelID, id panelID) bool { return slices.Contains(ids, id) }

func (m Model) helpHeight() int {
	if m.help.ShowAll {
		return lipgloss.Height(m.help.View(m.helpKeys()))
	}
	return 1
}

// SetSize records the terminal's size; the layout follows in relayout.
// A narrower grid can put the focused panel in one cell with a panel the
// user's last action filled (a join made at full width, then a smaller
// window): the focus moves to that panel, as bringForward would have.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.help.Width = w
	if latest := m.recent[0]; latest != m.focus {
		m.bringForward(latest)
	}
}

// relayout lays the panels out for the terminal and their content and
// passes the inner sizes down; Update calls it after every message.
func (m *Model) relayout() {
	if m.w < MinWidth || m.h < MinHeight {
		return
	}
	l := m.computeLayout()
	for _, c := range l.cols {
		for _, r := range c.rows {
			for _, cl := range r.cells {
				for _, id := range cl.tabs { // hidden tabs get the size they will show at
					// Only a change reaches the panel: resizing rebuilds
					// tables and would lose their cursor.
					sz := [2]int{cl.w - 2, r.h - 2}
					if cl.bare {
						sz = [2]int{cl.w, r.h}
					}
					if m.sizes[id] != sz {
						m.sizes[id] = sz
						panelSlots[id].setSize(m, sz[0], sz[1])
					}
				}
			}
		}
	}
	m.cache.layout = l
}
