package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/styles"
)

func TestAgentsPanelFollowsDispatches(t *testing.T) {
	st := styles.New(styles.DefaultTheme(), true)
	p := newAgentsPanel(&st)
	p.SetSize(100, 10)
	ev := func(p agentsPanel, e room.Event) agentsPanel {
		p, _ = p.Update(roomEventsMsg{evs: []room.Event{e}})
		return p
	}
	p = ev(p, room.AgentDispatch{Dispatch: room.Dispatch{AgentName: "helper", Origin: room.FromToken, State: room.DispatchRequested}})
	if v := p.View(); !strings.Contains(v, "▸ helper") || !strings.Contains(v, "requested") {
		t.Errorf("requested row missing:\n%s", v)
	}
	p = ev(p, room.AgentDispatch{Dispatch: room.Dispatch{ID: "AD_1", AgentName: "helper", Origin: room.FromToken, State: room.DispatchJobAssigned}})
	p = ev(p, room.AgentJoined{AgentName: "helper", Identity: "agent-AJ_1", DispatchID: "AD_1", Origin: room.FromToken, SinceJoin: 204 * time.Millisecond})
	p = ev(p, room.AgentDispatch{Dispatch: room.Dispatch{ID: "AD_1", AgentName: "helper", Origin: room.FromToken, State: room.DispatchAgentJoined, Agent: "agent-AJ_1"}})
	// A hostile name and a missing agent with its causes.
	p = ev(p, room.AgentDispatch{Dispatch: room.Dispatch{AgentName: "Evil\x1b[31m", Origin: room.FromToken, State: room.DispatchMissing}})
	p = ev(p, room.AgentMissing{AgentName: "Evil\x1b[31m", Origin: room.FromToken, Waited: 10 * time.Second, Causes: []string{"no worker\x07 registered"}})
	if len(p.rows) != 2 {
		t.Fatalf("rows = %+v", p.rows)
	}
	p, _ = p.Update(keyMsg("down"))
	v := p.View()
	for _, want := range []string{"agent joined +204ms", "agent-AJ_1", "▸ Evil", "missing", "· no worker registered"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if strings.ContainsAny(v, "\x1b\x07") {
		t.Errorf("control characters reached the view: %q", v)
	}
	for _, l := range strings.Split(v, "\n") {
		if w := len([]rune(l)); w > 100 {
			t.Errorf("line wider than the panel (%d): %q", w, l)
		}
	}
	// Without a session that manages dispatches nor a managed server, the
	// panel offers no action.
	for _, b := range p.ShortHelp() {
		if b.Enabled() {
			t.Errorf("binding %q enabled without capabilities", b.Help().Key)
		}
	}
}

// dispatchSession is a fake session that manages dispatches.
type dispatchSession struct {
	*fakeSession
	mu      sync.Mutex
	created []string
	deleted []string
}

func (s *dispatchSession) CanManageDispatches() bool { return true }
func (s *dispatchSession) CreateDispatch(_ context.Context, name, meta string) (room.Dispatch, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.created = append(s.created, name+"|"+meta)
	return room.Dispatch{ID: "AD_new", AgentName: name, Metadata: meta, Origin: room.FromAPI, State: room.DispatchRequested}, nil
}
func (s *dispatchSession) DeleteDispatch(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleted = append(s.deleted, id)
	return nil
}

// dispatchBackend hands out a dispatchSession and runs fake stand-ins.
type dispatchBackend struct {
	*fakeBackend
	ds      *dispatchSession
	mu      sync.Mutex
	started []StandInRequest
	closed  int
}

func (b *dispatchBackend) Join(ctx context.Context, req JoinRequest) (Session, error) {
	if _, err := b.fakeBackend.Join(ctx, req); err != nil {
		return nil, err
	}
	return b.ds, nil
}

func (b *dispatchBackend) StartStandIn(_ context.Context, req StandInRequest) (StandIn, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.started = append(b.started, req)
	return fakeStandIn{b}, nil
}

type fakeStandIn struct{ b *dispatchBackend }

func (s fakeStandIn) Close() error {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.closed++
	return nil
}

// runAll feeds cmd's messages back through Update, one level deep plus
// the messages those produce, skipping waits.
func runAll(t *testing.T, m Model, cmd tea.Cmd, depth int) Model {
	t.Helper()
	for _, msg := range runCmd(cmd) {
		var next tea.Cmd
		m, next = sendCmd(t, m, msg)
		if depth > 0 {
			m = runAll(t, m, next, depth-1)
		}
	}
	return m
}

func TestAgentsFormDispatchesAndRunsStandIn(t *testing.T) {
	fb := newFetchBackend(t)
	fb.sess = newFakeSession(fb.resp)
	b := &dispatchBackend{fakeBackend: fb, ds: &dispatchSession{fakeSession: fb.sess}}
	m := testModel(t, newClock(), fb, 160, 40)
	m.cfg.Backend = b
	m = send(t, m, DevServerReadyMsg{EndpointURL: "http://127.0.0.1:1", ServerURL: "ws://127.0.0.1:2", APIKey: "devkey", APISecret: "secret"})
	m = runAll(t, m, m.broadcast(m.agentCaps()), 0)
	m = send(t, m, keyMsg("5"))
	if m.focus != pAgents {
		t.Fatalf("focus %d", m.focus)
	}

	// Before joining: the form runs a stand-in, it cannot dispatch.
	m = send(t, m, keyMsg("n"), keyMsg("q"), keyMsg("a"))
	if m.quitting || !m.agents.Capturing() || m.agents.form[0].Value() != "qa" {
		t.Fatalf("typing in the form: quitting %v capturing %v value %q", m.quitting, m.agents.Capturing(), m.agents.form[0].Value())
	}
	if m.agents.keys().Submit.Enabled() {
		t.Error("enter dispatches before joining")
	}
	m, cmd := sendCmd(t, m, tea.KeyMsg{Type: tea.KeyCtrlT})
	m = runAll(t, m, cmd, 2)
	if len(b.started) != 1 || b.started[0] != (StandInRequest{ServerURL: "ws://127.0.0.1:2", APIKey: "devkey", APISecret: "secret", AgentName: "qa"}) {
		t.Fatalf("stand-ins started: %+v", b.started)
	}
	if !m.agents.caps.running["qa"] || !strings.Contains(m.agents.keys().Toggle.Help().Desc, "stop") {
		t.Errorf("the panel does not know the stand-in runs: %+v", m.agents.caps)
	}
	m = send(t, m, keyMsg("esc"))

	// Joined: enter creates a dispatch through the session.
	m = joinNow(t, m)
	m = runAll(t, m, m.broadcast(m.agentCaps()), 0)
	m = send(t, m, keyMsg("n"))
	m = send(t, m, keys("tab", "m", "1")...)
	m, cmd = sendCmd(t, m, keyMsg("enter"))
	m = runAll(t, m, cmd, 2)
	if len(b.ds.created) != 1 || b.ds.created[0] != "qa|m1" {
		t.Fatalf("dispatches created: %v", b.ds.created)
	}
	if !strings.Contains(m.status, "dispatched qa") {
		t.Errorf("status %q", m.status)
	}

	// The dispatch's row can be deleted, and its stand-in stopped.
	m = send(t, m, streamMsg{id: m.joinID, evs: []room.Event{room.AgentDispatch{Dispatch: room.Dispatch{ID: "AD_new", AgentName: "qa", Origin: room.FromAPI, State: room.DispatchRequested}}}})
	m, cmd = sendCmd(t, m, keyMsg("x"))
	m = runAll(t, m, cmd, 2)
	if len(b.ds.deleted) != 1 || b.ds.deleted[0] != "AD_new" {
		t.Errorf("deleted: %v", b.ds.deleted)
	}
	m, cmd = sendCmd(t, m, keyMsg("s"))
	m = runAll(t, m, cmd, 2)
	if b.closed != 1 || m.standIns["qa"] {
		t.Errorf("stand-in not stopped: closed %d running %v", b.closed, m.standIns)
	}
}
