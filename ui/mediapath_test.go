package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/lkdash/lkdash/room"
)

var (
	udpHost = room.Path{Local: room.PathEnd{Type: "host", Protocol: "udp"}, Remote: room.PathEnd{Type: "host", Protocol: "udp"},
		RTT: 1200 * time.Microsecond}
	tcpRelay = room.Path{Local: room.PathEnd{Type: "relay", Protocol: "udp", RelayProtocol: "tcp"}, Remote: room.PathEnd{Type: "host", Protocol: "udp"},
		RTT: 48 * time.Millisecond}
)

// After the join the header shows the media path, plainly for UDP to the
// server itself; after a reconnect it is read again, and a TCP relay
// shows in the warning style. Colours are on here, to tell the styles
// apart.
func TestHeaderShowsTheMediaPath(t *testing.T) {
	prev := lipgloss.DefaultRenderer()
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.TrueColor)
	lipgloss.SetDefaultRenderer(r)
	t.Cleanup(func() { lipgloss.SetDefaultRenderer(prev) })

	b := newFetchBackend(t)
	s := newFakeSession(b.resp)
	s.setPath(udpHost)
	b.sess = s
	m := testModel(t, newClock(), b, 120, 40)
	if m.st.Warn.Render("x") == m.st.Value.Render("x") {
		t.Fatal("the warning style looks like plain text")
	}
	m, cmd := sendCmd(t, m, keyMsg("j"))
	paths := 0
	m = pumpWatch(t, m, cmd, func(m Model, msg tea.Msg) bool {
		switch msg := msg.(type) {
		case pathMsg:
			paths++
			if paths == 2 {
				return true
			}
			if h := m.header(); !strings.Contains(h, m.st.Value.Render("UDP host↔host 1.2 ms")) {
				t.Errorf("header after the join: %q", h)
			}
			s.setPath(tcpRelay)
			s.ch <- room.Reconnecting{}
		case streamMsg:
			if _, ok := msg.evs[0].(room.Reconnecting); ok {
				if strings.Contains(m.header(), "UDP") {
					t.Errorf("the old path stays while reconnecting: %q", m.header())
				}
				s.ch <- room.Reconnected{}
			}
		}
		return false
	})
	if h := m.header(); !strings.Contains(h, m.st.Warn.Render("TCP relay 48 ms")) {
		t.Errorf("header after a reconnect through a TCP relay: %q", h)
	}

	// A reading that a newer one superseded is dropped.
	stale := pathMsg{id: m.joinID, seq: m.pathSeq - 1, path: udpHost, ok: true}
	if m = send(t, m, stale); !strings.Contains(m.header(), "TCP relay") {
		t.Errorf("a stale reading replaced the path: %q", m.header())
	}
	// Media that never came back after a reconnect (a full reconnect that
	// wants a TURN server there is none of) is said, as a warning, and the
	// dashboard keeps looking: the path shows once it is back.
	m, cmd = sendCmd(t, m, pathMsg{id: m.joinID, seq: m.pathSeq})
	if h := m.header(); !strings.Contains(h, m.st.Warn.Render("no media path")) {
		t.Errorf("header with no path after a reconnect: %q", h)
	}
	if m = send(t, m, findMsg[pathMsg](t, cmd)); !strings.Contains(m.header(), "TCP relay 48 ms") {
		t.Errorf("the path did not come back: %q", m.header())
	}
	m = send(t, m, keyMsg("l"))
	if strings.Contains(m.header(), "media path") {
		t.Errorf("the path outlives the session: %q", m.header())
	}
}

// Until ICE reports a round-trip time the reading waits, then settles for
// the path without one; a path only arrives once ICE selected a pair.
func TestPathReadingWaitsForTheRoundTrip(t *testing.T) {
	s := newFakeSession(newFetchBackend(t).resp)
	noRTT := udpHost
	noRTT.RTT = 0
	s.setPath(noRTT)
	go func() {
		time.Sleep(3 * pathPoll)
		s.setPath(udpHost)
	}()
	msg := pathCmd(t.Context(), s, 1, 1)().(pathMsg)
	if !msg.ok || msg.path.RTT != udpHost.RTT {
		t.Errorf("reading = %+v, want the path once its RTT is known", msg)
	}
	if s.pathReads < 2 {
		t.Errorf("%d reads: the reading did not wait", s.pathReads)
	}
}
