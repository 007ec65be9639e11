package devserver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/lkdash/lkdash/internal/textsafe"
)

// lkdash asks the cluster's Redis two things: PING while it starts, and
// the room placement hash. A client library for that was 0.7 MB of every
// lkdash binary, so these few lines speak RESP (redis.io/docs/latest/
// develop/reference/protocol-spec) instead. Redis is ours, on loopback.

// respTimeout bounds one command when ctx has no sooner deadline.
const respTimeout = 2 * time.Second

// respMaxBulk caps one string in a reply: room names and node ids are
// short, and a stranger on the port must not make us allocate at will.
const respMaxBulk = 1 << 20

// respCall sends one command to the Redis at addr on a fresh connection
// and returns its reply: a string, an int64, nil, or a []any of those. A
// Redis error reply is a *respError.
func respCall(ctx context.Context, addr string, args ...string) (any, error) {
	d := net.Dialer{Timeout: time.Second}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	deadline := time.Now().Add(respTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := io.WriteString(conn, b.String()); err != nil {
		return nil, ctxOr(ctx, err)
	}
	reply, err := readRESP(bufio.NewReader(conn), 0)
	return reply, ctxOr(ctx, err)
}

// ctxOr prefers ctx's error: a cancelled call reads as cancelled, not as
// the i/o timeout the cancellation caused.
func ctxOr(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// respError is an error reply ("-ERR unknown command …").
type respError string

func (e respError) Error() string { return "redis: " + string(e) }

// readRESP reads one reply; depth bounds nested arrays.
func readRESP(r *bufio.Reader, depth int) (any, error) {
	if depth > 4 {
		return nil, errors.New("redis: reply nested too deep")
	}
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return nil, errors.New("redis: empty reply line")
	}
	kind, rest := line[0], line[1:]
	switch kind {
	case '+':
		return rest, nil
	case '-':
		return nil, respError(rest)
	case ':':
		return strconv.ParseInt(rest, 10, 64)
	case '$':
		n, err := respLength(rest, "bulk")
		if n < 0 || err != nil {
			return nil, err
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, err := respLength(rest, "array")
		if n < 0 || err != nil {
			return nil, err
		}
		out := make([]any, 0, min(n, 1024))
		for range n {
			v, err := readRESP(r, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("redis: unexpected reply %q", textsafe.Line(line, 40))
}

// respLength reads a bulk string's or an array's length: -1 is nil.
func respLength(rest, what string) (int, error) {
	n, err := strconv.Atoi(rest)
	if err != nil || n < -1 || n > respMaxBulk {
		return 0, fmt.Errorf("redis: bad %s length %q", what, rest)
	}
	return n, nil
}

// respHash reads an HGETALL reply (field, value, field, value…) as a map;
// a missing key is an empty hash.
func respHash(reply any) (map[string]string, error) {
	items, ok := reply.([]any)
	if !ok && reply != nil {
		return nil, fmt.Errorf("redis: expected an array, got %T", reply)
	}
	if len(items)%2 != 0 {
		return nil, errors.New("redis: odd number of hash items")
	}
	m := make(map[string]string, len(items)/2)
	for i := 0; i < len(items); i += 2 {
		k, ok1 := items[i].(string)
		v, ok2 := items[i+1].(string)
		if !ok1 || !ok2 {
			return nil, errors.New("redis: hash items are not strings")
		}
		m[k] = v
	}
	return m, nil
}
