package standin

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/lkdash/lkdash/devserver"
)

func register(t *testing.T, srv *devserver.Server, name string) *Worker {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	w, err := Register(ctx, Config{URL: srv.URL, APIKey: srv.APIKey, APISecret: srv.APISecret, AgentName: name})
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	t.Cleanup(func() { _ = w.Close() })
	ev := next(t, w, EventRegistered)
	if ev.WorkerID == "" || ev.WorkerID != w.ID() || ev.AgentName != name || ev.ServerVersion == "" {
		t.Fatalf("registered = %+v", ev)
	}
	return w
}

// next waits for the next event of type kind, failing on any other.
func next(t *testing.T, w *Worker, kind string) Event {
	t.Helper()
	select {
	case ev, ok := <-w.Events():
		if !ok {
			t.Fatalf("events closed waiting for %s (worker error: %v)", kind, w.Err())
		}
		if ev.Type != kind {
			t.Fatalf("got %s %+v, want %s", ev.Type, ev, kind)
		}
		return ev
	case <-time.After(30 * time.Second):
		t.Fatalf("no %s within 30s", kind)
	}
	return Event{}
}

// joinAs connects a participant whose token dispatches agents.
func joinAs(t *testing.T, srv *devserver.Server, room, identity string, agents ...string) *lksdk.Room {
	t.Helper()
	at := auth.NewAccessToken(srv.APIKey, srv.APISecret).SetIdentity(identity).
		SetVideoGrant(&auth.VideoGrant{RoomJoin: true, Room: room}).SetValidFor(time.Hour)
	for _, a := range agents {
		at.SetAgents(&livekit.RoomAgentDispatch{AgentName: a, Metadata: "meta-" + a})
	}
	tok, err := at.ToJWT()
	if err != nil {
		t.Fatal(err)
	}
	r, err := lksdk.ConnectToRoomWithToken(srv.URL, tok, lksdk.NewRoomCallback(), lksdk.WithAutoSubscribe(false))
	if err != nil {
		t.Fatalf("join %s: %v", identity, err)
	}
	t.Cleanup(r.Disconnect)
	return r
}

func roomName(t *testing.T) string { return fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano()) }

func TestStandInTakesTokenDispatchAndLeavesEmptyRoom(t *testing.T) {
	srv := shared.Server(t)
	w := register(t, srv, "helper")
	room := roomName(t)
	user := joinAs(t, srv, room, "alice", "helper")

	started := next(t, w, EventJobStarted)
	if started.Room != room || started.AgentName != "helper" || started.Metadata != "meta-helper" ||
		started.DispatchID == "" || started.JobID == "" || started.Participant != "agent-"+started.JobID {
		t.Errorf("job_started = %+v", started)
	}
	// The user sees the agent arrive as an agent participant.
	deadline := time.Now().Add(10 * time.Second)
	var agent *lksdk.RemoteParticipant
	for agent == nil && time.Now().Before(deadline) {
		agent = user.GetParticipantByIdentity(started.Participant)
		time.Sleep(20 * time.Millisecond)
	}
	if agent == nil {
		t.Fatalf("the user never saw %s", started.Participant)
	}
	if agent.Kind() != lksdk.ParticipantAgent || agent.Attributes()["lk.agent_name"] != "helper" {
		t.Errorf("agent kind %v attributes %v", agent.Kind(), agent.Attributes())
	}

	user.Disconnect()
	ended := next(t, w, EventJobEnded)
	if ended.JobID != started.JobID || ended.Reason != "room empty" {
		t.Errorf("job_ended = %+v", ended)
	}
}

func TestStandInTakesExplicitDispatch(t *testing.T) {
	srv := shared.Server(t)
	w := register(t, srv, "explicit")
	room := roomName(t)
	joinAs(t, srv, room, "bob") // no agents in the token

	client := lksdk.NewAgentDispatchServiceClient(srv.HTTPURL, srv.APIKey, srv.APISecret)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := client.CreateDispatch(ctx, &livekit.CreateAgentDispatchRequest{AgentName: "explicit", Room: room, Metadata: `{"k":1}`})
	if err != nil {
		t.Fatalf("CreateDispatch: %v", err)
	}
	started := next(t, w, EventJobStarted)
	if started.DispatchID != d.Id || started.Metadata != `{"k":1}` || started.Room != room {
		t.Errorf("job_started = %+v, dispatch %s", started, d.Id)
	}

	// Deleting the dispatch terminates the job.
	if _, err := client.DeleteDispatch(ctx, &livekit.DeleteAgentDispatchRequest{DispatchId: d.Id, Room: room}); err != nil {
		t.Fatalf("DeleteDispatch: %v", err)
	}
	ended := next(t, w, EventJobEnded)
	if ended.JobID != started.JobID || ended.Reason != "terminated by the server" {
		t.Errorf("job_ended = %+v", ended)
	}
}

