//go:build unix

package devserver

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// writeScript makes an executable shell script; the fake `go` and fake
// servers below let Locate's branches run without a real build.
func writeScript(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("#!/bin/sh\nPATH=/usr/local/bin:/usr/bin:/bin\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
}

// isolate points PATH at an empty bin dir and the user cache at a temp dir.
func isolate(t *testing.T) (binDir, cacheBase string) {
	binDir, cacheBase = t.TempDir(), t.TempDir()
	t.Setenv("PATH", binDir)
	t.Setenv("XDG_CACHE_HOME", cacheBase)
	t.Setenv("HOME", cacheBase)
	return binDir, cacheBase
}

func TestLocatePrefersPATH(t *testing.T) {
	binDir, _ := isolate(t)
	want := filepath.Join(binDir, "livekit-server")
	writeScript(t, want, "exit 0\n")
	got, err := Locate(context.Background(), nil, nil)
	if err != nil || got != want {
		t.Fatalf("Locate = %q, %v; want %q", got, err, want)
	}
}

func TestLocateUsesCache(t *testing.T) {
	isolate(t)
	dir, err := CacheDir()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "server")
	writeScript(t, want, "exit 0\n")
	got, err := Locate(context.Background(), nil, nil)
	if err != nil || got != want {
		t.Fatalf("Locate = %q, %v; want %q", got, err, want)
	}
}

func TestLocateWithoutGo(t *testing.T) {
	isolate(t)
	_, err := Locate(context.Background(), nil, nil)
	if !errors.Is(err, ErrGoMissing) {
		t.Fatalf("err = %v, want ErrGoMissing", err)
	}
	for _, want := range []string{"install Go 1.26+", "https://go.dev/dl/", "livekit-server on PATH"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestLocateBuildFailureKeepsTail(t *testing.T) {
	binDir, _ := isolate(t)
	writeScript(t, filepath.Join(binDir, "go"),
		"for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do echo line$i; done\necho 'compile: boom' >&2\nexit 2\n")
	var mu sync.Mutex
	var lines []string
	_, err := Locate(context.Background(), func(s string) { mu.Lock(); lines = append(lines, s); mu.Unlock() }, nil)
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want *BuildError", err)
	}
	if len(be.Tail) != buildTailLines || be.Tail[len(be.Tail)-1] != "compile: boom" {
		t.Errorf("tail = %q", be.Tail)
	}
	if !strings.Contains(err.Error(), "compile: boom") || strings.Contains(err.Error(), "line1\n") {
		t.Errorf("error should end with the last lines only: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	// The build output is counted, not logged: one line says a build started.
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "building livekit-server") {
		t.Errorf("progress lines = %q, want only the start line", lines)
	}
	dir, _ := CacheDir()
	if _, err := os.Stat(filepath.Join(dir, "server")); !os.IsNotExist(err) {
		t.Errorf("failed build left a binary behind (stat err %v)", err)
	}
}

func TestLocateBuildsOnceAcrossConcurrentCallers(t *testing.T) {
	binDir, cacheBase := isolate(t)
	count := filepath.Join(cacheBase, "count")
	// The fake go checks it got a versioned module path and GOBIN, and is
	// slow enough that the second caller has to wait on the lock.
	writeScript(t, filepath.Join(binDir, "go"), `
[ "$1" = install ] || exit 9
case "$3" in github.com/livekit/livekit-server/cmd/server@`+Version+`) ;; *) echo "bad arg $3" >&2; exit 9;; esac
echo built >> "`+count+`"
sleep 0.5
printf '#!/bin/sh\nexit 0\n' > "$GOBIN/server"
chmod +x "$GOBIN/server"
echo done
`)
	var wg sync.WaitGroup
	paths := make([]string, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paths[i], errs[i] = Locate(context.Background(), nil, nil)
		}()
	}
	wg.Wait()
	dir, _ := CacheDir()
	for i := range 2 {
		if errs[i] != nil || paths[i] != filepath.Join(dir, "server") {
			t.Errorf("caller %d: %q, %v", i, paths[i], errs[i])
		}
	}
	b, _ := os.ReadFile(count)
	if n := strings.Count(string(b), "built"); n != 1 {
		t.Errorf("go install ran %d times, want 1", n)
	}
}

func TestLocateLockWaitHonoursContext(t *testing.T) {
	binDir, _ := isolate(t)
	writeScript(t, filepath.Join(binDir, "go"), "exit 1\n")
	dir, _ := CacheDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	unlock, err := lockFile(context.Background(), filepath.Join(dir, "build.lock"), func() {})
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var waited bool
	_, err = Locate(ctx, func(s string) { waited = waited || strings.Contains(s, "waiting") }, nil)
	if !errors.Is(err, context.DeadlineExceeded) || !waited {
		t.Fatalf("err = %v, waited = %v", err, waited)
	}
}

// fakeGoWithPlan answers the counting (mod init, get, list) with three
// packages and compiles them slowly enough for a tick to land.
const fakeGoWithPlan = `
case "$1" in
mod) echo "module $3" > go.mod ;;
get) echo "go: added github.com/livekit/livekit-server ` + Version + `" >&2 ;;
list) printf 'internal/goarch\nexample.com/a\ngithub.com/livekit/livekit-server/cmd/server\n' ;;
install)
	echo "go: downloading example.com/a v1.0.0" >&2
	for p in internal/goarch example.com/a github.com/livekit/livekit-server/cmd/server; do echo $p >&2; sleep 0.05; done
	printf '#!/bin/sh\nexit 0\n' > "$GOBIN/server"
	chmod +x "$GOBIN/server" ;;
*) exit 9 ;;
esac
`

// TestLocateBuildReportsProgress: a build logs two lines, and reports the
// counted total first, then each compiled package, ending at 3/3.
func TestLocateBuildReportsProgress(t *testing.T) {
	binDir, _ := isolate(t)
	writeScript(t, filepath.Join(binDir, "go"), fakeGoWithPlan)
	var mu sync.Mutex
	var lines []string
	var reports []BuildProgress
	bin, err := Locate(context.Background(),
		func(s string) { mu.Lock(); lines = append(lines, s); mu.Unlock() },
		func(p BuildProgress) { mu.Lock(); reports = append(reports, p); mu.Unlock() })
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "building livekit-server") ||
		!strings.HasPrefix(lines[1], "built livekit-server "+Version) || !strings.Contains(lines[1], "3 packages compiled") ||
		!strings.HasSuffix(lines[1], bin) {
		t.Errorf("log lines = %q", lines)
	}
	if len(reports) < 4 || reports[0].Total != 0 {
		t.Fatalf("reports = %+v, want a counting one, then at least one per package", reports)
	}
	done := 0
	for _, p := range reports[1:] {
		if p.Total != 3 || p.Done < done {
			t.Errorf("report %+v after done=%d", p, done)
		}
		done = p.Done
	}
	if done != 3 {
		t.Errorf("ended at %d/3", done)
	}
}

