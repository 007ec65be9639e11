package ui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/styles"
)

// roomPanel shows the room as the server describes it (room.RoomState):
// name, sid, creation time, who is in it, its metadata live, recording,
// the settings the server reports, and when the room closes after we
// leave; once we left, with the key pair, whether it still exists. While
// an invite is open it shows the invite instead (see inviteview.go).
type roomPanel struct {
	st   *styles.Styles
	now  func() time.Time
	clip clipboard

	state  *room.RoomState // the latest of the session; nil before the first
	live   bool            // the session that sent state is on
	after  *afterLeave     // set once we left the room
	inv    *inviteView     // the open invite, if any
	scroll int

	w, h int
}

// afterLeave is what is known of the room once we left it.
type afterLeave struct {
	at       time.Time // when we left
	ask      bool      // the server is asked whether the room still exists
	answered bool      // it answered at least once
	exists   bool      // its latest answer
	gone     time.Time // its first answer that the room is gone
	gaveUp   bool      // still listed long past its departure timeout: no more asking
	err      string
}

// roomLeftMsg tells the Room panel we left the room at at; ask says
// whether the server will be asked whether the room still exists.
type roomLeftMsg struct {
	at  time.Time
	ask bool
}

// roomAnswerMsg is the server's word on the room after we left it: gen
// ties it to that leave.
type roomAnswerMsg struct {
	gen    int
	exists bool
	at     time.Time
	err    error
	gaveUp bool // the root stops asking: still listed well past the departure timeout
}

func newRoomPanel(st *styles.Styles, now func() time.Time, clip clipboard) roomPanel {
	return roomPanel{st: st, now: now, clip: clip}
}

// SetSize sets the inner size (inside the border, or the whole body while
// the panel shows a QR code full-screen).
func (p *roomPanel) SetSize(w, h int) { p.w, p.h = w, h }

// Title implements Panel.
func (p roomPanel) Title() string {
	if p.inv != nil {
		return "Room · invite"
	}
	return "Room"
}

// Capturing implements Panel: the Room panel has no text box.
func (p roomPanel) Capturing() bool { return false }

// roomKeys are the panel's bindings.
type roomKeys struct {
	Up, Down, Reveal, Copy, Close key.Binding
}

func (p roomPanel) keys() roomKeys {
	inv := p.inv
	return roomKeys{
		Up:     on(bind("↑", "scroll up", "up"), p.scroll > 0),
		Down:   on(bind("↓", "scroll down", "down"), p.scroll < p.maxScroll()),
		Reveal: on(bind("enter", "show the invite (a credential)", "enter"), inv != nil && inv.ready() && !inv.revealed),
		Copy:   on(bind("y", "copy invite link", "y"), inv != nil && inv.revealed),
		Close:  on(bind("esc", "close invite", "esc"), inv != nil),
	}
}

// ShortHelp implements help.KeyMap.
func (p roomPanel) ShortHelp() []key.Binding {
	k := p.keys()
	return []key.Binding{k.Reveal, k.Copy, k.Close}
}

// FullHelp implements help.KeyMap.
func (p roomPanel) FullHelp() [][]key.Binding {
	k := p.keys()
	return [][]key.Binding{{k.Up, k.Down, k.Reveal, k.Copy, k.Close}}
}

// Update implements Panel.
func (p roomPanel) Update(msg tea.Msg) (roomPanel, tea.Cmd) {
	switch msg := msg.(type) {
	case roomEventsMsg:
		for _, ev := range msg.evs {
			switch e := ev.(type) {
			case room.Connected:
				p.state, p.live, p.after, p.scroll = nil, true, nil, 0
			case room.RoomState:
				if !e.Left {
					p.state = &e
				}
			}
		}
	case sessionOverMsg:
		p.live = false
	case roomLeftMsg:
		p.after = &afterLeave{at: msg.at, ask: msg.ask}
	case roomAnswerMsg:
		p.onAnswer(msg)
	case inviteOpenMsg:
		p.inv, p.scroll = &inviteView{seq: msg.seq, busy: true}, 0
	case inviteDoneMsg:
		if p.inv != nil && p.inv.seq == msg.seq {
			p.inv.done(msg)
		}
	case tea.KeyMsg:
		return p.onKey(msg)
	}
	return p, nil
}

func (p *roomPanel) onAnswer(msg roomAnswerMsg) {
	a := p.after
	if a == nil {
		return
	}
	switch {
	case msg.err != nil:
		a.err = msg.err.Error()
	case msg.gaveUp:
		a.gaveUp = true
	default:
		a.answered, a.exists, a.err = true, msg.exists, ""
		if !msg.exists && a.gone.IsZero() {
			a.gone = msg.at
		}
	}
}

func (p roomPanel) onKey(msg tea.KeyMsg) (roomPanel, tea.Cmd) {
	k := p.keys()
	switch {
	case key.Matches(msg, k.Up):
		p.scroll--
	case key.Matches(msg, k.Down):
		p.scroll++
	case key.Matches(msg, k.Reveal):
		p.inv.reveal(p.st)
		p.scroll = 0
		return p, statusCmd("invite shown: a credential on screen · y copies the link · esc closes it", false)
	case key.Matches(msg, k.Copy):
		return p, p.clip.copy("invite link", p.inv.inv.MeetURL())
	case key.Matches(msg, k.Close):
		p.inv, p.scroll = nil, 0
	}
	return p, nil
}

func (p roomPanel) maxScroll() int { return max(len(p.lines())-p.h, 0) }

// Want implements Panel: every line at width w.
func (p roomPanel) Want(w int) int {
	p.w = w
	if p.qrMode() {
		return len(p.qrScreen())
	}
	return len(p.lines())
}

// View implements Panel: exactly w×h cells.
func (p roomPanel) View() string {
	if p.w <= 0 || p.h <= 0 {
		return ""
	}
	lines := p.lines()
	if p.qrMode() {
		lines = p.qrScreen()
	} else {
		scroll := min(max(p.scroll, 0), max(len(lines)-p.h, 0))
		lines = lines[scroll:]
	}
	if len(lines) > p.h {
		lines = lines[:p.h]
	}
	for i, l := range lines {
		lines[i] = pad(ansi.Truncate(l, p.w, "…"), p.w)
	}
	for len(lines) < p.h {
		lines = append(lines, strings.Repeat(" ", p.w))
	}
	return strings.Join(lines, "\n")
}

// lines is what the panel shows, before scrolling: the invite while one
// is open, else the room.
func (p roomPanel) lines() []string {
	if p.inv != nil {
		return p.inv.lines(p.st, p.now(), p.w, false)
	}
	return p.roomLines()
}
