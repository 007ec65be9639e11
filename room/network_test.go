package room

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lkdash/lkdash/internal/lktest"
	"github.com/lkdash/lkdash/tokens"
)

// joinCfg joins a room of its own on srv with cfg, or returns the error.
func joinCfg(t *testing.T, srvURL string, src tokens.ConfigurableSource, cfg Config) (*Session, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Join(ctx, src, tokens.Options{RoomName: roomName(t), ParticipantIdentity: "net"}, cfg)
	if err == nil {
		t.Cleanup(s.Leave)
	}
	return s, err
}

// TestNetworkAndPathAfterJoin: a session knows who the server is, the
// candidates it offered, the path media took, and what its tracks sent.
func TestNetworkAndPathAfterJoin(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	s, err := joinCfg(t, srv.URL, mint(srv), Config{})
	if err != nil {
		t.Fatal(err)
	}
	n := s.Network()
	if !n.Joined || n.Server.Version != "1.13.5" || n.Server.NodeID == "" || n.SignalTime <= 0 {
		t.Errorf("network = %+v", n)
	}
	var udp, tcp bool
	for _, c := range n.Candidates {
		if c.From == SideServer && c.Address == "127.0.0.1" {
			udp = udp || c.Protocol == "udp" && c.Port == srv.RTCUDPPort
			tcp = tcp || c.Protocol == "tcp" && c.Port == srv.RTCTCPPort && c.TCPType == "passive"
		}
	}
	if !udp || !tcp {
		t.Errorf("the server's UDP %d and TCP %d candidates are missing: %+v", srv.RTCUDPPort, srv.RTCTCPPort, n.Candidates)
	}
	p, ok := s.Path()
	if !ok || p.Local.Protocol != "udp" || p.Remote.Port != srv.RTCUDPPort || p.Relayed() || p.TCP() {
		t.Errorf("path = %+v, %v", p, ok)
	}
	if _, err := s.PublishDemo(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		st := s.SendStats()
		if len(st) == 2 && st[0].PacketsSent > 0 && st[1].PacketsSent > 0 && st[0].Reports > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("send stats never showed both tracks sending with a receiver report: %+v", st)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestBlockHostLeavesChecksUnanswered: with the server's addresses made
// unreachable, the signal works, media does not, and the JoinError shows
// the candidates the relay redirected and the checks nobody answered.
func TestBlockHostLeavesChecksUnanswered(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	_, err := joinCfg(t, srv.URL, mint(srv), Config{Block: BlockHost, ICETCP: true, ConnectTimeout: 2 * time.Second})
	var je *JoinError
	if !errors.As(err, &je) || je.Network == nil || !je.Network.Joined {
		t.Fatalf("want a JoinError whose signal got through, got %v", err)
	}
	redirected := 0
	for _, c := range je.Network.Candidates {
		switch {
		case c.From == SideClient && c.Handling != HandlingDropped:
			t.Errorf("our candidate went to the server: %+v", c)
		case c.From == SideServer && c.Handling == HandlingRedirected:
			redirected++
		}
	}
	if redirected == 0 {
		t.Errorf("no server candidate was redirected: %+v", je.Network.Candidates)
	}
	var sent, answered uint64
	for _, c := range je.Network.Checks {
		sent += c.RequestsSent
		answered += c.ResponsesReceived
	}
	if sent == 0 || answered != 0 {
		t.Errorf("checks: %d sent, %d answered, want some sent and none answered: %+v", sent, answered, je.Network.Checks)
	}
}

// TestICETCPCarriesMediaWhenUDPIsBlocked: pion gathers no TCP candidates,
// so with UDP blocked the SDK alone cannot connect; through the bridge it
// reaches the server's ICE/TCP port.
func TestICETCPCarriesMediaWhenUDPIsBlocked(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	s, err := joinCfg(t, srv.URL, mint(srv), Config{Block: BlockUDP, ICETCP: true})
	if err != nil {
		t.Fatal(err)
	}
	p, ok := s.Path()
	if !ok || !p.TCP() || p.Remote.Protocol != "tcp" || p.Remote.Port != srv.RTCTCPPort || p.String()[:4] != "TCP " {
		t.Errorf("path = %+v (%s), want TCP to the server's port %d", p, p, srv.RTCTCPPort)
	}
	if _, err := joinCfg(t, srv.URL, mint(srv), Config{Block: BlockUDP, ConnectTimeout: 2 * time.Second}); err == nil {
		t.Error("without ICETCP the SDK joined with UDP blocked; pion has learnt ICE/TCP: the bridge may no longer be needed")
	}
}

// TestRelayOnlyGoesThroughTURN: the managed server's embedded TURN works
// on loopback, and RelayOnly uses it.
func TestRelayOnlyGoesThroughTURN(t *testing.T) {
	t.Parallel()
	srv := lktest.DedicatedWith(t, "turn: {enabled: true}")
	s, err := joinCfg(t, srv.URL, mint(srv), Config{RelayOnly: true, ConnectTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if turn := s.Network().ICEServers; len(turn) == 0 || !turn[0].TURN() || !turn[0].HasCredential {
		t.Errorf("ICE servers = %+v", turn)
	}
	if p, ok := s.Path(); !ok || !p.Relayed() || p.Local.RelayProtocol != "udp" {
		t.Errorf("path = %+v, want a relay", p)
	}
}
