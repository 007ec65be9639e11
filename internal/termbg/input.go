package termbg

import (
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-isatty"
)

const (
	// askBound is how long an answer is awaited after asking. A terminal
	// answers in milliseconds or not at all; past the bound the default
	// shades stay.
	askBound = 2 * time.Second
	// replyGap is how long the rest of a reply split across reads may take
	// to follow. A reply is one write by the terminal, so the rest
	// normally follows at once (a network link may pause it); a person
	// cannot type alt+] and more within one read.
	replyGap = 500 * time.Millisecond
	// keyGap is how long a read ending in ESC or ESC ] waits, while an
	// answer is awaited, for more: they may start a reply, or be Escape
	// and alt+] typed by the user, whom a long wait would slow down.
	keyGap = 50 * time.Millisecond
)

// Input is a terminal's input with the terminal's OSC replies taken out,
// for Bubble Tea to read instead of the terminal. It keeps the terminal's
// file descriptor (Fd), so Bubble Tea still puts the terminal in raw mode
// and waits on it for input.
type Input struct {
	f *os.File
	// askBound, replyGap and keyGap; tests set their own.
	bound, replyGap, keyGap time.Duration
	answer                  chan bool // one answer (dark?), then closed; closed without one when the wait ends
	end                     sync.Once // closes answer
	asking                  atomic.Bool
	carry                   []byte // the start of a reply that filled a read, until the rest comes
}

// NewInput wraps in when asking makes sense: in and out are terminals and
// TERM is not dumb or a multiplexer (screen and tmux may serve several
// terminals at once, and termenv does not ask them either).
func NewInput(in io.Reader, out io.Writer) (*Input, bool) {
	f, ok := in.(*os.File)
	o, ok2 := out.(*os.File)
	if !ok || !ok2 || !isatty.IsTerminal(f.Fd()) || !isatty.IsTerminal(o.Fd()) || !pollable {
		return nil, false
	}
	term := os.Getenv("TERM")
	for _, p := range []string{"dumb", "screen", "tmux"} {
		if strings.HasPrefix(term, p) {
			return nil, false
		}
	}
	return newInput(f, askBound, replyGap, keyGap), true
}

func newInput(f *os.File, bound, replyGap, keyGap time.Duration) *Input {
	return &Input{f: f, bound: bound, replyGap: replyGap, keyGap: keyGap, answer: make(chan bool, 1)}
}

// Ask writes the query to out; Answer delivers the reply.
func (in *Input) Ask(out io.Writer) error {
	in.asking.Store(true)
	if _, err := io.WriteString(out, query); err != nil {
		in.finish()
		return err
	}
	time.AfterFunc(in.bound, in.finish)
	return nil
}

// Answer delivers whether the background is dark, once, if the terminal
// answers within the bound; it is closed either way.
func (in *Input) Answer() <-chan bool { return in.answer }

func (in *Input) finish() {
	in.asking.Store(false)
	in.end.Do(func() { close(in.answer) })
}

func (in *Input) reply(payload string) {
	dark, ok := background(payload)
	if !ok {
		return // another OSC reply: dropped all the same
	}
	in.asking.Store(false)
	in.end.Do(func() {
		in.answer <- dark
		close(in.answer)
	})
}

// Read reads the terminal and returns what it read without OSC sequences.
// A sequence cut off by the end of a read is completed first: its rest is
// awaited for up to replyGap, or keyGap for a lone ESC or ESC ] (and for
// those only while an answer is awaited: alone they are Escape and alt+];
// so in that time Escape and a key within keyGap read as alt+key, as when
// a terminal sends both at once). If the rest does not come the bytes
// pass as they are. When the read filled p, the start of a reply waits in
// carry for the next read instead, which comes at once since more input
// is queued.
func (in *Input) Read(p []byte) (int, error) {
	if len(p) <= maxReply {
		return in.f.Read(p) // too small to hold a reply; Bubble Tea reads 256
	}
	n := copy(p, in.carry)
	in.carry = in.carry[:0]
	m, err := in.f.Read(p[n:])
	n += m
	for err == nil {
		var tail int
		n, tail = strip(p[:n], in.reply)
		if tail == 0 || (tail <= 2 && !in.asking.Load()) {
			break
		}
		if n == len(p) {
			in.carry = append(in.carry, p[n-tail:n]...)
			return n - tail, nil
		}
		wait := in.replyGap
		if tail <= 2 {
			wait = in.keyGap
		}
		if !readable(in.f, wait) {
			break
		}
		m, err = in.f.Read(p[n:])
		n += m
	}
	return n, err
}

// Write writes to the terminal (term.File asks for it).
func (in *Input) Write(p []byte) (int, error) { return in.f.Write(p) }

// Close does nothing: the terminal is not Input's to close.
func (in *Input) Close() error { return nil }

// Fd is the terminal's file descriptor.
func (in *Input) Fd() uintptr { return in.f.Fd() }

// Name is the terminal's name.
func (in *Input) Name() string { return in.f.Name() }
