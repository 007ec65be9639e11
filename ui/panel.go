package ui

import (
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
//     sessionOverMsg: the session is over) arrive whatever the focus. Sizes
//     come through SetSize, not tea.WindowSizeMsg.
//   - View() string, exactly the size given to SetSize (the inside of its
//     box), and Title() for the box.
//   - ShortHelp/FullHelp (help.KeyMap) listing its own bindings, each
//     enabled only when it can act now; the help bar shows the focused
//     panel's bindings before the root's.
//   - Capturing(): true while a text box of the panel has the keyboard; the
//     root then hands it every key but ctrl+c, so typing "q" never quits.
//   - a pointer method SetSize(w, h int).
//
// Then give Model a field for it and add one line to panelSlots below:
// its place in the wide layout (column, row, weight) and how to reach the
// field. Layout, focus (tab, number keys), key routing, help and the
// narrow tabbed mode follow from that list. A panel that wants the root to
// do something (fetch, copy…) returns a command producing a message the
// root handles; it never reaches into the root or other panels, and the
// root only calls the panel's methods, never its fields.
type Panel[P any] interface {
	panelView
	Update(tea.Msg) (P, tea.Cmd)
}

// panelView is what the root needs to draw a panel and its help.
type panelView interface {
	help.KeyMap
	Title() string
	View() string
	Capturing() bool
}

// roomEventsMsg is the current session's next room events, in order,
// broadcast to every panel (a burst arrives as one message, so a panel
// redoes its derived state once per burst).
type roomEventsMsg struct{ evs []room.Event }

// sessionOverMsg tells every panel the session is over (left, or ended).
type sessionOverMsg struct{}

// slot places one panel: in the wide layout, panels of column 0 stack on
// the left; in column 1, rows stack and the panels of one row sit side by
// side. weight is the row's share of the column's height.
type slot struct {
	col, row, weight int
	view             func(*Model) panelView
	update           func(*Model, tea.Msg) tea.Cmd
	setSize          func(m *Model, w, h int)
}

// sizer is a panel's pointer, which sizes it in place.
type sizer[P any] interface {
	*P
	SetSize(w, h int)
}

// place binds a Model field holding a panel to a slot.
func place[P Panel[P], PP sizer[P]](col, row, weight int, field func(*Model) *P) slot {
	return slot{
		col: col, row: row, weight: weight,
		view: func(m *Model) panelView { return *field(m) },
		update: func(m *Model, msg tea.Msg) tea.Cmd {
			p, cmd := (*field(m)).Update(msg)
			*field(m) = p
			return cmd
		},
		setSize: func(m *Model, w, h int) { PP(field(m)).SetSize(w, h) },
	}
}

// panelSlots is the dashboard's panel list, in focus order.
var panelSlots = []slot{
	place(0, 0, 1, func(m *Model) *sourcePanel { return &m.src }),
	place(1, 0, 2, func(m *Model) *tokenPanel { return &m.tok }),
	place(1, 1, 2, func(m *Model) *eventLog { return &m.evs }),
	place(1, 1, 2, func(m *Model) *rosterPanel { return &m.roster }),
	place(0, 1, 1, func(m *Model) *agentsPanel { return &m.agents }),
	place(1, 2, 1, func(m *Model) *timeline { return &m.tl }),
}

var (
	_ Panel[sourcePanel] = sourcePanel{}
	_ Panel[tokenPanel]  = tokenPanel{}
	_ Panel[eventLog]    = eventLog{}
	_ Panel[rosterPanel] = rosterPanel{}
	_ Panel[agentsPanel] = agentsPanel{}
	_ Panel[timeline]    = timeline{}
)

// focused is the panel that has the keyboard.
func (m Model) focused() panelView { return panelSlots[m.focus].view(&m) }

// broadcast gives msg to every panel.
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, s := range panelSlots {
		cmds = append(cmds, s.update(m, msg))
	}
	return tea.Batch(cmds...)
}
