package ui

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

// sessionBackend hands out one session that is already joined.
type sessionBackend struct {
	noBackend
	sess Session
}

func (b sessionBackend) Join(context.Context, JoinRequest) (Session, error) { return b.sess, nil }

// burstResult is what a join burst did to the dashboard.
type burstResult struct {
	latencies    []time.Duration // participant_joined seen by the session → roster row shown
	joined, left int             // entries in the event log
	roster       int             // roster size at the peak
	dropped      int64
	took         time.Duration // first join started → last one shown
	// connect is how long, from the first join, until every joiner was
	// in; mesh until every joiner saw every other participant, as the
	// joiners helper measured them.
	connect, mesh time.Duration
	batches       int
}

func (r burstResult) percentile(p int) time.Duration {
	s := slices.Clone(r.latencies)
	slices.Sort(s)
	return s[min(len(s)*p/100, len(s)-1)]
}

// joinBurst starts a managed livekit-server (nodes 1) or a local cluster,
// joins the dashboard's model to a room through room.Join on node 1, then
// has n SDK participants join in parallel, spread over the nodes, while
// the model consumes events the way Bubble Tea would (one Update and one
// View per message), then has them all leave.
func joinBurst(tb testing.TB, n, nodes int) burstResult {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c, err := devserver.StartCluster(ctx, devserver.Config{LogDir: tb.TempDir()}, nodes)
	if err != nil {
		tb.Fatalf("cannot start %d livekit-server nodes: %v", nodes, err)
	}
	defer c.Stop()
	name := fmt.Sprintf("burst-%d", time.Now().UnixNano())
	mint := &tokens.Mint{ServerURL: c.Nodes[0].URL, APIKey: devserver.DevKey, APISecret: devserver.DevSecret}
	sess, err := room.Join(ctx, mint, tokens.Options{RoomName: name, ParticipantIdentity: "watcher"}, room.Config{})
	if err != nil {
		tb.Fatal(err)
	}
	defer sess.Leave()

	m := testModel(tb, newClock(), &fakeBackend{}, 160, 40)
	m.cfg.Backend = sessionBackend{sess: sess}
	m = joinNow(tb, m)
	if m.join != joined {
		tb.Fatalf("the model did not join: %v", m.join)
	}

	var res burstResult
	consume := func(until func() bool, what string) {
		deadline := time.After(3 * time.Minute)
		for !until() {
			got := make(chan tea.Msg, 1)
			go func() { got <- waitEvent(m.sess, m.joinID)() }()
			var msg tea.Msg
			select {
			case msg = <-got:
			case <-deadline:
				tb.Fatalf("%s: roster at %d, %d joined and %d left in the log", what, m.roster.people.Len(), res.joined, res.left)
			}
			m = send(tb, m, msg)
			_ = m.View()
			shown := time.Now()
			rm := msg.(streamMsg)
			for _, ev := range rm.evs {
				switch ev.(type) {
				case room.ParticipantJoined:
					res.joined++
					res.latencies = append(res.latencies, shown.Sub(ev.Time()))
				case room.ParticipantLeft:
					res.left++
				}
			}
			res.roster = max(res.roster, m.roster.people.Len())
			res.batches++
			if rm.closed {
				tb.Fatalf("%s: the session ended", what)
			}
		}
	}

	joiners := startJoiners(tb, c.URLs(), name, n)
	start := time.Now()
	consume(func() bool { return res.joined >= n }, "joining")
	res.took = time.Since(start)
	res.connect = joiners.seconds("joined")
	res.mesh = joiners.seconds("mesh")
	joiners.leaveAll()
	consume(func() bool { return res.left >= n }, "leaving")
	joiners.expect("left")
	if m.roster.people.Len() != 1 {
		tb.Errorf("after everyone left the roster has %d rows", m.roster.people.Len())
	}
	res.dropped = sess.Dropped()
	return res
}

// TestLoad300Joins: 300 participants join at once; the roster ends at 301
// (them and us), the log has exactly 300 participant_joined and, once
// they leave, 300 participant_left, and no event was dropped.
func TestLoad300Joins(t *testing.T) {
	t.Parallel()
	res := joinBurst(t, 300, 1)
	if res.roster != 301 || res.joined != 300 || res.left != 300 || res.dropped != 0 {
		t.Fatalf("roster peak %d, joined %d, left %d, dropped %d", res.roster, res.joined, res.left, res.dropped)
	}
	t.Logf("300 joins shown in %s over %d messages; join → roster p50 %s p99 %s; dropped %d",
		res.took.Round(time.Millisecond), res.batches, res.percentile(50), res.percentile(99), res.dropped)
}

