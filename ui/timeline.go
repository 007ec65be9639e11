package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/internal/format"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/styles"
	"github.com/lkdash/lkdash/tokens"
)

// refreshCadence is how often livekit-server pushes a refreshed token to a
// connected participant, besides right after the join.
const refreshCadence = 5 * time.Minute

// Timeline glyphs: each reads without colour.
const (
	glyphValid     = '█' // the token is valid
	glyphLeeway    = '▒' // accepted only thanks to the server's leeway
	glyphArrived   = '◆' // the token arrived (fetched, or pushed by the server)
	glyphReconnect = '↻' // a reconnect presented this token and was accepted
	glyphRefused   = '✗' // a reconnect presented this token and was refused
	glyphNow       = '│'
	glyphNext      = '◇' // the next refresh the server's cadence predicts
	glyphBeyond    = '→' // the bar goes on past the right edge
)

var zoomBinding = bind("z", "zoom: lifetimes/session", "z")

// zoom is the timeline's one binding, enabled once there is a token.
func (t timeline) zoom() key.Binding { return on(zoomBinding, len(t.windows) > 0) }

// ShortHelp implements help.KeyMap.
func (t timeline) ShortHelp() []key.Binding { return []key.Binding{t.zoom()} }

// FullHelp implements help.KeyMap.
func (t timeline) FullHelp() [][]key.Binding { return [][]key.Binding{{t.zoom()}} }

// Title implements Panel.
func (t timeline) Title() string { return "Timeline" }

// Capturing implements Panel: the timeline has no text box.
func (t timeline) Capturing() bool { return false }

// reconnectMark is one reconnect attempt on the axis.
type reconnectMark struct {
	at       time.Time
	refresh  int // the presented token, as room.TokenRef.Refresh
	accepted bool
}

// timeline draws every token of a session on one time axis: each token's
// valid window and leeway, when it arrived, the reconnects that presented
// it, now, and the next refresh the server's cadence predicts. It is a
// panel: the root calls start on a join; room events arrive as roomEventsMsg.
// docs/token-lifecycle.md explains the rules the bars follow.
type timeline struct {
	st  *styles.Styles
	now func() time.Time

	w, h        int
	session     bool // zoomed on the session rather than whole lifetimes
	connectedAt time.Time
	tokens      []*tokens.Token // parallel to windows, for lifetime deltas
	windows     []room.TokenWindow
	marks       []reconnectMark
}

func newTimeline(st *styles.Styles, now func() time.Time) timeline {
	return timeline{st: st, now: now}
}

// SetSize sets the cells the view may use.
func (t *timeline) SetSize(w, h int) { t.w, t.h = w, h }

// start resets the timeline to a new session's original token.
func (t *timeline) start(original *tokens.Token, receivedAt, connectedAt time.Time) {
	t.connectedAt = connectedAt
	t.tokens = []*tokens.Token{original}
	t.windows = []room.TokenWindow{room.WindowOf(0, original, receivedAt, nil)}
	t.marks = nil
}

// observe takes the room events the timeline shows: a session starts
// with the token Connected carries.
func (t *timeline) observe(ev room.Event) {
	switch e := ev.(type) {
	case room.Connected:
		t.start(e.Token, e.At, e.At)
	case room.TokenRefreshed:
		var prev *tokens.Token
		for i := len(t.tokens) - 1; i >= 0 && prev == nil; i-- {
			prev = t.tokens[i]
		}
		t.tokens = append(t.tokens, e.Decoded)
		t.windows = append(t.windows, room.WindowOf(len(t.windows), e.Decoded, e.At, prev))
	case room.ReconnectAttempt:
		t.marks = append(t.marks, reconnectMark{at: e.At, refresh: e.Presented.Refresh, accepted: e.Accepted})
	}
}

// Update implements Panel: z zooms; room events extend the timeline.
func (t timeline) Update(msg tea.Msg) (timeline, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if key.Matches(msg, t.zoom()) {
			t.session = !t.session
		}
	case roomEventsMsg:
		for _, ev := range msg.evs {
			t.observe(ev)
		}
	}
	return t, nil
}

// labelW is the width of the row labels ("refreshed #12").
const labelW = 18

// Want implements Panel: the headline, tick labels and ruler, a row per
// token, the next refresh and the legend; or the note on an empty one.
func (t timeline) Want(w int) int {
	if len(t.windows) == 0 {
		return strings.Count(ansi.Wrap(emptyTimeline, max(w, 1), " "), "\n") + 1
	}
	return len(t.windows) + 5
}

// emptyTimeline is what the timeline says before a join.
const emptyTimeline = "No tokens yet: join a room to see each token's lifetime here. " +
	"The rules the bars follow: docs/token-lifecycle.md"

