package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/styles"
)

// feedCap is how many entries the Webhooks and Data panels keep.
const feedCap = 2000

// feed is a bounded list in arrival order, newest at the bottom, with a
// cursor, and one entry's details on enter: the list half of the Webhooks
// and Data panels. Like the event log it draws only the rows in its
// window, so a long feed costs what a short one does.
type feed[T any] struct {
	items *ring[T]
	// sel is the cursor and off the window's bottom row, both counted back
	// from the newest entry (0 is the newest, so the cursor follows new
	// entries until moved); off <= sel < off+rows.
	sel, off int
	rows     int // entries the window shows (setRows)

	detail bool   // the details of entry seq are shown
	seq    uint64 // the entry whose details are shown
	scroll int    // lines scrolled in the details
}

func newFeed[T any]() feed[T] { return feed[T]{items: newRing[T](feedCap), rows: 1} }

// push appends e, keeping the cursor on its entry when moved off the newest.
func (f *feed[T]) push(e T) uint64 {
	if f.sel > 0 {
		f.sel++
		f.off++
	}
	s := f.items.push(e)
	f.clamp()
	return s
}

// replace updates an entry in place (a stream's progress); false once it
// was evicted.
func (f *feed[T]) replace(s uint64, e T) bool {
	if !f.items.has(s) {
		return false
	}
	f.items.set(s, e)
	return true
}

// setRows tells the feed how many entries its window shows.
func (f *feed[T]) setRows(n int) {
	f.rows = max(n, 1)
	f.clamp()
}

func (f feed[T]) len() int { return f.items.len() }

// nth is the entry i back from the newest.
func (f feed[T]) nth(i int) (uint64, T) {
	s := f.items.next - 1 - uint64(i)
	return s, f.items.at(s)
}

// shown is the entry whose details are open.
func (f feed[T]) shown() (T, bool) {
	var zero T
	if !f.detail || !f.items.has(f.seq) {
		return zero, false
	}
	return f.items.at(f.seq), true
}

// move puts the cursor n entries further back (negative: newer), the
// window following it.
func (f *feed[T]) move(n int) {
	f.sel += n
	f.clamp()
}

func (f *feed[T]) clamp() {
	f.sel = min(max(f.sel, 0), max(f.len()-1, 0))
	f.off = min(max(f.off, f.sel-f.rows+1), f.sel)
}

// feedKeys are a feed's bindings.
type feedKeys struct {
	navKeys
	Details, Back key.Binding
}

// keys are enabled when they act; off disables them all (a form of the
// panel has the keyboard).
func (f feed[T]) keys(off bool) feedKeys {
	k := feedKeys{
		navKeys: newNavKeys("oldest", "newest"),
		Details: on(bind("enter", "details", "enter"), !off && !f.detail && f.len() > 0),
		Back:    on(bind("esc", "back", "esc"), !off && f.detail),
	}
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Top, &k.Bottom} {
		b.SetEnabled(!off && f.len() > 0)
	}
	return k
}

// onKey moves the cursor, scrolls the details, opens and closes them.
func (f feed[T]) onKey(msg tea.KeyMsg) feed[T] {
	k := f.keys(false)
	page := max(f.rows-1, 1)
	if f.detail {
		switch {
		case key.Matches(msg, k.Back):
			f.detail, f.scroll = false, 0
		case key.Matches(msg, k.Up):
			f.scroll = max(f.scroll-1, 0)
		case key.Matches(msg, k.Down):
			f.scroll++
		case key.Matches(msg, k.PageUp):
			f.scroll = max(f.scroll-page, 0)
		case key.Matches(msg, k.PageDown):
			f.scroll += page
		case key.Matches(msg, k.Top):
			f.scroll = 0
		}
		return f
	}
	switch {
	case key.Matches(msg, k.Details):
		f.seq, _ = f.nth(f.sel)
		f.detail, f.scroll = true, 0
	case key.Matches(msg, k.Up):
		f.move(1)
	case key.Matches(msg, k.Down):
		f.move(-1)
	case key.Matches(msg, k.PageUp):
		f.move(page)
	case key.Matches(msg, k.PageDown):
		f.move(-page)
	case key.Matches(msg, k.Top):
		f.move(f.len())
	case key.Matches(msg, k.Bottom):
		f.move(-f.len())
	}
	return f
}

// listLines draws the window's entries (oldest at the top, the cursor's
// marked) with row, which gets the width left after the marker.
func (f feed[T]) listLines(st *styles.Styles, w int, row func(T, int) string) []string {
	n := min(f.len()-f.off, f.rows)
	out := make([]string, 0, n)
	for i := f.off + n - 1; i >= f.off; i-- {
		_, e := f.nth(i)
		mark := "  "
		if i == f.sel {
			mark = st.Cursor.Render("▸") + " "
		}
		out = append(out, mark+row(e, w-2))
	}
	return out
}

// detailLines is the window of lines the details show, scrolled.
func (f feed[T]) detailLines(lines []string, h int) []string {
	scroll := min(f.scroll, max(len(lines)-h, 0))
	lines = lines[scroll:]
	return lines[:min(len(lines), h)]
}

// fitBlock makes lines exactly h lines of at most w cells.
func fitBlock(lines []string, w, h int) string {
	if len(lines) > h {
		lines = lines[:max(h, 0)]
	}
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = ansi.Truncate(lines[i], w, "…")
		}
	}
	return strings.Join(out, "\n")
}

// details builds the labelled lines of an entry's details: the label in
// its column (on a line of its own when longer), the value after it, long
// values wrapped below.
type details struct {
	st    *styles.Styles
	w     int
	lw    int // the label column; 0 is labelWidth
	lines []string
}

func (d *details) labelCol() int {
	if d.lw > 0 {
		return d.lw
	}
	return labelWidth
}

// add puts one or more values beside label; each value is untrusted text,
// made safe and cut to the width.
func (d *details) add(label string, vals ...string) {
	lw := d.labelCol()
	vw := max(d.w-lw-1, 4)
	indent := strings.Repeat(" ", lw+1)
	first := d.st.Label.Render(pad(label, lw)) + " "
	if ansi.StringWidth(label) > lw {
		d.lines = append(d.lines, d.st.Label.Render(textsafe.Line(label, d.w)))
		first = indent
	}
	for i, v := range vals {
		l := indent
		if i == 0 {
			l = first
		}
		d.lines = append(d.lines, l+d.st.Value.Render(textsafe.Line(v, vw)))
	}
}

// wrap puts untrusted text beside label, wrapped at the width, in at most
// most lines.
func (d *details) wrap(label, text string, most int) {
	vw := max(d.w-d.labelCol()-1, 4)
	lines := strings.Split(ansi.Wrap(textsafe.Line(text, most*vw), vw, " "), "\n")
	d.add(label, lines[:min(len(lines), most)]...)
}
