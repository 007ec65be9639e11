package room

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/livekit/protocol/livekit"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

const (
	udpCand = "candidate:1 1 udp 2130706431 127.0.0.1 7882 typ host generation 0 network-cost 50"
	tcpCand = "candidate:2 1 tcp 1671430143 127.0.0.1 7881 typ host tcptype passive generation 0"
	ourCand = "candidate:3 1 udp 2130706431 127.0.0.1 50000 typ host"
)

func trickleFrame(t *testing.T, resp bool, line string, target livekit.SignalTarget) []byte {
	t.Helper()
	init, _ := json.Marshal(map[string]any{"candidate": line, "sdpMid": "0", "sdpMLineIndex": 0})
	tr := &livekit.TrickleRequest{CandidateInit: string(init), Target: target}
	var b []byte
	var err error
	if resp {
		b, err = proto.Marshal(&livekit.SignalResponse{Message: &livekit.SignalResponse_Trickle{Trickle: tr}})
	} else {
		b, err = proto.Marshal(&livekit.SignalRequest{Message: &livekit.SignalRequest_Trickle{Trickle: tr}})
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// trickledLine reads the candidate line back out of a forwarded frame.
func trickledLine(t *testing.T, resp bool, data []byte) string {
	t.Helper()
	var tr *livekit.TrickleRequest
	if resp {
		m := &livekit.SignalResponse{}
		if err := proto.Unmarshal(data, m); err != nil {
			t.Fatal(err)
		}
		tr = m.GetTrickle()
	} else {
		m := &livekit.SignalRequest{}
		if err := proto.Unmarshal(data, m); err != nil {
			t.Fatal(err)
		}
		tr = m.GetTrickle()
	}
	var init map[string]any
	if err := json.Unmarshal([]byte(tr.GetCandidateInit()), &init); err != nil {
		t.Fatal(err)
	}
	if init["sdpMid"] != "0" {
		t.Errorf("the rewrite lost sdpMid: %v", init)
	}
	return init["candidate"].(string)
}

func TestCandidateFilterAppliesBlocks(t *testing.T) {
	for _, tc := range []struct {
		block          Block
		udp, tcp, ours string // "pass", "drop", "redirect"
	}{
		{block: 0, udp: "pass", tcp: "pass", ours: "pass"},
		{block: BlockUDP, udp: "drop", tcp: "pass", ours: "drop"},
		{block: BlockTCP, udp: "pass", tcp: "drop", ours: "pass"},
		{block: BlockHost, udp: "redirect", tcp: "redirect", ours: "drop"},
		{block: BlockUDP | BlockHost, udp: "drop", tcp: "redirect", ours: "drop"},
	} {
		t.Run(tc.block.String(), func(t *testing.T) {
			var seen []Candidate
			f := &candidateFilter{block: tc.block, seen: func(c Candidate) { seen = append(seen, c) }}
			if tc.block.Has(BlockHost) {
				d, err := newDeadEnd()
				if err != nil {
					t.Fatal(err)
				}
				f.dead = d
			}
			defer f.close()
			check := func(what, want string, out []byte, keep bool, resp bool, orig string) {
				t.Helper()
				switch want {
				case "drop":
					if keep {
						t.Errorf("%s: forwarded, want dropped", what)
					}
				case "pass":
					if !keep || trickledLine(t, resp, out) != orig {
						t.Errorf("%s: want it forwarded unchanged, got keep=%v", what, keep)
					}
				case "redirect":
					got := trickledLine(t, resp, out)
					c, ok := parseCandidateLine(got)
					if !keep || !ok || c.address() != deadEndHost || c.port() == 7881 || c.port() == 7882 {
						t.Errorf("%s: want it pointed at the dead end, got %q", what, got)
					}
					if !strings.HasSuffix(got, orig[strings.Index(orig, " typ "):]) {
						t.Errorf("%s: the rewrite changed more than the address: %q", what, got)
					}
				}
			}
			out, keep := f.fromServer(websocket.BinaryMessage, trickleFrame(t, true, udpCand, livekit.SignalTarget_SUBSCRIBER))
			check("server udp", tc.udp, out, keep, true, udpCand)
			out, keep = f.fromServer(websocket.BinaryMessage, trickleFrame(t, true, tcpCand, livekit.SignalTarget_PUBLISHER))
			check("server tcp", tc.tcp, out, keep, true, tcpCand)
			out, keep = f.fromClient(websocket.BinaryMessage, trickleFrame(t, false, ourCand, livekit.SignalTarget_SUBSCRIBER))
			check("our udp", tc.ours, out, keep, false, ourCand)
			if len(seen) != 3 || seen[0].From != SideServer || seen[0].PeerConnection != "subscriber" ||
				seen[1].PeerConnection != "publisher" || seen[1].TCPType != "passive" || seen[2].From != SideClient {
				t.Errorf("candidates reported: %+v", seen)
			}
		})
	}
}

func TestCandidateFilterRewritesSDP(t *testing.T) {
	d, err := newDeadEnd()
	if err != nil {
		t.Fatal(err)
	}
	f := &candidateFilter{block: BlockHost, dead: d}
	defer f.close()
	sdp := "v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=" + udpCand + "\r\na=" + tcpCand + "\r\na=end-of-candidates\r\n"
	frame, _ := protojson.Marshal(&livekit.SignalResponse{Message: &livekit.SignalResponse_Offer{Offer: &livekit.SessionDescription{Type: "offer", Sdp: sdp}}})
	out, keep := f.fromServer(websocket.TextMessage, frame)
	if !keep {
		t.Fatal("offer dropped")
	}
	m := &livekit.SignalResponse{}
	if err := protojson.Unmarshal(out, m); err != nil {
		t.Fatal(err)
	}
	got := m.GetOffer().GetSdp()
	if strings.Contains(got, " 7882 ") || strings.Contains(got, " 7881 ") || !strings.Contains(got, "a=end-of-candidates\r\n") ||
		strings.Count(got, "a=candidate:") != 2 || !strings.HasPrefix(got, "v=0\r\n") {
		t.Errorf("rewritten SDP:\n%s", got)
	}

	// Our answer's candidates are withheld.
	ours := "v=0\r\na=" + ourCand + "\r\na=ice-ufrag:x\r\n"
	frame, _ = proto.Marshal(&livekit.SignalRequest{Message: &livekit.SignalRequest_Answer{Answer: &livekit.SessionDescription{Type: "answer", Sdp: ours}}})
	out, _ = f.fromClient(websocket.BinaryMessage, frame)
	req := &livekit.SignalRequest{}
	if err := proto.Unmarshal(out, req); err != nil {
		t.Fatal(err)
	}
	if got := req.GetAnswer().GetSdp(); got != "v=0\r\na=ice-ufrag:x\r\n" {
		t.Errorf("our answer after the filter: %q", got)
	}
}

func TestCandidateFilterLeavesOtherFramesAlone(t *testing.T) {
	f := &candidateFilter{block: BlockUDP | BlockTCP}
	join, _ := proto.Marshal(&livekit.SignalResponse{Message: &livekit.SignalResponse_Join{Join: &livekit.JoinResponse{}}})
	for _, frame := range [][]byte{join, {0xff, 0x01}, []byte("not protobuf")} {
		out, keep := f.fromServer(websocket.BinaryMessage, frame)
		if !keep || string(out) != string(frame) {
			t.Errorf("frame %x changed: %x keep=%v", frame, out, keep)
		}
	}
}

func TestBridgeTurnsTCPCandidatesIntoLoopbackUDP(t *testing.T) {
	var seen []Candidate
	f := &candidateFilter{bridge: newTCPBridge(), seen: func(c Candidate) { seen = append(seen, c) }}
	defer f.close()
	out, keep := f.fromServer(websocket.BinaryMessage, trickleFrame(t, true, tcpCand, livekit.SignalTarget_SUBSCRIBER))
	got := trickledLine(t, true, out)
	c, ok := parseCandidateLine(got)
	if !keep || !ok || c.protocol() != "udp" || c.address() != bridgeHost || c.attr("tcptype") != "" || c.attr("generation") != "0" {
		t.Errorf("bridged candidate = %q", got)
	}
	if len(seen) != 1 || seen[0].Handling != HandlingBridged || seen[0].Bridge != joinHostPort(bridgeHost, c.port()) ||
		seen[0].Endpoint() != "127.0.0.1:7881" {
		t.Errorf("reported %+v", seen)
	}
}

func TestParseBlock(t *testing.T) {
	b, err := ParseBlock("udp, HOST")
	if err != nil || b != BlockUDP|BlockHost || b.String() != "udp,host" {
		t.Errorf("ParseBlock = %v (%q), %v", b, b, err)
	}
	if _, err := ParseBlock("icmp"); err == nil || !strings.Contains(err.Error(), "udp, tcp, host") {
		t.Errorf("ParseBlock(icmp) error = %v", err)
	}
}

// FuzzCandidateFilter: frames from the server or the SDK never make the
// filter panic, and a frame it does not change comes back as it was.
func FuzzCandidateFilter(f *testing.F) {
	f.Add(true, []byte{0x22, 0x03, 0x0a, 0x01, 0x7b})
	f.Add(false, []byte("candidate:1 1 udp 1 1.2.3.4 5 typ host"))
	f.Fuzz(func(t *testing.T, server bool, data []byte) {
		filt := &candidateFilter{block: BlockTCP}
		var out []byte
		var keep bool
		if server {
			out, keep = filt.fromServer(websocket.BinaryMessage, data)
		} else {
			out, keep = filt.fromClient(websocket.BinaryMessage, data)
		}
		if keep && out == nil && data != nil {
			t.Fatal("kept a frame but returned nothing")
		}
	})
}
