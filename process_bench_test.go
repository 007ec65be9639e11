//go:build linux

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lkdash/lkdash/internal/lktest"
)

// BenchmarkJoinProcess runs `lkdash join` (mint a token, join, leave) and
// testdata/barejoin (the same with nothing but the SDK) as whole processes
// against one local server, alternating (each first every other time),
// and reports both medians and their ratio for: exec to "connected"
// (join-ms), CPU time of the whole run (cpu-ms: less disturbed by a busy
// machine), peak RSS, and the sum of package init times
// (GODEBUG=inittrace=1, in runs that exit after init); and both binaries'
// sizes. -benchtime=12x runs each twelve times.
func BenchmarkJoinProcess(b *testing.B) {
	dir := b.TempDir()
	srv, err := lktest.Start(dir)
	if err != nil {
		b.Fatalf("cannot start livekit-server: %v", err)
	}
	defer srv.Stop()
	lk, bare := buildLkdash(b, dir), buildTestdata(b, dir, "barejoin")
	env := append(cleanEnv(), "HOME="+dir)
	room := fmt.Sprintf("bench-%d", os.Getpid())
	lkArgv := func(i int) []string {
		return []string{lk, "join", "--url", srv.URL, "--api-key", srv.APIKey, "--api-secret", srv.APISecret,
			"--room", room, "--identity", fmt.Sprintf("lk-%d", i), "--for", "1ms"}
	}
	bareArgv := func(i int) []string {
		return []string{bare, srv.URL, srv.APIKey, srv.APISecret, room, fmt.Sprintf("bare-%d", i)}
	}
	runJoin(b, env, lkArgv(-1)) // warm the page cache and the server's room
	runJoin(b, env, bareArgv(-1))

	var lkRuns, bareRuns []joinRun
	i := 0
	for b.Loop() {
		// Each goes first every other time, and after a pause: the
		// server is still busy with the previous participant's leave
		// for a few milliseconds, which would weigh on whoever is second.
		if i%2 == 0 {
			bareRuns = append(bareRuns, runJoin(b, env, bareArgv(i)))
			lkRuns = append(lkRuns, runJoin(b, env, lkArgv(i)))
		} else {
			lkRuns = append(lkRuns, runJoin(b, env, lkArgv(i)))
			bareRuns = append(bareRuns, runJoin(b, env, bareArgv(i)))
		}
		bareRuns[i].init = initTime(b, env, bare)
		lkRuns[i].init = initTime(b, env, lk, "join", "--help")
		i++
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	for _, m := range []struct {
		unit string
		of   func(joinRun) float64
	}{
		{"join-ms", func(r joinRun) float64 { return ms(r.connected) }},
		{"cpu-ms", func(r joinRun) float64 { return ms(r.cpu) }},
		{"rss-MiB", func(r joinRun) float64 { return float64(r.rss) / (1 << 20) }},
		{"init-ms", func(r joinRun) float64 { return ms(r.init) }},
	} {
		reportPair(b, m.unit, medianOf(lkRuns, m.of), medianOf(bareRuns, m.of))
	}
	reportPair(b, "binary-MB", fileMB(b, lk), fileMB(b, bare))
}

// settle is the pause before each timed run.
const settle = 100 * time.Millisecond

// joinRun is what one process did.
type joinRun struct {
	connected time.Duration // exec to the "connected" line
	cpu       time.Duration // user and system time, to exit
	rss       int64         // peak resident set, bytes
	init      time.Duration // package init, from a separate run
}

// reportPair reports lkdash's and the baseline's value of one measure and
// their ratio.
func reportPair(b *testing.B, unit string, lk, base float64) {
	b.ReportMetric(lk, "lkdash-"+unit)
	b.ReportMetric(base, "bare-"+unit)
	b.ReportMetric(lk/base, unit[:strings.IndexByte(unit, '-')]+"-ratio")
}

func medianOf(runs []joinRun, of func(joinRun) float64) float64 {
	xs := make([]float64, len(runs))
	for i, r := range runs {
		xs[i] = of(r)
	}
	return median(xs)
}

// runJoin runs argv until it exits, after a pause that lets the server
// settle.
func runJoin(b *testing.B, env, argv []string) joinRun {
	time.Sleep(settle)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	var r joinRun
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if r.connected == 0 && (sc.Text() == "connected" || strings.Contains(sc.Text(), `"type":"connected"`)) {
			r.connected = time.Since(start)
		}
	}
	if err := cmd.Wait(); err != nil || r.connected == 0 {
		b.Fatalf("%s: %v (connected after %s)\n%s", filepath.Base(argv[0]), err, r.connected, stderr.String())
	}
	r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	r.rss = cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss * 1024 // Linux reports KiB
	return r
}

// initTime runs argv with GODEBUG=inittrace=1 and sums the package init
// times it reports.
func initTime(b *testing.B, env []string, argv ...string) time.Duration {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(env, "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("%v: %v\n%s", argv, err, stderr.String())
	}
	var sum time.Duration
	for line := range strings.Lines(stderr.String()) {
		// init github.com/x/y @1.2 ms, 0.034 ms clock, 1234 bytes, 5 allocs
		f := strings.Fields(line)
		if len(f) >= 7 && f[0] == "init" && f[6] == "clock," {
			ms, err := strconv.ParseFloat(f[4], 64)
			if err != nil {
				b.Fatalf("inittrace line %q: %v", line, err)
			}
			sum += time.Duration(ms * float64(time.Millisecond))
		}
	}
	if sum == 0 {
		b.Fatalf("%v printed no init trace:\n%s", argv, stderr.String())
	}
	return sum
}

func fileMB(tb testing.TB, path string) float64 {
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return float64(fi.Size()) / 1e6
}
