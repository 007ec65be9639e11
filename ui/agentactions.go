package ui

import (
	"context"
	"maps"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/room"
)

// DispatchSession is a Session that can manage the room's agent dispatches
// (*room.Session is one); the Agents panel offers create and delete only
// when the joined session is one and CanManageDispatches.
type DispatchSession interface {
	Session
	CanManageDispatches() bool
	CreateDispatch(ctx context.Context, agentName, metadata string) (room.Dispatch, error)
	DeleteDispatch(ctx context.Context, dispatchID string) error
}

// StandInBackend is a Backend that can run stand-in agents: workers that
// take every job dispatched to their name and join its room. The dashboard
// offers them while the managed server is in use.
type StandInBackend interface {
	StartStandIn(ctx context.Context, req StandInRequest) (StandIn, error)
}

// StandInRequest says where to register a stand-in and under which name.
type StandInRequest struct {
	ServerURL, APIKey, APISecret string
	AgentName                    string
}

// StandIn is a running stand-in agent; Close deregisters it.
type StandIn interface{ Close() error }

// managedServer is the managed livekit-server, once it is up: node 1's
// URL and the dev key pair, and every node of a cluster.
type managedServer struct {
	url, key, secret string
	nodes            []ManagedNode
	names            nodeNames
}

// dispatchDoneMsg reports a create or delete.
type dispatchDoneMsg struct {
	what string
	err  error
}

func (m dispatchDoneMsg) status() (string, bool) {
	if m.err != nil {
		return m.err.Error(), true
	}
	return m.what, false
}

// standInDoneMsg reports a stand-in started (s set) or stopped.
type standInDoneMsg struct {
	name    string
	s       StandIn
	stopped bool
	err     error
}

// agentCaps is what the Agents panel may offer now.
func (m Model) agentCaps() agentCapsMsg {
	ds, ok := m.sess.(DispatchSession)
	_, sb := m.cfg.Backend.(StandInBackend)
	return agentCapsMsg{
		dispatch: ok && m.join == joined && ds.CanManageDispatches(),
		standIn:  sb && m.managed.url != "",
		running:  maps.Clone(m.standIns),
	}
}

// updateAgents handles the Agents panel's requests and their outcomes.
func (m Model) updateAgents(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case createDispatchMsg:
		return m, m.dispatchCmd(func(ctx context.Context, ds DispatchSession) dispatchDoneMsg {
			_, err := ds.CreateDispatch(ctx, msg.name, msg.metadata)
			return dispatchDoneMsg{what: "dispatched " + msg.name, err: err}
		})
	case deleteDispatchMsg:
		return m, m.dispatchCmd(func(ctx context.Context, ds DispatchSession) dispatchDoneMsg {
			return dispatchDoneMsg{what: "deleted dispatch " + msg.id, err: ds.DeleteDispatch(ctx, msg.id)}
		})
	case toggleStandInMsg:
		return m.toggleStandIn(msg.name)
	case standInDoneMsg:
		switch {
		case msg.err != nil:
			delete(m.standIns, msg.name)
			m.setStatus("stand-in "+msg.name+": "+msg.err.Error(), true)
		case msg.stopped:
			delete(m.standIns, msg.name)
			m.setStatus("stand-in "+msg.name+" stopped", false)
		default:
			m.standIns[msg.name] = true
			m.standInHandles[msg.name] = msg.s
			m.setStatus("stand-in "+msg.name+" registered", false)
		}
		m.note(entryInfo, "stand-in", m.status)
		return m, m.broadcast(m.agentCaps())
	}
	return m, nil
}

// dispatchCmd runs op against the session's dispatch API off the update
// loop, bounded to 10s; nil when the session has no dispatch API.
func (m Model) dispatchCmd(op func(context.Context, DispatchSession) dispatchDoneMsg) tea.Cmd {
	ds, ok := m.sess.(DispatchSession)
	if !ok {
		return nil
	}
	ctx := m.ctx
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return op(ctx, ds)
	}
}

// toggleStandIn starts a stand-in for name, or stops the running one.
func (m Model) toggleStandIn(name string) (Model, tea.Cmd) {
	if s := m.standInHandles[name]; s != nil {
		delete(m.standInHandles, name)
		return m, func() tea.Msg { return standInDoneMsg{name: name, stopped: true, err: s.Close()} }
	}
	sb, ok := m.cfg.Backend.(StandInBackend)
	if !ok || m.managed.url == "" || m.standIns[name] {
		return m, nil // not offered, or already starting
	}
	m.standIns[name] = true
	req := StandInRequest{ServerURL: m.managed.url, APIKey: m.managed.key, APISecret: m.managed.secret, AgentName: name}
	ctx := m.ctx
	return m, func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		s, err := sb.StartStandIn(ctx, req)
		return standInDoneMsg{name: name, s: s, err: err}
	}
}