// View draws the timeline in t.w × t.h cells.
func (t timeline) View() string {
	if t.w < 30 || t.h < 4 {
		return ansi.Truncate("timeline: too small", max(t.w, 0), "…")
	}
	if len(t.windows) == 0 {
		return t.st.Muted.Render(ansi.Wrap(emptyTimeline, t.w, " "))
	}
	now := t.now()
	next := t.nextRefresh()
	ax := t.axis(now, next)
	barW := t.w - labelW

	// A short panel (the wide layout's bottom row) keeps the headline, the
	// ruler, the newest tokens and the next refresh; the tick labels and
	// the legend come back when there is room.
	roomy := t.h >= 9
	lines := []string{t.headline(now, next)}
	if roomy {
		lines = append(lines, t.st.Faint.Render(pad("", labelW))+t.st.Faint.Render(ax.labels(barW)))
	}
	lines = append(lines, t.st.Faint.Render(pad("", labelW))+ax.ruler(barW, now))
	footer := 1
	if roomy {
		footer = 2
	}
	rows := t.h - len(lines) - footer
	first := max(len(t.windows)-rows, 0)
	if first > 0 { // the "earlier tokens" line takes a token row
		first++
		lines = append(lines, t.st.Muted.Render(fmt.Sprintf("… %d earlier tokens", first)))
	}
	for i := first; i < len(t.windows); i++ {
		lines = append(lines, t.row(i, ax, barW, now))
	}
	lines = append(lines, t.nextRow(ax, barW, now, next))
	if roomy {
		lines = append(lines, t.legend())
	}
	return strings.Join(lines, "\n")
}

// headline says in words what the bars show.
func (t timeline) headline(now, next time.Time) string {
	first, last := t.windows[0].Ref.ExpiresAt, t.windows[len(t.windows)-1].Ref.ExpiresAt
	parts := []string{"now " + now.Format("15:04:05"), format.Count(len(t.windows), "token")}
	if len(t.windows) > 1 && !first.IsZero() && !last.IsZero() {
		parts = append(parts, "expiry moved "+format.Signed(last.Sub(first)))
	}
	switch {
	case next.IsZero():
	case next.Before(now):
		parts = append(parts, "refresh due since "+next.Format("15:04:05"))
	default:
		parts = append(parts, "next refresh ≈"+next.Format("15:04:05"))
	}
	if t.session {
		parts = append(parts, "zoomed")
	}
	return ansi.Truncate(t.st.Value.Render(strings.Join(parts, " · ")), t.w, "…")
}

// nextRefresh is when the server's cadence predicts the next refresh: five
// minutes after the last one it pushed (zero before the session starts).
func (t timeline) nextRefresh() time.Time {
	if len(t.windows) > 1 {
		return t.windows[len(t.windows)-1].ReceivedAt.Add(refreshCadence)
	}
	if !t.connectedAt.IsZero() {
		return t.connectedAt // the server refreshes right after the join
	}
	return time.Time{}
}

func (t timeline) row(i int, ax axis, barW int, now time.Time) string {
	w := t.windows[i]
	cells := []rune(strings.Repeat(" ", barW))
	style := t.st.Level[styles.LevelGood]
	if !w.Ref.ExpiresAt.IsZero() && !now.Before(w.Ref.ExpiresAt.Add(tokens.ServerLeeway)) {
		style = t.st.Faint
	}
	from := w.ValidFrom
	if from.IsZero() {
		from = w.ReceivedAt
	}
	to := w.Ref.ExpiresAt
	if to.IsZero() {
		to = ax.end
	}
	ax.fill(cells, from.Add(-tokens.ServerLeeway), from, glyphLeeway)
	ax.fill(cells, from, to, glyphValid)
	if !w.Ref.ExpiresAt.IsZero() {
		ax.fill(cells, to, to.Add(tokens.ServerLeeway), glyphLeeway)
	}
	if to.Add(tokens.ServerLeeway).After(ax.end) || w.Ref.ExpiresAt.IsZero() {
		cells[barW-1] = glyphBeyond
	}
	ax.put(cells, now, glyphNow)
	ax.put(cells, w.ReceivedAt, glyphArrived)
	for _, m := range t.marks {
		if m.refresh == i {
			g := glyphReconnect
			if !m.accepted {
				g = glyphRefused
			}
			ax.put(cells, m.at, g)
		}
	}
	label := w.Ref.Label()
	if w.Ref.Refresh > 0 {
		label = "refresh #" + itoa(w.Ref.Refresh)
	}
	return t.st.Label.Render(pad(label+" "+t.lifetime(w), labelW)) + style.Render(string(cells))
}

