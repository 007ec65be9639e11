//go:build unix

package termbg

import (
	"bytes"
	"io"
	"os"
	"testing"
	"time"
)

// pipeInput is an Input reading a pipe the test writes to, as a terminal
// would: each write is what one read may see. The rest of a split reply is
// awaited for a minute, so a busy machine cannot make it late, and an
// answer for 50 ms.
func pipeInput(t *testing.T) (*Input, *os.File) {
	return pipeInputGaps(t, time.Minute, time.Minute)
}

// pipeInputGaps is pipeInput waiting replyGap and keyGap for the rest of a
// split reply.
func pipeInputGaps(t *testing.T, replyGap, keyGap time.Duration) (*Input, *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return newInput(r, 50*time.Millisecond, replyGap, keyGap), w
}

// readAll reads in until it has returned want bytes in all, the way
// Bubble Tea does (256-byte reads).
func readAll(t *testing.T, in *Input, want int) string {
	t.Helper()
	var got bytes.Buffer
	buf := make([]byte, 256)
	for got.Len() < want {
		n, err := in.Read(buf)
		got.Write(buf[:n])
		if err != nil {
			t.Fatalf("read: %v after %q", err, got.String())
		}
	}
	return got.String()
}

const lightReply = "\x1b]11;rgb:ffff/ffff/ffff\x1b\\"

// TestReplySplitAnywhere: wherever a read cuts the reply, the keys around
// it come through intact and the reply does not; the answer arrives.
func TestReplySplitAnywhere(t *testing.T) {
	for cut := 1; cut < len(lightReply); cut++ {
		in, w := pipeInput(t)
		in.asking.Store(true)
		go func() {
			w.WriteString("ab" + lightReply[:cut])
			time.Sleep(5 * time.Millisecond)
			w.WriteString(lightReply[cut:] + "q\x1b")
		}()
		if got := readAll(t, in, 4); got != "abq\x1b" {
			t.Errorf("cut at %d: Bubble Tea would read %q", cut, got)
		}
		if dark, ok := <-in.Answer(); !ok || dark {
			t.Errorf("cut at %d: answer %v, %v; want light", cut, dark, ok)
		}
	}
}

// TestKeysPassWhenNotAsking: Escape and alt+] alone are keys; once no
// answer is awaited they pass at once.
func TestKeysPassWhenNotAsking(t *testing.T) {
	in, w := pipeInput(t)
	for _, key := range []string{"\x1b", "\x1b]", "\x1b[A", "q", "\x03"} {
		w.WriteString(key)
		if got := readAll(t, in, len(key)); got != key {
			t.Errorf("key %q read as %q", key, got)
		}
	}
}

// TestNotAReplyPasses: what starts like a reply but never ends like one
// (no rest within the gap, or a control key inside) reaches Bubble Tea as
// typed, ctrl+c included.
func TestNotAReplyPasses(t *testing.T) {
	in, w := pipeInputGaps(t, 20*time.Millisecond, 20*time.Millisecond)
	in.asking.Store(true)
	for _, typed := range []string{"\x1b", "\x1b]", "\x1b]1", "\x1b]1\x03"} {
		w.WriteString(typed)
		if got := readAll(t, in, len(typed)); got != typed {
			t.Errorf("%q read as %q", typed, got)
		}
	}
}

// TestReplyFillingARead: a reply cut by a full read waits for its rest
// in the next one instead of reaching Bubble Tea.
func TestReplyFillingARead(t *testing.T) {
	in, w := pipeInput(t)
	keys := string(bytes.Repeat([]byte("k"), 90))
	w.WriteString(keys + lightReply[:10])
	buf := make([]byte, 100)
	n, err := in.Read(buf)
	if err != nil || string(buf[:n]) != keys {
		t.Fatalf("first read: %q, %v", buf[:n], err)
	}
	w.WriteString(lightReply[10:] + "x")
	if n, err := in.Read(buf); err != nil || string(buf[:n]) != "x" {
		t.Fatalf("second read: %q, %v", buf[:n], err)
	}
	if dark, ok := <-in.Answer(); !ok || dark {
		t.Errorf("answer %v, %v; want light", dark, ok)
	}
}

// TestNoAnswer: a terminal that never answers closes Answer after the
// bound; nothing waits on it before that.
func TestNoAnswer(t *testing.T) {
	in, _ := pipeInput(t)
	if err := in.Ask(io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-in.Answer(); ok {
		t.Fatal("an answer nobody gave")
	}
	if in.asking.Load() {
		t.Fatal("still asking after the bound")
	}
}
