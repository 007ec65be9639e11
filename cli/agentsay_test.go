package cli

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestAgentSaysInJoin: `lkdash agent --name helper --say hello`, dispatched
// by a `lkdash join`, shows in the join's lines as the agent's states
// (speaking, then listening again) and its transcription, attributed to it.
func TestAgentSaysInJoin(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := startServer(t, ctx)
	server := []string{"--url", srv.URL, "--api-key", srv.APIKey, "--api-secret", srv.APISecret}

	agentCtx, stopAgent := context.WithCancel(ctx)
	defer stopAgent()
	var agentOut, agentErr syncBuffer
	agentDone := make(chan int, 1)
	go func() {
		agentDone <- run(agentCtx, append([]string{"agent", "--name", "helper", "--say", "hello"}, server...),
			&streams{in: strings.NewReader(""), out: &agentOut, err: &agentErr, now: time.Now})
	}()
	for !strings.Contains(agentOut.String(), "worker_registered") {
		select {
		case code := <-agentDone:
			t.Fatalf("agent exited %d: %s", code, agentErr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}

	j := startJoin(ctx, append([]string{"join", "--room", "say", "--identity", "u", "--agent-name", "helper"}, server...)...)
	defer j.stop()
	var agent string
	var states []string
	var said map[string]any
	j.waitLine(t, 30*time.Second, func(ev map[string]any) bool {
		switch ev["type"] {
		case "agent_joined":
			agent, _ = ev["identity"].(string)
		case "agent_state":
			if ev["identity"] == agent {
				states = append(states, ev["new"].(string))
			}
		case "transcription":
			said = ev
		}
		return said != nil && len(states) > 0 && states[len(states)-1] == "listening" && strings.Contains(strings.Join(states, ","), "speaking")
	})
	j.stop()
	checkJoinLines(t, j.lines)
	if agent == "" || said["identity"] != agent || said["sender"] != agent || said["text"] != "hello" || said["final"] != true || said["track_sid"] == "" {
		t.Errorf("transcription = %v (agent %q)", said, agent)
	}
	stopAgent()
	<-agentDone
	if !strings.Contains(agentOut.String(), `"type":"said"`) {
		t.Errorf("the agent printed no said line:\n%s", agentOut.String())
	}
}
