package ui

import (
	"context"
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/room"
)

func (m Model) startJoin() (Model, tea.Cmd) {
	if !m.src.Ready() || m.join != notJoined {
		return m, nil
	}
	m.join = joining
	m.joinID++
	m.watch.gen++ // a room left earlier is no longer followed
	ctx, cancel := context.WithCancel(m.ctx)
	m.joinCancel = cancel
	req := JoinRequest{Spec: m.src.Spec(), Options: m.src.Options(), Caching: m.src.Caching(), AutoSubscribe: m.media.autoSub,
		Topics: append(slices.Clone(m.cfg.Topics), m.topics...), RPCEcho: m.cfg.RPCEcho}
	m.bringForward(pEvents)
	m.note(entryProgress, "join", "joining…")
	m.setStatus("joining…", false)
	return m, joinCmd(ctx, m.cfg.Backend, req, m.joinID)
}

// onJoinStarted follows the session Backend.Join started; its events say
// how the join goes (see onConnected, joinFailed).
func (m Model) onJoinStarted(msg joinStartedMsg) (Model, tea.Cmd) {
	if msg.id != m.joinID || m.join != joining || m.quitting {
		if msg.sess != nil { // a join nobody waits for any more
			return m, leaveCmd(msg.sess)
		}
		return m, nil
	}
	if msg.err != nil {
		return m.joinFailed(msg.err)
	}
	m.sess = msg.sess
	return m, waitEvent(msg.sess, msg.id)
}

// joinFailed shows why the join did not happen.
func (m Model) joinFailed(err error) (Model, tea.Cmd) {
	m.log.Info("join failed", "err", err)
	m.join, m.sess = notJoined, nil
	m.note(entryError, "join_failed", err.Error())
	m.setStatus("join failed", true)
	return m, m.send(pToken, tokenFailedMsg{"join", err})
}

// onConnected shows the joined token and starts what follows a join.
func (m Model) onConnected(c room.Connected) (Model, tea.Cmd) {
	m.join = joined
	m.roomName, m.localIdentity = c.Room, c.Local.Identity
	resp := m.sess.Response()
	check, _ := m.signerKeys().For(c.Token, resp.ServerURL)
	shown := &shownToken{tok: c.Token, resp: resp, origin: "joined", at: m.now()}
	m.setStatus("connected to "+resp.ServerURL, false)
	_, canSend := m.sess.(DataSession)
	return m, tea.Batch(m.startTick(), m.readPath(), m.send(pToken, tokenShowMsg{shown, check}), m.broadcast(m.agentCaps()),
		m.send(pData, dataCapsMsg{send: canSend}))
}

// onStream hands the session's next events to the panels, after the
// root's own part: the join's outcome, countdown ticks, the header.
func (m Model) onStream(msg streamMsg) (Model, tea.Cmd) {
	if msg.id != m.joinID || m.sess == nil {
		return m, nil
	}
	var cmds []tea.Cmd
	for _, ev := range msg.evs {
		switch e := ev.(type) {
		case room.Connected:
			var cmd tea.Cmd
			m, cmd = m.onConnected(e)
			cmds = append(cmds, cmd)
		case room.JoinFailed:
			return m.joinFailed(e.Err) // the stream ends with it
		case room.TokenRefreshed:
			cmds = append(cmds, m.startTick())
		case room.Reconnecting:
			m.clearPath()
		case room.Reconnected:
			cmds = append(cmds, m.readPath())
		}
		m.connectionStatus(ev)
		if m.place.observe(ev) {
			cmds = append(cmds, m.send(pRoster, placeMsg{m.place.describe(m.managed.names)}))
		}
	}
	cmds = append(cmds, m.broadcast(roomEventsMsg{evs: msg.evs, dropped: m.sess.Dropped()}))
	if msg.closed {
		m.join, m.sess = notJoined, nil
		m.clearPath()
		m.media.sessionEnded()
		m.note(entryInfo, "session", "event stream ended")
		if !m.statusErr {
			m.setStatus("left the room", false)
		}
		return m, tea.Batch(append(cmds, m.broadcast(sessionOverMsg{}))...)
	}
	return m, tea.Batch(append(cmds, waitEvent(m.sess, msg.id))...)
}

func (m Model) leave() (Model, tea.Cmd) {
	if m.join == notJoined {
		return m, nil
	}
	if m.joinCancel != nil {
		m.joinCancel()
	}
	sess := m.sess
	m.join, m.sess = notJoined, nil
	m.clearPath()
	m.media.sessionEnded()
	m.joinID++ // anything still arriving from that session is stale
	m.note(entryInfo, "leave", "left the room")
	m.setStatus("left the room", false)
	left := m.broadcast(sessionOverMsg{left: m.now()})
	if sess == nil {
		return m, left
	}
	return m, tea.Batch(left, m.leaveSession(sess))
}
