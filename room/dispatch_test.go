package room

import (
	"context"
	"strings"
	"testing"
	"time"

	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/internal/lktest"
	"github.com/lkdash/lkdash/standin"
	"github.com/lkdash/lkdash/tokens"
)

// standIn registers a stand-in worker for name on srv until the test ends.
func standIn(t *testing.T, srv *devserver.Server, name string) *standin.Worker {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	w, err := standin.Register(ctx, standin.Config{URL: srv.URL, APIKey: srv.APIKey, APISecret: srv.APISecret, AgentName: name})
	if err != nil {
		t.Fatalf("stand-in for %q: %v", name, err)
	}
	t.Cleanup(func() { _ = w.Close() })
	return w
}

// joinOpts joins with request options and the given config.
func joinOpts(t *testing.T, srv *devserver.Server, opts tokens.Options, cfg Config) *Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Join(ctx, mint(srv), opts, cfg)
	if err != nil {
		t.Fatalf("Join: %v", err)
	}
	t.Cleanup(s.Leave)
	return s
}

func creds(srv *devserver.Server) Config {
	return Config{APIKey: srv.APIKey, APISecret: srv.APISecret}
}

func hasCause(causes []string, part string) bool {
	for _, c := range causes {
		if strings.Contains(c, part) {
			return true
		}
	}
	return false
}

func TestTokenDispatchBringsStandIn(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	standIn(t, srv, "Helper-A")
	s := joinOpts(t, srv, tokens.Options{RoomName: roomName(t), ParticipantIdentity: "alice", AgentName: "Helper-A", AgentMetadata: "m1"}, creds(srv))

	req, _ := waitFor(t, s, func(e AgentDispatch) bool { return e.Dispatch.State == DispatchRequested })
	if req.Dispatch.Origin != FromToken || req.Dispatch.AgentName != "Helper-A" || req.Dispatch.Metadata != "m1" {
		t.Errorf("requested = %+v", req.Dispatch)
	}
	// The job shows up in the API's list before or after the agent joins,
	// whichever the poll catches first; the joined item ends up knowing it.
	joined, _ := waitFor[AgentJoined](t, s, nil)
	if joined.AgentName != "Helper-A" || joined.Origin != FromToken || !strings.HasPrefix(joined.Identity, "agent-") ||
		joined.SinceJoin <= 0 || joined.AlreadyThere {
		t.Errorf("agent_joined = %+v", joined)
	}
	t.Logf("agent joined %s after our join", joined.SinceJoin)
	final, _ := waitFor(t, s, func(e AgentDispatch) bool {
		return e.Dispatch.State == DispatchAgentJoined && e.Dispatch.ID != "" && len(e.Dispatch.Jobs) == 1
	})
	if final.Dispatch.Jobs[0].Participant != joined.Identity || final.Dispatch.Agent != joined.Identity {
		t.Errorf("dispatch = %+v", final.Dispatch)
	}
	if p := s.room.Load().GetParticipantByIdentity(joined.Identity); p == nil || p.Kind() != lksdk.ParticipantAgent {
		t.Errorf("agent participant %q is not of kind agent: %v", joined.Identity, p)
	}
	ds := s.dispatches()
	if len(ds) != 1 || ds[0].State != DispatchAgentJoined || ds[0].ID != final.Dispatch.ID {
		t.Errorf("Dispatches() = %+v", ds)
	}
}

func TestNoWorkerReportsMissingInTime(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	const timeout = 1500 * time.Millisecond
	for _, c := range []struct {
		name  string
		cfg   Config
		cause string
	}{
		{"without API access", Config{}, "no worker is registered under exactly that name"},
		{"with API access", creds(srv), "the server has the dispatch but started no job: no worker is registered"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.cfg.AgentTimeout = timeout
			s := joinOpts(t, srv, tokens.Options{RoomName: roomName(t), ParticipantIdentity: "bob", AgentName: "nobody-home"}, c.cfg)
			start := time.Now()
			m, seen := waitWithin[AgentMissing](t, s, timeout+5*time.Second, nil)
			if m.AgentName != "nobody-home" || m.Origin != FromToken || m.Waited != timeout || !hasCause(m.Causes, c.cause) ||
				!hasCause(m.Causes, "automatic dispatch covers only workers registered with an empty agent name") {
				t.Errorf("agent_missing = %+v", m)
			}
			for _, ev := range seen {
				if _, ok := ev.(AgentJoined); ok {
					t.Errorf("an agent joined: %+v", ev)
				}
			}
			t.Logf("missing reported %s after Join returned", time.Since(start))
		})
	}
}

