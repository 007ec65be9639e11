//go:build linux

package devserver

import "syscall"

// sysProcAttr puts the server in its own process group (so Stop reaches
// anything it forks) and asks the kernel to SIGKILL it if lkdash dies without
// calling Stop. Pdeathsig fires when the forking OS thread exits; the Go
// runtime only retires threads whose goroutine is locked to them, which Start
// never does, so in practice it fires when the lkdash process dies.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
