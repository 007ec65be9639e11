package doctor

import (
	"fmt"
	"testing"

	"github.com/lkdash/lkdash/internal/lktest"
	"github.com/lkdash/lkdash/room"
)

// TestBlockHostFailsWebRTCNamingTheAddress: the signal works, media does
// not, and the cause names what the server advertises. The server hands
// out no TURN server, so TURN is skipped, saying so.
func TestBlockHostFailsWebRTCNamingTheAddress(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	res := runChecks(t, Config{Source: mintAt(srv, srv.URL), Block: room.BlockHost}, CheckURL, CheckSignal, CheckWebRTC, CheckTURN, CheckProtocol)
	want(t, res[CheckURL], Pass)
	want(t, res[CheckSignal], Pass)
	want(t, res[CheckWebRTC], Fail, fmt.Sprintf("udp 127.0.0.1:%d", srv.RTCUDPPort), fmt.Sprintf("tcp 127.0.0.1:%d", srv.RTCTCPPort),
		"never answered", "0 answered", "rtc.node_ip", fmt.Sprintf("UDP %d", srv.RTCUDPPort))
	want(t, res[CheckTURN], Skip, "no TURN server", "turn.enabled")
	want(t, res[CheckProtocol], Skip)
	if w := res[CheckWebRTC].Details; len(w.Candidates) == 0 || len(w.ICEChecks) == 0 {
		t.Errorf("the webrtc details should list the candidates and the checks: %+v", w)
	}
}

// TestNoTCPPortWarns: a server without ICE/TCP works here, with a warning.
func TestNoTCPPortWarns(t *testing.T) {
	t.Parallel()
	srv := lktest.DedicatedWith(t, "rtc: {tcp_port: 0}")
	res := runChecks(t, Config{Source: mintAt(srv, srv.URL)}, QuickChecks()...)
	want(t, res[CheckURL], Pass)
	want(t, res[CheckSignal], Pass)
	want(t, res[CheckWebRTC], Warn, "no ICE/TCP", "rtc.tcp_port")
}

// TestUDPBlockedRecommendsTCP: with UDP filtered, media still connects over
// ICE/TCP and the protocol check recommends TCP.
func TestUDPBlockedRecommendsTCP(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	res := runChecks(t, Config{Source: mintAt(srv, srv.URL), Block: room.BlockUDP}, CheckWebRTC, CheckProtocol)
	want(t, res[CheckWebRTC], Warn, "over TCP", "--block udp")
	p := res[CheckProtocol]
	want(t, p, Warn, "UDP did not connect", "use TCP")
	if p.Details.Recommended != "tcp" || len(p.Details.Protocols) != 2 || p.Details.Protocols[1].PacketsSent == 0 {
		t.Errorf("protocol details: %+v", p.Details)
	}
	if path := p.Details.Protocols[1].Path; path == nil || path.Remote.Port != srv.RTCTCPPort {
		t.Errorf("the TCP leg should reach the server's TCP port %d: %+v", srv.RTCTCPPort, path)
	}
}
