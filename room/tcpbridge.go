package room

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// tcpBridge lets the SDK use a server's ICE/TCP candidates. pion, the
// SDK's WebRTC stack, gathers no TCP candidates (its default network types
// are UDP only and the SDK offers no way to change them), so on its own
// the SDK ignores every TCP candidate. The relay hands the SDK a loopback
// UDP candidate instead, here, and each datagram the SDK sends to it
// travels on to the server's TCP candidate over a real TCP connection,
// framed as ICE/TCP frames it (RFC 4571: a 2-byte length before each
// packet); the server's frames come back as datagrams. The server sees an
// ICE/TCP client, and the media crosses the network over TCP, as a
// browser's would; only the loopback hop to the bridge is UDP.
type tcpBridge struct {
	ctx    context.Context // ends with Close: stops dials and connections
	cancel context.CancelFunc

	mu     sync.Mutex
	ports  map[string]*bridgePort // by target address
	closed bool
	wg     sync.WaitGroup
}

// bridgePort is the UDP socket that stands for one TCP target, with one
// TCP connection per SDK socket that sends to it (one per local candidate
// of each peer connection, as ICE/TCP would open).
type bridgePort struct {
	target string
	udp    *net.UDPConn

	mu    sync.Mutex
	conns map[string]*bridgeConn // by the SDK's address
}

// bridgeConn is one TCP connection and the datagrams queued for it.
type bridgeConn struct {
	tcp    net.Conn // nil while dialing or after a failed dial
	out    chan []byte
	failAt time.Time // when the dial failed: redial after bridgeRedial
}

// bridgeHost is where the bridge's UDP sockets listen.
const bridgeHost = "127.0.0.1"

const (
	// bridgeQueue is how many datagrams may wait for a slow TCP
	// connection; beyond that they are dropped, as a router's queue would.
	bridgeQueue = 512
	// bridgeDial bounds one TCP connect; ICE keeps retrying on its own.
	bridgeDial = 5 * time.Second
	// bridgeRedial spaces connects after a failure.
	bridgeRedial = time.Second
)

func newTCPBridge() *tcpBridge {
	b := &tcpBridge{ports: map[string]*bridgePort{}}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	return b
}

// portFor returns the loopback UDP port that stands for target (host:port),
// opening it on first use.
func (b *tcpBridge) portFor(target string) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, errors.New("room: relay closed")
	}
	if p, ok := b.ports[target]; ok {
		return p.udp.LocalAddr().(*net.UDPAddr).Port, nil
	}
	udp, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return 0, fmt.Errorf("room: bridging ICE/TCP to %s: %w", target, err)
	}
	p := &bridgePort{target: target, udp: udp, conns: map[string]*bridgeConn{}}
	b.ports[target] = p
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		b.forward(p)
	}()
	return udp.LocalAddr().(*net.UDPAddr).Port, nil
}

// route says which TCP target a bridge port stands for, and the local
// address of the TCP connection carrying from's datagrams.
func (b *tcpBridge) route(port int, from string) (target, local string, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for t, p := range b.ports {
		if p.udp.LocalAddr().(*net.UDPAddr).Port != port {
			continue
		}
		p.mu.Lock()
		if c := p.conns[from]; c != nil && c.tcp != nil {
			local = c.tcp.LocalAddr().String()
		}
		p.mu.Unlock()
		return t, local, true
	}
	return "", "", false
}

// forward reads the SDK's datagrams and queues each on its TCP connection.
func (b *tcpBridge) forward(p *bridgePort) {
	buf := make([]byte, 1<<16)
	for {
		n, from, err := p.udp.ReadFromUDP(buf)
		if err != nil {
			return
		}
		c := b.conn(p, from)
		if c == nil {
			continue // dialing, or waiting to redial: ICE retransmits
		}
		pkt := append([]byte(nil), buf[:n]...)
		select {
		case c.out <- pkt:
		default: // the connection is backed up: drop, like a full queue
		}
	}
}

// conn returns the connection for the SDK socket from, starting a dial
// when there is none; packets queue while it dials. nil while a failed
// dial waits to be retried.
func (b *tcpBridge) conn(p *bridgePort, from *net.UDPAddr) *bridgeConn {
	key := from.String()
	p.mu.Lock()
	defer p.mu.Unlock()
	if c := p.conns[key]; c != nil {
		if c.failAt.IsZero() {
			return c
		}
		if time.Since(c.failAt) < bridgeRedial {
			return nil
		}
	}
	c := &bridgeConn{out: make(chan []byte, bridgeQueue)}
	p.conns[key] = c
	b.mu.Lock()
	closed := b.closed
	if !closed {
		b.wg.Add(1)
	}
	b.mu.Unlock()
	if closed {
		return nil
	}
	go func() {
		defer b.wg.Done()
		b.dial(p, c, from)
	}()
	return c
}

// dial connects to the target and then carries packets both ways until
// either side closes.
func (b *tcpBridge) dial(p *bridgePort, c *bridgeConn, from *net.UDPAddr) {
	d := net.Dialer{Timeout: bridgeDial}
	tcp, err := d.DialContext(b.ctx, "tcp", p.target)
	p.mu.Lock()
	if err != nil {
		c.failAt = time.Now()
		p.mu.Unlock()
		return
	}
	c.tcp = tcp
	p.mu.Unlock()
	stop := context.AfterFunc(b.ctx, func() { tcp.Close() })
	defer stop()
	done := make(chan struct{})
	go func() { // SDK → server
		defer close(done)
		frame := make([]byte, 0, 2+1<<16)
		for {
			select {
			case pkt := <-c.out:
				frame = binary.BigEndian.AppendUint16(frame[:0], uint16(len(pkt)))
				if _, err := tcp.Write(append(frame, pkt...)); err != nil {
					return
				}
			case <-b.ctx.Done():
				return
			}
		}
	}()
	var hdr [2]byte
	buf := make([]byte, 1<<16)
	for { // server → SDK
		if _, err := io.ReadFull(tcp, hdr[:]); err != nil {
			break
		}
		n := int(binary.BigEndian.Uint16(hdr[:]))
		if _, err := io.ReadFull(tcp, buf[:n]); err != nil {
			break
		}
		_, _ = p.udp.WriteToUDP(buf[:n], from)
	}
	tcp.Close()
	<-done
	p.mu.Lock()
	if p.conns[from.String()] == c {
		delete(p.conns, from.String())
	}
	p.mu.Unlock()
}

// Close closes every socket and connection and waits for the goroutines.
func (b *tcpBridge) Close() {
	b.mu.Lock()
	b.closed = true
	b.cancel()
	for _, p := range b.ports {
		p.udp.Close()
	}
	b.mu.Unlock()
	b.wg.Wait()
}
