package room

import (
	"strconv"
	"strings"
)

// Candidate is one ICE candidate that went through the signal connection:
// an address one side offered for media, as that side offered it.
type Candidate struct {
	// From says whose candidate it is: the server's or ours.
	From Side `json:"from"`
	// PeerConnection is "publisher" or "subscriber": which of the two
	// peer connections of a session it belongs to.
	PeerConnection string `json:"peer_connection"`
	// Protocol is "udp" or "tcp".
	Protocol string `json:"protocol"`
	// Address is where the candidate says to send media.
	Address string `json:"address"`
	// Port goes with Address.
	Port int `json:"port"`
	// Type is host, srflx (seen through NAT by STUN), prflx or relay (TURN).
	Type string `json:"type"`
	// TCPType is active, passive or so for TCP candidates.
	TCPType string `json:"tcp_type,omitempty"`
	// Handling is what the relay did with it (Config.Block).
	Handling Handling `json:"handling"`
	// RedirectedTo is the dead loopback address a redirected candidate was
	// pointed at instead ("" unless Handling is HandlingRedirected).
	RedirectedTo string `json:"redirected_to,omitempty"`
	// Bridge is the loopback UDP address the SDK was given for a bridged
	// TCP candidate ("" unless the relay bridges it; see Config.ICETCP).
	Bridge string `json:"bridge,omitempty"`
}

// Side is one end of the session.
type Side string

// The two sides.
const (
	SideServer Side = "server" // livekit-server
	SideClient Side = "client" // us
)

// Handling is what the signal relay did with a candidate.
type Handling string

// What the relay can do with a candidate.
const (
	HandlingPassed     Handling = "passed"     // forwarded unchanged
	HandlingDropped    Handling = "dropped"    // removed (BlockUDP, BlockTCP, or ours under BlockHost)
	HandlingRedirected Handling = "redirected" // pointed at a dead port (BlockHost)
	HandlingBridged    Handling = "bridged"    // a TCP candidate the relay carries for the SDK (Config.ICETCP)
)

// Endpoint is the address:port of a candidate.
func (c Candidate) Endpoint() string {
	return joinHostPort(c.Address, c.Port)
}

func joinHostPort(addr string, port int) string {
	if strings.Contains(addr, ":") {
		addr = "[" + addr + "]"
	}
	return addr + ":" + strconv.Itoa(port)
}

// candidateLine is a parsed candidate attribute (RFC 8839 section 5.1):
// "candidate:<foundation> <component> <transport> <priority> <address>
// <port> typ <type> [raddr <a>] [rport <p>] [tcptype <t>] *(<name> <value>)".
// The fields are positional, so a rewrite replaces the address and port in
// place and keeps every extension attribute as it was. (pion/ice parses
// candidates too, but rebuilding one from its structs would drop
// attributes it does not model, like network-cost.)
type candidateLine struct {
	fields []string // after "candidate:"
}

const candidatePrefix = "candidate:"

func parseCandidateLine(s string) (candidateLine, bool) {
	if !strings.HasPrefix(s, candidatePrefix) {
		return candidateLine{}, false
	}
	f := strings.Fields(s[len(candidatePrefix):])
	if len(f) < 8 || f[6] != "typ" {
		return candidateLine{}, false
	}
	if _, err := strconv.Atoi(f[5]); err != nil {
		return candidateLine{}, false
	}
	return candidateLine{fields: f}, true
}

func (c candidateLine) protocol() string { return strings.ToLower(c.fields[2]) }
func (c candidateLine) address() string  { return c.fields[4] }
func (c candidateLine) port() int        { p, _ := strconv.Atoi(c.fields[5]); return p }
func (c candidateLine) typ() string      { return c.fields[7] }
func (c candidateLine) endpoint() string { return joinHostPort(c.address(), c.port()) }

// attr is the value of an extension attribute such as tcptype.
func (c candidateLine) attr(name string) string {
	for i := 8; i+1 < len(c.fields); i += 2 {
		if c.fields[i] == name {
			return c.fields[i+1]
		}
	}
	return ""
}

func (c candidateLine) String() string {
	return candidatePrefix + strings.Join(c.fields, " ")
}

// redirect points the candidate at addr:port.
func (c candidateLine) redirect(addr string, port int) candidateLine {
	f := append([]string(nil), c.fields...)
	f[4], f[5] = addr, strconv.Itoa(port)
	return candidateLine{fields: f}
}

// asUDP turns a TCP candidate into a UDP one at addr:port (the TCP
// bridge's), dropping its tcptype.
func (c candidateLine) asUDP(addr string, port int) candidateLine {
	f := append([]string(nil), c.fields[:8]...)
	f[2], f[4], f[5] = "udp", addr, strconv.Itoa(port)
	for i := 8; i+1 < len(c.fields); i += 2 {
		if c.fields[i] != "tcptype" {
			f = append(f, c.fields[i], c.fields[i+1])
		}
	}
	return candidateLine{fields: f}
}

func (c candidateLine) candidate(from Side, pc string) Candidate {
	return Candidate{
		From: from, PeerConnection: pc, Protocol: c.protocol(), Address: c.address(), Port: c.port(),
		Type: c.typ(), TCPType: c.attr("tcptype"), Handling: HandlingPassed,
	}
}
