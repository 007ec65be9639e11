//go:build linux

package noprobe

import (
	"os"
	"testing"

	"github.com/mattn/go-isatty"

	"github.com/lkdash/lkdash/internal/ptytest"
)

// TestParkHidesTheTerminal: while parked, the descriptor is no terminal
// (so termenv's query returns at once); unparked, it is the same terminal
// again.
func TestParkHidesTheTerminal(t *testing.T) {
	master, slave := ptytest.Open(t, 80, 24)
	defer master.Close()
	defer slave.Close()
	fd := int(slave.Fd())
	dup := park(fd)
	if dup < 0 || isatty.IsTerminal(uintptr(fd)) {
		t.Fatalf("park(%d) = %d, still a terminal: %v", fd, dup, isatty.IsTerminal(uintptr(fd)))
	}
	unpark(fd, dup)
	if !isatty.IsTerminal(uintptr(fd)) {
		t.Fatal("unpark did not bring the terminal back")
	}
	if _, err := slave.WriteString("x"); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	if n, err := master.Read(buf); err != nil || string(buf[:n]) != "x" {
		t.Fatalf("the terminal got %q, %v after unpark", buf[:n], err)
	}
}

// TestParkLeavesOtherFilesAlone: a pipe is no terminal; nothing to hide.
func TestParkLeavesOtherFilesAlone(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if dup := park(int(w.Fd())); dup != -1 {
		t.Fatalf("park parked a pipe: %d", dup)
	}
}

// TestMain puts back a standard output this package's init parked: the
// test binary, unlike lkdash, imports nothing that would.
func TestMain(m *testing.M) {
	Restore()
	os.Exit(m.Run())
}
