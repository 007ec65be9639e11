package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Fatal("tmux is required for the end-to-end test (scripts/test.sh installs it)")
	}
	dir := t.TempDir()
	bin := buildLkdash(t, dir)
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(dir, "lkdash.log")
	socket := fmt.Sprintf("lkdash-e2e-agent-%d", os.Getpid())
	term := &terminal{t: t, tmux: tmux, socket: socket, logFile: logFile}
	cmd := fmt.Sprintf("cd %q && env -u LIVEKIT_URL -u LIVEKIT_API_KEY -u LIVEKIT_API_SECRET -u LIVEKIT_SANDBOX_ID "+
		"HOME=%q XDG_CACHE_HOME=%q TERM=xterm-256color %q --agent-name helper --log-file %q; echo LKDASH-EXIT=$?; sleep 60",
		dir, dir, cache, bin, logFile)
	term.run("new-session", "-d", "-s", "e2e", "-x", "160", "-y", "40", cmd)
	t.Cleanup(func() { _ = exec.Command(tmux, "-L", socket, "kill-server").Run() })

	term.waitFor("dev server ready", 3*time.Minute, "ready")
	term.keys("5") // the Agents panel: its bindings lead the help bar
	screen := term.waitFor("the Agents panel focused, offering a stand-in", time.Minute, "ctrl+t: run a stand-in", "n new dispatch")
	term.keys("n")
	term.keys("-l", "helper")
	term.keys("C-t")
	term.waitFor("the stand-in registered", time.Minute, "stand-in helper registered")
	term.keys("Escape")

	term.keys("j")
	screen = term.waitFor("the agent joining", time.Minute, "agent joined +", "agent_joined")
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
