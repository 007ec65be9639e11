// Package devserver finds, builds and runs a local livekit-server in
// development mode, so lkdash can mint tokens and join rooms with no cloud
// account and no network.
package devserver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/lkdash/lkdash/internal/format"
)

const (
	// Version is the livekit-server release lkdash builds and tests against.
	Version = "v1.13.5"
	// DevKey and DevSecret are the credentials `livekit-server --dev` accepts.
	DevKey    = "devkey"
	DevSecret = "secret"

	// binaryName is the name on PATH; the cached build is called "server"
	// because that is what `go install .../cmd/server` produces.
	binaryName = "livekit-server"
	modulePath = "github.com/livekit/livekit-server/cmd/server"
	// buildTailLines is how much of a failed build's output the error keeps.
	buildTailLines = 15
)

// ErrGoMissing is returned (wrapped) by Locate when livekit-server is neither
// on PATH nor cached and there is no Go toolchain to build it with.
var ErrGoMissing = errors.New("livekit-server not found and the go command is missing: install Go 1.26+ from https://go.dev/dl/ or put livekit-server on PATH")

// BuildError is a failed `go install` of livekit-server.
type BuildError struct {
	Err  error
	Tail []string // last lines of the build output
}

func (e *BuildError) Error() string {
	msg := "building livekit-server " + Version + " failed: " + e.Err.Error()
	if len(e.Tail) > 0 {
		msg += "\n" + strings.Join(e.Tail, "\n")
	}
	return msg
}

func (e *BuildError) Unwrap() error { return e.Err }

// CacheDir is where Locate keeps its own build:
// <os.UserCacheDir()>/lkdash/livekit-server-<Version>.
func CacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for livekit-server: %w", err)
	}
	return filepath.Join(base, "lkdash", "livekit-server-"+Version), nil
}

// Locate returns the path of a livekit-server binary: livekit-server on PATH,
// else the cached build, else it builds one into the cache with
// `go install`. progress (may be nil) gets a line naming a server found
// on PATH, or one when a build starts and one when it ends; build (may be
// nil) gets the package count as it goes. A
// lock file keeps two lkdash processes from building at once; the second
// waits and then uses the first one's binary.
func Locate(ctx context.Context, progress func(string), build func(BuildProgress)) (string, error) {
	if progress == nil {
		progress = func(string) {}
	}
	if build == nil {
		build = func(BuildProgress) {}
	}
	if p, err := exec.LookPath(binaryName); err == nil {
		progress(describePATHServer(ctx, p))
		return p, nil
	}
	dir, err := CacheDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "server"+exeSuffix())
	if isExecutable(bin) {
		return bin, nil
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", ErrGoMissing
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating %s: %w", dir, err)
	}
	unlock, err := lockFile(ctx, filepath.Join(dir, "build.lock"), func() {
		progress("waiting for another lkdash to finish building livekit-server…")
	})
	if err != nil {
		return "", err
	}
	defer unlock()
	// Another process may have finished the build while we waited.
	if isExecutable(bin) {
		return bin, nil
	}
	b := builder{goCmd: goCmd, dir: dir, bin: bin, progress: progress, report: build, now: time.Now, tick: time.Second}
	if err := b.run(ctx); err != nil {
		return "", err
	}
	return bin, nil
}

// versionTimeout bounds `livekit-server --version`: a binary that hangs
// there must not hold up the start.
const versionTimeout = 5 * time.Second

// BinaryVersion runs `bin --version` and returns the version it reports,
// with a leading "v" ("v1.13.5").
func BinaryVersion(ctx context.Context, bin string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, versionTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--version")
	cmd.WaitDelay = time.Second
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s --version: %w", bin, err)
	}
	// "livekit-server version 1.13.5"
	fields := strings.Fields(string(out))
	for i, f := range fields {
		if f == "version" && i+1 < len(fields) {
			return "v" + strings.TrimPrefix(fields[i+1], "v"), nil
		}
	}
	return "", fmt.Errorf("%s --version printed no version: %.80q", bin, out)
}

