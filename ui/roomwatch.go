package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/room"
)

// RoomSession is a Session that can say, once left, whether its room
// still exists (*room.Session is one): the Room panel asks it after "l".
type RoomSession interface {
	Session
	RoomAfterLeave(ctx context.Context) (room.RoomState, error)
	// APIURLs are the deployment's API bases, the node in use first.
	APIURLs() []string
}

// RoomLookupBackend is a Backend that can ask the server's RoomService
// whether a room exists (room.LookupRoom): after we left a room we were
// the last one in, the Room panel asks until the room is gone.
type RoomLookupBackend interface {
	RoomExists(ctx context.Context, req RoomLookupRequest) (bool, error)
}

// RoomLookupRequest names a room and the key pair to ask about it with.
type RoomLookupRequest struct {
	// ServerURLs are the deployment's nodes, asked in order until one
	// answers: the node we were on first.
	ServerURLs        []string
	APIKey, APISecret string
	Name              string
	// SID, when set, must match: a room created again under the same
	// name is another room.
	SID string
}

// roomWatch is the root's part in following a room after we left it.
type roomWatch struct {
	gen   int               // the latest leave (or join, which stops the watch)
	req   RoomLookupRequest // what to ask
	until time.Time         // no more asking after this
}

// roomAfterLeaveMsg carries Session.RoomAfterLeave's answer.
type roomAfterLeaveMsg struct {
	gen int
	st  room.RoomState
	err error
	at  time.Time
}

// roomPollMsg says it is time to ask about the room again.
type roomPollMsg struct{ gen int }

const (
	// roomPollEvery is how often the server is asked: livekit-server
	// closes rooms on a one-second check, so this finds the close within
	// half a second of it.
	roomPollEvery = 500 * time.Millisecond
	// roomPollGrace is how long past its departure timeout a room is
	// still asked about before lkdash gives up.
	roomPollGrace = 30 * time.Second
)

// leaveSession leaves sess in a command; when the key pair is known and
// the session can tell, it then asks whether the room still exists. The
// Room panel learns which.
func (m *Model) leaveSession(sess Session) tea.Cmd {
	m.watch.gen++
	rs, ok := sess.(RoomSession)
	spec := m.src.Spec()
	ask := ok && spec.APIKey != "" && spec.APISecret != ""
	m.send(pRoom, roomLeftMsg{at: m.now(), ask: ask})
	if !ask {
		return leaveCmd(sess)
	}
	m.watch.req = RoomLookupRequest{ServerURLs: rs.APIURLs(), APIKey: spec.APIKey, APISecret: spec.APISecret}
	gen, ctx, now := m.watch.gen, m.ctx, m.now
	return func() tea.Msg {
		rs.Leave()
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		st, err := rs.RoomAfterLeave(ctx)
		return roomAfterLeaveMsg{gen: gen, st: st, err: err, at: now()}
	}
}

// onRoomAfterLeave passes the first answer on and, when we were the last
// one in a room that still exists, keeps asking until it is gone.
func (m Model) onRoomAfterLeave(msg roomAfterLeaveMsg) (Model, tea.Cmd) {
	if msg.gen != m.watch.gen {
		return m, nil
	}
	exists := msg.st.Exists != nil && *msg.st.Exists
	cmd := m.send(pRoom, roomAnswerMsg{gen: msg.gen, exists: exists, at: msg.at, err: msg.err})
	closes := msg.st.ClosesAfterLeaveSeconds
	if _, ok := m.cfg.Backend.(RoomLookupBackend); !ok || msg.err != nil || !exists || closes == nil {
		return m, cmd
	}
	m.watch.req.Name, m.watch.req.SID = msg.st.Name, msg.st.SID
	m.watch.until = msg.at.Add(time.Duration(*closes)*time.Second + roomPollGrace)
	return m, tea.Batch(cmd, roomPollCmd(msg.gen))
}

func roomPollCmd(gen int) tea.Cmd {
	return tea.Tick(roomPollEvery, func(time.Time) tea.Msg { return roomPollMsg{gen: gen} })
}

// onRoomPoll asks the server about the room, off the update loop.
func (m Model) onRoomPoll(msg roomPollMsg) (Model, tea.Cmd) {
	lb, ok := m.cfg.Backend.(RoomLookupBackend)
	if !ok || msg.gen != m.watch.gen {
		return m, nil
	}
	req, ctx, now := m.watch.req, m.ctx, m.now
	return m, func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		exists, err := lb.RoomExists(ctx, req)
		return roomAnswerMsg{gen: msg.gen, exists: exists, at: now(), err: err}
	}
}

// onRoomAnswer passes a poll's answer on, and asks again while the room
// exists, up to the grace past its departure timeout.
func (m Model) onRoomAnswer(msg roomAnswerMsg) (Model, tea.Cmd) {
	if msg.gen != m.watch.gen {
		return m, nil
	}
	cmd := m.send(pRoom, msg)
	switch {
	case msg.err != nil || !msg.exists:
		return m, cmd
	case !msg.at.Before(m.watch.until):
		return m, tea.Batch(cmd, m.send(pRoom, roomAnswerMsg{gen: msg.gen, gaveUp: true}))
	}
	return m, tea.Batch(cmd, roomPollCmd(msg.gen))
}
