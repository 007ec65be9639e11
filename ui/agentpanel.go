package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/styles"
)

// agentsPanel shows the room's agent dispatches as the session reports them
// (requested → job assigned → agent joined, or missing with its causes),
// and lets the user create and delete dispatches and run stand-in agents
// through messages the root acts on.
type agentsPanel struct {
	st *styles.Styles

	rows []agentRow
	sel  int

	caps    agentCapsMsg
	form    [2]textinput.Model // agent name, metadata
	field   int
	editing bool

	w, h int
}

// agentRow is one dispatch and what is known of its agent.
type agentRow struct {
	d         room.Dispatch
	sinceJoin time.Duration // set once the agent joined
	already   bool          // the agent was there before us
	causes    []string      // from AgentMissing
}

// agentCapsMsg tells the panel what it may offer: dispatch management
// (joined, with an API key and secret), stand-ins (the managed server is in
// use) and which stand-ins run.
type agentCapsMsg struct {
	dispatch bool
	standIn  bool
	running  map[string]bool
}

// createDispatchMsg asks the root to create a dispatch in the room.
type createDispatchMsg struct{ name, metadata string }

// deleteDispatchMsg asks the root to delete a dispatch.
type deleteDispatchMsg struct{ id string }

// toggleStandInMsg asks the root to start or stop a stand-in for name.
type toggleStandInMsg struct{ name string }

func newAgentsPanel(st *styles.Styles) agentsPanel {
	p := agentsPanel{st: st}
	for i, ph := range []string{"agent name", "metadata (optional)"} {
		in := textinput.New()
		in.Placeholder = ph
		in.CharLimit = 256
		in.Cursor.SetMode(cursor.CursorStatic)
		p.form[i] = in
	}
	p.form[0].Prompt, p.form[1].Prompt = "name: ", "meta: "
	return p
}

// SetSize sets the inner size (inside the border).
func (p *agentsPanel) SetSize(w, h int) {
	p.w, p.h = w, h
	for i := range p.form {
		p.form[i].Width = max(w-8, 1)
	}
}

// Title implements Panel.
func (p agentsPanel) Title() string { return "Agents" }

// Capturing reports whether the dispatch form has the keyboard.
func (p agentsPanel) Capturing() bool { return p.editing }

// agentKeys are the panel's bindings.
type agentKeys struct {
	Up, Down, New, Delete, StandIn   key.Binding
	Submit, NextField, Toggle, Close key.Binding
}

func (p agentsPanel) keys() agentKeys {
	sel := p.selected()
	nav := !p.editing
	name := strings.TrimSpace(p.form[0].Value())
	standInDesc := "start stand-in"
	if sel != nil && p.caps.running[sel.d.AgentName] {
		standInDesc = "stop stand-in"
	}
	formStandIn := "start stand-in"
	if p.caps.running[name] {
		formStandIn = "stop stand-in"
	}
	return agentKeys{
		Up:        on(bind("↑", "up", "up"), nav && p.sel > 0),
		Down:      on(bind("↓", "down", "down"), nav && p.sel < len(p.rows)-1),
		New:       on(bind("n", "new dispatch", "n"), nav && (p.caps.dispatch || p.caps.standIn)),
		Delete:    on(bind("x", "delete dispatch", "x"), nav && p.caps.dispatch && sel != nil && sel.d.ID != "" && sel.d.State != room.DispatchDeleted),
		StandIn:   on(bind("s", standInDesc, "s"), nav && p.caps.standIn && sel != nil && sel.d.AgentName != ""),
		Submit:    on(bind("enter", "dispatch", "enter"), p.editing && p.caps.dispatch && name != ""),
		NextField: on(bind("tab", "next field", "tab"), p.editing),
		Toggle:    on(bind("ctrl+t", formStandIn, "ctrl+t"), p.editing && p.caps.standIn && name != ""),
		Close:     on(bind("esc", "close form", "esc"), p.editing),
	}
}

// ShortHelp implements help.KeyMap.
func (p agentsPanel) ShortHelp() []key.Binding {
	k := p.keys()
	return []key.Binding{k.New, k.Delete, k.StandIn, k.Submit, k.Toggle, k.NextField, k.Close}
}

// FullHelp implements help.KeyMap.
func (p agentsPanel) FullHelp() [][]key.Binding {
	k := p.keys()
	return [][]key.Binding{{k.Up, k.Down, k.New, k.Delete, k.StandIn}, {k.Submit, k.Toggle, k.NextField, k.Close}}
}

func (p agentsPanel) selected() *agentRow {
	if p.sel < 0 || p.sel >= len(p.rows) {
		return nil
	}
	return &p.rows[p.sel]
}

// Update implements Panel.
func (p agentsPanel) Update(msg tea.Msg) (agentsPanel, tea.Cmd) {
	switch msg := msg.(type) {
	case agentCapsMsg:
		p.caps = msg
	case roomEventsMsg:
		for _, ev := range msg.evs {
			p.onEvent(ev)
		}
	case sessionOverMsg:
		p.caps.dispatch = false
	case tea.KeyMsg:
		if p.editing {
			return p.updateForm(msg)
		}
		return p.updateKeys(msg)
	}
	return p, nil
}

