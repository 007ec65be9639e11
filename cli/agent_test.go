package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var evs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		evs = append(evs, ev)
	}
	return evs
}

func firstOf(evs []map[string]any, typ string) map[string]any {
	for _, ev := range evs {
		if ev["type"] == typ {
			return ev
		}
	}
	return nil
}

// TestAgentAndJoin runs `lkdash agent --name helper` and `lkdash join
// --agent-name helper` against one real server: the join reports the
// dispatch and the agent joining, the agent prints the job, a join asking
// for "HELPER" is told about the case mismatch, and stopping the agent
// deregisters it after leaving the room.
func TestAgentAndJoin(t *testing.T) {
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", cache) // keep the livekit-server binary test.sh built
	t.Setenv("HOME", t.TempDir())     // no lk projects
	old := env
	env = func(string) string { return "" }
	t.Cleanup(func() { env = old })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := startServer(t, ctx)
	server := []string{"--url", srv.URL, "--api-key", srv.APIKey, "--api-secret", srv.APISecret}

	agentCtx, stopAgent := context.WithCancel(ctx)
	var agentOut, agentErr syncBuffer
	agentDone := make(chan int, 1)
	go func() {
		agentDone <- run(agentCtx, append([]string{"agent", "--name", "helper"}, server...),
			&streams{in: strings.NewReader(""), out: &agentOut, err: &agentErr, now: time.Now})
	}()
	for !strings.Contains(agentOut.String(), "worker_registered") {
		select {
		case code := <-agentDone:
			t.Fatalf("agent exited %d: %s", code, agentErr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}

	var out, errOut bytes.Buffer
	code := run(ctx, append([]string{"join", "--room", "agent-cli", "--identity", "u", "--agent-name", "helper", "--for", "5s"}, server...),
		&streams{in: strings.NewReader(""), out: &out, err: &errOut, now: time.Now})
	if code != 0 {
		t.Fatalf("join exited %d: %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	checkJoinLines(t, lines)
	evs := jsonLines(t, out.String())
	disp, joined := firstOf(evs, "agent_dispatch"), firstOf(evs, "agent_joined")
	if disp == nil || joined == nil || firstOf(evs, "agent_missing") != nil {
		t.Fatalf("join output lacks agent_dispatch/agent_joined:\n%s", out.String())
	}
	if d := disp["dispatch"].(map[string]any); d["agent_name"] != "helper" || d["source"] != "token" || d["state"] != "requested" {
		t.Errorf("agent_dispatch = %v", disp)
	}
	if joined["agent_name"] != "helper" || !strings.HasPrefix(joined["identity"].(string), "agent-") {
		t.Errorf("agent_joined = %v", joined)
	}

	// The room empties when join leaves: the agent leaves too.
	for !strings.Contains(agentOut.String(), "job_ended") {
		select {
		case code := <-agentDone:
			t.Fatalf("agent exited %d: %s", code, agentErr.String())
		case <-time.After(20 * time.Millisecond):
		case <-ctx.Done():
			t.Fatalf("the agent never left the emptied room:\n%s", agentOut.String())
		}
	}
	// Another process asking for "HELPER" learns that "helper" runs.
	out.Reset()
	errOut.Reset()
	code = run(ctx, append([]string{"join", "--room", "agent-cli-2", "--agent-name", "HELPER", "--agent-timeout", "1s", "--for", "3s"}, server...),
		&streams{in: strings.NewReader(""), out: &out, err: &errOut, now: time.Now})
	if code != 0 {
		t.Fatalf("second join exited %d: %s", code, errOut.String())
	}
	missing := firstOf(jsonLines(t, out.String()), "agent_missing")
	if missing == nil || !strings.Contains(fmt.Sprint(missing["causes"]), `a worker is registered as "helper": agent names are case-sensitive`) {
		t.Errorf("agent_missing = %v", missing)
	}

	stopAgent()
	if code := <-agentDone; code != 0 {
		t.Fatalf("agent exited %d after Ctrl-C: %s", code, agentErr.String())
	}
	aevs := jsonLines(t, agentOut.String())
	started, ended := firstOf(aevs, "job_started"), firstOf(aevs, "job_ended")
	if started == nil || started["room"] != "agent-cli" || started["agent_name"] != "helper" ||
		started["participant"] != joined["identity"] || started["job_id"] == "" || started["dispatch_id"] == "" {
		t.Errorf("job_started = %v", started)
	}
	if ended == nil || ended["reason"] != "room empty" {
		t.Errorf("job_ended = %v", ended)
	}
}

func TestAgentNeedsName(t *testing.T) {
	r := lkdash(t, "", nil, "agent")
	if r.code != 2 || !strings.Contains(r.err, "--name is required") {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
}

func TestAgentRefusedByServer(t *testing.T) {
	r := lkdash(t, "", nil, "agent", "--name", "x", "--url", "ws://127.0.0.1:1", "--api-key", testKey, "--api-secret", testSecret)
	if r.code != 1 || !strings.Contains(r.err, "standin: connecting to ws://127.0.0.1:1/agent") || strings.Contains(r.err, testSecret) {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
}
