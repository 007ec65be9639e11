package devserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lkdash/lkdash/internal/netguard"
)

const (
	// startAttempts bounds retries when another process grabs a port between
	// our probe and the server's bind.
	startAttempts = 5
	// startTimeout is how long one attempt may take to answer HTTP.
	startTimeout = 30 * time.Second
	// forceAfter is when Stop sends the second SIGTERM: livekit-server's first
	// one waits for participants to leave, the second one does not.
	forceAfter = time.Second
	// killAfter is the grace period before Stop resorts to SIGKILL.
	killAfter    = 5 * time.Second
	logTailBytes = 4096
	logTailLines = 12
)

// Config says which binary to run and where its log goes.
type Config struct {
	Binary   string       // "" = Locate (PATH, cache, or build)
	LogDir   string       // "" = <os.UserCacheDir()>/lkdash/logs
	Progress func(string) // build and start progress lines; may be nil
	// Build gets the package count while livekit-server is being built
	// (first run only); may be nil.
	Build func(BuildProgress)
	// Overlay is livekit-server YAML merged over lkdash's defaults
	// (mappings key by key, anything else replaced), for a server that is
	// misconfigured on purpose: `rtc: {tcp_port: 0}`, `turn: {enabled:
	// true}` (given a free UDP port unless the overlay names one),
	// webhooks, room limits. ParseOverlay says what it may not set.
	Overlay string
}

// Server is a running `livekit-server --dev` bound to loopback ports chosen at
// start. Stop (or Kill) must be called to end it.
type Server struct {
	URL       string // ws://127.0.0.1:<Port>, what clients join
	HTTPURL   string // http://127.0.0.1:<Port>, for RoomService and /rtc/validate
	APIKey    string // DevKey
	APISecret string // DevSecret
	LogPath   string // the server's combined stdout/stderr

	Binary     string
	Port       int // HTTP/WebSocket
	RTCTCPPort int // ICE over TCP
	RTCUDPPort int // ICE over UDP (single muxed port)
	TURNPort   int // the embedded TURN server's UDP port; 0 when it is off
	// Config is the config the server was started with, as JSON (which
	// is YAML): lkdash's defaults with Config.Overlay merged over them. It
	// holds no secret.
	Config string
	// NodeID is the id the server gave itself ("ND_…"), as its log and
	// the join response's server info name it; "" if the log did not say.
	NodeID string

	cmd      *exec.Cmd
	exited   chan struct{} // closed once the process has been reaped
	waitErr  error         // valid after exited is closed
	logFile  *os.File
	logStart int64       // where this attempt's output begins in the log
	stopping atomic.Bool // Stop or Kill has begun
	stopOnce sync.Once
	stopErr  error
	stun     *stunResponder // the STUN server clients are handed; closed by Stop or Kill
}

// errPortInUse marks an attempt lost to a port race; Start retries it.
var errPortInUse = errors.New("port already in use")

// Start runs livekit-server in dev mode (key DevKey, secret DevSecret) and
// returns once it answers HTTP. The server is in its own process group and,
// on Linux, dies with lkdash even if Stop is never called.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	return start(ctx, cfg, nil)
}

// start is Start with settings of lkdash's own merged over the user's
// overlay (a cluster node's Redis), which ParseOverlay would refuse.
func start(ctx context.Context, cfg Config, own map[string]any) (*Server, error) {
	progress := cfg.Progress
	if progress == nil {
		progress = func(string) {}
	}
	bin := cfg.Binary
	if bin == "" {
		var err error
		if bin, err = Locate(ctx, progress, cfg.Build); err != nil {
			return nil, err
		}
	}
	logDir := cfg.LogDir
	if logDir == "" {
		logDir = defaultLogDir()
	}
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return nil, fmt.Errorf("creating log directory: %w", err)
	}
	overlay := map[string]any{}
	if cfg.Overlay != "" {
		var err error
		if overlay, err = ParseOverlay(cfg.Overlay); err != nil {
			return nil, err
		}
		if overlay == nil { // a file of comments only
			overlay = map[string]any{}
		}
	}
	merge(overlay, own)
	pruneLogs(logDir, serverLogs, keepLogs-1) // room for the log created next
	logFile, err := os.CreateTemp(logDir, serverLogs)
	if err != nil {
		return nil, fmt.Errorf("creating server log: %w", err)
	}

	var lastErr error
	for attempt := 1; attempt <= startAttempts; attempt++ {
		s, err := launch(ctx, bin, logFile, attempt, overlay, progress)
		if err == nil {
			return s, nil
		}
		lastErr = err
		if !errors.Is(err, errPortInUse) {
			break
		}
		progress("a port was taken by another process; retrying with new ports")
	}
	logFile.Close()
	return nil, lastErr
}