func (p agentsPanel) updateKeys(msg tea.KeyMsg) (agentsPanel, tea.Cmd) {
	k := p.keys()
	switch {
	case key.Matches(msg, k.Up):
		p.sel--
	case key.Matches(msg, k.Down):
		p.sel++
	case key.Matches(msg, k.New):
		p.editing, p.field = true, 0
		p.form[1].Blur()
		return p, p.form[0].Focus()
	case key.Matches(msg, k.Delete):
		id := p.selected().d.ID
		return p, func() tea.Msg { return deleteDispatchMsg{id: id} }
	case key.Matches(msg, k.StandIn):
		name := p.selected().d.AgentName
		return p, func() tea.Msg { return toggleStandInMsg{name: name} }
	}
	return p, nil
}

func (p agentsPanel) updateForm(msg tea.KeyMsg) (agentsPanel, tea.Cmd) {
	k := p.keys()
	name := strings.TrimSpace(p.form[0].Value())
	switch {
	case key.Matches(msg, k.Close):
		p.editing = false
		p.form[0].Blur()
		p.form[1].Blur()
		return p, nil
	case key.Matches(msg, k.NextField):
		p.form[p.field].Blur()
		p.field = 1 - p.field
		return p, p.form[p.field].Focus()
	case key.Matches(msg, k.Toggle):
		return p, func() tea.Msg { return toggleStandInMsg{name: name} }
	case key.Matches(msg, k.Submit):
		meta := p.form[1].Value()
		p.editing = false
		p.form[0].Blur()
		p.form[1].Blur()
		return p, func() tea.Msg { return createDispatchMsg{name: name, metadata: meta} }
	case msg.Type == tea.KeyEnter:
		return p, nil // nothing to submit to
	}
	var cmd tea.Cmd
	p.form[p.field], cmd = p.form[p.field].Update(msg)
	return p, cmd
}

// onEvent folds an agent event into the rows.
func (p *agentsPanel) onEvent(ev room.Event) {
	switch e := ev.(type) {
	case room.Connected:
		p.rows, p.sel = nil, 0
	case room.AgentDispatch:
		r := p.row(e.Dispatch.ID, e.Dispatch.AgentName, e.Dispatch.Origin)
		r.d = e.Dispatch
	case room.AgentJoined:
		r := p.row(e.DispatchID, e.AgentName, e.Origin)
		r.sinceJoin, r.already = e.SinceJoin, e.AlreadyThere
		r.d.Agent = e.Identity
	case room.AgentMissing:
		r := p.row(e.DispatchID, e.AgentName, e.Origin)
		r.causes = e.Causes
	}
}

// row finds the row for a dispatch (by id, else by name and origin while
// the id is unknown) or appends one.
func (p *agentsPanel) row(id, name string, origin room.DispatchOrigin) *agentRow {
	for i := range p.rows {
		r := &p.rows[i]
		if id != "" && r.d.ID == id {
			return r
		}
	}
	for i := range p.rows {
		r := &p.rows[i]
		if r.d.AgentName == name && (r.d.ID == "" || id == "") && (origin == "" || r.d.Origin == origin) {
			return r
		}
	}
	p.rows = append(p.rows, agentRow{d: room.Dispatch{ID: id, AgentName: name, Origin: origin}})
	return &p.rows[len(p.rows)-1]
}

// View implements Panel: the form when open, then one line per dispatch,
// then the selected dispatch's causes or jobs.
func (p agentsPanel) View() string {
	lines := p.lines()
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, max(p.w, 0), "…")
	}
	if len(lines) > p.h {
		lines = lines[:max(p.h, 0)]
	}
	return strings.Join(lines, "\n")
}

// Want implements Panel.
func (p agentsPanel) Want(int) int { return len(p.lines()) }

func (p agentsPanel) lines() []string {
	var lines []string
	if p.editing {
		lines = append(lines, p.form[0].View(), p.form[1].View())
	}
	if len(p.rows) == 0 && !p.editing {
		lines = append(lines, p.st.Muted.Render("no agent dispatch"))
		if p.caps.standIn {
			lines = append(lines, p.st.Faint.Render("n: name an agent, ctrl+t: run a stand-in for it"))
		}
	}
	for i, r := range p.rows {
		marker := "  "
		if i == p.sel {
			marker = "▸ "
		}
		lines = append(lines, marker+p.rowLine(r))
	}
	if r := p.selected(); r != nil {
		for _, c := range r.causes {
			lines = append(lines, p.st.Faint.Render("  · "+textsafe.Line(c, entryLineMax)))
		}
	}
	return lines
}

func (p agentsPanel) rowLine(r agentRow) string {
	name := textsafe.Line(r.d.AgentName, 40)
	if name == "" {
		name = "(automatic)"
	}
	state := string(r.d.State)
	style := p.st.Value
	switch r.d.State {
	case room.DispatchAgentJoined:
		style = p.st.BadgeGood
		if r.already {
			state = "agent already here"
		} else {
			state = fmt.Sprintf("agent joined +%s", r.sinceJoin.Round(time.Millisecond))
		}
	case room.DispatchMissing, room.DispatchIgnored:
		style = p.st.BadgeBad
	case room.DispatchRequested, room.DispatchJobAssigned:
		style = p.st.BadgeWarn
	}
	line := name
	if p.caps.running[r.d.AgentName] {
		line += " " + p.st.Faint.Render("[stand-in]")
	}
	line += "  " + style.Render(textsafe.Line(state, 40)) + "  " + p.st.Muted.Render(textsafe.Line(string(r.d.Origin), 20))
	if r.d.Agent != "" {
		line += "  " + textsafe.Line(r.d.Agent, 40)
	}
	if r.d.Metadata != "" {
		line += "  " + p.st.Faint.Render(textsafe.Line(r.d.Metadata, 60))
	}
	return line
}
