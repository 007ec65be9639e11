package ui

import (
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/room"
)

// Adding a panel
//
// A panel is a value type P with:
//
//   - Update(tea.Msg) (P, tea.Cmd): it returns its own type, so the root
//     never type-asserts. Keys arrive only while the panel is focused;
//     broadcast messages (roomEventsMsg: the session's next events;
//     sessionOverMsg: the session is over) arrive whatever the focus.
//     Sizes come through SetSize, not tea.WindowSizeMsg.
//   - View() string, exactly the size given to SetSize (the inside of its
//     box), and Title() for the box.
//   - Want(w int) int: how many lines it would fill at inner width w, so
//     the layout can give space to what has something to show.
//   - ShortHelp/FullHelp (help.KeyMap) listing its own bindings, each
//     enabled only when it can act now; the help bar shows the focused
//     panel's bindings before the root's.
//   - Capturing(): true while a text box of the panel has the keyboard; the
//     root then hands it every key but ctrl+c, so typing "q" never quits.
//   - a pointer method SetSize(w, h int).
//
// Then give it a panelID, a Model field and a line in panelSlots (how to
// reach the field), and put the ID in a cell of each grid in layout.go
// (where it sits, and which panels share its cell as tabs). Focus (tab,
// number keys), key routing, help, tabs and heights follow from those
// tables. A panel that wants the root to do something (fetch, copy…)
// returns a command producing a message the root handles; it never reaches
// into the root or other panels, and the root only calls the panel's
// methods, never its fields.
type Panel[P any] interface {
	panelView
	Update(tea.Msg) (P, tea.Cmd)
}

// panelView is what the root needs to draw a panel and its help.
type panelView interface {
	help.KeyMap
	Title() string
	View() string
	Want(w int) int
	Capturing() bool
}

// roomEventsMsg is the current session's next room events, in order,
// broadcast to every panel (a burst arrives as one message, so a panel
// redoes its derived state once per burst). dropped is how many events the
// session has lost so far because the dashboard fell behind.
type roomEventsMsg struct {
	evs     []room.Event
	dropped int64
}

// sessionOverMsg tells every panel the session is over: left is when the
// user left; zero when it ended by itself (its room.Disconnected came as
// an event before this).
type sessionOverMsg struct{ left time.Time }

// panelID names a panel; it is also its place in focus order and its
// number key (pSource is "1", the tenth panel "0").
type panelID int

const (
	pSource panelID = iota
	pToken
	pEvents
	pRoster
	pAgents
	pTimeline
	pDoctor
	pRoom
	pWebhooks
	pData
	numPanels
)

// key is the number key that focuses the panel, as the keyboard orders
// them: 1 to 9, then 0.
func (id panelID) key() string { return string(rune('0' + (int(id)+1)%10)) }

// panelForKey is the panel a number key focuses.
func panelForKey(r rune) (panelID, bool) {
	if r < '0' || r > '9' {
		return 0, false
	}
	id := panelID((int(r-'0') + 9) % 10)
	return id, id < numPanels
}

// slot binds a Model field holding a panel to the root's generic code.
type slot struct {
	view    func(*Model) panelView
	update  func(*Model, tea.Msg) tea.Cmd
	setSize func(m *Model, w, h int)
}

// sizer is a panel's pointer, which sizes it in place.
type sizer[P any] interface {
	*P
	SetSize(w, h int)
}

// place binds a Model field holding a panel to a slot; the type
// constraints are the compile-time check that it is a Panel.
func place[P Panel[P], PP sizer[P]](field func(*Model) *P) slot {
	return slot{
		view: func(m *Model) panelView { return *field(m) },
		update: func(m *Model, msg tea.Msg) tea.Cmd {
			p, cmd := (*field(m)).Update(msg)
			*field(m) = p
			return cmd
		},
		setSize: func(m *Model, w, h int) { PP(field(m)).SetSize(w, h) },
	}
}

// panelSlots is the dashboard's panels, by panelID.
var panelSlots = [numPanels]slot{
	pSource:   place(func(m *Model) *sourcePanel { return &m.src }),
	pToken:    place(func(m *Model) *tokenPanel { return &m.tok }),
	pEvents:   place(func(m *Model) *eventLog { return &m.evs }),
	pRoster:   place(func(m *Model) *rosterPanel { return &m.roster }),
	pAgents:   place(func(m *Model) *agentsPanel { return &m.agents }),
	pTimeline: place(func(m *Model) *timeline { return &m.tl }),
	pDoctor:   place(func(m *Model) *doctorPanel { return &m.doc }),
	pRoom:     place(func(m *Model) *roomPanel { return &m.room }),
	pWebhooks: place(func(m *Model) *webhooksPanel { return &m.hooks }),
	pData:     place(func(m *Model) *dataPanel { return &m.data }),
}

// panel is the panel id names.
func (m *Model) panel(id panelID) panelView { return panelSlots[id].view(m) }

// focused is the panel that has the keyboard.
func (m Model) focused() panelView { return m.panel(m.focus) }

// send gives msg to one panel.
func (m *Model) send(id panelID, msg tea.Msg) tea.Cmd { return panelSlots[id].update(m, msg) }

// broadcast gives msg to every panel.
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for id := range numPanels {
		cmds = append(cmds, m.send(id, msg))
	}
	return tea.Batch(cmds...)
}
