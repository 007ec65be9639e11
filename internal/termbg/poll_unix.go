//go:build unix

package termbg

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

const pollable = true

// readable waits up to d for f to have input.
func readable(f *os.File, d time.Duration) bool {
	fds := []unix.PollFd{{Fd: int32(f.Fd()), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, int(d.Milliseconds()))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		return err == nil && n > 0
	}
}
