package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/muesli/termenv"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/styles"
)

// buildSteps is a build of 40 packages reported package by package, a
// second apart.
func buildSteps() []devserver.BuildProgress {
	steps := []devserver.BuildProgress{{Elapsed: time.Second}}
	for i := range 41 {
		steps = append(steps, devserver.BuildProgress{Done: i, Total: 40, Elapsed: time.Duration(2+i) * time.Second})
	}
	return steps
}

// TestBuildReporterPlain: off a terminal the build is a line per tenth
// (from 0%, which says the total),
// between the start and end lines, and no package name.
func TestBuildReporterPlain(t *testing.T) {
	var out bytes.Buffer
	r := newBuildReporter(&out)
	r.line("building livekit-server " + devserver.Version + "…")
	for _, p := range buildSteps() {
		r.build(p)
	}
	r.line("built livekit-server")
	r.done()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 13 {
		t.Fatalf("%d lines, want start + 0%% to 100%% by tenths + end:\n%s", len(lines), out.String())
	}
	if lines[2] != "lkdash: building livekit-server: 10% · 4/40 packages · 6s elapsed" ||
		lines[11] != "lkdash: building livekit-server: 100% · 40/40 packages · linking · 42s elapsed" {
		t.Errorf("tenths:\n%s", out.String())
	}
	if strings.ContainsAny(out.String(), "\r\x1b") {
		t.Errorf("terminal control sequences off a terminal: %q", out.String())
	}
}

// TestBuildReporterTerminal: on a terminal one line is redrawn in place,
// at most every redrawEvery, never wider than the terminal, and cleared
// before the next log line.
func TestBuildReporterTerminal(t *testing.T) {
	var out bytes.Buffer
	clock := time.Unix(1_800_000_000, 0)
	r := &buildReporter{w: &out, tty: true, width: func() int { return 72 }, st: styles.New(styles.DefaultTheme(), true),
		profile: termenv.Ascii, now: func() time.Time { return clock }, lastStep: -1}
	r.line("building livekit-server")
	for i, p := range buildSteps() {
		if i%2 == 0 {
			clock = clock.Add(redrawEvery) // half the reports come too soon to draw
		}
		r.build(p)
	}
	r.line("built livekit-server")
	s := out.String()
	if !strings.HasPrefix(s, "lkdash: building livekit-server\n\r") || !strings.HasSuffix(s, "\r\x1b[Klkdash: built livekit-server\n") {
		t.Errorf("start or end line:\n%q", s)
	}
	if n := strings.Count(s, "\n"); n != 2 {
		t.Errorf("%d newlines, want 2: the bar is redrawn in place", n)
	}
	draws := strings.Split(s, "\r")
	if len(draws) < 15 || len(draws) > 30 {
		t.Errorf("%d redraws for 42 reports, want about half", len(draws))
	}
	for _, d := range draws[1 : len(draws)-1] {
		d = strings.TrimSuffix(d, "\x1b[K")
		if w := len([]rune(d)); w > 71 {
			t.Errorf("line is %d wide on a 72-column terminal: %q", w, d)
		}
	}
	last := strings.TrimSuffix(draws[len(draws)-2], "\x1b[K")
	if !strings.Contains(last, "█") || !strings.Contains(last, "40/40 packages · linking") {
		t.Errorf("last redraw %q", last)
	}
}

// TestDevserverBuildProgress runs `lkdash devserver` with a fake go on
// PATH: stderr (not a terminal) has the start line, a line per tenth and the
// end line, and none of the package names go install printed. The fake
// server it builds cannot start, so the command fails after the build.
func TestDevserverBuildProgress(t *testing.T) {
	bin, cache := t.TempDir(), t.TempDir()
	var pkgs []string
	for i := range 30 {
		pkgs = append(pkgs, "example.com/p"+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	script := "#!/bin/sh\nPATH=/usr/local/bin:/usr/bin:/bin\ncase \"$1\" in\n" +
		"mod) echo \"module $3\" > go.mod ;;\nget) ;;\n" +
		"list) printf '" + strings.Join(pkgs, `\n`) + `\n' ;;` + "\n" +
		"install) for p in " + strings.Join(pkgs, " ") + "; do echo $p >&2; done\n" +
		"\tprintf '#!/bin/sh\\nexit 3\\n' > \"$GOBIN/server\"; chmod +x \"$GOBIN/server\" ;;\n*) exit 9 ;;\nesac\n"
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	t.Setenv("XDG_CACHE_HOME", cache)
	r := lkdash(t, "", nil, "devserver")
	if r.code != exitFailure {
		t.Fatalf("exit %d, want %d (the fake server cannot start)\n%s", r.code, exitFailure, r.err)
	}
	for _, want := range []string{"lkdash: building livekit-server " + devserver.Version, "building livekit-server: 10% · 3/30 packages",
		"building livekit-server: 100% · 30/30 packages", "lkdash: built livekit-server " + devserver.Version} {
		if !strings.Contains(r.err, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.err)
		}
	}
	if strings.Contains(r.err, pkgs[0]) {
		t.Errorf("stderr lists package names:\n%s", r.err)
	}
}
