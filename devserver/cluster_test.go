//go:build linux

package devserver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"go.yaml.in/yaml/v3"

	"github.com/lkdash/lkdash/internal/sdkquiet"
)

func startCluster(t *testing.T, n int) *Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := StartCluster(ctx, Config{Binary: realBinary(t), LogDir: t.TempDir()}, n)
	if err != nil {
		t.Fatalf("StartCluster: %v", err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	return c
}

// joinNode joins room through one node with a dev token, as any SDK client.
func joinNode(t *testing.T, s *Server, room, identity string) *lksdk.Room {
	t.Helper()
	sdkquiet.Silence()
	tok, err := auth.NewAccessToken(s.APIKey, s.APISecret).SetIdentity(identity).
		SetVideoGrant(&auth.VideoGrant{RoomJoin: true, Room: room}).SetValidFor(time.Hour).ToJWT()
	if err != nil {
		t.Fatal(err)
	}
	r, err := lksdk.ConnectToRoomWithToken(s.URL, tok, lksdk.NewRoomCallback(), lksdk.WithAutoSubscribe(false))
	if err != nil {
		t.Fatalf("joining %s through %s: %v", room, s.URL, err)
	}
	t.Cleanup(r.Disconnect)
	return r
}

// TestClusterServesJoinsOnBothNodes: two nodes on one Redis, distinct
// ports and node ids; a room placed on node 2 is recorded there in Redis,
// listed by node 1, and joined through both nodes by two participants who
// see each other. Stop leaves no process behind.
func TestClusterServesJoinsOnBothNodes(t *testing.T) {
	t.Parallel()
	c := startCluster(t, 2)
	a, b := c.Nodes[0], c.Nodes[1]
	if a.Port == b.Port || a.RTCUDPPort == b.RTCUDPPort || a.RTCTCPPort == b.RTCTCPPort {
		t.Fatalf("nodes share ports: %+v %+v", a, b)
	}
	if a.NodeID == "" || b.NodeID == "" || a.NodeID == b.NodeID {
		t.Fatalf("node ids %q %q", a.NodeID, b.NodeID)
	}
	if !strings.HasPrefix(c.Redis.Addr, "127.0.0.1:") {
		t.Fatalf("redis on %s", c.Redis.Addr)
	}
	for _, s := range c.Nodes {
		var cfg map[string]any
		if err := yaml.Unmarshal([]byte(s.Config), &cfg); err != nil {
			t.Fatal(err)
		}
		addr, _ := lookup(cfg, "redis", "address")
		ip, _ := lookup(cfg, "rtc", "node_ip")
		if addr != c.Redis.Addr || ip != "127.0.0.1" {
			t.Errorf("node config lacks the Redis address or the loopback node_ip:\n%s", s.Config)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	room := fmt.Sprintf("cluster-%d", time.Now().UnixNano())
	rs := lksdk.NewRoomServiceClient(a.HTTPURL, a.APIKey, a.APISecret)
	if _, err := rs.CreateRoom(ctx, &livekit.CreateRoomRequest{Name: room, NodeId: b.NodeID}); err != nil {
		t.Fatal(err)
	}
	placed, err := c.RoomNodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if placed[room] != b.NodeID {
		t.Fatalf("room placed on %q, want node 2 %q (all: %v)", placed[room], b.NodeID, placed)
	}
	if n, s, ok := c.Node(placed[room]); !ok || n != 2 || s != b {
		t.Errorf("Node(%q) = %d, %v", placed[room], n, ok)
	}

	ra := joinNode(t, a, room, "ann")
	rb := joinNode(t, b, room, "bob")
	for _, r := range []*lksdk.Room{ra, rb} {
		if got := r.ServerInfo().GetNodeId(); got != b.NodeID {
			t.Errorf("%s is served by %q, want the room's node %q", r.LocalParticipant.Identity(), got, b.NodeID)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(ra.GetRemoteParticipants()) != 1 || len(rb.GetRemoteParticipants()) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("ann sees %d, bob sees %d others", len(ra.GetRemoteParticipants()), len(rb.GetRemoteParticipants()))
		}
		time.Sleep(50 * time.Millisecond)
	}
	list, err := lksdk.NewRoomServiceClient(b.HTTPURL, b.APIKey, b.APISecret).ListRooms(ctx, &livekit.ListRoomsRequest{Names: []string{room}})
	if err != nil || len(list.GetRooms()) != 1 {
		t.Fatalf("node 2 lists %v (err %v)", list.GetRooms(), err)
	}
	ra.Disconnect()
	rb.Disconnect()

	pids := []int{a.PID(), b.PID(), c.Redis.PID()}
	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	select {
	case <-c.Done():
	default:
		t.Fatal("Done not closed after Stop")
	}
	for _, pid := range pids {
		waitDead(t, pid, 5*time.Second)
	}
	if err := c.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

// TestClusterDiesWithParent starts a cluster in a child process, SIGKILLs
// the child, and expects every node and Redis to die with it.
func TestClusterDiesWithParent(t *testing.T) {
	t.Parallel()
	bin := realBinary(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperStartClusterAndHang$")
	cmd.Env = append(os.Environ(), "LKDASH_CLUSTER_HELPER="+bin, "LKDASH_DEVSERVER_LOGDIR="+t.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	pidc := make(chan []int, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "PIDS="); ok {
				var pids []int
				for _, f := range strings.Fields(p) {
					n, _ := strconv.Atoi(f)
					pids = append(pids, n)
				}
				pidc <- pids
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	var pids []int
	select {
	case pids = <-pidc:
	case <-time.After(2 * time.Minute):
		t.Fatal("helper never reported its pids")
	}
	if len(pids) != 3 {
		t.Fatalf("pids %v", pids)
	}
	for _, pid := range pids {
		if !alive(pid) {
			t.Fatalf("process %d not running before the parent is killed", pid)
		}
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	for _, pid := range pids {
		waitDead(t, pid, 10*time.Second)
	}
}

func TestHelperStartClusterAndHang(t *testing.T) {
	bin := os.Getenv("LKDASH_CLUSTER_HELPER")
	if bin == "" {
		return // only meaningful as TestClusterDiesWithParent's child
	}
	c, err := StartCluster(context.Background(), Config{Binary: bin, LogDir: os.Getenv("LKDASH_DEVSERVER_LOGDIR")}, 2)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	fmt.Printf("PIDS=%d %d %d\n", c.Nodes[0].PID(), c.Nodes[1].PID(), c.Redis.PID())
	time.Sleep(2 * time.Minute)
	os.Exit(1)
}

// TestRedisAnswersOnLoopbackOnly: protected mode, loopback bind and no
// persistence, as Redis itself reports them.
func TestRedisAnswersOnLoopbackOnly(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := startRedis(ctx, t.TempDir(), func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Stop() })
	config := func(key string) map[string]string {
		reply, err := respCall(ctx, r.Addr, "CONFIG", "GET", key)
		if err != nil {
			t.Fatal(err)
		}
		m, err := respHash(reply)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for key, want := range map[string]string{"bind": "127.0.0.1", "protected-mode": "yes", "save": "", "appendonly": "no"} {
		if got := config(key); got[key] != want {
			t.Errorf("%s = %q, want %q", key, got[key], want)
		}
	}
	// Redis reads its directory with getcwd, which says "" once it is gone.
	dir := config("dir")["dir"]
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Redis's directory %q still exists (err %v): it could write there", dir, err)
	}
	if reply, err := respCall(ctx, r.Addr, "SET", "k", "v"); err != nil || reply != "OK" {
		t.Errorf("Redis does not serve: %v %v", reply, err)
	}
	if _, err := respCall(ctx, r.Addr, "SAVE"); err == nil {
		t.Error("SAVE succeeded: Redis could persist")
	} else if re := new(respError); !errors.As(err, re) {
		t.Errorf("SAVE: %v, want Redis's refusal", err)
	}
}

func TestClusterWithoutRedisSaysHowToInstall(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := StartCluster(context.Background(), Config{Binary: "/nonexistent/livekit-server", LogDir: t.TempDir()}, 2)
	if !errors.Is(err, ErrNoRedis) || !strings.Contains(err.Error(), "apt-get install redis-server") {
		t.Fatalf("err = %v", err)
	}
}

func TestStartClusterRefusesNodeCounts(t *testing.T) {
	for _, n := range []int{-1, 0, MaxNodes + 1} {
		if _, err := StartCluster(context.Background(), Config{Binary: "/nonexistent"}, n); err == nil || !strings.Contains(err.Error(), "1 to") {
			t.Errorf("%d nodes: err = %v", n, err)
		}
	}
}

func TestNodeIDFromLog(t *testing.T) {
	path := t.TempDir() + "/log"
	line := `2026-01-01T00:00:00.000Z	INFO	livekit	service/server.go:292	starting LiveKit server	{"portHttp": 40637, "nodeID": "ND_abc123XYZ", "nodeIP": "127.0.0.1"}` + "\n"
	if err := os.WriteFile(path, []byte("=== lkdash: earlier attempt nodeID\n"+line), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := nodeIDFromLog(path, 0); got != "ND_abc123XYZ" {
		t.Errorf("nodeIDFromLog = %q", got)
	}
	if got := nodeIDFromLog(path, int64(len(line)+100)); got != "" {
		t.Errorf("past the end: %q", got)
	}
}
