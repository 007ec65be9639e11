package ui

import (
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/styles"
)

// errNotJoined is a send asked for outside a session that can send.
var errNotJoined = errors.New("not in a room that can send")

// dataPanel lists every message between participants that the session
// sees, in arrival order (packets, text streams whole, byte streams with
// their progress, RPC calls both ways, transcriptions, streams nobody
// handled), shows one's details on enter, and sends text, files and RPC
// calls from its form.
type dataPanel struct {
	st  *styles.Styles
	now func() time.Time

	feed    feed[dataEntry]
	streams map[string]uint64 // an incoming byte stream's id → its entry, updated as it arrives
	// unhandled counts streams on topics without a handler, by topic.
	unhandled map[string]int

	form    sendForm
	canSend bool
	seq     int                 // the last send's id
	pending map[int]sendRequest // sends under way, by id

	w, h int
}

// dataEntry is one row: a message event, or a send that failed before it
// became one.
type dataEntry struct {
	at  time.Time
	ev  room.DataEvent // nil for a failed send
	req sendRequest
	err string
}

func newDataPanel(st *styles.Styles, now func() time.Time) dataPanel {
	return dataPanel{st: st, now: now, feed: newFeed[dataEntry](), streams: map[string]uint64{}, unhandled: map[string]int{},
		form: newSendForm(), pending: map[int]sendRequest{}}
}

// SetSize sets the inner size (inside the border).
func (p *dataPanel) SetSize(w, h int) {
	p.w, p.h = w, h
	p.form.setWidth(w)
	p.resize()
}

// resize gives the list what the form and the status lines leave.
func (p *dataPanel) resize() { p.feed.setRows(p.h - len(p.headLines()) - 1) }

// Title implements Panel.
func (p dataPanel) Title() string {
	if n := p.feed.len(); n > 0 {
		return "Data (" + itoa(n) + ")"
	}
	return "Data"
}

// Capturing implements Panel: the open form has the keyboard.
func (p dataPanel) Capturing() bool { return p.form.open }

// dataKeys are the panel's bindings besides the feed's and the form's.
type dataKeys struct{ Send key.Binding }

func (p dataPanel) keys() dataKeys {
	return dataKeys{Send: on(bind("s", "send…", "s"), p.canSend && !p.form.open && !p.feed.detail)}
}

// ShortHelp implements help.KeyMap.
func (p dataPanel) ShortHelp() []key.Binding {
	k, f, fk := p.keys(), p.feed.keys(p.form.open), p.form.keys()
	return []key.Binding{fk.Send, fk.Kind, fk.Next, fk.Close, k.Send, f.Details, f.Back}
}

// FullHelp implements help.KeyMap.
func (p dataPanel) FullHelp() [][]key.Binding {
	k, f, fk := p.keys(), p.feed.keys(p.form.open), p.form.keys()
	return [][]key.Binding{f.list(), {k.Send, f.Details, f.Back}, {fk.Send, fk.Kind, fk.Next, fk.Prev, fk.Close}}
}

// Update implements Panel.
func (p dataPanel) Update(msg tea.Msg) (dataPanel, tea.Cmd) {
	switch msg := msg.(type) {
	case roomEventsMsg:
		for _, ev := range msg.evs {
			p.onEvent(ev)
		}
	case dataCapsMsg:
		p.canSend = msg.send
	case sessionOverMsg:
		p.canSend, p.form.open = false, false
		clear(p.pending)
		p.resize()
	case dataSendDoneMsg:
		req, ok := p.pending[msg.seq]
		delete(p.pending, msg.seq)
		if ok && msg.err != nil {
			p.feed.push(dataEntry{at: p.now(), req: req, err: msg.err.Error()})
		}
		p.resize()
	case tea.KeyMsg:
		return p.onKey(msg)
	}
	return p, nil
}

func (p dataPanel) onKey(msg tea.KeyMsg) (dataPanel, tea.Cmd) {
	if p.form.open {
		var req *sendRequest
		var cmd tea.Cmd
		p.form, req, cmd = p.form.update(msg)
		if req != nil {
			p.seq++
			req.seq = p.seq
			p.pending[p.seq] = *req
			r := *req
			cmd = func() tea.Msg { return dataSendMsg{req: r} }
		}
		p.resize()
		return p, cmd
	}
	if key.Matches(msg, p.keys().Send) {
		p.form = p.form.show()
		p.resize()
		return p, nil
	}
	p.feed = p.feed.onKey(msg)
	return p, nil
}

// onEvent adds a message event; a byte stream's progress updates its row.
func (p *dataPanel) onEvent(ev room.Event) {
	switch e := ev.(type) {
	case room.Connected:
		clear(p.unhandled)
		clear(p.streams)
		return
	case room.StreamUnhandled:
		p.unhandled[e.Topic] = e.Count
	case room.ByteStreamProgress:
		if s, ok := p.streams[e.StreamID]; ok && p.feed.replace(s, dataEntry{at: e.At, ev: e}) {
			return
		}
		p.streams[e.StreamID] = p.feed.push(dataEntry{at: e.At, ev: e})
		return
	case room.ByteStreamReceived:
		s, ok := p.streams[e.StreamID]
		delete(p.streams, e.StreamID)
		if ok && p.feed.replace(s, dataEntry{at: e.At, ev: e}) {
			return
		}
	}
	if d, ok := ev.(room.DataEvent); ok {
		p.feed.push(dataEntry{at: ev.Time(), ev: d})
	}
}

// unhandledTopics lists the topics nobody handles, by name.
func (p dataPanel) unhandledTopics() []string {
	var out []string
	for _, t := range slices.Sorted(maps.Keys(p.unhandled)) {
		out = append(out, t+" ×"+itoa(p.unhandled[t]))
	}
	return out
}