func TestCaseMismatchIsReported(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	w := standIn(t, srv, "casey")
	cfg := creds(srv)
	cfg.AgentTimeout = 2 * time.Second
	cfg.KnownAgents = func(string) []string { return []string{w.AgentName()} }
	s := joinOpts(t, srv, tokens.Options{RoomName: roomName(t), ParticipantIdentity: "carol", AgentName: "Casey"}, cfg)
	m, _ := waitWithin[AgentMissing](t, s, 10*time.Second, nil)
	if !hasCause(m.Causes, `a worker is registered as "casey": agent names are case-sensitive`) ||
		!hasCause(m.Causes, `no worker is registered for agent name "Casey"`) {
		t.Errorf("causes = %q", m.Causes)
	}
}

func TestExplicitDispatchReachesStandIn(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	w := standIn(t, srv, "on-call")
	s := joinOpts(t, srv, tokens.Options{RoomName: roomName(t), ParticipantIdentity: "dave"}, creds(srv))
	waitFor[Connected](t, s, nil)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := s.CreateDispatch(ctx, "on-call", `{"ticket":7}`)
	if err != nil {
		t.Fatalf("CreateDispatch: %v", err)
	}
	if d.ID == "" || d.Origin != FromAPI || d.State != DispatchRequested {
		t.Errorf("created = %+v", d)
	}
	joined, _ := waitFor[AgentJoined](t, s, nil)
	if joined.DispatchID != d.ID || joined.AgentName != "on-call" || joined.Origin != FromAPI {
		t.Errorf("agent_joined = %+v, dispatch %s", joined, d.ID)
	}
	var job standin.Event
	for job.Type != standin.EventJobStarted {
		job = <-w.Events()
	}
	if job.DispatchID != d.ID || job.Metadata != `{"ticket":7}` || job.Participant != joined.Identity {
		t.Errorf("stand-in job = %+v", job)
	}

	if err := s.DeleteDispatch(ctx, d.ID); err != nil {
		t.Fatalf("DeleteDispatch: %v", err)
	}
	waitFor(t, s, func(e AgentDispatch) bool { return e.Dispatch.ID == d.ID && e.Dispatch.State == DispatchDeleted })
	waitFor(t, s, func(e ParticipantLeft) bool { return e.Participant.Identity == joined.Identity })
}

