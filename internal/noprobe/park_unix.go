//go:build unix

package noprobe

import (
	"os"

	"github.com/mattn/go-isatty"
	"golang.org/x/sys/unix"
)

// saved is a duplicate of the real standard output while it is parked;
// -1 when nothing is parked.
var saved = park(1)

// park points fd at /dev/null when it is a terminal and returns a
// duplicate of what it was, or -1 when fd is left alone.
func park(fd int) int {
	if !isatty.IsTerminal(uintptr(fd)) {
		return -1
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return -1
	}
	defer null.Close()
	dup, err := unix.Dup(fd)
	if err != nil {
		return -1
	}
	if err := unix.Dup2(int(null.Fd()), fd); err != nil {
		unix.Close(dup)
		return -1
	}
	return dup
}

// Restore points standard output back at the terminal. Calling it again
// does nothing.
func Restore() {
	unpark(1, saved)
	saved = -1
}

// unpark points fd back at what park saved in dup.
func unpark(fd, dup int) {
	if dup < 0 {
		return
	}
	_ = unix.Dup2(dup, fd)
	unix.Close(dup)
}