func launch(ctx context.Context, bin string, logFile *os.File, attempt int, overlay map[string]any, progress func(string)) (*Server, error) {
	turnOn, _ := lookup(overlay, "turn", "enabled")
	probed, err := freePorts(turnOn == true)
	if err != nil {
		return nil, err
	}
	stunr, err := startSTUN()
	if err != nil {
		return nil, fmt.Errorf("starting the loopback STUN responder: %w", err)
	}
	probed.stun = stunr.port()
	s, err := launchWith(ctx, bin, logFile, attempt, overlay, probed, progress)
	if err != nil {
		stunr.close()
		return nil, err
	}
	s.stun = stunr
	return s, nil
}

func launchWith(ctx context.Context, bin string, logFile *os.File, attempt int, overlay map[string]any, probed ports, progress func(string)) (*Server, error) {
	body, p, err := effectiveConfig(probed, overlay)
	if err != nil {
		return nil, err
	}
	s := &Server{
		URL:        fmt.Sprintf("ws://127.0.0.1:%d", p.http),
		HTTPURL:    fmt.Sprintf("http://127.0.0.1:%d", p.http),
		APIKey:     DevKey,
		APISecret:  DevSecret,
		LogPath:    logFile.Name(),
		Binary:     bin,
		Port:       p.http,
		RTCTCPPort: p.rtcTCP,
		RTCUDPPort: p.rtcUDP,
		TURNPort:   p.turnUDP,
		Config:     body,
		logFile:    logFile,
		exited:     make(chan struct{}),
	}
	logStart, _ := logFile.Seek(0, io.SeekEnd)
	s.logStart = logStart
	fmt.Fprintf(logFile, "=== lkdash: starting %s (attempt %d) http=%d rtc.tcp=%d rtc.udp=%d turn.udp=%d\n",
		bin, attempt, p.http, p.rtcTCP, p.rtcUDP, p.turnUDP)

	cmd := exec.Command(bin, "--dev", "--config-body", body)
	cmd.Env = childEnv(os.Environ())
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting livekit-server %s: %w", bin, err)
	}
	s.cmd = cmd
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	progress(fmt.Sprintf("starting livekit-server on %s (pid %d)", s.URL, cmd.Process.Pid))

	if err := s.waitReady(ctx); err != nil {
		_ = kill(cmd.Process)
		<-s.exited
		tail := logTail(logFile.Name(), logStart)
		if strings.Contains(tail, "address already in use") {
			return nil, fmt.Errorf("%w: %v", errPortInUse, err)
		}
		if tail != "" {
			err = fmt.Errorf("%w; server log %s ends with:\n%s", err, logFile.Name(), tail)
		}
		return nil, err
	}
	s.NodeID = nodeIDFromLog(logFile.Name(), logStart)
	return s, nil
}

// waitReady polls GET / until the server answers 200, the process exits, or
// ctx / startTimeout runs out.
func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: time.Second}
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		if ready(ctx, client, s.HTTPURL+"/") {
			// A stranger on our port could answer too; make sure ours is alive.
			select {
			case <-s.exited:
			default:
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("livekit-server exited during startup: %v", s.waitErr)
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("livekit-server did not answer on %s within %s", s.HTTPURL, startTimeout)
			}
			return ctx.Err()
		case <-tick.C:
		}
	}
}

func ready(ctx context.Context, client *http.Client, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1024))
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// Done is closed when the server process has exited, for whatever reason.
func (s *Server) Done() <-chan struct{} { return s.exited }

// Stop ends the server: SIGTERM to its process group, a second SIGTERM after
// forceAfter (livekit-server otherwise waits for participants to leave), and
// SIGKILL after killAfter. It reaps the process and is safe to call twice.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() { s.stopErr = s.stop(true) })
	return s.stopErr
}

// Kill ends the server at once with SIGKILL, as a crash would; tests use it to
// see how clients cope with a server that vanishes.
func (s *Server) Kill() error {
	s.stopOnce.Do(func() { s.stopErr = s.stop(false) })
	return s.stopErr
}

