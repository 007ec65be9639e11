//go:build linux

package main

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lkdash/lkdash/internal/ptytest"
	"github.com/lkdash/lkdash/tokens"
)

// titleMark is in the dashboard's title line from the first frame on.
const titleMark = "not joined"

// TestFirstFrameSilentTerminal runs the dashboard on a terminal that
// answers no query (neither the background colour nor the cursor
// position), as the Linux console or a bare CI pseudo-terminal does. The
// first frame must not wait for an answer: it used to take five seconds
// (termenv's timeout, behind Bubble Tea's package init), so one second is
// a wide margin. The cursor-position query is what that init sends; the
// dashboard itself never does.
func TestFirstFrameSilentTerminal(t *testing.T) {
	t.Parallel()
	bin := buildLkdash(t, t.TempDir())
	argv := []string{bin, "--source", "literal", "--url", "ws://127.0.0.1:1", "--token", "a.b.c"}
	took, seen := firstFrame(t, argv, 100, 30, titleMark, false)
	t.Logf("first frame after %s", took)
	if took > time.Second {
		t.Errorf("first frame after %s on a terminal that answers nothing", took)
	}
	if bytes.Contains(seen, []byte("\x1b[6n")) {
		t.Errorf("the dashboard queried the cursor position: %q", seen)
	}
}

// BenchmarkFirstFrame's terminal: a common size, where the Token panel is
// on the first screen with --token.
const benchCols, benchRows = 100, 30

// BenchmarkFirstFrame measures the time from exec to the first frame that
// shows a decoded token (its identity in the Token panel; a real signed
// token given with --token, so no server is involved) against a minimal
// Bubble Tea program drawing one bordered lipgloss box (testdata/firstframe)
// and against the floor for a program that decodes tokens with
// livekit/protocol (testdata/protocolframe: the same box showing the
// identity), rotating the three on fresh pseudo-terminals that answer the
// terminal queries as a terminal would. It reports the medians and the
// ratios to the baseline and to the floor.
func BenchmarkFirstFrame(b *testing.B) {
	dir := b.TempDir()
	bin, base, floor := buildLkdash(b, dir), buildTestdata(b, dir, "firstframe"), buildTestdata(b, dir, "protocolframe")
	const identity = "first-frame-identity"
	mint := tokens.Mint{ServerURL: "ws://127.0.0.1:1", APIKey: "devkey", APISecret: "secret", TTL: time.Hour}
	tok, err := mint.Fetch(context.Background(), tokens.Options{RoomName: "bench", ParticipantIdentity: identity})
	if err != nil {
		b.Fatal(err)
	}
	dash := []string{bin, "--source", "literal", "--url", "ws://127.0.0.1:1", "--token", tok.ParticipantToken}
	var tDash, tBase, tFloor []time.Duration
	for b.Loop() {
		t, _ := firstFrame(b, dash, benchCols, benchRows, identity, true)
		tDash = append(tDash, t)
		t, _ = firstFrame(b, []string{base}, benchCols, benchRows, "first frame", true)
		tBase = append(tBase, t)
		t, _ = firstFrame(b, []string{floor, tok.ParticipantToken}, benchCols, benchRows, identity, true)
		tFloor = append(tFloor, t)
	}
	md, mb, mf := median(tDash), median(tBase), median(tFloor)
	b.ReportMetric(float64(md.Microseconds())/1000, "lkdash-ms")
	b.ReportMetric(float64(mb.Microseconds())/1000, "baseline-ms")
	b.ReportMetric(float64(mf.Microseconds())/1000, "floor-ms")
	b.ReportMetric(float64(md)/float64(mb), "ratio")
	b.ReportMetric(float64(mf)/float64(mb), "floor-ratio")
	b.ReportMetric(float64(md)/float64(mf), "over-floor")
}

// firstFrame runs argv on a fresh cols×rows pseudo-terminal and returns the
// time until its output shows mark, and the output so far. With answer
// the terminal replies to the background-colour and cursor-position
// queries (dark, top left); without, it says nothing.
func firstFrame(tb testing.TB, argv []string, cols, rows int, mark string, answer bool) (time.Duration, []byte) {
	tb.Helper()
	master, slave := ptytest.Open(tb, cols, rows)
	defer master.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.Env = append(cleanEnv(), "HOME="+tb.TempDir(), "TERM=xterm-256color")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	slave.Close()
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	var seen []byte
	buf := make([]byte, 64<<10)
	for {
		n, err := master.Read(buf)
		chunk := buf[:n]
		seen = append(seen, chunk...)
		if answer && bytes.Contains(chunk, []byte("\x1b]11;?")) {
			fmt.Fprint(master, "\x1b]11;rgb:0000/0000/0000\x1b\\")
		}
		if answer && bytes.Contains(chunk, []byte("\x1b[6n")) {
			fmt.Fprint(master, "\x1b[1;1R")
		}
		if bytes.Contains(seen, []byte(mark)) {
			return time.Since(start), seen
		}
		if err != nil {
			tb.Fatalf("%v ended before showing %q: %v\n%q", argv, mark, err, seen)
		}
	}
}

func median[T cmp.Ordered](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// cleanEnv is the environment without LIVEKIT_* settings (so flags alone
// configure a run), HOME, GODEBUG, COLORFGBG or NO_COLOR.
func cleanEnv() []string {
	return slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return slices.ContainsFunc([]string{"LIVEKIT_", "HOME=", "GODEBUG=", "COLORFGBG=", "NO_COLOR="},
			func(p string) bool { return strings.HasPrefix(kv, p) })
	})
}
