package main

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDashboardDoctorEndToEnd runs the real binary in tmux on the managed
// server: after the join the header names the media path (UDP, straight
// to the server), D runs every doctor check from the dashboard, the
// checklist shows them passing (TURN skipped: the managed server hands
// out none), and enter on the WebRTC check shows the server's candidates
// and the path.
func TestDashboardDoctorEndToEnd(t *testing.T) {
	t.Parallel()
	term := startDashboard(t, "e2e-doctor")
	term.waitFor("dev server ready", 3*time.Minute, "ready")

	term.keys("j")
	screen := term.waitFor("the media path in the header", time.Minute, "· joined · node 1 (ND_", "· UDP host↔host")
	if header := strings.SplitN(screen, "\n", 2)[0]; !regexp.MustCompile(`UDP host↔host \d+(\.\d)? ms`).MatchString(header) {
		t.Errorf("the header should name the path and its round-trip time: %q", header)
	}

	term.keys("D")
	term.waitFor("the checks starting", time.Minute, "[7 Doctor]", "every check ·")
	screen = term.waitFor("the run's tally", 2*time.Minute, "skipped in")
	for _, check := range []string{"url", "signal", "webrtc", "protocol", "reconnect", "publish"} {
		if !regexp.MustCompile(`PASS\s+` + check + `\b`).MatchString(screen) {
			t.Errorf("the checklist should show %s passing:\n%s", check, screen)
		}
	}
	if !regexp.MustCompile(`SKIP\s+turn\b`).MatchString(screen) || !strings.Contains(screen, "0 failed") {
		t.Errorf("want TURN skipped and nothing failed:\n%s", screen)
	}

	term.keys("7", "Down", "Down", "Enter")
	term.waitFor("the WebRTC check's details", time.Minute, "candidates the server offers:", "path: UDP host↔host", "esc: back")

	term.keys("q")
	term.waitFor("dashboard exit", 30*time.Second, "LKDASH-EXIT=0")
}
