package tokens

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCommandSuccess(t *testing.T) {
	in := filepath.Join(t.TempDir(), "stdin")
	c := &Command{
		Line: `cat > "$IN"; printf '{"server_url":"%s","participant_token":"t"}' "$LK_URL"`,
		Env:  []string{"IN=" + in, "LK_URL=wss://from-env"},
	}
	r, err := c.Fetch(context.Background(), Options{RoomName: "r", ParticipantAttributes: map[string]string{"k": "v"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.ServerURL != "wss://from-env" || r.ParticipantToken != "t" {
		t.Errorf("response %+v", r)
	}
	got, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"room_name":"r","participant_attributes":{"k":"v"}}`; string(got) != want {
		t.Errorf("stdin %s, want %s", got, want)
	}
}

func TestCommandErrors(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		check   func(*testing.T, error)
		errText []string
	}{
		{name: "non-zero exit", line: `echo "no credentials" >&2; exit 3 # --api-secret=hunter2`,
			check: func(t *testing.T, err error) {
				var ce *CommandError
				if !errors.As(err, &ce) || ce.ExitCode != 3 || !strings.Contains(ce.Stderr, "no credentials") {
					t.Fatalf("err = %#v", err)
				}
			}, errText: []string{"exited with code 3", "no credentials"}},
		{name: "stderr is bounded", line: `head -c 100000 /dev/zero | tr '\0' e >&2; exit 1`,
			check: func(t *testing.T, err error) {
				var ce *CommandError
				if !errors.As(err, &ce) || len(ce.Stderr) > 2<<10 {
					t.Fatalf("err = %v", err)
				}
			}},
		{name: "garbage stdout", line: `echo hello world`, check: srcWantFormatError, errText: []string{"stdout", "hello world"}},
		{name: "empty stdout", line: `true`, check: srcWantFormatError, errText: []string{"empty"}},
		{name: "missing token", line: `echo '{"server_url":"wss://x"}'`, check: srcWantMissing("participant_token")},
		{name: "huge stdout is bounded", line: `head -c 5000000 /dev/zero`, check: srcWantFormatError, errText: []string{"larger than 1 MiB"}},
		{name: "empty command", line: "  ", errText: []string{"command is empty"}},
		{name: "no such program", line: "/nonexistent/tokgen", check: func(t *testing.T, err error) {
			var ce *CommandError
			if !errors.As(err, &ce) || ce.ExitCode != 127 {
				t.Fatalf("err = %v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := (&Command{Line: tt.line}).Fetch(context.Background(), Options{})
			srcExpectErr(t, err, tt.check, tt.errText)
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error shows the command line: %q", err)
			}
		})
	}
}

// srcProcessGone reports whether pid has exited (gone or a zombie: PID 1 in a
// container may never reap it).
func srcProcessGone(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	// The state follows the ")" closing the command name.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] == 'Z'
}

// TestCommandKilledWithGroup: a timed-out or cancelled command dies with the
// background children it started.
func TestCommandKilledWithGroup(t *testing.T) {
	for _, mode := range []string{"timeout", "cancel"} {
		t.Run(mode, func(t *testing.T) {
			pidFile := filepath.Join(t.TempDir(), "pid")
			c := &Command{Line: `sleep 300 & echo $! > "$PIDFILE"; wait`, Env: []string{"PIDFILE=" + pidFile}}
			ctx := context.Background()
			if mode == "timeout" {
				c.Timeout = 300 * time.Millisecond
			} else {
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				go func() {
					for {
						if b, err := os.ReadFile(pidFile); err == nil && strings.HasSuffix(string(b), "\n") {
							cancel()
							return
						}
						time.Sleep(10 * time.Millisecond)
					}
				}()
			}
			_, err := c.Fetch(ctx, Options{})
			if mode == "timeout" && (!errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timed out after 300ms")) {
				t.Fatalf("err = %v", err)
			}
			if mode == "cancel" && !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v", err)
			}
			b, rerr := os.ReadFile(pidFile)
			if rerr != nil {
				t.Fatalf("the command never started its child: %v", rerr)
			}
			pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
			// The kill is synchronous; only the kernel's bookkeeping may lag.
			for i := 0; i < 200 && !srcProcessGone(pid); i++ {
				time.Sleep(10 * time.Millisecond)
			}
			if !srcProcessGone(pid) {
				t.Errorf("background child %d still running after the command was killed", pid)
			}
		})
	}
}
