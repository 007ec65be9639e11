package ui

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func TestAllot(t *testing.T) {
	for _, tc := range []struct {
		name  string
		total int
		rows  []need
		want  []int
	}{
		// The token (rank 0) gets all it wants; the room keeps a fair share.
		{"first wants all", 22, []need{{want: 19, rank: 0, weight: 1}, {want: 40, rank: 1, weight: 2}}, []int{15, 7}},
		// The room was touched last: it grows, the token keeps a share.
		{"second wants all", 22, []need{{want: 19, rank: 1, weight: 1}, {want: 40, rank: 0, weight: 2}}, []int{7, 15}},
		// Nobody wants much: what is left goes by weight.
		{"by weight", 30, []need{{want: 5, rank: 0, weight: 1}, {want: 5, rank: 1, weight: 2}}, []int{11, 19}},
		// Three rows, the middle one touched last.
		{"three", 34, []need{{want: 20, rank: 1, weight: 2}, {want: 100, rank: 0, weight: 2}, {want: 6, rank: 2, weight: 1}}, []int{8, 20, 6}},
		// Too short for the wants: every row still gets a box.
		{"tiny", 9, []need{{want: 20}, {want: 20}, {want: 20}}, []int{3, 3, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := allot(tc.total, tc.rows)
			if !slices.Equal(got, tc.want) {
				t.Errorf("allot(%d) = %v, want %v", tc.total, got, tc.want)
			}
			sum := 0
			for _, h := range got {
				sum += h
				if h < minRow {
					t.Errorf("a row of %d lines", h)
				}
			}
			if sum != tc.total {
				t.Errorf("rows sum to %d, not %d", sum, tc.total)
			}
		})
	}
}

// titles are the top lines of a frame's boxes, where the panel names are.
func titles(v string) string {
	var out []string
	for _, l := range strings.Split(v, "\n") {
		if strings.ContainsAny(l, "╭┏") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestEveryKeyOnScreen: at every width from the smallest up, in every
// state, every panel's number key is named in a box title, the frame
// keeps its size, and at least two panels are on screen.
func TestEveryKeyOnScreen(t *testing.T) {
	for _, w := range []int{MinWidth, 80, 99, 100, 119, 120, 200} {
		for _, h := range []int{MinHeight, 24, 50} {
			b := rosterBackend(t)
			m := testModel(t, newClock(), b, w, h)
			m = joinNow(t, fetched(t, m)) // the long titles: "Token (…)", "Roster (N)"
			m = send(t, m, streamMsg{id: m.joinID, evs: drain(b.sess.ch)})
			for focus := range numPanels {
				m = send(t, m, keyMsg(focus.key()))
				v := m.View()
				checkFrame(t, v, w, h)
				tl := titles(v)
				for id := range numPanels {
					if n := id.key(); !strings.Contains(tl, " "+n+" ") && !strings.Contains(tl, "["+n+" ") {
						t.Errorf("%dx%d, focus %d: key %s missing from the titles:\n%s", w, h, focus, n, tl)
					}
					// From 80 columns every key comes with its panel's name.
					n, full := id.key(), strings.Fields(m.panel(id).Title())[0]
					if w >= 80 && !strings.Contains(tl, n+" "+full) && !strings.Contains(tl, n+" "+shortNames[id]) {
						t.Errorf("%dx%d, focus %d: panel %s unnamed in the titles:\n%s", w, h, focus, n, tl)
					}
				}
				if boxes := strings.Count(tl, "╭") + strings.Count(tl, "┏"); boxes < 2 {
					t.Errorf("%dx%d: %d panels on screen", w, h, boxes)
				}
				if !strings.Contains(tl, "┏") {
					t.Errorf("%dx%d: the focused panel %d is not on screen:\n%s", w, h, focus, v)
				}
			}
		}
	}
}

// TestNumberKeys: 1 to 9 then 0 focus the panels in order, and each box
// title names its panel by that key.
func TestNumberKeys(t *testing.T) {
	for id := range panelID(10) {
		want := strconv.Itoa((int(id) + 1) % 10)
		if got := id.key(); got != want {
			t.Errorf("panel %d's key is %q, want %q", id, got, want)
		}
		got, ok := panelForKey(rune(want[0]))
		if ok != (id < numPanels) || (ok && got != id) {
			t.Errorf("key %s focuses %d (%v), want %d", want, got, ok, id)
		}
	}
	if _, ok := panelForKey('x'); ok {
		t.Error("x is not a panel's key")
	}
}

// heightOf is the height of the box showing id, 0 when it is hidden.
func heightOf(m Model, id panelID) int {
	for _, c := range m.cache.layout.cols {
		for _, r := range c.rows {
			for _, cl := range r.cells {
				if cl.shown == id {
					return r.h
				}
			}
		}
	}
	return 0
}

// TestViewFollowsTheAction: where panels share a cell, the user's last
// action picks the one shown, and the most recent gets its room first: a
// join shows the log, a picked tab stays through later events, a fetch
// gives the token the lines it wants.
func TestViewFollowsTheAction(t *testing.T) {
	b := rosterBackend(t)
	m := testModel(t, newClock(), b, 80, 24) // the token on top, the rest as tabs below
	if !strings.Contains(m.View(), "[1 Source]") {
		t.Fatalf("the form should be the tab shown first:\n%s", m.View())
	}
	m = joinNow(t, m)
	v := m.View()
	if !strings.Contains(v, "[3 Events]") || m.focus != pEvents {
		t.Fatalf("a join should bring the log forward, with the focus:\n%s", v)
	}
	m = send(t, m, keyMsg("4"))
	m = send(t, m, streamMsg{id: m.joinID, evs: drain(b.sess.ch)})
	if v := m.View(); !strings.Contains(v, "[4 Roster") {
		t.Fatalf("the picked tab should stay while events arrive:\n%s", v)
	}
	roomH := heightOf(m, pRoster)
	m = fetched(t, m)
	v = m.View()
	if !strings.Contains(v, "[4 Roster") {
		t.Errorf("a fetch should leave the tab below alone:\n%s", v)
	}
	if after := heightOf(m, pRoster); after >= roomH || heightOf(m, pToken) <= 22-roomH {
		t.Errorf("after the fetch the token should take the room back (room %d → %d lines):\n%s", roomH, after, v)
	}
}

// TestResizeKeepsTheActionInView: a join made at full width, where every
// panel has its own box, still shows the log when the window then
// shrinks to where the panels share tabs; a tab picked after the join
// stays picked through the resize.
func TestResizeKeepsTheActionInView(t *testing.T) {
	b := rosterBackend(t)
	m := testModel(t, newClock(), b, 160, 45)
	m = joinNow(t, m)
	if m.focus == pEvents {
		t.Fatal("at full width the join should leave the focus where it was")
	}
	small := send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if v := small.View(); !strings.Contains(v, "[3 Events]") || small.focus != pEvents {
		t.Fatalf("after shrinking, the join's log should be the tab shown, with the focus:\n%s", v)
	}
	picked := send(t, m, keyMsg("1"))
	picked = send(t, picked, tea.WindowSizeMsg{Width: 80, Height: 24})
	if v := picked.View(); !strings.Contains(v, "[1 Source]") || picked.focus != pSource {
		t.Fatalf("the form, picked after the join, should stay shown:\n%s", v)
	}
}
