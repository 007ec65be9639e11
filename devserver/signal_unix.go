//go:build unix

package devserver

import (
	"os"
	"syscall"
)

// terminate asks the whole process group to exit (livekit-server drains on
// the first SIGTERM and forces on the second).
func terminate(p *os.Process) error { return syscall.Kill(-p.Pid, syscall.SIGTERM) }

// kill ends the whole process group at once.
func kill(p *os.Process) error { return syscall.Kill(-p.Pid, syscall.SIGKILL) }
