package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// userCLI runs the real binary as a user would, in a clean environment: no
// LIVEKIT_*, a HOME without lk projects, the cache that holds the
// livekit-server binary test.sh built.
type userCLI struct {
	t   *testing.T
	bin string
	env []string
}

var (
	builtOnce sync.Once
	builtBin  string
	builtErr  string
)

func newCLI(t *testing.T) *userCLI {
	t.Helper()
	builtOnce.Do(func() {
		dir, err := os.MkdirTemp("", "lkdash-cli-")
		if err != nil {
			builtErr = err.Error()
			return
		}
		out, err := exec.Command("go", "build", "-o", dir+"/lkdash", ".").CombinedOutput()
		if err != nil {
			builtErr = err.Error() + "\n" + string(out)
		}
		builtBin = dir + "/lkdash"
	})
	if builtErr != "" {
		t.Fatalf("go build: %s", builtErr)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	return &userCLI{t: t, bin: builtBin, env: []string{"HOME=" + t.TempDir(), "XDG_CACHE_HOME=" + cache, "PATH=" + os.Getenv("PATH")}}
}

// proc is one running lkdash command, its stdout lines and stderr kept.
type proc struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	out    []string
	errBuf strings.Builder
	done   chan struct{}
}

func (c *userCLI) start(args ...string) *proc {
	c.t.Helper()
	p := &proc{cmd: exec.Command(c.bin, args...), done: make(chan struct{})}
	p.cmd.Env = c.env
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		c.t.Fatal(err)
	}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		c.t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.out = append(p.out, sc.Text())
			p.mu.Unlock()
		}
	}()
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.errBuf.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
		}
	}()
	go func() { wg.Wait(); _ = p.cmd.Wait(); close(p.done) }()
	c.t.Cleanup(func() { _ = p.cmd.Process.Kill(); <-p.done })
	return p
}

// waitLine waits for a stdout line matching re.
func (p *proc) waitLine(t *testing.T, re *regexp.Regexp, within time.Duration) []string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		p.mu.Lock()
		for _, l := range p.out {
			if m := re.FindStringSubmatch(l); m != nil {
				p.mu.Unlock()
				return m
			}
		}
		p.mu.Unlock()
		select {
		case <-p.done:
			t.Fatalf("exited before printing %s:\n%s\n%s", re, strings.Join(p.lines(), "\n"), p.stderr())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %s:\n%s\n%s", re, within, strings.Join(p.lines(), "\n"), p.stderr())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *proc) lines() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.out...)
}

func (p *proc) stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.errBuf.String()
}

// events are the JSON lines of type typ.
func (p *proc) events(typ string) []map[string]any {
	var out []map[string]any
	for _, l := range p.lines() {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil && m["type"] == typ {
			out = append(out, m)
		}
	}
	return out
}

var childPID = regexp.MustCompile(`(?:redis-server ready on \S+|starting livekit-server on \S+) \(pid (\d+)\)`)

// childPIDs are the servers lkdash said it started.
func childPIDs(stderr string) []int {
	var pids []int
	for _, m := range childPID.FindAllStringSubmatch(stderr, -1) {
		n, _ := strconv.Atoi(m[1])
		pids = append(pids, n)
	}
	return pids
}

