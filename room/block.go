package room

import (
	"fmt"
	"strings"
)

// Block makes a session live on a hostile network: the signal relay drops
// or redirects the ICE candidates it forwards, so the media path the SDK
// can find is the one a client behind such a network would find. Values
// combine with |. The signal connection itself is never blocked.
type Block uint8

// The networks Block can reproduce.
const (
	// BlockUDP drops every UDP candidate, both the server's and ours (TURN
	// relay candidates included: their relayed leg is UDP): a network that
	// filters UDP, where only ICE/TCP can work.
	BlockUDP Block = 1 << iota
	// BlockTCP drops every TCP candidate, both ways: a network that lets
	// only UDP through, or a server without ICE/TCP.
	BlockTCP
	// BlockHost makes the addresses the server advertises unreachable: each
	// of its candidates is pointed at a loopback port that takes packets
	// and never answers, and our own candidates are withheld so the server
	// cannot reach us either. That is what a client sees when the server
	// advertises a private or wrong address (rtc.node_ip) or a firewall
	// drops its ports.
	BlockHost
)

// blockNames are the names ParseBlock takes and String prints, in order.
var blockNames = []struct {
	b    Block
	name string
}{{BlockUDP, "udp"}, {BlockTCP, "tcp"}, {BlockHost, "host"}}

// BlockNames lists the names ParseBlock accepts.
func BlockNames() []string {
	out := make([]string, 0, len(blockNames))
	for _, n := range blockNames {
		out = append(out, n.name)
	}
	return out
}

// ParseBlock reads one name ("udp", "tcp", "host") or several joined by
// commas.
func ParseBlock(s string) (Block, error) {
	var b Block
	for _, part := range strings.Split(s, ",") {
		part = strings.ToLower(strings.TrimSpace(part))
		found := false
		for _, n := range blockNames {
			if n.name == part {
				b |= n.b
				found = true
			}
		}
		if !found {
			return 0, fmt.Errorf("unknown network block %q (want %s)", part, strings.Join(BlockNames(), ", "))
		}
	}
	return b, nil
}

// Has reports whether every block in o is in b.
func (b Block) Has(o Block) bool { return b&o == o && o != 0 }

// String is the names of the blocks in b joined by commas; "" for none.
func (b Block) String() string {
	var names []string
	for _, n := range blockNames {
		if b.Has(n.b) {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, ",")
}
