package tokens

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Command runs a user command as a token source: the request JSON (as
// RequestBody) on stdin, the response JSON (as ParseResponse) on stdout.
// It is the terminal's natural "custom" source.
type Command struct {
	Line    string        // run with sh -c
	Timeout time.Duration // <= 0 means DefaultTimeout; the process group is killed after it
	// Env is added to the current environment (not a replacement, so PATH
	// and HOME still reach the shell); later entries win.
	Env []string
}

// commandWaitDelay bounds how long Wait waits for the output pipes after
// the process group was killed.
const commandWaitDelay = 2 * time.Second

// Fetch runs the command once.
func (c *Command) Fetch(parent context.Context, opts Options) (Response, error) {
	line := strings.TrimSpace(c.Line)
	if line == "" {
		return Response{}, errors.New("token command: the command is empty")
	}
	name := commandName(line)
	body, err := RequestBody(opts)
	if err != nil {
		return Response{}, err
	}
	timeout := timeoutOrDefault(c.Timeout)
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()

	stdout := &boundedBuffer{max: maxResponseBody}
	stderr := &boundedBuffer{max: errBodyPrefix}
	cmd := exec.CommandContext(ctx, "sh", "-c", line)
	cmd.Stdin = bytes.NewReader(body)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if len(c.Env) > 0 {
		cmd.Env = append(os.Environ(), c.Env...)
	}
	// The shell may fork the real program; kill the whole group, not just sh.
	killGroupOnCancel(cmd)
	cmd.WaitDelay = commandWaitDelay

	runErr := cmd.Run()
	switch {
	case parent.Err() != nil:
		return Response{}, fmt.Errorf("token command %q: %w", name, parent.Err())
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return Response{}, fmt.Errorf("token command %q: timed out after %s and was killed: %w", name, timeout, context.DeadlineExceeded)
	}
	var exitErr *exec.ExitError
	if errors.As(runErr, &exitErr) {
		s, _ := safePrefix(stderr.Bytes(), errBodyPrefix)
		return Response{}, &CommandError{Command: line, ExitCode: exitErr.ExitCode(), Stderr: s, Err: runErr}
	}
	if runErr != nil && !errors.Is(runErr, exec.ErrWaitDelay) {
		return Response{}, fmt.Errorf("token command %q: %w", name, runErr)
	}
	if stdout.overflow {
		return Response{}, fmt.Errorf("token command %q: stdout: %w", name,
			&ResponseFormatError{Err: fmt.Errorf("the output is larger than %d MiB; stopped reading", maxResponseBody>>20)})
	}
	r, err := ParseResponse(stdout.Bytes())
	if err != nil {
		return Response{}, fmt.Errorf("token command %q: stdout: %w", name, err)
	}
	return r, nil
}

// boundedBuffer keeps the first max bytes and discards the rest, still
// reporting success so the child is never blocked on a full pipe. (It must
// not embed bytes.Buffer: io.Copy would use the promoted ReadFrom and
// bypass the bound.)
type boundedBuffer struct {
	buf      bytes.Buffer
	max      int
	overflow bool
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	n, room := len(p), b.max-b.buf.Len()
	if len(p) > room {
		p, b.overflow = p[:max(room, 0)], true
	}
	b.buf.Write(p)
	return n, nil
}

func (b *boundedBuffer) Bytes() []byte { return b.buf.Bytes() }
