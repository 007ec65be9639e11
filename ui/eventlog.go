package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/styles"
)

// eventLog is the scrollable, filterable room event log, newest at the
// bottom. It renders only the rows in its window, walking back from the
// bottom, so View costs O(height) whatever the log length. (bubbles'
// viewport would need the whole log joined into one string on every change.)
type eventLog struct {
	st *styles.Styles

	entries *ring[*logEntry]
	filter  string
	matches []uint64 // sequence numbers matching filter, oldest first; unused when filter == ""
	input   textinput.Model
	typing  bool // filter input has the keyboard
	offset  int  // entries scrolled up from the newest; 0 follows new entries
	dropped int64
	story   nodeStory // words the moves between nodes and addresses

	w, h int
}

func newEventLog(st *styles.Styles) eventLog {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "type or text"
	in.CharLimit = 200
	in.Cursor.SetMode(cursor.CursorStatic)
	return eventLog{st: st, entries: newRing[*logEntry](LogCap), input: in}
}

// SetSize sets the inner size (inside the border).
func (l *eventLog) SetSize(w, h int) {
	l.w, l.h = w, h
	l.input.Width = max(w-2, 1)
}

// logKeys are the event log's bindings.
type logKeys struct {
	navKeys
	Filter, ClearFilter, Done key.Binding
}

func (l eventLog) keys() logKeys {
	k := logKeys{
		navKeys:     newNavKeys("oldest", "newest"),
		Filter:      on(bind("/", "filter", "/"), !l.typing),
		ClearFilter: on(bind("esc", "clear filter", "esc"), l.typing || l.filter != ""),
		Done:        on(bind("enter", "keep filter", "enter"), l.typing),
	}
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Top, &k.Bottom} {
		b.SetEnabled(!l.typing)
	}
	return k
}

// ShortHelp implements help.KeyMap.
func (l eventLog) ShortHelp() []key.Binding {
	k := l.keys()
	return []key.Binding{k.Filter, k.Done, k.ClearFilter}
}

// FullHelp implements help.KeyMap.
func (l eventLog) FullHelp() [][]key.Binding {
	k := l.keys()
	return [][]key.Binding{k.list(), {k.Filter, k.Done, k.ClearFilter}}
}

// Title implements Panel.
func (l eventLog) Title() string { return "Events" }

// Capturing reports whether the filter input has the keyboard.
func (l eventLog) Capturing() bool { return l.typing }

// snapshot copies the kept entries, oldest first, for a command that
// reads them off the Update goroutine (the export).
func (l eventLog) snapshot() []*logEntry { return l.entries.snapshot() }

// Len is the number of entries kept.
func (l eventLog) Len() int { return l.entries.len() }

// add appends an entry, keeping the view still when scrolled up.
func (l *eventLog) add(e *logEntry) {
	s := l.entries.push(e)
	if l.filter == "" {
		if l.offset > 0 {
			l.offset++
		}
		return
	}
	if strings.Contains(e.search, l.filter) {
		l.matches = append(l.matches, s)
		if l.offset > 0 {
			l.offset++
		}
	}
	l.trimMatches()
}

// trimMatches drops matches whose entries were evicted from the ring.
func (l *eventLog) trimMatches() {
	first, i := l.entries.first(), 0
	for i < len(l.matches) && l.matches[i] < first {
		i++
	}
	if i > 0 {
		l.matches = l.matches[i:]
		if cap(l.matches) > 2*LogCap { // let a long-lived slice shrink
			l.matches = append([]uint64(nil), l.matches...)
		}
	}
}

func (l *eventLog) setFilter(f string) {
	l.filter = strings.ToLower(strings.TrimSpace(f))
	l.matches = l.matches[:0]
	l.offset = 0
	if l.filter == "" {
		return
	}
	for s := l.entries.first(); s < l.entries.next; s++ {
		if strings.Contains(l.entries.at(s).search, l.filter) {
			l.matches = append(l.matches, s)
		}
	}
}

// count and nth address the shown entries (all, or the filter's matches).
func (l eventLog) count() int {
	if l.filter == "" {
		return l.entries.len()
	}
	return len(l.matches)
}

func (l eventLog) nth(i int) *logEntry {
	if l.filter == "" {
		return l.entries.at(l.entries.first() + uint64(i))
	}
	return l.entries.at(l.matches[i])
}

func (l *eventLog) scroll(delta int) {
	l.offset = min(max(l.offset+delta, 0), max(l.count()-1, 0))
}

