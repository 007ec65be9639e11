package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lkdash/lkdash/devserver"
)

// TestJoinPublishDemoAndStats runs two `lkdash join`s on one real server:
// B subscribes with --stats, then A publishes the demo and a data message.
// B must print a video and an audio track with bytes flowing within 10 s of
// A's start, and the data message.
func TestJoinPublishDemoAndStats(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := startServer(t, ctx)
	// Both runs share the process: set the environment once, before either.
	old := env
	env = func(k string) string {
		return map[string]string{"LIVEKIT_API_KEY": srv.APIKey, "LIVEKIT_API_SECRET": srv.APISecret}[k]
	}
	defer func() { env = old }()
	roomName := fmt.Sprintf("cli-media-%d", time.Now().UnixNano())
	common := []string{"join", "--url", srv.URL, "--room", roomName}

	b := startJoin(ctx, append(common, "--identity", "viewer", "--auto-subscribe", "--stats", "--stats-interval", "500ms")...)
	defer b.stop()
	b.waitLine(t, 30*time.Second, func(ev map[string]any) bool { return ev["type"] == "connected" })

	a := startJoin(ctx, append(common, "--identity", "demo", "--publish-demo", "--publish-data", "hello from A")...)
	defer a.stop()
	flowing := map[string]bool{}
	var data bool
	b.waitLine(t, 10*time.Second, func(ev map[string]any) bool {
		switch ev["type"] {
		case "track_stats":
			if ev["bitrate_bps"].(float64) > 0 {
				flowing[ev["track"].(map[string]any)["kind"].(string)] = true
			}
		case "data_received":
			data = data || ev["identity"] == "demo" && ev["text"] == "hello from A"
		}
		return flowing["video"] && flowing["audio"] && data
	})

	if code := a.stop(); code != 0 {
		t.Errorf("A exited %d: %s", code, a.errOut.String())
	}
	b.stop()
	lines := append(append([]string{}, b.lines...), a.lines...)
	checkJoinLines(t, b.lines)
	checkJoinLines(t, a.lines)
	for _, want := range []string{`"type":"track_subscribed"`, `"codec":"video/VP8"`, `"codec":"audio/opus"`} {
		if !strings.Contains(strings.Join(b.lines, "\n"), want) {
			t.Errorf("B printed no %s", want)
		}
	}
	if n := strings.Count(strings.Join(a.lines, "\n"), `"type":"track_published","time"`); n != 2 {
		t.Errorf("A printed %d track_published, want 2 (video and tone)", n)
	}
	if strings.Contains(strings.Join(lines, "\n"), srv.APISecret) {
		t.Error("join printed the API secret")
	}
}

func TestJoinMediaFlagsRejectBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--stats"}, "add --auto-subscribe"},
		{[]string{"--publish", "clip.mp4"}, "want .ivf"},
		{[]string{"--publish", "/nonexistent/clip.ogg"}, "no such file"},
		{[]string{"--auto-subscribe", "--stats", "--stats-interval", "1ms"}, "at least 100ms"},
	} {
		r := lkdash(t, "", nil, append([]string{"join", "--url", "ws://127.0.0.1:1", "--token", "x"}, tc.args...)...)
		if r.code != 2 || !strings.Contains(r.err, tc.want) {
			t.Errorf("join %v: exit %d, stderr %q; want 2 and %q", tc.args, r.code, r.err, tc.want)
		}
	}
}

// joinRun is an `lkdash join` running in this process, its output read
// line by line as it comes.
type joinRun struct {
	cancel context.CancelFunc
	done   chan int
	errOut *syncBuffer
	out    *bufio.Scanner
	lines  []string
	once   sync.Once
	code   int
}

func startJoin(ctx context.Context, args ...string) *joinRun {
	ctx, cancel := context.WithCancel(ctx)
	r, w := io.Pipe()
	j := &joinRun{cancel: cancel, done: make(chan int, 1), errOut: &syncBuffer{}, out: bufio.NewScanner(r)}
	j.out.Buffer(nil, 1<<20)
	go func() {
		code := run(ctx, args, &streams{in: strings.NewReader(""), out: w, err: j.errOut, now: time.Now})
		w.Close()
		j.done <- code
	}()
	return j
}

// waitLine reads lines until match accepts one, failing after within.
func (j *joinRun) waitLine(t *testing.T, within time.Duration, match func(map[string]any) bool) {
	t.Helper()
	found := make(chan bool, 1)
	go func() {
		for j.out.Scan() {
			line := j.out.Text()
			j.lines = append(j.lines, line)
			var ev map[string]any
			if json.Unmarshal([]byte(line), &ev) == nil && match(ev) {
				found <- true
				return
			}
		}
		found <- false
	}()
	select {
	case ok := <-found:
		if !ok {
			t.Fatalf("output ended without the line wanted; stderr:\n%s\nstdout:\n%s", j.errOut.String(), strings.Join(j.lines, "\n"))
		}
	case <-time.After(within):
		j.cancel()
		<-found
		t.Fatalf("no line wanted within %s; stdout:\n%s", within, strings.Join(j.lines, "\n"))
	}
}

// stop cancels the run (as Ctrl-C does), keeps the rest of its output and
// returns its exit status.
func (j *joinRun) stop() int {
	j.once.Do(func() {
		j.cancel()
		for j.out.Scan() {
			j.lines = append(j.lines, j.out.Text())
		}
		j.code = <-j.done
	})
	return j.code
}

// syncBuffer is a strings.Builder safe for the writer and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.WriteString(string(p))
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServer starts a livekit-server of the test's own, stopped when the
// test ends; a server that cannot start fails the test.
func startServer(t *testing.T, ctx context.Context) *devserver.Server {
	t.Helper()
	srv, err := devserver.Start(ctx, devserver.Config{LogDir: t.TempDir()})
	if err != nil {
		t.Fatalf("cannot start livekit-server: %v", err)
	}
	t.Cleanup(func() { srv.Stop() })
	return srv
}
