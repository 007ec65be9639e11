package room

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"

	"github.com/lkdash/lkdash/internal/netguard"
)

// deadEndHost is where BlockHost points the server's candidates.
const deadEndHost = "127.0.0.1"

// deadEnd is a loopback UDP socket and TCP listener that take whatever
// arrives and never answer: ICE checks sent there go unanswered, exactly as
// towards an address the client cannot reach or a port a firewall drops.
// Holding the ports, instead of naming closed ones, keeps another program
// from answering on them, and keeps the kernel from replying "port
// unreachable", which a silent firewall never does.
type deadEnd struct {
	udp net.PacketConn
	tcp net.Listener

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	done  bool
	wg    sync.WaitGroup
}

func newDeadEnd() (*deadEnd, error) {
	udp, err := net.ListenPacket("udp4", deadEndHost+":0")
	if err != nil {
		return nil, fmt.Errorf("room: BlockHost needs a loopback UDP port: %w", err)
	}
	tcp, err := netguard.Listen("tcp4", deadEndHost+":0")
	if err != nil {
		udp.Close()
		return nil, fmt.Errorf("room: BlockHost needs a loopback TCP port: %w", err)
	}
	d := &deadEnd{udp: udp, tcp: tcp, conns: map[net.Conn]struct{}{}}
	d.wg.Add(2)
	go func() {
		defer d.wg.Done()
		buf := make([]byte, 2048)
		for {
			if _, _, err := udp.ReadFrom(buf); err != nil {
				return
			}
		}
	}()
	go d.accept()
	return d, nil
}

func (d *deadEnd) udpPort() int { return d.udp.LocalAddr().(*net.UDPAddr).Port }
func (d *deadEnd) tcpPort() int { return d.tcp.Addr().(*net.TCPAddr).Port }

// accept takes TCP connections and reads them to nowhere until Close.
func (d *deadEnd) accept() {
	defer d.wg.Done()
	for {
		c, err := d.tcp.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		d.mu.Lock()
		if d.done {
			d.mu.Unlock()
			c.Close()
			return
		}
		d.conns[c] = struct{}{}
		d.wg.Add(1)
		d.mu.Unlock()
		go func() {
			defer d.wg.Done()
			_, _ = io.Copy(io.Discard, c)
			c.Close()
			d.mu.Lock()
			delete(d.conns, c)
			d.mu.Unlock()
		}()
	}
}

// Close releases the ports and waits for every goroutine.
func (d *deadEnd) Close() {
	d.mu.Lock()
	d.done = true
	for c := range d.conns {
		c.Close()
	}
	d.mu.Unlock()
	d.udp.Close()
	d.tcp.Close()
	d.wg.Wait()
}
