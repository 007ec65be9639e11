package room

import (
	"encoding/json"
	"strings"
	"sync"

	"github.com/gorilla/websocket"
	"github.com/livekit/protocol/livekit"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// The signal messages that can carry ICE candidates, by direction: trickles,
// and the offers and answers whose SDP may hold candidate lines. Looked up
// on first use, like wantedResponse: at package init they cost every
// command, joining or not, over a millisecond.
var (
	candidateResponse = sync.OnceValue(func() map[protowire.Number]bool {
		return fieldNumbers(&livekit.SignalResponse{}, "offer", "answer", "trickle")
	})
	candidateRequest = sync.OnceValue(func() map[protowire.Number]bool {
		return fieldNumbers(&livekit.SignalRequest{}, "offer", "answer", "trickle")
	})
)

// candidateFilter sees every candidate the relay forwards, in both
// directions, reports it, and applies the session's Block to it.
type candidateFilter struct {
	block  Block
	dead   *deadEnd        // where BlockHost points the server's candidates
	bridge *tcpBridge      // carries the server's TCP candidates (Config.ICETCP); nil: passed as they are
	seen   func(Candidate) // told about each candidate, with what was done to it
}

// close releases the dead end and the bridge.
func (f *candidateFilter) close() {
	if f.dead != nil {
		f.dead.Close()
	}
	if f.bridge != nil {
		f.bridge.Close()
	}
}

// fromServer filters a server→SDK frame. It returns the frame to forward,
// or false to drop it.
func (f *candidateFilter) fromServer(mt int, data []byte) ([]byte, bool) {
	if mt == websocket.BinaryMessage && !candidateResponse()[firstField(data)] {
		return data, true
	}
	msg := &livekit.SignalResponse{}
	if !unmarshalFrame(mt, data, msg) {
		return data, true
	}
	var keep, changed bool
	switch m := msg.Message.(type) {
	case *livekit.SignalResponse_Offer: // for our subscriber connection
		changed = f.filterSDP(SideServer, "subscriber", m.Offer)
		keep = true
	case *livekit.SignalResponse_Answer: // to our publisher's offer
		changed = f.filterSDP(SideServer, "publisher", m.Answer)
		keep = true
	case *livekit.SignalResponse_Trickle:
		keep, changed = f.filterTrickle(SideServer, m.Trickle)
	default:
		return data, true
	}
	return reframe(mt, data, msg, keep, changed)
}

// fromClient filters an SDK→server frame, like fromServer.
func (f *candidateFilter) fromClient(mt int, data []byte) ([]byte, bool) {
	if mt == websocket.BinaryMessage && !candidateRequest()[firstField(data)] {
		return data, true
	}
	msg := &livekit.SignalRequest{}
	if !unmarshalFrame(mt, data, msg) {
		return data, true
	}
	var keep, changed bool
	switch m := msg.Message.(type) {
	case *livekit.SignalRequest_Offer: // from our publisher connection
		changed = f.filterSDP(SideClient, "publisher", m.Offer)
		keep = true
	case *livekit.SignalRequest_Answer: // from our subscriber connection
		changed = f.filterSDP(SideClient, "subscriber", m.Answer)
		keep = true
	case *livekit.SignalRequest_Trickle:
		keep, changed = f.filterTrickle(SideClient, m.Trickle)
	default:
		return data, true
	}
	return reframe(mt, data, msg, keep, changed)
}

func unmarshalFrame(mt int, data []byte, msg proto.Message) bool {
	switch mt {
	case websocket.BinaryMessage:
		return proto.Unmarshal(data, msg) == nil
	case websocket.TextMessage:
		return protojson.Unmarshal(data, msg) == nil
	}
	return false
}

// reframe encodes a changed message the way it came (protobuf or JSON).
func reframe(mt int, data []byte, msg proto.Message, keep, changed bool) ([]byte, bool) {
	if !keep {
		return nil, false
	}
	if !changed {
		return data, true
	}
	var out []byte
	var err error
	if mt == websocket.TextMessage {
		out, err = protojson.Marshal(msg)
	} else {
		out, err = proto.Marshal(msg)
	}
	if err != nil {
		return data, true // cannot happen for a message that just decoded
	}
	return out, true
}

func pcOf(t livekit.SignalTarget) string {
	if t == livekit.SignalTarget_SUBSCRIBER {
		return "subscriber"
	}
	return "publisher"
}

// filterTrickle handles one trickled candidate: its candidateInit is the
// JSON of an RTCIceCandidateInit ({"candidate": "candidate:…", "sdpMid":
// …}). It returns whether to forward the message and whether it changed.
func (f *candidateFilter) filterTrickle(from Side, t *livekit.TrickleRequest) (keep, changed bool) {
	var init map[string]json.RawMessage
	if json.Unmarshal([]byte(t.GetCandidateInit()), &init) != nil {
		return true, false
	}
	var line string
	if json.Unmarshal(init["candidate"], &line) != nil {
		return true, false
	}
	c, ok := parseCandidateLine(line)
	if !ok { // the end-of-candidates marker, or something we do not know
		return true, false
	}
	out, drop := f.judge(from, pcOf(t.GetTarget()), c)
	switch {
	case drop:
		return false, false
	case out.String() == line:
		return true, false
	}
	b, _ := json.Marshal(out.String())
	init["candidate"] = b
	j, err := json.Marshal(init)
	if err != nil {
		return true, false
	}
	t.CandidateInit = string(j)
	return true, true
}

// filterSDP handles the candidate lines of an offer or answer.
func (f *candidateFilter) filterSDP(from Side, pc string, sd *livekit.SessionDescription) (changed bool) {
	if sd == nil || !strings.Contains(sd.GetSdp(), "a="+candidatePrefix) {
		return false
	}
	lines := strings.SplitAfter(sd.GetSdp(), "\n")
	out := lines[:0]
	for _, l := range lines {
		body := strings.TrimRight(l, "\r\n")
		c, ok := parseCandidateLine(strings.TrimPrefix(body, "a="))
		if !ok || !strings.HasPrefix(body, "a=") {
			out = append(out, l)
			continue
		}
		nc, drop := f.judge(from, pc, c)
		switch {
		case drop:
			changed = true
		case nc.String() != c.String():
			changed = true
			out = append(out, "a="+nc.String()+l[len(body):])
		default:
			out = append(out, l)
		}
	}
	if changed {
		sd.Sdp = strings.Join(out, "")
	}
	return changed
}

// judge applies the block (and the bridge) to one candidate, reports it,
// and returns what to forward instead, or drop.
func (f *candidateFilter) judge(from Side, pc string, c candidateLine) (out candidateLine, drop bool) {
	rec := c.candidate(from, pc)
	out = c
	proto := c.protocol()
	target := c.endpoint()
	switch {
	case f.block.Has(BlockUDP) && proto == "udp", f.block.Has(BlockTCP) && proto == "tcp":
		rec.Handling = HandlingDropped
	case f.block.Has(BlockHost) && from == SideClient:
		rec.Handling = HandlingDropped
	case f.block.Has(BlockHost) && f.dead != nil:
		port := f.dead.udpPort()
		if proto == "tcp" {
			port = f.dead.tcpPort()
		}
		target = joinHostPort(deadEndHost, port)
		out = c.redirect(deadEndHost, port)
		rec.Handling, rec.RedirectedTo = HandlingRedirected, target
	}
	if rec.Handling != HandlingDropped && from == SideServer && proto == "tcp" && f.bridge != nil {
		if port, err := f.bridge.portFor(target); err == nil {
			out = c.asUDP(bridgeHost, port)
			rec.Bridge = joinHostPort(bridgeHost, port)
			if rec.Handling == HandlingPassed {
				rec.Handling = HandlingBridged
			}
		}
	}
	if f.seen != nil {
		f.seen(rec)
	}
	return out, rec.Handling == HandlingDropped
}
