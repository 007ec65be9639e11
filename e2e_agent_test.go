package main

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDashboardAgentEndToEnd runs the real binary in tmux on the managed
// server with --agent-name helper: it starts a stand-in for "helper" from
// the Agents panel, joins, and the Agents panel, the log and the roster
// (kind agent) show the agent joining; quitting deregisters the stand-in
// with the rest.
func TestDashboardAgentEndToEnd(t *testing.T) {
	t.Parallel()
	term := startDashboard(t, "e2e-agent", "--agent-name", "helper")

	term.waitFor("dev server ready", 3*time.Minute, "ready")
	term.keys("5") // the Agents panel: its bindings lead the help bar
	term.waitFor("the Agents panel focused, offering a stand-in", time.Minute, "ctrl+t: run a stand-in", "n new dispatch")
	term.keys("n")
	term.keys("-l", "helper")
	term.keys("C-t")
	term.waitFor("the stand-in registered", time.Minute, "stand-in helper registered")
	term.keys("Escape")

	term.keys("j")
	screen := term.waitFor("the agent joining", time.Minute, "agent joined +", "agent_joined")
	if !strings.Contains(screen, "[stand-in]") {
		t.Errorf("the Agents panel should mark the stand-in:\n%s", screen)
	}
	// The roster lists the agent participant (identity agent-AJ_…, named
	// after the agent) with kind agent.
	if !regexp.MustCompile(`agent-AJ_\S*\s+helper\s+agent\b`).MatchString(screen) {
		t.Errorf("the roster should list the agent with kind agent:\n%s", screen)
	}

	term.keys("q")
	term.waitFor("dashboard exit", 30*time.Second, "LKDASH-EXIT=0")
}
