package doctor

import (
	"context"
	"fmt"
	"testing"

	"github.com/lkdash/lkdash/internal/lktest"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
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

// TestFixedTokenRunsEveryCheckAlone: a source that gives the same identity
// whatever is asked (a literal token) cannot add participants beside the
// main one, so the protocol phases run one after the other in its place,
// the main session comes back for the drill, and publishing is sent but
// unconfirmed, saying why.
func TestFixedTokenRunsEveryCheckAlone(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	resp, err := mintAt(srv, srv.URL).Fetch(context.Background(), tokens.Options{RoomName: "doctor-fixed", ParticipantIdentity: "fixed"})
	if err != nil {
		t.Fatal(err)
	}
	src := tokens.IgnoreOptions(tokens.Literal{ServerURL: resp.ServerURL, ParticipantToken: resp.ParticipantToken})
	res := runChecks(t, Config{Source: src}, CheckProtocol, CheckReconnect, CheckPublish)
	want(t, res[CheckProtocol], Pass)
	want(t, res[CheckReconnect], Pass)
	want(t, res[CheckPublish], Warn, "no second participant", "same identity")
	if tr := res[CheckPublish].Details.Tracks; len(tr) != 2 || tr[0].PacketsSent == 0 || tr[1].PacketsSent == 0 {
		t.Errorf("the demo should still be sent: %+v", tr)
	}
}
