package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer written by the command and read by the
// test while the command runs.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var serverPID = regexp.MustCompile(`starting livekit-server on \S+ \(pid (\d+)\)`)

// TestJoinEndsWhenManagedServerDies SIGKILLs the managed livekit-server
// under `lkdash join`: join must end with exit 1, name the exit status and
// the log, print the disconnected event and the summary, and leave no
// process behind. The time from the kill to the disconnected event is read
// from that event's timestamp and logged.
func TestJoinEndsWhenManagedServerDies(t *testing.T) {
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", cache) // keep the livekit-server binary test.sh built
	t.Setenv("HOME", t.TempDir())     // no lk projects: join starts the managed server
	old := env
	env = func(string) string { return "" }
	t.Cleanup(func() { env = old })
	var out, errOut lockedBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"join", "--for", "90s"}, &streams{in: strings.NewReader(""), out: &out, err: &errOut, now: time.Now})
	}()

	pid := 0
	for deadline := time.Now().Add(90 * time.Second); pid == 0 || !strings.Contains(out.String(), `"type":"token_refreshed"`); {
		if time.Now().After(deadline) {
			t.Fatalf("join never got going:\nstdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
		}
		if m := serverPID.FindStringSubmatch(errOut.String()); m != nil {
			pid, _ = strconv.Atoi(m[1])
		}
		time.Sleep(20 * time.Millisecond)
	}
	killed := time.Now()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	var exit int
	select {
	case exit = <-code:
	case <-time.After(60 * time.Second):
		t.Fatalf("join still running a minute after the server died:\n%s", errOut.String())
	}
	stderr := errOut.String()
	if exit != 1 || !strings.Contains(stderr, "livekit-server exited (signal: killed)") || !strings.Contains(stderr, "its log is ") ||
		!strings.Contains(stderr, "server log | ") {
		t.Fatalf("exit %d, stderr:\n%s", exit, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) < 2 {
		t.Fatalf("stdout:\n%s", out.String())
	}
	var disc, sum map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-2]), &disc); err != nil || disc["type"] != "disconnected" || disc["code"] != "SERVER_EXITED" {
		t.Fatalf("next to last line should be the disconnected event: %s", lines[len(lines)-2])
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil || sum["type"] != "summary" {
		t.Fatalf("last line should be the summary: %s", lines[len(lines)-1])
	}
	at, err := time.Parse(time.RFC3339Nano, disc["time"].(string))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("server killed → disconnected event after %s; %s", at.Sub(killed), disc["reason"])
	if syscall.Kill(pid, 0) == nil {
		if stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil && !strings.Contains(string(stat), ") Z") {
			t.Errorf("the livekit-server process %d is still there", pid)
		}
	}
}