func TestCloseLeavesRoomsAndDeregisters(t *testing.T) {
	srv := shared.Server(t)
	w := register(t, srv, "closer")
	room := roomName(t)
	joinAs(t, srv, room, "carol", "closer")
	started := next(t, w, EventJobStarted)

	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	ended := next(t, w, EventJobEnded)
	if ended.JobID != started.JobID || ended.Reason != "worker shutting down" {
		t.Errorf("job_ended = %+v", ended)
	}
	if _, ok := <-w.Events(); ok {
		t.Error("events still open after Close")
	}
	if w.Err() != nil {
		t.Errorf("Err after Close = %v", w.Err())
	}

	// Deregistered: a new room asking for the agent gets no job, so the
	// server's dispatch for it stays without jobs.
	room2 := roomName(t)
	joinAs(t, srv, room2, "dave", "closer")
	client := lksdk.NewAgentDispatchServiceClient(srv.HTTPURL, srv.APIKey, srv.APISecret)
	time.Sleep(time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	list, err := client.ListDispatch(ctx, &livekit.ListAgentDispatchRequest{Room: room2})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range list.GetAgentDispatches() {
		if d.GetAgentName() == "closer" && len(d.GetState().GetJobs()) > 0 {
			t.Errorf("a closed worker still got a job: %v", d)
		}
	}
}

func TestRegisterErrors(t *testing.T) {
	srv := shared.Server(t)
	ctx := context.Background()
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no secret", Config{URL: srv.URL, APIKey: "k"}, "API key and secret"},
		{"bad scheme", Config{URL: "ftp://x", APIKey: "k", APISecret: "s"}, `standin: server URL: scheme must be ws/wss/http/https, not "ftp"`},
		{"no host", Config{URL: "ws://", APIKey: "k", APISecret: "s"}, "no host"},
		{"wrong secret", Config{URL: srv.URL, APIKey: srv.APIKey, APISecret: "not-the-secret"}, "HTTP 401"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, err := Register(ctx, c.cfg)
			if err == nil {
				w.Close()
				t.Fatal("Register succeeded")
			}
			if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "not-the-secret") {
				t.Errorf("error %q, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestEventJSONStartsWithTypeAndTime(t *testing.T) {
	ev := Event{At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Type: EventJobStarted, AgentName: "a", Room: "r", JobID: "AJ_1"}
	data, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"job_started","time":"2026-01-02T03:04:05Z","agent_name":"a","room":"r","job_id":"AJ_1"}`
	if string(data) != want {
		t.Errorf("got  %s\nwant %s", data, want)
	}
}

func TestRunningListsLiveStandIns(t *testing.T) {
	srv := shared.Server(t)
	dir := t.TempDir()
	old := registryDir
	registryDir = func() (string, error) { return dir, nil }
	t.Cleanup(func() { registryDir = old })

	// A file left by a process that is gone is ignored and removed.
	stale := filepath.Join(dir, "AW_stale.json")
	if err := os.WriteFile(stale, []byte(`{"server":"127.0.0.1:1","agent_name":"ghost","pid":2147483647}`), 0o600); err != nil {
		t.Fatal(err)
	}
	w := register(t, srv, "Helper")
	register(t, srv, "other")
	if got := Running(srv.HTTPURL); !slices.Equal(got, []string{"Helper", "other"}) {
		t.Errorf("Running = %v", got)
	}
	if got := Running("ws://127.0.0.1:1"); len(got) != 0 {
		t.Errorf("Running on another server = %v", got)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale registry file kept: %v", err)
	}
	w.Close()
	if got := Running(srv.URL); !slices.Equal(got, []string{"other"}) {
		t.Errorf("after Close, Running = %v", got)
	}
}
