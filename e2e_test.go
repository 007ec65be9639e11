package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDashboardEndToEnd runs the real binary in a real terminal (tmux) with
// nothing configured, so it starts the managed livekit-server and its own
// token endpoint, then fetches, joins, sees the server's TokenRefreshed,
// asks for a server-side refresh, watches a second participant join and
// leave in the roster, sees the managed server's webhooks verified and
// timed, bob's text and RPC call in the Data panel, switches to the
// 80-column layout, and quits with ctrl+c. Assertions read the screen.
func TestDashboardEndToEnd(t *testing.T) {
	term := startDashboard(t, "e2e")

	// The dev server may need to start (the build is cached by test.sh).
	screen := term.waitFor("dev server ready", 3*time.Minute, "ready")
	if !strings.Contains(screen, "endpoint") {
		t.Fatalf("the Endpoint source should be preselected:\n%s", screen)
	}
	serverAddr := regexp.MustCompile(`LiveKit ws://(127\.0\.0\.1:\d+) ready`).FindStringSubmatch(term.log())

	term.keys("f")
	screen = term.waitFor("fetched token", time.Minute, "VALID")
	for _, want := range []string{"SIG OK", "CACHE MISS", "expires in", "+join"} {
		if !strings.Contains(screen, want) {
			t.Errorf("token panel lacks %q:\n%s", want, screen)
		}
	}

	term.keys("j")
	screen = term.waitFor("joined with a refreshed token", time.Minute, "token_refreshed", "joined")
	if !strings.Contains(screen, "REFRESHED") {
		t.Errorf("the token panel should switch to the refreshed token:\n%s", screen)
	}

	term.keys("u")
	screen = term.waitFor("a refresh carrying the new attribute", time.Minute, "attributes_changed", "lkdash.refreshed_at")

	// The Room panel: the room's settings as the managed server reports
	// them, and an invite from its token endpoint, nothing secret shown.
	term.keys("8")
	term.waitFor("the room's settings", 30*time.Second, "[8 Room]", "departure_timeout 20 s", "empty_timeout", "RM_", "last one here")
	term.keys("i")
	invited := term.waitFor("an invite", 30*time.Second, "INVITE", "guest-", "enter shows")
	if strings.Contains(invited, "meet.livekit.io") {
		t.Errorf("the invite link is on screen before the user asked:\n%s", invited)
	}
	term.keys("Escape", "4")

	// A second participant: `lkdash join` as Bob, through the dashboard's
	// own token endpoint, into the dashboard's room.
	endpoint := regexp.MustCompile(`token endpoint (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(term.log())
	roomName := regexp.MustCompile(`room\s+(room-[A-Za-z0-9]+)`).FindStringSubmatch(screen)
	identity := regexp.MustCompile(`identity\s+(user-[A-Za-z0-9]+)`).FindStringSubmatch(screen)
	if endpoint == nil || roomName == nil || identity == nil {
		t.Fatalf("no endpoint in the log or room and identity on the screen:\n%s\n%s", screen, term.log())
	}
	// Bob says hello on lk.chat and calls the dashboard's echo method.
	var bobOut strings.Builder
	bob := exec.Command(term.bin, "join", "--endpoint", endpoint[1], "--room", roomName[1], "--identity", "bob", "--name", "Bob",
		"--send-text", "lk.chat=hello", "--rpc-call", identity[1]+":echo:ping")
	bob.Env = []string{"HOME=" + term.dir, "PATH=" + os.Getenv("PATH")}
	bob.Stdout, bob.Stderr = &bobOut, &bobOut
	if err := bob.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bob.Process.Kill() })
	screen = term.waitFor("Bob in the roster", time.Minute, "Roster (2)", "bob joined (standard)")
	if !regexp.MustCompile(`bob\s+Bob\s+standard`).MatchString(screen) {
		t.Errorf("the roster should list bob, Bob, standard:\n%s", screen)
	}
	// The managed server's webhook for bob, verified, timed after the room
	// event (it may come first: then the lag is negative).
	term.keys(panelKey(t, screen, "Webhooks"))
	term.waitMatch("bob's webhook, verified and timed", time.Minute,
		regexp.MustCompile(`✓ participant_joined bob (-|\+)[0-9.]+ m?s`))
	term.keys(panelKey(t, screen, "Data"))
	term.waitFor("bob's text and RPC call in the Data panel", time.Minute, "“hello”", "“ping”")
	term.keys(panelKey(t, screen, "Events"))
	// Bob leaves (Ctrl-C makes lkdash join leave the room).
	if err := bob.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := bob.Wait(); err != nil {
		t.Errorf("lkdash join as bob: %v\n%s", err, bobOut.String())
	}
	screen = term.waitFor("Bob gone, with why", time.Minute, "Roster (1)", "bob left: leave requested")
	if regexp.MustCompile(`bob\s+Bob\s+standard`).MatchString(screen) {
		t.Errorf("bob is still in the roster:\n%s", screen)
	}

	// 80 columns: the token on top, the other panels as tabs below it;
	// 4 shows the roster there.
	term.run("resize-window", "-t", "e2e", "-x", "80", "-y", "24")
	term.keys("4")
	term.waitFor("the roster under the token at 80 columns", 30*time.Second, "[4 Roster]", "1 participant ·", "2 Token", "expires in")

	// Ctrl+C leaves the room and exits like an interrupted shell command.
	term.keys("C-c")
	term.waitFor("dashboard exit", 30*time.Second, "LKDASH-EXIT=130")

	if serverAddr != nil {
		if c, err := net.DialTimeout("tcp", serverAddr[1], time.Second); err == nil {
			c.Close()
			t.Errorf("the managed livekit-server on %s is still running after quit", serverAddr[1])
		}
	} else {
		t.Errorf("the log does not name the managed server's address:\n%s", term.log())
	}
}

// buildLkdash builds the real binary into dir.
func buildLkdash(tb testing.TB, dir string) string {
	tb.Helper()
	bin := filepath.Join(dir, "lkdash")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// buildTestdata builds the main package testdata/name into dir.
func buildTestdata(tb testing.TB, dir, name string) string {
	tb.Helper()
	bin := filepath.Join(dir, name)
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/"+name).CombinedOutput(); err != nil {
		tb.Fatalf("go build %s: %v\n%s", name, err, out)
	}
	return bin
}

// startDashboard builds the real binary and runs it with args in a fresh
// tmux server (160x40) named after name, in a clean environment: no
// LIVEKIT_* and a HOME without lk projects, so the dashboard takes the
// zero-configuration path. The cache keeps the livekit-server binary
// scripts/test.sh built. The tmux server goes when t ends.
func startDashboard(t *testing.T, name string, args ...string) *terminal {
	t.Helper()
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
	term := &terminal{t: t, tmux: tmux, socket: fmt.Sprintf("lkdash-%s-%d", name, os.Getpid()),
		logFile: filepath.Join(dir, "lkdash.log"), dir: dir, bin: bin}
	argv := fmt.Sprintf("%q", bin)
	for _, a := range args {
		argv += fmt.Sprintf(" %q", a)
	}
	cmd := fmt.Sprintf("cd %q && env -u LIVEKIT_URL -u LIVEKIT_API_KEY -u LIVEKIT_API_SECRET -u LIVEKIT_SANDBOX_ID "+
		"HOME=%q XDG_CACHE_HOME=%q TERM=xterm-256color %s --log-file %q; echo LKDASH-EXIT=$?; sleep 60",
		dir, dir, cache, argv, term.logFile)
	term.run("new-session", "-d", "-s", "e2e", "-x", "160", "-y", "40", cmd)
	t.Cleanup(func() { _ = exec.Command(tmux, "-L", term.socket, "kill-server").Run() })
	return term
}

// terminal drives one tmux server running the binary bin with HOME dir.
type terminal struct {
	t                     *testing.T
	tmux, socket, logFile string
	dir, bin              string
}

func (term *terminal) run(args ...string) string {
	term.t.Helper()
	out, err := exec.Command(term.tmux, append([]string{"-L", term.socket}, args...)...).CombinedOutput()
	if err != nil {
		term.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (term *terminal) keys(keys ...string) {
	term.t.Helper()
	term.run(append([]string{"send-keys", "-t", "e2e"}, keys...)...)
}

func (term *terminal) screen() string { return term.run("capture-pane", "-p", "-t", "e2e") }

func (term *terminal) log() string {
	b, _ := os.ReadFile(term.logFile)
	return string(b)
}

// panelKey is the number key a box title gives the panel named title.
func panelKey(t *testing.T, screen, title string) string {
	t.Helper()
	m := regexp.MustCompile(`(\d) ` + title).FindStringSubmatch(screen)
	if m == nil {
		t.Fatalf("no %s panel in the titles:\n%s", title, screen)
	}
	return m[1]
}

// waitMatch polls the screen until re matches it.
func (term *terminal) waitMatch(what string, limit time.Duration, re *regexp.Regexp) string {
	term.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		s := term.screen()
		if re.MatchString(s) {
			return s
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("waiting for %s: %s never matched. Screen:\n%s\nLog:\n%s", what, re, s, term.log())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitFor polls the screen until it shows every wanted string. The
// deadline only bounds a hang; nothing here measures speed.
func (term *terminal) waitFor(what string, limit time.Duration, want ...string) string {
	term.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		s := term.screen()
		missing := ""
		for _, w := range want {
			if !strings.Contains(s, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return s
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("waiting for %s: %q never appeared. Screen:\n%s\nLog:\n%s", what, missing, s, term.log())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
