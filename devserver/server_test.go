// The process tests read /proc and rely on Pdeathsig: Linux only.

//go:build linux

package devserver

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// realBinary finds the real livekit-server (PATH or cache; building it here
// would take minutes, so tests expect it prepared, see README).
func realBinary(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	bin, err := Locate(ctx, func(s string) { t.Log(s) }, nil)
	if err != nil {
		t.Fatalf("no livekit-server to test with: %v", err)
	}
	return bin
}

func startReal(t *testing.T) *Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := Start(ctx, Config{Binary: realBinary(t), LogDir: t.TempDir()})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Stop() })
	return s
}

// alive reports whether pid exists and is not a zombie (in a container PID 1
// may never reap an orphan, so a zombie counts as dead).
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return !strings.HasPrefix(rest, "Z")
}

func waitDead(t *testing.T, pid int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("process %d still alive after %s", pid, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestStartServesAndStopEndsIt(t *testing.T) {
	s := startReal(t)
	if s.URL != "ws://127.0.0.1:"+strconv.Itoa(s.Port) || s.APIKey != DevKey || s.APISecret != DevSecret {
		t.Errorf("server = %+v", s)
	}
	if s.Port == s.RTCTCPPort || s.RTCUDPPort == s.Port || s.RTCUDPPort == s.RTCTCPPort {
		t.Errorf("ports not distinct: %d %d %d", s.Port, s.RTCTCPPort, s.RTCUDPPort)
	}
	resp, err := http.Get(s.HTTPURL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET / = %d", resp.StatusCode)
	}
	// /rtc/validate without a token is the SDK's pre-flight; dev mode says 401.
	resp, err = http.Get(s.HTTPURL + "/rtc/validate")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /rtc/validate = %d", resp.StatusCode)
	}

	pid := s.cmd.Process.Pid
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	select {
	case <-s.Done():
	default:
		t.Fatal("Done not closed after Stop")
	}
	waitDead(t, pid, 5*time.Second)
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	if _, err := http.Get(s.HTTPURL + "/"); err == nil {
		t.Error("server still answers after Stop")
	}
	log, err := os.ReadFile(s.LogPath)
	if err != nil || !strings.Contains(string(log), "starting LiveKit server") {
		t.Errorf("log %s missing server output (err %v)", s.LogPath, err)
	}
}

func TestTwoServersSideBySide(t *testing.T) {
	a, b := startReal(t), startReal(t)
	if a.Port == b.Port || a.RTCUDPPort == b.RTCUDPPort || a.RTCTCPPort == b.RTCTCPPort {
		t.Fatalf("servers share ports: %+v %+v", a, b)
	}
}

func TestKillIsImmediate(t *testing.T) {
	s := startReal(t)
	pid := s.cmd.Process.Pid
	if err := s.Kill(); err != nil {
		t.Fatal(err)
	}
	waitDead(t, pid, 5*time.Second)
}

func TestStartReportsEarlyExitWithLog(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "bad-server")
	writeScript(t, bin, "echo 'could not parse config: boom' >&2\nexit 3\n")
	_, err := Start(context.Background(), Config{Binary: bin, LogDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "exited during startup") || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err = %v", err)
	}
}

func TestStartRetriesWhenPortTaken(t *testing.T) {
	// A fake server that loses the port race once, then serves: the retry
	// must pick new ports and succeed.
	dir := t.TempDir()
	marker := filepath.Join(dir, "lost-once")
	bin := filepath.Join(dir, "racy-server")
	writeScript(t, bin, `
if [ ! -e "`+marker+`" ]; then touch "`+marker+`"; echo 'listen tcp 127.0.0.1:1: bind: address already in use' >&2; exit 1; fi
port=$(printf '%s' "$3" | sed -n 's/.*"port":\([0-9]*\).*/\1/p')
exec python3 -m http.server --bind 127.0.0.1 "$port"
`)
	if _, err := exec.LookPath("python3"); err != nil {
		t.Fatalf("this test needs python3 for its fake server: %v", err)
	}
	var lines []string
	s, err := Start(context.Background(), Config{Binary: bin, LogDir: dir, Progress: func(l string) { lines = append(lines, l) }})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer s.Stop()
	if !strings.Contains(strings.Join(lines, "\n"), "retrying") {
		t.Errorf("progress = %q", lines)
	}
}

func TestStartHonoursCancel(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "silent-server")
	writeScript(t, bin, "exec sleep 60\n")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Start(ctx, Config{Binary: bin, LogDir: t.TempDir()})
	if err == nil {
		t.Fatal("Start succeeded against a server that never answers")
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("Start took %s after cancel", time.Since(start))
	}
}

func TestChildEnvDropsServerConfig(t *testing.T) {
	got := childEnv([]string{"PATH=/bin", "LIVEKIT_KEYS=a: b", "LIVEKIT_CONFIG=x", "NODE_IP=1.2.3.4", "UDP_PORT=1", "REDIS_HOST=r", "HOME=/h"})
	if strings.Join(got, " ") != "PATH=/bin HOME=/h" {
		t.Errorf("childEnv = %q", got)
	}
}

// TestServerDiesWithParent runs Start in a child process, SIGKILLs that
// child (no Stop, no cleanup), and expects Pdeathsig to take the server down.
func TestServerDiesWithParent(t *testing.T) {
	bin := realBinary(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperStartAndHang$")
	cmd.Env = append(os.Environ(), "LKDASH_DEVSERVER_HELPER="+bin, "LKDASH_DEVSERVER_LOGDIR="+t.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	pidc := make(chan int, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "SERVERPID="); ok {
				n, _ := strconv.Atoi(p)
				pidc <- n
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	var pid int
	select {
	case pid = <-pidc:
	case <-time.After(time.Minute):
		t.Fatal("helper never reported a server pid")
	}
	if !alive(pid) {
		t.Fatal("server not running before the parent is killed")
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	waitDead(t, pid, 10*time.Second)
}

func TestHelperStartAndHang(t *testing.T) {
	bin := os.Getenv("LKDASH_DEVSERVER_HELPER")
	if bin == "" {
		return // only meaningful as TestServerDiesWithParent's child
	}
	s, err := Start(context.Background(), Config{Binary: bin, LogDir: os.Getenv("LKDASH_DEVSERVER_LOGDIR")})
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	fmt.Printf("SERVERPID=%d\n", s.cmd.Process.Pid)
	time.Sleep(time.Minute)
	os.Exit(1)
}

// TestOverlayReachesTheServer starts the real server with ICE/TCP off and
// the embedded TURN server on: the TURN port is bound (by the server, on
// loopback) and the ICE/TCP port is not reported.
func TestOverlayReachesTheServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := Start(ctx, Config{Binary: realBinary(t), LogDir: t.TempDir(),
		Overlay: "rtc: {tcp_port: 0}\nturn: {enabled: true}\n"})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Stop() })
	if s.RTCTCPPort != 0 || s.TURNPort == 0 {
		t.Fatalf("ports: rtc.tcp %d (want 0), turn %d (want one)", s.RTCTCPPort, s.TURNPort)
	}
	c, err := net.ListenPacket("udp4", fmt.Sprintf("127.0.0.1:%d", s.TURNPort))
	if err == nil {
		c.Close()
		t.Fatalf("nothing listens on the TURN port %d", s.TURNPort)
	}
	log, _ := os.ReadFile(s.LogPath)
	if !strings.Contains(string(log), "turn.portUDP") {
		t.Errorf("the server's log does not mention its TURN listener:\n%s", log)
	}
}
