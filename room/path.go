package room

import (
	"cmp"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"

	"github.com/lkdash/lkdash/internal/format"
)

// PathEnd is one end of an ICE candidate pair, as ICE on our side knows it.
type PathEnd struct {
	Type     string `json:"type"`     // host, srflx, prflx or relay
	Protocol string `json:"protocol"` // udp or tcp
	Address  string `json:"address"`  // the IP address (or mDNS name)
	Port     int    `json:"port"`     // the port
	// RelayProtocol is how a relay candidate reaches its TURN server
	// (udp, tcp or tls); "" for other types.
	RelayProtocol string `json:"relay_protocol,omitempty"`
}

// Endpoint is address:port.
func (e PathEnd) Endpoint() string { return joinHostPort(e.Address, e.Port) }

// Path is the route media takes on one peer connection: the candidate
// pair ICE selected, and its round-trip time.
type Path struct {
	PeerConnection string        `json:"peer_connection"` // "subscriber" or "publisher"
	Local          PathEnd       `json:"local"`           // our end
	Remote         PathEnd       `json:"remote"`          // the server's end
	RTT            time.Duration `json:"-"`               // the pair's current round-trip time (STUN); 0 before the first answer
	BytesSent      uint64        `json:"bytes_sent"`      // over this pair so far
	BytesReceived  uint64        `json:"bytes_received"`  // over this pair so far
}

// Relayed reports whether media goes through a TURN server.
func (p Path) Relayed() bool { return p.Local.Type == "relay" || p.Remote.Type == "relay" }

// TCP reports whether media goes over TCP: ICE/TCP, or to the TURN server.
func (p Path) TCP() bool {
	return p.Local.Protocol == "tcp" || p.Remote.Protocol == "tcp" ||
		p.Local.RelayProtocol == "tcp" || p.Local.RelayProtocol == "tls"
}

// String is the path in one short line: "UDP host↔host 1.2 ms", "TCP
// relay 48 ms". The protocol is the one our packets leave in (for a relay,
// the one to the TURN server).
func (p Path) String() string {
	proto := p.Local.Protocol
	if p.Local.RelayProtocol != "" {
		proto = p.Local.RelayProtocol
	}
	kind := p.Local.Type + "↔" + p.Remote.Type
	if p.Relayed() {
		kind = "relay"
	}
	s := strings.ToUpper(proto) + " " + kind
	if p.RTT > 0 {
		s += " " + format.Latency(p.RTT)
	}
	return s
}

// PairCheck is ICE's view of one candidate pair: the connectivity checks
// sent to the remote end and how many were answered.
type PairCheck struct {
	Local             PathEnd `json:"local"`              // our candidate
	Remote            PathEnd `json:"remote"`             // the server's
	State             string  `json:"state"`              // frozen, waiting, in-progress, succeeded or failed
	Nominated         bool    `json:"nominated"`          // chosen for media
	RequestsSent      uint64  `json:"requests_sent"`      // connectivity checks sent to Remote
	ResponsesReceived uint64  `json:"responses_received"` // of those, answered
}

// Paths returns the selected path of each connected peer connection of the
// session, the subscriber's (the one a join waits for) first.
func (s *Session) Paths() []Path {
	room := s.room.Load()
	if room == nil {
		return nil
	}
	var out []Path
	for _, pc := range []struct {
		name string
		pc   *webrtc.PeerConnection
	}{
		{"subscriber", room.LocalParticipant.GetSubscriberPeerConnection()},
		{"publisher", room.LocalParticipant.GetPublisherPeerConnection()},
	} {
		if p, ok := selectedPath(pc.name, pc.pc); ok {
			s.unbridge(&p.Local, &p.Remote)
			out = append(out, p)
		}
	}
	return out
}

// Path is the session's main path, the first of Paths; false before ICE
// has selected one.
func (s *Session) Path() (Path, bool) {
	ps := s.Paths()
	if len(ps) == 0 {
		return Path{}, false
	}
	return ps[0], true
}