func (s *Server) stop(graceful bool) error {
	s.stopping.Store(true)
	defer s.logFile.Close()
	defer s.stun.close()
	p := s.cmd.Process
	select {
	case <-s.exited:
		_ = kill(p) // reap anything left in the group
		return nil
	default:
	}
	if graceful {
		_ = terminate(p)
		if s.waitExit(forceAfter) {
			_ = kill(p)
			return nil
		}
		_ = terminate(p)
		if s.waitExit(killAfter - forceAfter) {
			_ = kill(p)
			return nil
		}
	}
	if err := kill(p); err != nil {
		select {
		case <-s.exited:
		default:
			return fmt.Errorf("killing livekit-server (pid %d): %w", p.Pid, err)
		}
	}
	<-s.exited
	return nil
}

func (s *Server) waitExit(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-s.exited:
		return true
	case <-t.C:
		return false
	}
}

// childEnv drops the variables livekit-server reads as configuration, so a
// user's LIVEKIT_KEYS or NODE_IP cannot turn the dev server into something
// that rejects devkey or binds elsewhere.
func childEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "LIVEKIT_"),
			name == "NODE_IP", name == "UDP_PORT", name == "REDIS_HOST", name == "REDIS_PASSWORD":
			continue
		}
		out = append(out, kv)
	}
	return out
}

// freePorts asks the kernel for distinct free loopback ports (HTTP, RTC
// TCP, RTC UDP, and a UDP port for TURN should an overlay enable it),
// holding all of them until all are chosen. Another process can still take
// one before the server binds; Start retries then.
func freePorts(turnRelays bool) (ports, error) {
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	taken := map[int]bool{}
	pick := func(listen func() (io.Closer, int, error)) (int, error) {
		for range 10 {
			c, p, err := listen()
			if err != nil {
				return 0, fmt.Errorf("finding a free port: %w", err)
			}
			closers = append(closers, c)
			if !taken[p] {
				taken[p] = true
				return p, nil
			}
		}
		return 0, errors.New("finding a free port: none distinct from the others")
	}
	tcp := func() (io.Closer, int, error) {
		l, err := netguard.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			return nil, 0, err
		}
		return l, l.Addr().(*net.TCPAddr).Port, nil
	}
	udp := func() (io.Closer, int, error) {
		c, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			return nil, 0, err
		}
		return c, c.LocalAddr().(*net.UDPAddr).Port, nil
	}
	var p ports
	var err error
	for _, f := range []struct {
		dst    *int
		listen func() (io.Closer, int, error)
	}{{&p.http, tcp}, {&p.rtcTCP, tcp}, {&p.rtcUDP, udp}, {&p.turnUDP, udp}} {
		if *f.dst, err = pick(f.listen); err != nil {
			return ports{}, err
		}
	}
	if turnRelays {
		held, start, err := udpRange(turnRelayPorts, taken)
		closers = append(closers, held...)
		if err != nil {
			return ports{}, err
		}
		p.relayStart, p.relayEnd = start, start+turnRelayPorts-1
	}
	return p, nil
}

// turnRelayPorts is how many relay ports the embedded TURN server gets:
// one per allocation, and a doctor's relay-only join makes two.
const turnRelayPorts = 8

// udpRange finds n consecutive free loopback UDP ports none of which is in
// taken, holding them (the returned closers) until the caller lets go.
func udpRange(n int, taken map[int]bool) ([]io.Closer, int, error) {
	for range 20 {
		first, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			return nil, 0, fmt.Errorf("finding free TURN relay ports: %w", err)
		}
		start := first.LocalAddr().(*net.UDPAddr).Port
		held := []io.Closer{first}
		ok := start+n-1 <= 65535 && !taken[start]
		for p := start + 1; ok && p < start+n; p++ {
			c, err := net.ListenPacket("udp4", fmt.Sprintf("127.0.0.1:%d", p))
			if err != nil || taken[p] {
				ok = false
				if c != nil {
					c.Close()
				}
				break
			}
			held = append(held, c)
		}
		if ok {
			return held, start, nil
		}
		for _, c := range held {
			c.Close()
		}
	}
	return nil, 0, fmt.Errorf("finding free TURN relay ports: no %d consecutive free UDP ports", n)
}

func defaultLogDir() string {
	if base, err := os.UserCacheDir(); err == nil {
		return filepath.Join(base, "lkdash", "logs")
	}
	return filepath.Join(os.TempDir(), "lkdash-logs")
}

// logTail returns the last lines written to path after offset from.
func logTail(path string, from int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	end, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return ""
	}
	start := max(from, end-logTailBytes)
	buf := make([]byte, end-start)
	if _, err := f.ReadAt(buf, start); err != nil && !errors.Is(err, io.EOF) {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(bytes.ToValidUTF8(buf, nil)), "\n"), "\n")
	if len(lines) > logTailLines {
		lines = lines[len(lines)-logTailLines:]
	}
	return strings.Join(lines, "\n")
}
