package netguard

import (
	"net"
	"syscall"
	"testing"
)

// TestListenIsPlainTCP: Listen's socket is TCP, not the Multipath TCP that
// net.Listen opens where the kernel has it (net.mptcp.enabled=1).
func TestListenIsPlainTCP(t *testing.T) {
	ln, err := Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	raw, err := ln.(*net.TCPListener).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var proto int
	var serr error
	if err := raw.Control(func(fd uintptr) {
		proto, serr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_PROTOCOL)
	}); err != nil || serr != nil {
		t.Fatal(err, serr)
	}
	if proto != syscall.IPPROTO_TCP {
		t.Errorf("the listener's protocol is %d, want TCP (%d)", proto, syscall.IPPROTO_TCP)
	}
}