// TestLocateBuildWithoutCount: when go list fails the recorded total
// stands in and package lines still count.
func TestLocateBuildWithoutCount(t *testing.T) {
	binDir, _ := isolate(t)
	writeScript(t, filepath.Join(binDir, "go"), strings.Replace(fakeGoWithPlan, "list) printf", "list) exit 1; printf", 1))
	var last BuildProgress
	var mu sync.Mutex
	if _, err := Locate(context.Background(), nil, func(p BuildProgress) { mu.Lock(); last = p; mu.Unlock() }); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if last.Total != recordedPackages || last.Done != 3 {
		t.Errorf("last report %+v, want 3/%d", last, recordedPackages)
	}
}

// TestBuilderTicks: while a package compiles, elapsed time still moves.
func TestBuilderTicks(t *testing.T) {
	binDir, cacheBase := isolate(t)
	writeScript(t, filepath.Join(binDir, "go"), strings.Replace(fakeGoWithPlan, "sleep 0.05", "sleep 0.2", 1))
	var mu sync.Mutex
	var reports []BuildProgress
	b := builder{goCmd: filepath.Join(binDir, "go"), dir: cacheBase, bin: filepath.Join(cacheBase, "server"),
		progress: func(string) {}, now: time.Now, tick: 10 * time.Millisecond,
		report: func(p BuildProgress) { mu.Lock(); reports = append(reports, p); mu.Unlock() }}
	if err := b.run(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	ticks := 0
	for i := 1; i < len(reports); i++ {
		if reports[i].Done == reports[i-1].Done && reports[i].Elapsed > reports[i-1].Elapsed {
			ticks++
		}
	}
	if ticks < 5 {
		t.Errorf("%d reports moved only the clock, want ticks while a package compiles: %+v", ticks, reports)
	}
}

// TestLocateReportsPATHVersion: a livekit-server found on PATH is named
// with its version, and a warning comes when it is not the pinned one.
func TestLocateReportsPATHVersion(t *testing.T) {
	for _, tt := range []struct {
		name, script, want string
		warn               bool
	}{
		{"pinned", "echo 'livekit-server version 1.13.5'\n", "using livekit-server v1.13.5 from PATH", false},
		{"older", "echo 'livekit-server version 1.9.0'\n", "using livekit-server v1.9.0 from PATH", true},
		{"fails", "echo boom >&2; exit 3\n", "version unknown", true},
		{"says nothing useful", "echo 'hello'\n", "printed no version", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			binDir, _ := isolate(t)
			writeScript(t, filepath.Join(binDir, "livekit-server"), tt.script)
			var lines []string
			if _, err := Locate(context.Background(), func(l string) { lines = append(lines, l) }, nil); err != nil {
				t.Fatal(err)
			}
			if len(lines) != 1 || !strings.Contains(lines[0], tt.want) || strings.HasPrefix(lines[0], "warning:") != tt.warn {
				t.Fatalf("progress = %q, want one line with %q (warning %v)", lines, tt.want, tt.warn)
			}
			if tt.warn && !strings.Contains(lines[0], Version) {
				t.Errorf("the warning does not name the pinned %s: %q", Version, lines[0])
			}
		})
	}
}

// TestBinaryVersionOfRealServer reads the version of the livekit-server
// the suite runs (PATH or the pinned build in the cache).
func TestBinaryVersionOfRealServer(t *testing.T) {
	bin, err := Locate(context.Background(), func(l string) { t.Log(l) }, nil)
	if err != nil {
		t.Fatalf("the suite needs a livekit-server: %v", err)
	}
	v, err := BinaryVersion(context.Background(), bin)
	if err != nil || !strings.HasPrefix(v, "v1.") {
		t.Fatalf("%s reports %q, %v", bin, v, err)
	}
	if dir, _ := CacheDir(); filepath.Dir(bin) == dir && v != Version {
		t.Errorf("the pinned build %s reports %s, want %s", bin, v, Version)
	}
}
