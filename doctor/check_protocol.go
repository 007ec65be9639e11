package doctor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/lkdash/lkdash/room"
)

// lossMargin is how much more of its packets UDP may lose than TCP before
// TCP is recommended: the connection test's rule (20 % of those sent).
const lossMargin = 0.2

// checkProtocol publishes the demo over UDP only and over TCP only and
// compares them. The two run at once, as two participants, when the token
// source gives each its own identity (a phase of several seconds each
// would otherwise double the run); one after the other when it does not.
// The demo is a few hundred kbit/s, far below what either path carries,
// so the two do not crowd each other out.
func (r *run) checkProtocol(ctx context.Context) Result {
	m := r.mainSession(ctx)
	switch {
	case !m.signalOK():
		return skipped("the join failed before the server answered (see signal)")
	case m.sess == nil:
		// UDP only and TCP only each offer less than the join that failed.
		return skipped("media connected over neither UDP nor TCP (see webrtc)")
	}
	legs := []struct {
		name  string
		block room.Block
	}{{"udp", room.BlockTCP}, {"tcp", room.BlockUDP}}
	runs := make([]ProtocolRun, len(legs))
	if r.distinctIdentities(ctx) {
		var wg sync.WaitGroup
		for i, l := range legs {
			wg.Go(func() { runs[i] = r.protocolLeg(ctx, l.name, l.block) })
		}
		wg.Wait()
	} else {
		for i, l := range legs {
			runs[i] = r.protocolLeg(ctx, l.name, l.block)
		}
	}
	var res Result
	res.Details.Protocols = runs
	udp, tcp := runs[0], runs[1]
	rec, probs := recommend(udp, tcp, r.cfg.Block)
	res.Details.Recommended = rec
	res.Problems = probs
	res.Summary = "recommends " + upper(rec) + ": " + legSummary(udp) + "; " + legSummary(tcp)
	if rec == "" {
		res.Summary = "media connected over neither UDP nor TCP"
	}
	return res
}

// legSummary is one protocol's outcome in a few words.
func legSummary(p ProtocolRun) string {
	if !p.Connected {
		return p.Protocol + " did not connect"
	}
	return fmt.Sprintf("%s %.0f kbps, RTT %s, loss %.1f%%", p.Protocol, p.BitrateKbps, fmtMS(p.RTTMS), p.LossPercent)
}

// protocolLeg joins with only one protocol's candidates and publishes the
// demo for the configured time.
func (r *run) protocolLeg(ctx context.Context, name string, block room.Block) ProtocolRun {
	run := ProtocolRun{Protocol: name}
	cfg := r.sessionConfig()
	cfg.Block |= block
	s, err := r.soloSession(ctx, "proto-"+name, cfg)
	if err != nil {
		run.Error = legError(err)
		return run
	}
	defer r.leaveSolo(s)
	run.Connected = true
	if _, err := s.PublishDemo(); err != nil {
		run.Error = r.safe(err.Error())
		return run
	}
	start := time.Now()
	select {
	case <-ctx.Done():
	case <-time.After(r.cfg.ProtocolDuration):
	}
	elapsed := time.Since(start)
	run.Seconds = elapsed.Round(10 * time.Millisecond).Seconds()
	// Read at the end: the pair's RTT is its latest STUN round trip, and
	// the one of the first checks includes the join's own work.
	if p, ok := s.Path(); ok {
		run.Path, run.ICERTTMS = pathDetails(p), ms(p.RTT)
	}
	var bytes uint64
	var rtt, jitter time.Duration
	var reports int
	for _, st := range s.SendStats() {
		run.PacketsSent += st.PacketsSent
		bytes += st.BytesSent
		run.PacketsLost += st.PacketsLost
		jitter = max(jitter, st.Jitter)
		if st.Reports > 0 {
			rtt += st.RTT
			reports++
		}
	}
	if reports > 0 {
		run.RTTMS = ms(rtt / time.Duration(reports))
	}
	run.JitterMS = ms(jitter)
	if elapsed > 0 {
		run.BitrateKbps = float64(int(float64(bytes)*8/elapsed.Seconds()/100)) / 10
	}
	if run.PacketsSent > 0 {
		run.LossPercent = float64(int(float64(max(run.PacketsLost, 0))*1000/float64(run.PacketsSent))) / 10
	}
	return run
}

// recommend picks a protocol as the connection test does, and says what
// is wrong with the other.
func recommend(udp, tcp ProtocolRun, block room.Block) (string, []Problem) {
	switch {
	case !udp.Connected && !tcp.Connected:
		return "", []Problem{{State: Fail, Cause: "media connected over neither UDP (" + udp.Error + ") nor TCP (" + tcp.Error + ")",
			Fix: "see the webrtc check: the server's media ports are not reachable from here"}}
	case !udp.Connected:
		return "tcp", []Problem{{State: Warn, Cause: "UDP did not connect from here" + blockNote(block, room.BlockUDP) + ", TCP did: use TCP (" + udp.Error + ")",
			Fix: "open the server's UDP media port (rtc.udp_port) to clients; until then they fall back to ICE/TCP, which stalls on loss"}}
	case !tcp.Connected:
		return "udp", []Problem{{State: Warn, Cause: "ICE/TCP did not connect from here" + blockNote(block, room.BlockTCP) + " (" + tcp.Error + "): clients whose network blocks UDP have no fallback",
			Fix: "set rtc.tcp_port (e.g. 7881) and open it to clients"}}
	}
	if udp.PacketsSent > 0 && float64(udp.PacketsLost-tcp.PacketsLost)/float64(udp.PacketsSent) > lossMargin {
		return "tcp", []Problem{{State: Warn, Cause: fmt.Sprintf("UDP lost %.1f%% of its packets, TCP %.1f%%: UDP is badly filtered or congested on this path", udp.LossPercent, tcp.LossPercent),
			Fix: "look for a firewall or rate limit on the UDP media port (rtc.udp_port) between clients and the server"}}
	}
	return "udp", nil
}

func upper(s string) string {
	switch s {
	case "udp":
		return "UDP"
	case "tcp":
		return "TCP"
	}
	return s
}

// legError says briefly why a protocol's join failed.
func legError(err error) string {
	var je *room.JoinError
	if errors.As(err, &je) && je.Network != nil && je.Network.Joined {
		return "the server answered, media did not connect"
	}
	return err.Error()
}
