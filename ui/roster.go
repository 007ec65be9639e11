package ui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/table"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/internal/format"
	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/styles"
)

// historyMax bounds the events kept per participant for the details view.
const historyMax = 50

// rosterPanel lists the room's participants in a bubbles table (which
// renders only the rows around the cursor, so 500 participants cost what
// 20 do), filters them with "/", and shows one participant's details on
// enter. Its state is a room.Roster fed with the session's events.
type rosterPanel struct {
	st  *styles.Styles
	now func() time.Time

	people *room.Roster
	// history is each participant's events, oldest first, kept as events:
	// they are formatted only when their details are shown.
	history map[string][]room.Event
	recv    map[string]room.TrackStats // track SID → latest receive figures, while subscribed
	chains  chainBook                  // each track's latest chain
	// said is each participant's latest transcription: what they said.
	said map[string]room.Transcription

	table  table.Model
	ids    []string // identity of each table row (the filter's matches)
	filter string
	input  textinput.Model
	typing bool

	// local is our identity and where our node and address, described
	// (see placement), for our row's details and the status line.
	local, where string
	names        nodeNames // the managed cluster's nodes

	// detail is the identity whose details are shown ("" = the table);
	// gone keeps them on screen, with why, after they left.
	detail string
	gone   *goneMember
	scroll int

	w, h int
}

// goneMember is a participant who left while their details were shown.
type goneMember struct {
	member room.Member
	reason string
}

func newRosterPanel(st *styles.Styles, now func() time.Time) rosterPanel {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "identity or name"
	in.CharLimit = 100
	in.Cursor.SetMode(cursor.CursorStatic)
	t := table.New(table.WithStyles(table.Styles{
		Header:   st.Label.Bold(true).PaddingRight(1),
		Cell:     lipgloss.NewStyle().PaddingRight(1),
		Selected: st.Cursor,
	}))
	return rosterPanel{st: st, now: now, people: room.NewRoster(), history: map[string][]room.Event{},
		recv: map[string]room.TrackStats{}, chains: chainBook{}, said: map[string]room.Transcription{}, table: t, input: in}
}

// SetSize sets the inner size (inside the border).
func (r *rosterPanel) SetSize(w, h int) {
	r.w, r.h = w, h
	r.input.Width = max(w-2, 1)
	r.table.SetWidth(w)
	r.table.SetHeight(max(h-1, 2)) // the status line takes one
	// The rows are built for the old columns: drop them first, since the
	// table renders its rows when the columns change and a row longer than
	// the columns panics.
	r.table.SetRows(nil)
	r.table.SetColumns(rosterColumns(w))
	r.rebuild()
}

// Column titles; the row builder fills cells by title, so narrow panels
// can leave columns out.
const (
	colMark, colIdentity, colName, colKind = " ", "Identity", "Name", "Kind"
	colSince, colTracks, colQuality        = "Since", "Tracks", "Q"
)

// kindWidth fits every kind and an agent's state ("listening").
const kindWidth = 9

// rosterColumns fits the columns to w cells: fixed ones for the speaker
// mark, kind (an agent's state in its place), join time and quality; the
// rest shared by identity, name and tracks. Below 54 cells the join time
// goes, below 44 the tracks too (both stay in the details). Each cell is
// followed by a space.
func rosterColumns(w int) []table.Column {
	since, tracks := w >= 54, w >= 44
	fixed, n := 1+kindWidth+3, 5
	if since {
		fixed, n = fixed+8, n+1
	}
	if tracks {
		n++
	}
	flex := max(w-fixed-n, 12)
	id, name := flex*4/10, flex*3/10
	if !tracks {
		id, name = flex*5/10, flex-flex*5/10
	}
	cols := []table.Column{{Title: colMark, Width: 1}, {Title: colIdentity, Width: id}, {Title: colName, Width: name}, {Title: colKind, Width: kindWidth}}
	if since {
		cols = append(cols, table.Column{Title: colSince, Width: 8})
	}
	if tracks {
		cols = append(cols, table.Column{Title: colTracks, Width: flex - id - name})
	}
	return append(cols, table.Column{Title: colQuality, Width: 3})
}

// rosterKeys are the roster's bindings.
type rosterKeys struct {
	navKeys
	Filter, ClearFilter, KeepFilter, Details, Back key.Binding
}

