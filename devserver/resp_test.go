package devserver

import (
	"bufio"
	"context"
	"errors"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestReadRESP(t *testing.T) {
	for _, c := range []struct {
		in   string
		want any
	}{
		{"+PONG\r\n", "PONG"},
		{":42\r\n", int64(42)},
		{"$5\r\nhello\r\n", "hello"},
		{"$0\r\n\r\n", ""},
		{"$-1\r\n", nil},
		{"*-1\r\n", nil},
		{"*0\r\n", []any{}},
		{"*2\r\n$4\r\nroom\r\n$6\r\nND_abc\r\n", []any{"room", "ND_abc"}},
		{"*2\r\n*1\r\n:1\r\n+x\r\n", []any{[]any{int64(1)}, "x"}},
	} {
		got, err := readRESP(bufio.NewReader(strings.NewReader(c.in)), 0)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %#v, %v; want %#v", c.in, got, err, c.want)
		}
	}
}

// A stranger on the port gets a clear error, never a panic or a huge
// allocation.
func TestReadRESPRefusesWhatIsNotRedis(t *testing.T) {
	for in, want := range map[string]string{
		"-ERR unknown command\r\n":             "redis: ERR unknown command",
		"HTTP/1.1 400 Bad Request\r\n":         "unexpected reply",
		"$99999999999\r\n":                     "bad bulk length",
		"*-7\r\n":                              "bad array length",
		"$5\r\nhi\r\n":                         "EOF",
		"\r\n":                                 "empty reply line",
		"*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n": "nested too deep",
		":x\r\n":                               "invalid syntax",
		"+no line end":                         "EOF",
	} {
		_, err := readRESP(bufio.NewReader(strings.NewReader(in)), 0)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", in, err, want)
		}
	}
}

func TestRespHash(t *testing.T) {
	m, err := respHash([]any{"a", "1", "b", "2"})
	if err != nil || !reflect.DeepEqual(m, map[string]string{"a": "1", "b": "2"}) {
		t.Errorf("got %v, %v", m, err)
	}
	if m, err := respHash(nil); err != nil || len(m) != 0 {
		t.Errorf("nil: %v, %v", m, err)
	}
	for _, bad := range []any{"x", []any{"a"}, []any{"a", int64(1)}} {
		if _, err := respHash(bad); err == nil {
			t.Errorf("%#v: no error", bad)
		}
	}
}

// A server that accepts and never answers: cancelling the context ends
// the call at once, as cancelled.
func TestRespCallEndsWithItsContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := respCall(ctx, ln.Addr().String(), "PING"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
