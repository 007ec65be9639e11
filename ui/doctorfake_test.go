package ui

import (
	"context"
	"sync"
	"time"

	"github.com/lkdash/lkdash/doctor"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

// doctorBackend is a fake backend that runs the doctor: each run streams
// script on its own, or, with script nil, hands its channel to the test
// (feed) so the test says when each update comes.
type doctorBackend struct {
	*fakeBackend
	script []DoctorUpdate
	err    error

	mu   sync.Mutex
	reqs []DoctorRequest
	ctxs []context.Context
	runs []chan DoctorUpdate
}

func newDoctorBackend(b *fakeBackend, script []DoctorUpdate) *doctorBackend {
	return &doctorBackend{fakeBackend: b, script: script}
}

func (b *doctorBackend) Doctor(ctx context.Context, req DoctorRequest) (<-chan DoctorUpdate, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reqs = append(b.reqs, req)
	b.ctxs = append(b.ctxs, ctx)
	if b.err != nil {
		return nil, b.err
	}
	if b.script == nil {
		ch := make(chan DoctorUpdate, 16)
		b.runs = append(b.runs, ch)
		return ch, nil
	}
	ch := make(chan DoctorUpdate, len(b.script))
	for _, u := range b.script {
		ch <- u
	}
	close(ch)
	return ch, nil
}

// run is the nth run's request, context and (for a fed run) channel.
func (b *doctorBackend) run(n int) (DoctorRequest, context.Context, chan DoctorUpdate) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var ch chan DoctorUpdate
	if n < len(b.runs) {
		ch = b.runs[n]
	}
	return b.reqs[n], b.ctxs[n], ch
}

// script is a run's updates: each result's start and end, then the
// summary.
func script(results ...doctor.Result) []DoctorUpdate {
	var out []DoctorUpdate
	var sum doctor.Summary
	for _, r := range results {
		r := r
		out = append(out, DoctorUpdate{Started: r.Check}, DoctorUpdate{Result: &r})
		sum.Results = append(sum.Results, r)
		sum.Duration += r.Duration
		switch r.State {
		case doctor.Pass:
			sum.Passed++
		case doctor.Warn:
			sum.Warned++
		case doctor.Fail:
			sum.Failed++
		default:
			sum.Skipped++
		}
	}
	return append(out, DoctorUpdate{Summary: &sum})
}

