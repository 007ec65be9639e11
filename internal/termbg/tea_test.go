//go:build linux

package termbg

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/internal/ptytest"
)

// keyLog is a model that writes down every key it gets and quits on q.
type keyLog struct{ keys *[]string }

func (k keyLog) Init() tea.Cmd { return nil }
func (k keyLog) View() string  { return "ready" }
func (k keyLog) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if key, ok := msg.(tea.KeyMsg); ok {
		*k.keys = append(*k.keys, key.String())
		if key.String() == "q" {
			return k, tea.Quit
		}
	}
	return k, nil
}

// TestProgramGetsKeysNotTheReply runs a Bubble Tea program on a
// pseudo-terminal that answers the query in two writes, with keys before,
// between and after: the model sees exactly the keys, the answer is
// applied, and the reply never echoes (the query went out in raw mode).
func TestProgramGetsKeysNotTheReply(t *testing.T) {
	t.Setenv("TERM", "xterm-256color")
	master, slave := ptytest.Open(t, 80, 24)
	defer master.Close()
	defer slave.Close()
	if _, ok := NewInput(slave, slave); !ok {
		t.Fatal("a pseudo-terminal should be askable")
	}
	// The rest of the split reply is awaited for a minute, so that a busy
	// machine delaying the second write cannot pass the first as keys.
	in := newInput(slave, askBound, time.Minute, time.Minute)
	var keys []string
	applied := make(chan bool, 1)
	p := tea.NewProgram(Wrap(keyLog{&keys}, in, slave, func(dark bool) { applied <- dark }),
		tea.WithInput(in), tea.WithOutput(slave))
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()

	screen := watch(master)
	screen.waitFor(t, query)
	master.WriteString("a" + lightReply[:9])
	time.Sleep(10 * time.Millisecond)
	master.WriteString(lightReply[9:])
	select {
	case dark := <-applied:
		if dark {
			t.Error("a white background read as dark")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the answer was never applied")
	}
	master.WriteString("b")
	time.Sleep(10 * time.Millisecond)
	master.WriteString("q")
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("q did not quit; keys so far %q", keys)
	}
	if strings.Join(keys, " ") != "a b q" {
		t.Errorf("the model got keys %q, want a b q", keys)
	}
	if strings.Contains(screen.text(), "rgb:") {
		t.Errorf("the reply was echoed: %q", screen.text())
	}
}

// output collects what a program writes to the terminal.
type output struct {
	c   chan []byte
	buf bytes.Buffer
}

func watch(master interface{ Read([]byte) (int, error) }) *output {
	o := &output{c: make(chan []byte, 64)}
	go func() {
		for {
			b := make([]byte, 4096)
			n, err := master.Read(b)
			if n > 0 {
				o.c <- b[:n]
			}
			if err != nil {
				close(o.c)
				return
			}
		}
	}()
	return o
}

func (o *output) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for !strings.Contains(o.buf.String(), s) {
		select {
		case b, ok := <-o.c:
			if !ok {
				t.Fatalf("the terminal closed before %q: %q", s, o.buf.String())
			}
			o.buf.Write(b)
		case <-deadline:
			t.Fatalf("never wrote %q: %q", s, o.buf.String())
		}
	}
}

// text is everything written so far.
func (o *output) text() string {
	for {
		select {
		case b, ok := <-o.c:
			if !ok {
				return o.buf.String()
			}
			o.buf.Write(b)
		default:
			return o.buf.String()
		}
	}
}