func TestDispatchMethodsNeedCredentials(t *testing.T) {
	srv := shared.Server(t)
	s := join(t, srv, "erin", Config{})
	if _, err := s.CreateDispatch(context.Background(), "x", ""); err != ErrNoAgentAPI {
		t.Errorf("CreateDispatch err = %v", err)
	}
	if err := s.DeleteDispatch(context.Background(), "AD_x"); err != ErrNoAgentAPI {
		t.Errorf("DeleteDispatch err = %v", err)
	}
	if s.CanManageDispatches() {
		t.Error("CanManageDispatches without credentials")
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "abc", 0}, {"helper", "helpr", 1}, {"agent", "agnet", 2}, {"kitten", "sitting", 3}, {"é", "e", 1}} {
		if got := editDistance(c.a, c.b); got != c.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// TestExistingRoomIgnoresTokenDispatch pins what livekit-server v1.13.5
// does with a dispatching token that joins a room already running: it
// starts no job (the worker is registered and idle) and lists no dispatch
// for the agent. lkdash says so at once, and an explicit dispatch works.
func TestExistingRoomIgnoresTokenDispatch(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	w := standIn(t, srv, "late-comer")
	room := roomName(t)
	first := joinOpts(t, srv, tokens.Options{RoomName: room, ParticipantIdentity: "first"}, Config{})
	waitFor[Connected](t, first, nil)

	s := joinOpts(t, srv, tokens.Options{RoomName: room, ParticipantIdentity: "second", AgentName: "late-comer"}, creds(srv))
	m, _ := waitWithin[AgentMissing](t, s, 5*time.Second, nil)
	if m.Waited != 0 || !hasCause(m.Causes, "the room already existed when we joined (1 participant was already in it)") {
		t.Errorf("agent_missing = %+v", m)
	}
	// The server really ignored it: no job reached the worker, and after
	// the first poll the cause says the server lists no dispatch.
	select {
	case ev := <-w.Events():
		if ev.Type != standin.EventRegistered {
			t.Fatalf("worker got %+v", ev)
		}
	case <-time.After(time.Second):
	}
	time.Sleep(2 * time.Second)
	select {
	case ev := <-w.Events():
		t.Fatalf("worker got %+v for a token dispatch into an existing room", ev)
	default:
	}
	for _, d := range s.dispatches() {
		if d.AgentName == "late-comer" && (d.State != DispatchIgnored || d.ID != "") {
			t.Errorf("dispatch = %+v", d)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := s.CreateDispatch(ctx, "late-comer", "")
	if err != nil {
		t.Fatal(err)
	}
	joined, _ := waitFor[AgentJoined](t, s, nil)
	if joined.DispatchID != d.ID {
		t.Errorf("agent_joined = %+v, want dispatch %s", joined, d.ID)
	}
}

// TestAgentAlreadyInRoom: an agent that was there before us is reported
// as joined at once, matched to the dispatch that brought it.
func TestAgentAlreadyInRoom(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	standIn(t, srv, "resident")
	room := roomName(t)
	first := joinOpts(t, srv, tokens.Options{RoomName: room, ParticipantIdentity: "host", AgentName: "resident"}, Config{})
	waitFor[AgentJoined](t, first, nil)

	s := joinOpts(t, srv, tokens.Options{RoomName: room, ParticipantIdentity: "guest"}, Config{})
	joined, _ := waitWithin[AgentJoined](t, s, 5*time.Second, nil)
	if !joined.AlreadyThere || joined.AgentName != "resident" || joined.Origin != FromAPI {
		t.Errorf("agent_joined = %+v", joined)
	}
}

func TestTokenWithoutRoomConfigIsReported(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	// A literal token minted without roomConfig, while the request asks for
	// an agent: the source ignores the request options.
	tok, err := mint(srv).Fetch(context.Background(), tokens.Options{RoomName: roomName(t), ParticipantIdentity: "frank"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Join(ctx, tokens.IgnoreOptions(tokens.Literal{ServerURL: tok.ServerURL, ParticipantToken: tok.ParticipantToken}),
		tokens.Options{AgentName: "wanted"}, Config{AgentTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Leave)
	m, _ := waitWithin[AgentMissing](t, s, 5*time.Second, nil)
	if m.Origin != FromRequest || !hasCause(m.Causes, "the token has no roomConfig") {
		t.Errorf("agent_missing = %+v", m)
	}
}

// TestAutomaticDispatch verifies what lkdash says about automatic
// dispatch: a worker registered with an empty agent name is sent every new
// room whose token asks for no agent, and none whose token names one. It
// runs on its own server, where that worker cannot wander into other
// tests' rooms.
func TestAutomaticDispatch(t *testing.T) {
	t.Parallel()
	srv := lktest.Dedicated(t)
	standIn(t, srv, "")

	plain := joinOpts(t, srv, tokens.Options{RoomName: roomName(t), ParticipantIdentity: "plain"}, creds(srv))
	joined, _ := waitFor[AgentJoined](t, plain, nil)
	if joined.AgentName != "" || joined.Origin != FromAutomatic || !strings.HasPrefix(joined.Identity, "agent-") {
		t.Errorf("agent_joined = %+v", joined)
	}

	cfg := creds(srv)
	cfg.AgentTimeout = 2 * time.Second
	named := joinOpts(t, srv, tokens.Options{RoomName: roomName(t), ParticipantIdentity: "named", AgentName: "someone"}, cfg)
	m, seen := waitWithin[AgentMissing](t, named, 10*time.Second, nil)
	if m.AgentName != "someone" || !hasCause(m.Causes, "automatic dispatch covers only workers registered with an empty agent name") {
		t.Errorf("agent_missing = %+v", m)
	}
	for _, ev := range seen {
		if j, ok := ev.(AgentJoined); ok {
			t.Errorf("the unnamed worker joined a room whose token names an agent: %+v", j)
		}
	}
}