func (r rosterPanel) keys() rosterKeys {
	table, detail := r.detail == "" && !r.typing, r.detail != ""
	k := rosterKeys{
		navKeys:     newNavKeys("first", "last"),
		Filter:      on(bind("/", "filter", "/"), table),
		ClearFilter: on(bind("esc", "clear filter", "esc"), r.typing || (table && r.filter != "")),
		KeepFilter:  on(bind("enter", "keep filter", "enter"), r.typing),
		Details:     on(bind("enter", "details", "enter"), table && len(r.ids) > 0),
		Back:        on(bind("esc", "back", "esc"), detail),
	}
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Top, &k.Bottom} {
		b.SetEnabled(!r.typing)
	}
	return k
}

// ShortHelp implements help.KeyMap.
func (r rosterPanel) ShortHelp() []key.Binding {
	k := r.keys()
	return []key.Binding{k.Details, k.Back, k.Filter, k.KeepFilter, k.ClearFilter}
}

// FullHelp implements help.KeyMap.
func (r rosterPanel) FullHelp() [][]key.Binding {
	k := r.keys()
	return [][]key.Binding{k.list(), {k.Details, k.Back, k.Filter, k.KeepFilter, k.ClearFilter}}
}

// Title implements Panel: the count, and the matches while filtering.
func (r rosterPanel) Title() string {
	n := itoa(r.people.Len())
	if r.filter != "" {
		return "Roster (" + itoa(len(r.ids)) + "/" + n + ")"
	}
	return "Roster (" + n + ")"
}

// Capturing reports whether the filter input has the keyboard.
func (r rosterPanel) Capturing() bool { return r.typing }

// Update follows the session's events and handles keys while focused.
func (r rosterPanel) Update(msg tea.Msg) (rosterPanel, tea.Cmd) {
	switch msg := msg.(type) {
	case roomEventsMsg:
		changed := false
		for _, ev := range msg.evs {
			changed = r.onEvent(ev) || changed
		}
		if changed {
			r.rebuild()
		}
	case placeMsg:
		r.where = msg.where
	case clusterMsg:
		r.names = msg.names
	case sessionOverMsg:
		r.local, r.where = "", ""
		r.people.Reset()
		clear(r.history)
		clear(r.recv)
		clear(r.chains)
		clear(r.said)
		r.rebuild()
	case tea.KeyMsg:
		return r.onKey(msg)
	}
	return r, nil
}

// onEvent applies one event and reports whether the rows need rebuilding.
func (r *rosterPanel) onEvent(ev room.Event) bool {
	switch e := ev.(type) {
	case room.Connected:
		r.local = e.Local.Identity
		clear(r.history)
		clear(r.recv)
		clear(r.chains)
		clear(r.said)
	case room.TrackChain:
		// Shown by the details; the list marks a participant whose chain
		// broke, so the rows change only when that mark may.
		was := r.chains.alarming(e.Identity)
		r.chains.keep(e)
		return was != r.chains.alarming(e.Identity)
	case room.Transcription:
		r.said[e.Identity] = e
	case room.TrackStats:
		// Shown by the details view as it renders; the rows do not change.
		r.recv[e.Track.SID] = e
		return false
	case room.TrackUnsubscribed:
		delete(r.recv, e.Track.SID)
	case room.TrackUnpublished:
		delete(r.recv, e.Track.SID)
		delete(r.chains[e.Identity], chainID{sid: e.Track.SID})
	case room.ParticipantLeft:
		delete(r.chains, e.Participant.Identity)
	}
	r.remember(ev)
	if l, ok := ev.(room.ParticipantLeft); ok && l.Participant.Identity == r.detail && r.gone == nil {
		if m, ok := r.people.Get(r.detail); ok {
			r.gone = &goneMember{member: *m, reason: orDash(l.Reason)}
		}
	}
	changed := r.people.Apply(ev)
	if l, ok := ev.(room.ParticipantLeft); ok && l.Participant.Identity != r.detail {
		delete(r.history, l.Participant.Identity)
		delete(r.said, l.Participant.Identity)
	}
	return changed
}