// Update logs room events and handles keys while focused.
func (l eventLog) Update(msg tea.Msg) (eventLog, tea.Cmd) {
	switch msg := msg.(type) {
	case roomEventsMsg:
		l.dropped = msg.dropped
		for _, ev := range msg.evs {
			switch ev.(type) {
			case room.TrackStats: // every second per track: the roster's details show them
				continue
			case room.JoinFailed: // the root logs every failed join, with or without a session
				continue
			}
			e, ok := l.story.entry(ev)
			if !ok {
				e = eventEntry(ev)
			}
			l.story.observe(ev)
			l.add(e)
		}
	case clusterMsg:
		l.story.names = msg.names
	case noteMsg:
		l.add(msg.entry)
	case tea.KeyMsg:
		return l.onKey(msg)
	}
	return l, nil
}

// noteMsg is one of lkdash's own lines for the log (progress, errors),
// which are not room events.
type noteMsg struct{ entry *logEntry }

func (l eventLog) onKey(msg tea.KeyMsg) (eventLog, tea.Cmd) {
	k := l.keys()
	if l.typing {
		switch {
		case key.Matches(msg, k.ClearFilter):
			l.typing = false
			l.input.Blur()
			l.input.SetValue("")
			l.setFilter("")
			return l, nil
		case key.Matches(msg, k.Done):
			l.typing = false
			l.input.Blur()
			return l, nil
		}
		var cmd tea.Cmd
		l.input, cmd = l.input.Update(msg)
		l.setFilter(l.input.Value())
		return l, cmd
	}
	page := max(l.h-2, 1)
	switch {
	case key.Matches(msg, k.Filter):
		l.typing = true
		return l, l.input.Focus()
	case key.Matches(msg, k.ClearFilter):
		l.input.SetValue("")
		l.setFilter("")
	case key.Matches(msg, k.Up):
		l.scroll(1)
	case key.Matches(msg, k.Down):
		l.scroll(-1)
	case key.Matches(msg, k.PageUp):
		l.scroll(page)
	case key.Matches(msg, k.PageDown):
		l.scroll(-page)
	case key.Matches(msg, k.Top):
		l.scroll(l.count())
	case key.Matches(msg, k.Bottom):
		l.offset = 0
	}
	return l, nil
}

// View renders the visible window: a status line, then entries from the
// bottom up until the height is full.
// Want implements Panel: a line per entry (their detail lines aside) and
// the status line.
func (l eventLog) Want(int) int { return max(l.count(), 1) + 1 }

func (l eventLog) View() string {
	if l.w <= 0 || l.h <= 0 {
		return ""
	}
	status := l.st.Muted.Render(l.statusLine())
	if l.typing || l.filter != "" {
		status = l.input.View()
	}
	rows := l.h - 1
	out := make([]string, rows, rows+1)
	n := l.count()
	r := rows // fill from the bottom
	for i := n - 1 - l.offset; i >= 0 && r > 0; i-- {
		lines := l.render(l.nth(i))
		for j := len(lines) - 1; j >= 0 && r > 0; j-- {
			r--
			out[r] = lines[j]
		}
	}
	if n == 0 && rows > 0 {
		out[0] = l.st.Faint.Render("no events yet — j joins the room")
	}
	out = append(out, status)
	for i, s := range out {
		out[i] = ansi.Truncate(s, l.w, "…")
	}
	return strings.Join(out, "\n")
}

func (l eventLog) statusLine() string {
	s := itoa(l.entries.len()) + " events (max " + itoa(LogCap) + ")"
	if l.dropped > 0 {
		s += " · " + itoa(int(l.dropped)) + " dropped"
	}
	if l.offset > 0 {
		s += " · scrolled " + itoa(l.offset) + " up, end to follow"
	}
	return s
}

// render styles one entry; only called for visible entries.
func (l eventLog) render(e *logEntry) []string {
	ts := l.st.EventTime.Render(e.at.Format("15:04:05"))
	typ, text := l.st.EventType, l.st.EventText
	switch e.kind {
	case entryRefresh:
		typ, text = l.st.Refresh, l.st.Refresh
	case entryError:
		typ, text = l.st.Error, l.st.Error
	case entryProgress, entryInfo:
		typ, text = l.st.Muted, l.st.Muted
	}
	mark := " "
	if e.kind == entryRefresh {
		mark = l.st.Refresh.Render("★")
	}
	lines := []string{ts + " " + mark + typ.Render(e.typ) + " " + text.Render(e.text)}
	for _, d := range e.detail {
		lines = append(lines, "           "+l.st.RefreshDetail.Render(d))
	}
	return lines
}