// BenchmarkJoinBurst runs the same burst of 300 joins into one room on
// one node, then on a two-node cluster (joiners alternating between the
// nodes, the watcher on node 1). For each it reports how long a
// participant_joined takes from the session seeing it to the roster
// showing it (p50, p99), how many events were dropped (must be 0), how long
// the burst took to show and how long until all 300 saw each other; and
// the two nodes' times as ratios of the one node's.
func BenchmarkJoinBurst(b *testing.B) {
	for b.Loop() {
		one := joinBurst(b, 300, 1)
		two := joinBurst(b, 300, 2)
		for _, r := range []struct {
			suffix string
			res    burstResult
		}{{"1node", one}, {"2nodes", two}} {
			if r.res.dropped != 0 {
				b.Fatalf("%s: %d events dropped", r.suffix, r.res.dropped)
			}
			b.ReportMetric(float64(r.res.percentile(50).Microseconds())/1000, "p50-ms-"+r.suffix)
			b.ReportMetric(float64(r.res.percentile(99).Microseconds())/1000, "p99-ms-"+r.suffix)
			b.ReportMetric(float64(r.res.dropped), "dropped-"+r.suffix)
			b.ReportMetric(r.res.took.Seconds(), "burst-s-"+r.suffix)
			b.ReportMetric(r.res.connect.Seconds(), "joined-s-"+r.suffix)
			b.ReportMetric(r.res.mesh.Seconds(), "mesh-s-"+r.suffix)
		}
		b.ReportMetric(two.mesh.Seconds()/one.mesh.Seconds(), "mesh-2/1")
		b.ReportMetric(two.connect.Seconds()/one.connect.Seconds(), "joined-2/1")
		b.ReportMetric(two.took.Seconds()/one.took.Seconds(), "burst-2/1")
	}
}

// joinersBin is the joiners helper (testdata/joiners), built once without
// the race detector: 300 WebRTC clients instrumented by it, in the test's
// process, time out on a 2-core machine.
var joinersBin struct {
	once sync.Once
	path string
	err  error
}

type joinersProc struct {
	tb    testing.TB
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string
}

// startJoiners runs n SDK participants joining room at once, in another
// process, spread over urls in turn.
func startJoiners(tb testing.TB, urls []string, room string, n int) *joinersProc {
	tb.Helper()
	joinersBin.once.Do(func() {
		dir, err := os.MkdirTemp("", "lkdash-joiners-")
		if err != nil {
			joinersBin.err = err
			return
		}
		joinersBin.path = filepath.Join(dir, "joiners")
		build := exec.Command("go", "build", "-o", joinersBin.path, "./testdata/joiners")
		build.Env = append(os.Environ(), "GOFLAGS="+strings.ReplaceAll(os.Getenv("GOFLAGS"), "-race", ""))
		if out, err := build.CombinedOutput(); err != nil {
			joinersBin.err = fmt.Errorf("building testdata/joiners: %v\n%s", err, out)
		}
	})
	if joinersBin.err != nil {
		tb.Fatal(joinersBin.err)
	}
	cmd := exec.Command(joinersBin.path, strings.Join(urls, ","), devserver.DevKey, devserver.DevSecret, room, fmt.Sprint(n))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	p := &joinersProc{tb: tb, cmd: cmd, stdin: stdin, lines: make(chan string, 16)}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	return p
}

// expect waits for the helper to print want.
func (p *joinersProc) expect(want string) {
	p.tb.Helper()
	select {
	case line := <-p.lines:
		if line != want {
			p.tb.Fatalf("joiners: %q, want %q", line, want)
		}
	case <-time.After(2 * time.Minute):
		p.tb.Fatalf("joiners never printed %q", want)
	}
}

// seconds reads the helper's "WHAT SECONDS" line ("joined 4.2": all in
// after 4.2 s; "mesh 6.1": all seeing each other).
func (p *joinersProc) seconds(what string) time.Duration {
	p.tb.Helper()
	select {
	case line := <-p.lines:
		var secs float64
		if _, err := fmt.Sscanf(line, what+" %g", &secs); err != nil {
			p.tb.Fatalf("joiners: %q, want %q and a time", line, what)
		}
		return time.Duration(secs * float64(time.Second))
	case <-time.After(2 * time.Minute):
		p.tb.Fatalf("joiners never printed %q", what)
	}
	return 0
}

// leaveAll makes every helper participant leave.
func (p *joinersProc) leaveAll() { _ = p.stdin.Close() }