// remember adds ev to the history of the participants it is about.
func (r *rosterPanel) remember(ev room.Event) {
	var ids []string
	switch e := ev.(type) {
	case room.Connected:
		ids = append(ids, e.Local.Identity)
		for _, p := range e.Participants {
			ids = append(ids, p.Identity)
		}
		for _, id := range ids {
			r.history[id] = []room.Event{e}
		}
		return
	case room.ParticipantJoined:
		ids = []string{e.Participant.Identity}
	case room.ParticipantLeft:
		ids = []string{e.Participant.Identity}
	case room.NameChanged:
		ids = []string{e.Identity}
	case room.MetadataChanged:
		ids = []string{e.Identity}
	case room.AttributesChanged:
		ids = []string{e.Identity}
	case room.KindChanged:
		ids = []string{e.Identity}
	case room.PermissionsChanged:
		ids = []string{e.Identity}
	case room.TrackPublished:
		ids = []string{e.Identity}
	case room.TrackUnpublished:
		ids = []string{e.Identity}
	case room.TrackMuted:
		ids = []string{e.Identity}
	case room.TrackUnmuted:
		ids = []string{e.Identity}
	case room.TrackUpdated:
		ids = []string{e.Identity}
	case room.TrackSubscribed:
		ids = []string{e.Identity}
	case room.TrackUnsubscribed:
		ids = []string{e.Identity}
	case room.AgentStateChanged:
		ids = []string{e.Identity}
	case room.Transcription:
		ids = []string{e.Identity}
	case room.NodeChanged, room.Failover: // where we are
		if r.local != "" {
			ids = []string{r.local}
		}
	}
	if len(ids) == 0 {
		return
	}
	for _, id := range ids {
		h := append(r.history[id], ev)
		if len(h) > historyMax {
			h = h[len(h)-historyMax:]
		}
		r.history[id] = h
	}
}

// rebuild recomputes the filter's matches and the table's rows, keeping
// the selected participant selected when it is still there.
func (r *rosterPanel) rebuild() {
	sel := r.selected()
	r.ids = r.ids[:0]
	rows := make([]table.Row, 0, r.people.Len())
	cols := r.table.Columns()
	for i := range r.people.Len() {
		m := r.people.At(i)
		if r.filter != "" && !matches(m, r.filter) {
			continue
		}
		r.ids = append(r.ids, m.Identity)
		rows = append(rows, r.row(m, cols))
	}
	cur := r.table.Cursor()
	for i, id := range r.ids {
		if id == sel {
			cur = i
			break
		}
	}
	r.table.SetRows(rows)
	r.table.SetCursor(min(max(cur, 0), max(len(rows)-1, 0)))
}

func matches(m *room.Member, filter string) bool {
	return strings.Contains(strings.ToLower(m.Identity), filter) || strings.Contains(strings.ToLower(m.Name), filter)
}

// selected is the identity under the cursor, "" when none.
func (r rosterPanel) selected() string {
	if c := r.table.Cursor(); c >= 0 && c < len(r.ids) {
		return r.ids[c]
	}
	return ""
}

// row renders one participant; untrusted strings are sanitised and cut
// to their column here.
func (r rosterPanel) row(m *room.Member, cols []table.Column) table.Row {
	row := make(table.Row, len(cols))
	for i, c := range cols {
		w := max(c.Width, 1)
		switch c.Title {
		case colMark:
			switch {
			case r.chains.alarming(m.Identity):
				row[i] = "!" // see the details: a track's chain is broken
			case m.Speaking:
				row[i] = "●"
			}
		case colIdentity:
			row[i] = textsafe.Line(m.Identity, w)
		case colName:
			name := m.Name
			if m.Local {
				name = strings.TrimSpace(name + " (you)")
			}
			row[i] = textsafe.Line(name, w)
		case colKind:
			row[i] = textsafe.Line(kindOrState(m), w)
		case colSince:
			if !m.JoinedAt.IsZero() {
				row[i] = m.JoinedAt.In(r.now().Location()).Format("15:04:05")
			}
		case colTracks:
			row[i] = textsafe.Line(trackSummary(m.Tracks), w)
		case colQuality:
			row[i] = qualityBars(m.Quality)
		}
	}
	return row
}

// kindOrState is what the Kind column shows: an agent's lk.agent.state
// (live: listening, thinking, speaking…) when it has one, else the kind.
func kindOrState(m *room.Member) string {
	if s := m.AgentState(); s != "" {
		return string(s)
	}
	return orDash(string(m.Kind))
}