func ms(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

func skippedCheck(c doctor.CheckName, why string) doctor.Result {
	return doctor.Result{Check: c, State: doctor.Skip, Summary: "not run", Problems: []doctor.Problem{{State: doctor.Skip, Cause: why}}}
}

// The checks of a real run on the managed server (lkdash doctor), as
// results.
func urlPass() doctor.Result {
	return doctor.Result{Check: doctor.CheckURL, State: doctor.Pass, Duration: ms(23),
		Summary: "ws://127.0.0.1:7880: GET / 200, validate 200, WebSocket 101, twirp 401",
		Details: doctor.Details{Token: &doctor.TokenVerdicts{Identity: "alice", Room: "demo", Issuer: "devkey", ExpiresAt: "2026-11-29T01:47:00Z",
			Server: &tokens.ServerVerdict{Accepted: true, Status: 200, Reason: "success"}, Valid: true, Signature: "verified"}}}
}

func signalPass() doctor.Result {
	return doctor.Result{Check: doctor.CheckSignal, State: doctor.Pass, Duration: ms(31),
		Summary: `joined "demo" as "alice": signal 6.5 ms, media 31 ms; livekit-server 1.13.5 (protocol 17), node ND_htKJr87UZpc3; 1 ICE server URLs (stun)`,
		Details: doctor.Details{Signal: &doctor.SignalDetails{ICEServers: []room.ICEServer{{URLs: []string{"stun:127.0.0.1:3478"}}}}}}
}

var offered = []room.Candidate{
	{Protocol: "udp", Address: "127.0.0.1", Port: 7882, Type: "host"},
	{Protocol: "tcp", Address: "127.0.0.1", Port: 7881, Type: "host", TCPType: "passive"},
}

func webrtcPass() doctor.Result {
	return doctor.Result{Check: doctor.CheckWebRTC, State: doctor.Pass, Duration: ms(0.9),
		Summary: "media connected: UDP host↔host 0.2 ms, to 127.0.0.1:7882; the server offers 2 candidates (1 UDP, 1 TCP)",
		Details: doctor.Details{Candidates: offered, Path: &doctor.PathDetails{Summary: "UDP host↔host 0.2 ms", PeerConnection: "subscriber",
			Local:  room.PathEnd{Type: "host", Protocol: "udp", Address: "127.0.0.1", Port: 47270},
			Remote: room.PathEnd{Type: "host", Protocol: "udp", Address: "127.0.0.1", Port: 7882}, RTTMS: 0.2}}}
}

func turnSkip() doctor.Result {
	return skippedCheck(doctor.CheckTURN, "the server hands out no TURN server (turn.enabled is off and rtc.turn_servers is empty): "+
		"clients whose network blocks the media ports have no fallback")
}

// healthyRun is every check of a healthy server without TURN.
func healthyRun() []DoctorUpdate {
	return script(urlPass(), signalPass(), webrtcPass(), turnSkip(),
		doctor.Result{Check: doctor.CheckProtocol, State: doctor.Pass, Duration: ms(3000),
			Summary: "recommends UDP: udp 227 kbps, RTT 1.1 ms, loss 0.0%; tcp 220 kbps, RTT 0.7 ms, loss 0.0%",
			Details: doctor.Details{Recommended: "udp", Protocols: []doctor.ProtocolRun{
				{Protocol: "udp", Connected: true, Seconds: 2, PacketsSent: 154, BitrateKbps: 227, RTTMS: 1.1, JitterMS: 0.9},
				{Protocol: "tcp", Connected: true, Seconds: 2, PacketsSent: 149, BitrateKbps: 220, RTTMS: 0.7, JitterMS: 1.3}}}},
		doctor.Result{Check: doctor.CheckReconnect, State: doctor.Pass, Duration: ms(6.4),
			Summary: "resumed in 5.6 ms after 1 signal dial(s), presenting the refreshed #1 token"},
		doctor.Result{Check: doctor.CheckPublish, State: doctor.Pass, Duration: ms(1200),
			Summary: "packets received by a second participant, of those sent: audio 50/59, video 20/34",
			Details: doctor.Details{Tracks: []doctor.TrackRun{
				{Name: "demo-tone", Kind: "audio", PacketsSent: 59, PacketsReceived: 50, Codec: "audio/opus"},
				{Name: "demo-video", Kind: "video", PacketsSent: 34, PacketsReceived: 20, Codec: "video/VP8"}}}},
	)
}

// webrtcFail is the WebRTC check when the server's addresses never
// answer (lkdash doctor --block host).
func webrtcFail() doctor.Result {
	cands := []room.Candidate{
		{Protocol: "udp", Address: "127.0.0.1", Port: 7882, Type: "host", Handling: room.HandlingRedirected, RedirectedTo: "127.0.0.1:51344"},
		{Protocol: "tcp", Address: "127.0.0.1", Port: 7881, Type: "host", TCPType: "passive", Handling: room.HandlingRedirected, RedirectedTo: "127.0.0.1:39133"},
	}
	return doctor.Result{Check: doctor.CheckWebRTC, State: doctor.Fail, Duration: ms(0.4), Summary: "media did not connect",
		Problems: []doctor.Problem{{State: doctor.Fail,
			Cause: "the server advertises udp 127.0.0.1:7882, tcp 127.0.0.1:7881, which never answered from here (16 connectivity checks sent, 0 answered); --block host pointed them at a port that never answers",
			Fix:   "set rtc.node_ip (or rtc.use_external_ip: true) so the server advertises an address clients can reach, and open UDP 7882 and TCP 7881 on the firewall"}},
		Details: doctor.Details{Candidates: cands, ICEChecks: []room.PairCheck{
			{Local: room.PathEnd{Protocol: "tcp", Address: "127.0.0.1", Port: 47084}, Remote: room.PathEnd{Protocol: "tcp", Address: "127.0.0.1", Port: 39133}, State: "failed", RequestsSent: 8},
			{Local: room.PathEnd{Protocol: "udp", Address: "127.0.0.1", Port: 37324}, Remote: room.PathEnd{Protocol: "udp", Address: "127.0.0.1", Port: 51344}, State: "failed", RequestsSent: 8},
		}}}
}

// failingRun is every check of a server whose addresses cannot be
// reached: WebRTC fails and the checks that need media are skipped.
func failingRun() []DoctorUpdate {
	signal := signalPass()
	signal.Duration = ms(5000)
	signal.Summary = "the server answered the join in 18 ms (livekit-server 1.13.5, node ND_8DLJ3chiMMXg), but media did not connect: see webrtc; 1 ICE server URLs (stun)"
	noSession := "needs a connected session: media did not connect (see webrtc)"
	return script(urlPass(), signal, webrtcFail(), turnSkip(),
		skippedCheck(doctor.CheckProtocol, "media connected over neither UDP nor TCP (see webrtc)"),
		skippedCheck(doctor.CheckReconnect, noSession), skippedCheck(doctor.CheckPublish, noSession))
}