// waitGone waits until no pid is alive (a zombie counts as gone).
func waitGone(t *testing.T, pids []int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for _, pid := range pids {
		for {
			stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
			_, rest, _ := strings.Cut(string(stat), ") ")
			if err != nil || strings.HasPrefix(rest, "Z") || syscall.Kill(pid, 0) != nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("process %d outlived lkdash", pid)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// TestJoinKillNodeDrillOnManagedCluster: `lkdash join --nodes 2 --drill
// kill-node` starts a local cluster, kills the node that hosts the room
// and reports the recovery: on which node, through which URL, presenting
// which token. Nothing is left running afterwards.
func TestJoinKillNodeDrillOnManagedCluster(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	p := c.start("join", "--nodes", "2", "--drill", "kill-node", "--drill-after", "1s", "--for", "40s")
	p.waitLine(t, regexp.MustCompile(`"type":"drill_result"`), 3*time.Minute)
	_ = p.cmd.Process.Signal(os.Interrupt)
	<-p.done
	pids := childPIDs(p.stderr())
	if len(pids) != 3 {
		t.Fatalf("lkdash reported %d servers started, want redis and 2 nodes:\n%s", len(pids), p.stderr())
	}
	waitGone(t, pids, 10*time.Second)

	res := p.events("drill_result")[0]
	presented, _ := res["presented"].(map[string]any)
	t.Logf("drill_result: %v", res)
	if res["outcome"] != "recovered" || presented["token"] != "refreshed #1" || res["node"] == res["from_node"] {
		t.Errorf("drill_result %v: want recovered on another node, presenting refreshed #1", res)
	}
	if len(p.events("node_changed")) != 1 || len(p.events("summary")) != 1 {
		t.Errorf("want one node_changed and the summary:\n%s", strings.Join(p.lines(), "\n"))
	}
	// The new node starts the room again: its room_started webhook reports
	// the move, so it is printed after node_changed and timed against it.
	moved, started := -1, []int{}
	for i, line := range p.lines() {
		switch {
		case strings.Contains(line, `"type":"node_changed"`):
			moved = i
		case strings.Contains(line, `"type":"webhook"`) && strings.Contains(line, `"event":"room_started"`) &&
			strings.Contains(line, `"after_room_event_seconds"`):
			started = append(started, i)
		}
	}
	if len(started) != 2 || started[1] < moved {
		t.Errorf("room_started webhooks at lines %v, node_changed at %d: want two, timed, the second after the move", started, moved)
	}
}

// TestDevserverClusterAndTwoURLs: `lkdash devserver --nodes 2` prints its
// nodes and the room a `join --url node1,node2` creates; killing node 1
// from outside moves that session to node 2 (a failover event) and the
// devserver says so; after leaving, join asks the surviving node whether
// the room still exists (node 1, the URL it was given first, is dead);
// SIGKILLing devserver itself leaves no server behind.
func TestDevserverClusterAndTwoURLs(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ds := c.start("devserver", "--nodes", "2")
	urls := ds.waitLine(t, regexp.MustCompile(`^url:\s+(ws://\S+),(ws://\S+)$`), 3*time.Minute)
	node1, node2 := urls[1], urls[2]

	j := c.start("join", "--url", node1+","+node2, "--api-key", "devkey", "--api-secret", "secret",
		"--room", "two-urls", "--identity", "ada", "--for", "60s")
	j.waitLine(t, regexp.MustCompile(`"type":"token_refreshed"`), time.Minute)
	ds.waitLine(t, regexp.MustCompile(`room two-urls \(RM_\w+\) on node [12] \(ND_\w+\)`), 30*time.Second)

	var pid1 int
	for _, m := range regexp.MustCompile(`node 1: starting livekit-server on \S+ \(pid (\d+)\)`).FindAllStringSubmatch(ds.stderr(), -1) {
		pid1, _ = strconv.Atoi(m[1])
	}
	if pid1 == 0 {
		t.Fatalf("no pid for node 1 in:\n%s", ds.stderr())
	}
	if err := syscall.Kill(pid1, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	ds.waitLine(t, regexp.MustCompile(`node 1 exited: signal: killed`), 30*time.Second)
	f := j.waitLine(t, regexp.MustCompile(`"type":"failover".*"from":\{"url":"([^"]+)"\},"to":\{"url":"([^"]+)"\}`), time.Minute)
	if f[1] != node1 || f[2] != node2 {
		t.Errorf("failover %s → %s, want %s → %s", f[1], f[2], node1, node2)
	}
	t.Logf("join: %s", f[0])
	j.waitLine(t, regexp.MustCompile(`"type":"reconnected"`), time.Minute)
	_ = j.cmd.Process.Signal(os.Interrupt)
	<-j.done
	if strings.Contains(j.stderr(), "after leaving") {
		t.Errorf("join could not ask about the room after leaving:\n%s", j.stderr())
	}
	rooms := j.events("room")
	if last := rooms[len(rooms)-1]; last["left"] != true || last["exists"] == nil {
		t.Errorf("the last room line %v, want left with exists (asked of node 2)", last)
	}

	t.Logf("devserver:\n%s", strings.Join(ds.lines(), "\n"))
	pids := childPIDs(ds.stderr())
	_ = ds.cmd.Process.Signal(syscall.SIGKILL)
	<-ds.done
	waitGone(t, pids, 10*time.Second)
}