// trackSummary is a compact track list: mic, cam, screen, data…; × marks
// a muted track.
func trackSummary(tracks []room.Track) string {
	short := map[string]string{"audio": "mic", "camera": "cam", "screen share": "screen", "screen share audio": "scr-audio"}
	var parts []string
	for _, t := range tracks {
		s := t.Media()
		if v, ok := short[s]; ok {
			s = v
		}
		if t.Muted {
			s += "×"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// qualityBars draws connection quality as signal bars.
func qualityBars(q string) string {
	return map[string]string{"excellent": "▂▄▆", "good": "▂▄ ", "poor": "▂  ", "lost": "✕"}[q]
}

func (r rosterPanel) onKey(msg tea.KeyMsg) (rosterPanel, tea.Cmd) {
	k := r.keys()
	if r.typing {
		switch {
		case key.Matches(msg, k.ClearFilter):
			r.typing = false
			r.input.Blur()
			r.input.SetValue("")
			r.setFilter("")
		case key.Matches(msg, k.KeepFilter):
			r.typing = false
			r.input.Blur()
		default:
			var cmd tea.Cmd
			r.input, cmd = r.input.Update(msg)
			r.setFilter(r.input.Value())
			return r, cmd
		}
		return r, nil
	}
	if r.detail != "" {
		return r.onDetailKey(msg, k), nil
	}
	page := max(r.table.Height()-1, 1)
	switch {
	case key.Matches(msg, k.Filter):
		r.typing = true
		return r, r.input.Focus()
	case key.Matches(msg, k.ClearFilter):
		r.input.SetValue("")
		r.setFilter("")
	case key.Matches(msg, k.Details):
		r.detail, r.gone, r.scroll = r.selected(), nil, 0
	case key.Matches(msg, k.Up):
		r.table.MoveUp(1)
	case key.Matches(msg, k.Down):
		r.table.MoveDown(1)
	case key.Matches(msg, k.PageUp):
		r.table.MoveUp(page)
	case key.Matches(msg, k.PageDown):
		r.table.MoveDown(page)
	case key.Matches(msg, k.Top):
		r.table.GotoTop()
	case key.Matches(msg, k.Bottom):
		r.table.GotoBottom()
	}
	return r, nil
}

func (r rosterPanel) onDetailKey(msg tea.KeyMsg, k rosterKeys) rosterPanel {
	switch {
	case key.Matches(msg, k.Back):
		if r.gone != nil {
			delete(r.history, r.detail)
		}
		r.detail, r.gone = "", nil
	case key.Matches(msg, k.Up):
		r.scroll = max(r.scroll-1, 0)
	case key.Matches(msg, k.Down):
		r.scroll++
	case key.Matches(msg, k.PageUp):
		r.scroll = max(r.scroll-r.h+1, 0)
	case key.Matches(msg, k.PageDown):
		r.scroll += r.h - 1
	case key.Matches(msg, k.Top):
		r.scroll = 0
	}
	return r
}

func (r *rosterPanel) setFilter(f string) {
	r.filter = strings.ToLower(strings.TrimSpace(f))
	r.rebuild()
}

// View renders the table and a status line, or one participant's details.
// Want implements Panel: the table's header, a row per participant and
// the status line; in the details, every line of them.
func (r rosterPanel) Want(w int) int {
	if r.detail != "" {
		r.w = w
		return len(r.detailLines())
	}
	return max(len(r.ids), 1) + 2
}

func (r rosterPanel) View() string {
	if r.w <= 0 || r.h <= 0 {
		return ""
	}
	if r.detail != "" {
		return r.detailView()
	}
	var body string
	switch {
	case r.people.Len() == 0:
		body = r.st.Faint.Render("nobody here yet — j joins the room")
	case len(r.ids) == 0:
		body = r.st.Faint.Render("no participant matches")
	default:
		body = r.table.View()
	}
	n := r.people.Len()
	legend := ""
	if r.chains.anyAlarming() {
		legend = " · ! a track's chain is broken"
	}
	you := ""
	if r.where != "" {
		you = " · you: " + r.where
	}
	status := r.st.Muted.Render(format.Count(n, "participant") + legend + you + " · enter for details")
	if r.typing || r.filter != "" {
		status = r.input.View()
	}
	lines := strings.Split(body, "\n")
	for len(lines) < r.h-1 {
		lines = append(lines, "")
	}
	lines = append(lines[:r.h-1], status)
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, r.w, "…")
	}
	return strings.Join(lines, "\n")
}
