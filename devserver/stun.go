package devserver

import (
	"errors"
	"net"

	"github.com/pion/stun/v3"
)

// stunResponder answers STUN binding requests on a loopback UDP port. The
// managed server hands it to clients as their STUN server: without one,
// livekit-server hands out Google's and Twilio's, and a client on this
// machine would look them up; and a STUN address that never answers keeps
// every client's candidate gathering going for pion's 5 s timeout, during
// which a reconnect's new ICE servers race with it (pion/ice v4.4 reads
// its server list unlocked while gathering).
type stunResponder struct {
	conn net.PacketConn
	done chan struct{}
}

// startSTUN listens on a free loopback port and answers until close.
func startSTUN() (*stunResponder, error) {
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &stunResponder{conn: conn, done: make(chan struct{})}
	go r.serve()
	return r, nil
}

func (r *stunResponder) port() int { return r.conn.LocalAddr().(*net.UDPAddr).Port }

func (r *stunResponder) serve() {
	defer close(r.done)
	buf := make([]byte, 1500)
	for {
		n, from, err := r.conn.ReadFrom(buf)
		if errors.Is(err, net.ErrClosed) {
			return
		}
		udp, ok := from.(*net.UDPAddr)
		if err != nil || !ok {
			continue
		}
		req := &stun.Message{Raw: append([]byte(nil), buf[:n]...)}
		if req.Decode() != nil || req.Type != stun.BindingRequest {
			continue
		}
		resp, err := stun.Build(stun.NewTransactionIDSetter(req.TransactionID), stun.BindingSuccess,
			&stun.XORMappedAddress{IP: udp.IP, Port: udp.Port}, stun.Fingerprint)
		if err == nil {
			_, _ = r.conn.WriteTo(resp.Raw, from)
		}
	}
}

// close stops answering and waits for the loop to end.
func (r *stunResponder) close() {
	_ = r.conn.Close()
	<-r.done
}
