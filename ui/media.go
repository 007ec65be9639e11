package ui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/internal/format"
	"github.com/lkdash/lkdash/room"
)

// mediaState is what we publish and whether we subscribe. autoSub is also
// the choice for the next join.
type mediaState struct {
	demo    bool // the demo tracks are published
	autoSub bool
	busy    bool // a publish/subscribe change is on its way
}

// sessionEnded forgets the session's publications; the choice to
// auto-subscribe stays for the next join.
func (s *mediaState) sessionEnded() {
	s.demo, s.busy = false, false
}

// mediaDoneMsg reports a finished PublishDemo, UnpublishDemo or
// SetAutoSubscribe of session id.
type mediaDoneMsg struct {
	id     int
	what   string // "demo" or "auto-subscribe"
	on     bool
	err    error
	tracks []room.Track // what PublishDemo published, even when it also failed
}

// toggleDemo publishes or unpublishes the demo; the SDK call blocks until
// the server answers, so it runs in a command.
func (m Model) toggleDemo() (Model, tea.Cmd) {
	if m.join != joined || m.sess == nil || m.media.busy {
		return m, nil
	}
	sess, id, on := m.sess, m.joinID, !m.media.demo
	m.media.busy = true
	if on {
		m.setStatus("publishing the demo…", false)
	} else {
		m.setStatus("unpublishing the demo…", false)
	}
	return m, func() tea.Msg {
		msg := mediaDoneMsg{id: id, what: "demo", on: on}
		if on {
			msg.tracks, msg.err = sess.PublishDemo()
		} else {
			msg.err = sess.UnpublishDemo()
		}
		return msg
	}
}

// toggleAutoSubscribe flips the choice; in a room it also (un)subscribes
// what is already published.
func (m Model) toggleAutoSubscribe() (Model, tea.Cmd) {
	if m.media.busy {
		return m, nil
	}
	on := !m.media.autoSub
	if m.join != joined || m.sess == nil {
		m.media.autoSub = on
		m.setStatus("auto-subscribe "+onOff(on)+" for the next join", false)
		return m, nil
	}
	sess, id := m.sess, m.joinID
	m.media.busy = true
	return m, func() tea.Msg {
		return mediaDoneMsg{id: id, what: "auto-subscribe", on: on, err: sess.SetAutoSubscribe(on)}
	}
}

func (m Model) onMediaDone(msg mediaDoneMsg) (Model, tea.Cmd) {
	if msg.id != m.joinID {
		return m, nil // from a session that is gone
	}
	m.media.busy = false
	if msg.err != nil && len(msg.tracks) > 0 {
		// The server refused part of the demo: what it accepted is on, so
		// p takes it down; the roster's chain says why the rest was refused.
		m.media.demo = true
		m.setStatus("published only "+trackNames(msg.tracks)+"; "+msg.err.Error(), true)
		return m, nil
	}
	if msg.err != nil {
		m.setStatus(msg.what+" failed: "+msg.err.Error(), true)
		return m, nil
	}
	switch msg.what {
	case "demo":
		m.media.demo = msg.on
		if msg.on {
			m.setStatus("publishing the demo ("+format.Count(len(msg.tracks), "track")+"); p to stop", false)
		} else {
			m.setStatus("demo unpublished", false)
		}
	case "auto-subscribe":
		m.media.autoSub = msg.on
		m.setStatus("auto-subscribe "+onOff(msg.on)+"; receive figures show in the roster", false)
	}
	return m, nil
}

// trackNames lists tracks by name: "demo-tone", "demo-video, demo-tone".
func trackNames(tracks []room.Track) string {
	names := make([]string, len(tracks))
	for i, t := range tracks {
		names[i] = t.Name
	}
	return strings.Join(names, ", ")
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
