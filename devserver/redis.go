package devserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lkdash/lkdash/internal/netguard"
)

// ErrNoRedis is returned when a cluster is asked for and redis-server is
// not on PATH.
var ErrNoRedis = errors.New("redis-server not found on PATH: a local cluster needs it; install it from the OS packages " +
	"(Debian, Ubuntu: sudo apt-get install redis-server; Fedora: sudo dnf install redis; macOS: brew install redis)")

// redisStartTimeout bounds one attempt at starting Redis; it is up in
// milliseconds on loopback.
const redisStartTimeout = 15 * time.Second

// Redis is the redis-server a cluster's nodes share: bound to loopback
// with protected mode on, nothing persisted, its working directory a
// temporary one removed as soon as it is up. Like the nodes it is in its
// own process group and, on Linux, dies with lkdash.
type Redis struct {
	Addr    string // 127.0.0.1:<port>, what the nodes' redis.address says
	Binary  string
	LogPath string // its output, beside the nodes' logs

	cmd      *exec.Cmd
	exited   chan struct{}
	waitErr  error
	logFile  *os.File
	stopOnce sync.Once
	stopErr  error
}

// startRedis finds redis-server on PATH and starts it on a free loopback
// port, retrying when another process takes the port first.
func startRedis(ctx context.Context, logDir string, progress func(string)) (*Redis, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, ErrNoRedis
	}
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return nil, fmt.Errorf("creating log directory: %w", err)
	}
	pruneLogs(logDir, redisLogs, keepLogs-1)
	logFile, err := os.CreateTemp(logDir, redisLogs)
	if err != nil {
		return nil, fmt.Errorf("creating the Redis log: %w", err)
	}
	var lastErr error
	for range startAttempts {
		r, err := launchRedis(ctx, bin, logFile)
		if err == nil {
			progress(fmt.Sprintf("redis-server ready on %s (pid %d)", r.Addr, r.cmd.Process.Pid))
			return r, nil
		}
		lastErr = err
		if !errors.Is(err, errPortInUse) {
			break
		}
		progress("the Redis port was taken by another process; retrying with a new one")
	}
	logFile.Close()
	return nil, lastErr
}

func launchRedis(ctx context.Context, bin string, logFile *os.File) (*Redis, error) {
	port, err := freeTCPPort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "lkdash-redis-")
	if err != nil {
		return nil, fmt.Errorf("creating the Redis directory: %w", err)
	}
	r := &Redis{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Binary: bin, LogPath: logFile.Name(),
		logFile: logFile, exited: make(chan struct{})}
	logStart, _ := logFile.Seek(0, io.SeekEnd)
	fmt.Fprintf(logFile, "=== lkdash: starting %s on %s\n", bin, r.Addr)
	// No config file: every setting is here. `--save ""` and `--appendonly
	// no` keep it from persisting anything; --dir is where it would.
	r.cmd = exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--protected-mode", "yes",
		"--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no", "--databases", "1")
	r.cmd.Stdout, r.cmd.Stderr = logFile, logFile
	r.cmd.SysProcAttr = sysProcAttr()
	if err := r.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting redis-server %s: %w", bin, err)
	}
	go func() {
		r.waitErr = r.cmd.Wait()
		close(r.exited)
	}()
	if err := r.waitReady(ctx); err != nil {
		_ = kill(r.cmd.Process)
		<-r.exited
		os.RemoveAll(dir)
		tail := logTail(logFile.Name(), logStart)
		if strings.Contains(tail, "Address already in use") {
			return nil, fmt.Errorf("%w: %v", errPortInUse, err)
		}
		if tail != "" {
			err = fmt.Errorf("%w; its log %s ends with:\n%s", err, logFile.Name(), tail)
		}
		return nil, err
	}
	// Redis has made the directory its working directory; removing it now
	// means it can write nothing at all, and that nothing is left behind
	// even if lkdash is killed before Stop.
	os.RemoveAll(dir)
	return r, nil
}

// waitReady pings until Redis answers, it exits, or the time is up.
func (r *Redis) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, redisStartTimeout)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		pctx, pcancel := context.WithTimeout(ctx, time.Second)
		_, err := respCall(pctx, r.Addr, "PING")
		pcancel()
		if err == nil {
			select {
			case <-r.exited: // a stranger on our port answered
			default:
				return nil
			}
		}
		select {
		case <-r.exited:
			return fmt.Errorf("redis-server exited during startup: %v", r.waitErr)
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("redis-server did not answer on %s within %s", r.Addr, redisStartTimeout)
			}
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// Done is closed when the process has exited.
func (r *Redis) Done() <-chan struct{} { return r.exited }

// PID is the process id.
func (r *Redis) PID() int { return r.cmd.Process.Pid }

// Stop ends Redis (SIGTERM, SIGKILL after killAfter) and reaps it. Safe
// to call twice.
func (r *Redis) Stop() error {
	r.stopOnce.Do(func() {
		defer r.logFile.Close()
		p := r.cmd.Process
		select {
		case <-r.exited:
			_ = kill(p)
			return
		default:
		}
		_ = terminate(p)
		select {
		case <-r.exited:
			_ = kill(p)
			return
		case <-time.After(killAfter):
		}
		if err := kill(p); err != nil {
			r.stopErr = fmt.Errorf("killing redis-server (pid %d): %w", p.Pid, err)
		}
		<-r.exited
	})
	return r.stopErr
}

// freeTCPPort asks the kernel for a free loopback port; another process
// may take it before the caller binds, which callers retry.
func freeTCPPort() (int, error) {
	l, err := netguard.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