func selectedPath(name string, pc *webrtc.PeerConnection) (Path, bool) {
	if pc == nil {
		return Path{}, false
	}
	ice := pc.SCTP().Transport().ICETransport()
	// pion reads the transport's gatherer without its lock, and the
	// transport sets it when it starts; its state leaves "new" (an atomic
	// store) only after that, so checking it first orders the two.
	if s := ice.State(); s == webrtc.ICETransportStateNew || s == webrtc.ICETransportStateUnknown {
		return Path{}, false
	}
	pair, err := ice.GetSelectedCandidatePair()
	if err != nil || pair == nil || pair.Local == nil || pair.Remote == nil {
		return Path{}, false
	}
	p := Path{PeerConnection: name, Local: endOf(pair.Local), Remote: endOf(pair.Remote)}
	if st, ok := ice.GetSelectedCandidatePairStats(); ok {
		p.RTT = time.Duration(st.CurrentRoundTripTime * float64(time.Second))
		p.BytesSent, p.BytesReceived = st.BytesSent, st.BytesReceived
	}
	// pion does not put the TURN transport on the pair's candidate; the
	// stats of the local candidate have it.
	if p.Local.Type == "relay" {
		for _, v := range pc.GetStats() {
			if cs, ok := v.(webrtc.ICECandidateStats); ok && cs.Type == webrtc.StatsTypeLocalCandidate &&
				cs.IP == p.Local.Address && int(cs.Port) == p.Local.Port {
				p.Local.RelayProtocol = cs.RelayProtocol
			}
		}
	}
	return p, true
}

func endOf(c *webrtc.ICECandidate) PathEnd {
	return PathEnd{Type: c.Typ.String(), Protocol: c.Protocol.String(), Address: c.Address, Port: int(c.Port)}
}

// pairChecks reads the connectivity checks of every candidate pair of pc.
func pairChecks(pc *webrtc.PeerConnection) []PairCheck {
	if pc == nil {
		return nil
	}
	report := pc.GetStats()
	ends := map[string]PathEnd{}
	for id, v := range report {
		if cs, ok := v.(webrtc.ICECandidateStats); ok {
			ends[id] = PathEnd{
				Type: cs.CandidateType.String(), Protocol: cs.Protocol, Address: cs.IP, Port: int(cs.Port),
				RelayProtocol: cs.RelayProtocol,
			}
		}
	}
	var out []PairCheck
	for _, v := range report {
		ps, ok := v.(webrtc.ICECandidatePairStats)
		if !ok {
			continue
		}
		out = append(out, PairCheck{
			Local: ends[ps.LocalCandidateID], Remote: ends[ps.RemoteCandidateID], State: string(ps.State),
			Nominated: ps.Nominated, RequestsSent: ps.RequestsSent, ResponsesReceived: ps.ResponsesReceived,
		})
	}
	slices.SortFunc(out, func(a, b PairCheck) int {
		return cmp.Or(strings.Compare(a.Remote.Endpoint(), b.Remote.Endpoint()), strings.Compare(a.Local.Endpoint(), b.Local.Endpoint()))
	})
	return out
}

// checkInterval is how often a join in progress samples its connectivity
// checks; the last sample is what a failed join reports.
const checkInterval = 200 * time.Millisecond

// watchChecks marks the start of the SDK's connect (for
// Network.SignalTime) and samples the subscriber connection's connectivity
// checks into Network.Checks until the returned stop is called (when the
// join returns: after a failure the SDK has already closed the
// connection, so the checks must be read while it still runs).
func (s *Session) watchChecks(room *lksdk.Room) (stop func()) {
	s.mu.Lock()
	s.net.connectAt = time.Now()
	s.mu.Unlock()
	done := make(chan struct{})
	finished := make(chan struct{})
	sample := func() {
		if checks := pairChecks(room.LocalParticipant.GetSubscriberPeerConnection()); len(checks) > 0 {
			for i := range checks {
				s.unbridge(&checks[i].Local, &checks[i].Remote)
			}
			s.mu.Lock()
			s.net.n.Checks = checks
			s.mu.Unlock()
		}
	}
	go func() {
		defer close(finished)
		t := time.NewTicker(checkInterval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				sample()
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// unbridge puts back the truth about a pair through the TCP bridge: the
// SDK sees a UDP candidate on loopback, the network carries TCP to the
// server's candidate.
func (s *Session) unbridge(local, remote *PathEnd) {
	f := s.relay.candidates()
	if f == nil || f.bridge == nil || remote.Address != bridgeHost {
		return
	}
	target, tcpLocal, ok := f.bridge.route(remote.Port, local.Endpoint())
	if !ok {
		return
	}
	host, port, err := net.SplitHostPort(target)
	if err != nil {
		return
	}
	remote.Protocol, remote.Address = "tcp", host
	remote.Port, _ = strconv.Atoi(port)
	local.Protocol = "tcp"
	if h, p, err := net.SplitHostPort(tcpLocal); err == nil {
		local.Address = h
		local.Port, _ = strconv.Atoi(p)
	}
}
