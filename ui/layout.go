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
// narrower ones show one panel at a time with a tab bar.
const WideWidth = 120

// layout is where each panel goes for one terminal size, derived from
// panelSlots.
type layout struct {
	wide bool
	body int      // lines between the header and the help
	cols []column // wide only
}

type column struct {
	w    int
	rows []row
}

type row struct {
	h     int
	cells []cell
}

type cell struct{ slot, w int }

// computeLayout splits the body among panelSlots. Wide: column 0 takes
// about two sevenths of the width (within 34–52 cells), column 1 the rest;
// in a column, rows share the height by weight and the panels of a row
// share its width equally.
func (m Model) computeLayout() layout {
	l := layout{wide: m.w >= WideWidth, body: m.h - 1 - m.helpHeight()}
	if !l.wide {
		return l
	}
	byCol := map[int]map[int][]int{} // column → row → slot indexes
	for i, s := range panelSlots {
		if byCol[s.col] == nil {
			byCol[s.col] = map[int][]int{}
		}
		byCol[s.col][s.row] = append(byCol[s.col][s.row], i)
	}
	colIDs := sortedKeys(byCol)
	left := min(max(m.w*2/7, 34), 52)
	for ci, c := range colIDs {
		w := m.w - left*(len(colIDs)-1)
		if ci < len(colIDs)-1 {
			w = left
		}
		col := column{w: w}
		rowIDs := sortedKeys(byCol[c])
		weights, total := make([]int, len(rowIDs)), 0
		for ri, r := range rowIDs {
			for _, s := range byCol[c][r] {
				weights[ri] = max(weights[ri], panelSlots[s].weight)
			}
			total += weights[ri]
		}
		usedH := 0
		for ri, r := range rowIDs {
			h := l.body * weights[ri] / max(total, 1)
			if ri == len(rowIDs)-1 {
				h = l.body - usedH
			}
			usedH += h
			slots := byCol[c][r]
			rw := row{h: h}
			usedW := 0
			for si, s := range slots {
				cw := w / len(slots)
				if si == len(slots)-1 {
					cw = w - usedW
				}
				usedW += cw
				rw.cells = append(rw.cells, cell{slot: s, w: cw})
			}
			col.rows = append(col.rows, rw)
		}
		l.cols = append(l.cols, col)
	}
	return l
}

func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (m Model) helpHeight() int {
	if m.help.ShowAll {
		return lipgloss.Height(m.help.View(m.helpKeys()))
	}
	return 1
}

// SetSize lays the panels out for a w×h terminal and passes the inner sizes
// down.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.help.Width = w
	if w < MinWidth || h < MinHeight {
		return
	}
	l := m.computeLayout()
	if !l.wide {
		for _, s := range panelSlots { // the tab bar takes a line
			s.setSize(m, w-2, l.body-3)
		}
		return
	}
	for _, c := range l.cols {
		for _, r := range c.rows {
			for _, cl := range r.cells {
				panelSlots[cl.slot].setSize(m, cl.w-2, r.h-2)
			}
		}
	}
}
