//go:build unix && !linux

package devserver

import "syscall"

// sysProcAttr puts the server in its own process group; there is no
// Pdeathsig outside Linux, so an lkdash crash can orphan the server there.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