// describePATHServer says which livekit-server from PATH is used, warning
// when it is not the pinned version lkdash is tested against.
func describePATHServer(ctx context.Context, bin string) string {
	v, err := BinaryVersion(ctx, bin)
	switch {
	case err != nil:
		return fmt.Sprintf("warning: using %s from PATH, version unknown (%v); lkdash is tested against %s", bin, err, Version)
	case v != Version:
		return fmt.Sprintf("warning: using livekit-server %s from PATH (%s), not the pinned %s lkdash is tested against; "+
			"token verdicts and refresh behaviour may differ", v, bin, Version)
	}
	return fmt.Sprintf("using livekit-server %s from PATH (%s)", v, bin)
}

// builder runs one build of the server into the cache.
type builder struct {
	goCmd, dir, bin string
	progress        func(string)
	report          func(BuildProgress)
	now             func() time.Time
	tick            time.Duration // how often elapsed time is reported between packages
}

// run counts the packages to compile, then installs into a private
// directory and renames the result into place, so an interrupted build never
// leaves a half-written binary at bin. The package names stream into the
// counter, not the log: the log gets one line at the start, one at the end.
func (b builder) run(ctx context.Context) error {
	tmp, err := os.MkdirTemp(b.dir, "build-")
	if err != nil {
		return fmt.Errorf("creating build directory: %w", err)
	}
	defer os.RemoveAll(tmp)

	b.progress("building livekit-server " + Version + " with go install (first run only, takes a few minutes)…")
	c := newBuildCounter(b.now)
	// c is fed by the output reader and read by the ticker; reporting under
	// the same lock keeps the reports in order.
	var mu sync.Mutex
	report := func() {
		mu.Lock()
		defer mu.Unlock()
		b.report(c.progress())
	}
	stopTicks := b.ticker(report)
	defer stopTicks()
	report()

	want, countErr := b.count(ctx, filepath.Join(tmp, "count"))
	if ctx.Err() != nil {
		return &BuildError{Err: ctx.Err()}
	}
	mu.Lock()
	if countErr != nil {
		c.expect(nil, recordedPackages) // counting failed: the recorded total stands in
	} else {
		c.expect(want, len(want))
	}
	mu.Unlock()
	report()

	tail, err := b.install(ctx, tmp, func(line string) {
		mu.Lock()
		defer mu.Unlock()
		if c.line(line) {
			b.report(c.progress())
		}
	})
	stopTicks()
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return &BuildError{Err: err, Tail: tail}
	}
	built := filepath.Join(tmp, "server"+exeSuffix())
	if !isExecutable(built) {
		return &BuildError{Err: errors.New("go install produced no server binary"), Tail: tail}
	}
	if err := os.Rename(built, b.bin); err != nil {
		return fmt.Errorf("installing livekit-server into %s: %w", b.dir, err)
	}
	mu.Lock()
	p := c.progress()
	mu.Unlock()
	b.progress(fmt.Sprintf("built livekit-server %s in %s (%d packages compiled): %s", Version, format.Duration(p.Elapsed), p.Done, b.bin))
	return nil
}

// count lists the packages to compile, in a scratch module made in dir.
func (b builder) count(ctx context.Context, dir string) (map[string]bool, error) {
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, err
	}
	return countPackages(ctx, b.goCmd, dir)
}

// ticker calls report every b.tick until stopped, so elapsed time moves
// while a large package or the link step runs. stop may be called twice.
func (b builder) ticker(report func()) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(b.tick)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				report()
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() { close(done) })
		wg.Wait()
	}
}

// install runs `go install -v` into gobin, feeding each output line to
// line, and returns the last lines for an error.
func (b builder) install(ctx context.Context, gobin string, line func(string)) ([]string, error) {
	cmd := exec.CommandContext(ctx, b.goCmd, "install", "-v", modulePath+"@"+Version)
	cmd.Env = append(os.Environ(), "GOBIN="+gobin)
	cmd.WaitDelay = 5 * time.Second
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw

	var tail []string
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			l := sc.Text()
			line(l)
			tail = append(tail, l)
			if len(tail) > buildTailLines {
				tail = tail[1:]
			}
		}
		_, _ = io.Copy(io.Discard, pr) // drain an over-long line so the build never blocks
	}()
	err := cmd.Run()
	pw.Close()
	wg.Wait()
	return tail, err
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	return runtime.GOOS == "windows" || fi.Mode().Perm()&0o111 != 0
}

func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}