// lifetime is a row's short note: the original's whole lifetime, a
// refresh's change of the session's expiry.
func (t timeline) lifetime(w room.TokenWindow) string {
	if w.Ref.Refresh == 0 {
		if w.Ref.ExpiresAt.IsZero() || w.ValidFrom.IsZero() {
			return ""
		}
		return format.Duration(w.Ref.ExpiresAt.Sub(w.ValidFrom))
	}
	return format.Signed(w.LifetimeChange)
}

func (t timeline) nextRow(ax axis, barW int, now, next time.Time) string {
	cells := []rune(strings.Repeat(" ", barW))
	ax.put(cells, now, glyphNow)
	if !next.IsZero() {
		ax.put(cells, next, glyphNext)
	}
	return t.st.Label.Render(pad("next refresh", labelW)) + t.st.Refresh.Render(string(cells))
}

func (t timeline) legend() string {
	l := fmt.Sprintf("%c valid %c leeway %s %c arrived %c reconnect used it %c refused %c now %c next",
		glyphValid, glyphLeeway, format.Duration(tokens.ServerLeeway), glyphArrived, glyphReconnect, glyphRefused, glyphNow, glyphNext)
	return t.st.Faint.Render(ansi.Truncate(l, t.w, "…"))
}

// axis maps times to columns.
type axis struct {
	start, end time.Time
	cols       int
}

// axis picks the span: whole lifetimes (every window and its leeway, now,
// the next refresh) or, zoomed, the session (its first token's arrival to
// the next refresh).
func (t timeline) axis(now, next time.Time) axis {
	start, end := now, now
	widen := func(ts ...time.Time) {
		for _, x := range ts {
			if x.IsZero() {
				continue
			}
			if x.Before(start) {
				start = x
			}
			if x.After(end) {
				end = x
			}
		}
	}
	widen(next)
	for _, w := range t.windows {
		widen(w.ReceivedAt)
		if !t.session {
			widen(w.ValidFrom.Add(-tokens.ServerLeeway))
			if !w.Ref.ExpiresAt.IsZero() {
				widen(w.Ref.ExpiresAt.Add(tokens.ServerLeeway))
			}
		}
	}
	// A year-long token would squash the session into one column: cap the
	// span at a day past the later of now and the next refresh.
	if limit := later(now, next).Add(24 * time.Hour); end.After(limit) {
		end = limit
	}
	span := max(end.Sub(start), time.Minute)
	margin := span / 20
	return axis{start: start.Add(-margin), end: end.Add(margin), cols: t.w - labelW}
}

func (a axis) col(at time.Time) int {
	f := float64(at.Sub(a.start)) / float64(a.end.Sub(a.start))
	return int(f * float64(a.cols-1))
}

// fill sets the cells from one time to another, clipped to the axis.
func (a axis) fill(cells []rune, from, to time.Time, g rune) {
	if !to.After(from) {
		return
	}
	c0, c1 := max(a.col(from), 0), min(a.col(to), len(cells)-1)
	for c := c0; c <= c1; c++ {
		cells[c] = g
	}
}

// put marks one instant, if it is on the axis.
func (a axis) put(cells []rune, at time.Time, g rune) {
	if at.IsZero() {
		return
	}
	if c := a.col(at); c >= 0 && c < len(cells) {
		cells[c] = g
	}
}

// ticks are evenly spaced round times along the axis.
func (a axis) ticks(width int) []time.Time {
	span := a.end.Sub(a.start)
	n := max(width/12, 1) // a label is up to 8 cells plus a gap
	step := time.Second
	for _, s := range []time.Duration{5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second, time.Minute,
		2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour,
		2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour} {
		step = s
		if span/s <= time.Duration(n) {
			break
		}
	}
	var out []time.Time
	for at := a.start.Truncate(step).Add(step); at.Before(a.end); at = at.Add(step) {
		out = append(out, at)
	}
	return out
}

func (a axis) labels(width int) string {
	cells := []rune(strings.Repeat(" ", width))
	next := 0
	for _, at := range a.ticks(width) {
		text := at.Format("15:04")
		if at.Second() != 0 {
			text = at.Format("15:04:05")
		}
		c := a.col(at)
		if c < next || c+len(text) > width {
			continue
		}
		copy(cells[c:], []rune(text))
		next = c + len(text) + 1
	}
	return string(cells)
}

func (a axis) ruler(width int, now time.Time) string {
	cells := []rune(strings.Repeat("─", width))
	for _, at := range a.ticks(width) {
		a.put(cells, at, '┬')
	}
	a.put(cells, now, '┼')
	return string(cells)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
