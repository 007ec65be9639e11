package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/room"
)

// The header shows the media path after every join and reconnect, so the
// user sees each time whether it went through TURN or over TCP.

// pathMsg is a reading of session id's media path; seq drops a reading a
// newer one superseded.
type pathMsg struct {
	id, seq int
	path    room.Path
	ok      bool
}

// How long a reading waits for the path's round-trip time once there is
// a path, how long for a path at all, and how often it looks. ICE comes
// back well within pathGiveUp after a reconnect that works (measured on
// loopback: 0.2 s after a resume); the SDK retries a rejoin whose media
// never connects about every 6 s.
const (
	pathRTTWait = 2 * time.Second
	pathGiveUp  = 5 * time.Second
	pathPoll    = 100 * time.Millisecond
)

// readPath asks for a new reading of the session's path and forgets the
// old one (a reconnect may have changed it).
func (m *Model) readPath() tea.Cmd {
	m.clearPath()
	m.pathSeq++
	if m.sess == nil {
		return nil
	}
	return pathCmd(m.ctx, m.sess, m.joinID, m.pathSeq)
}

// pathCmd reads the path off the Update goroutine. ICE has chosen a pair
// by the time a join is reported, but its round-trip time comes with the
// next answered check: wait a little for one, and settle for the path
// without it. After a reconnect ICE may still be restarting, or may never
// connect again (a full reconnect that must go through a TURN server
// there is none of): wait longer for a path, then report there is none
// (onPath keeps looking).
func pathCmd(ctx context.Context, s Session, id, seq int) tea.Cmd {
	return func() tea.Msg {
		start := time.Now()
		var found time.Time
		for {
			p, ok := s.Path()
			if ok && found.IsZero() {
				found = time.Now()
			}
			if (ok && (p.RTT > 0 || time.Since(found) >= pathRTTWait)) || (!ok && time.Since(start) >= pathGiveUp) {
				return pathMsg{id: id, seq: seq, path: p, ok: ok}
			}
			select {
			case <-ctx.Done():
				return pathMsg{id: id, seq: seq, path: p, ok: ok}
			case <-time.After(pathPoll):
			}
		}
	}
}

// onPath shows a reading. One that found no path says so and keeps
// looking, until a path turns up or a newer reading takes over.
func (m Model) onPath(msg pathMsg) (Model, tea.Cmd) {
	if msg.id != m.joinID || msg.seq != m.pathSeq || m.sess == nil {
		return m, nil
	}
	if !msg.ok {
		m.path, m.pathNone = nil, true
		if m.ctx.Err() != nil {
			return m, nil // quitting
		}
		return m, pathCmd(m.ctx, m.sess, msg.id, msg.seq)
	}
	p := msg.path
	m.path, m.pathNone = &p, false
	return m, nil
}

func (m *Model) clearPath() { m.path, m.pathNone = nil, false }

// pathLine is the header's media path: plain when media goes straight to
// the server over UDP, in the warning style through a TURN relay or over
// TCP, or when there is none; "" while it is being read.
func (m Model) pathLine() string {
	if m.join != joined {
		return ""
	}
	var text string
	st := m.st.Value
	switch {
	case m.pathNone:
		text, st = "no media path", m.st.Warn
	case m.path == nil:
		return ""
	default:
		text = m.path.String()
		if m.path.Relayed() || m.path.TCP() {
			st = m.st.Warn
		}
	}
	return m.st.Muted.Render(" · ") + st.Render(textsafe.Line(text, 40))
}
