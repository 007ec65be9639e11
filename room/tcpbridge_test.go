package room

import (
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"
)

// TestTCPBridgeCarriesDatagramsOverFramedTCP: what the SDK sends to a
// bridge port arrives at the TCP target framed as ICE/TCP frames it (RFC
// 4571), and the target's frames come back to the sender as datagrams.
// Close waits for every goroutine of the bridge, so a leak hangs the test.
func TestTCPBridgeCarriesDatagramsOverFramedTCP(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // an ICE/TCP peer that answers each frame with "ok:" + frame
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		var hdr [2]byte
		for {
			if _, err := io.ReadFull(c, hdr[:]); err != nil {
				return
			}
			buf := make([]byte, binary.BigEndian.Uint16(hdr[:]))
			if _, err := io.ReadFull(c, buf); err != nil {
				return
			}
			reply := append([]byte("ok:"), buf...)
			if _, err := c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(reply))), reply...)); err != nil {
				return
			}
		}
	}()
	b := newTCPBridge()
	defer b.Close()
	port, err := b.portFor(ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := b.portFor(ln.Addr().String()); again != port {
		t.Errorf("a second candidate for the same target got port %d, want %d", again, port)
	}
	sdk, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer sdk.Close()
	to := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port}
	for _, msg := range []string{"stun", "dtls"} {
		if _, err := sdk.WriteToUDP([]byte(msg), to); err != nil {
			t.Fatal(err)
		}
		_ = sdk.SetReadDeadline(time.Now().Add(10 * time.Second))
		buf := make([]byte, 64)
		n, from, err := sdk.ReadFromUDP(buf)
		if err != nil {
			t.Fatalf("no answer to %q through the bridge: %v", msg, err)
		}
		if string(buf[:n]) != "ok:"+msg || from.Port != port {
			t.Errorf("got %q from %v, want %q from the bridge port", buf[:n], from, "ok:"+msg)
		}
	}
	target, local, ok := b.route(port, sdk.LocalAddr().String())
	if !ok || target != ln.Addr().String() || local == "" {
		t.Errorf("route = %q, %q, %v", target, local, ok)
	}
}
