package doctor

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

// checkWebRTC lists the server's candidates, flags those that cannot work
// from here, and reports the path media took, or why it found none.
func (r *run) checkWebRTC(ctx context.Context) Result {
	m := r.mainSession(ctx)
	if !m.signalOK() {
		return skipped("the join failed before the server answered (see signal)")
	}
	var res Result
	offered := serverCandidates(m.net.Candidates)
	res.Details.Candidates = offered
	_, httpBase, _ := tokens.ServerURLs(r.resp.ServerURL)
	for _, p := range candidateProblems(offered, httpBase.Hostname()) {
		res.problem(p.State, p.Cause, p.Fix)
	}
	if m.sess == nil {
		res.Details.ICEChecks = m.net.Checks
		res.Summary = "media did not connect"
		cause, fix := noPathCause(offered, m.net.Checks, r.cfg.Block)
		res.problem(Fail, cause, fix)
		return res
	}
	p, ok := m.sess.Path()
	if !ok {
		res.Summary = "joined, but ICE reports no selected candidate pair"
		return res
	}
	res.Details.Path = pathDetails(p)
	res.Summary = fmt.Sprintf("media connected: %s, to %s; the server offers %s", p, p.Remote.Endpoint(), countCandidates(offered))
	switch {
	case p.Relayed():
		res.problem(Warn, "media goes through a TURN relay ("+p.String()+"): the server's own addresses did not get through from here",
			"open the server's UDP and TCP media ports (rtc.udp_port, rtc.tcp_port) to clients")
	case p.TCP():
		res.problem(Warn, "media connected over TCP ("+p.String()+"): UDP did not get through from here"+blockNote(r.cfg.Block, room.BlockUDP)+
			"; TCP stalls on loss, so quality suffers", "open the server's UDP media port ("+ports(offered, "udp")+") on the firewall")
	}
	return res
}

// serverCandidates are the server's candidates, each address once (the
// server offers the same ones to both peer connections), their text made
// safe to show: a candidate line is whatever the server sent.
func serverCandidates(all []room.Candidate) []room.Candidate {
	out := []room.Candidate{}
	seen := map[string]bool{}
	for _, c := range all {
		key := c.Protocol + " " + c.Endpoint() + " " + c.Type
		if c.From != room.SideServer || seen[key] {
			continue
		}
		seen[key] = true
		c.Protocol, c.Address, c.Type, c.TCPType = safe(c.Protocol, ""), safe(c.Address, ""), safe(c.Type, ""), safe(c.TCPType, "")
		out = append(out, c)
	}
	return out
}

// candidateProblems flags what the server advertises that cannot work for
// clients elsewhere.
func candidateProblems(offered []room.Candidate, host string) []Problem {
	var out []Problem
	if len(offered) == 0 {
		return []Problem{{State: Fail, Cause: "the server offered no ICE candidate at all",
			Fix: "check rtc.udp_port, rtc.tcp_port and the rtc.interfaces / rtc.ips filters (they may exclude every address)"}}
	}
	if !hasProtocol(offered, "tcp") {
		out = append(out, Problem{State: Warn,
			Cause: "the server offers no ICE/TCP candidate: clients on networks that block UDP cannot connect (unless a TURN/TLS server is set up)",
			Fix:   "set rtc.tcp_port (e.g. 7881) and open that TCP port to clients"})
	}
	if !hasProtocol(offered, "udp") {
		out = append(out, Problem{State: Warn,
			Cause: "the server offers no UDP candidate: media can only use TCP, which stalls on loss",
			Fix:   "set rtc.udp_port (e.g. 7882) or rtc.port_range_start/end, and open those UDP ports to clients"})
	}
	if publicHost(host) {
		byKind := map[string][]string{}
		var kinds []string
		for _, c := range offered {
			if k := addrKind(c.Address); k != "" {
				if _, ok := byKind[k]; !ok {
					kinds = append(kinds, k)
				}
				if !slices.Contains(byKind[k], c.Address) {
					byKind[k] = append(byKind[k], c.Address)
				}
			}
		}
		for _, k := range kinds {
			out = append(out, Problem{State: Warn,
				Cause: fmt.Sprintf("the server advertises %s (%s), which clients reaching %s from elsewhere cannot use", strings.Join(byKind[k], ", "), k, host),
				Fix:   "set rtc.node_ip to the server's public address, or rtc.use_external_ip: true (found with STUN); in Docker use host networking"})
		}
	}
	return out
}

// noPathCause explains a join whose signal worked and media did not,
// from what the server offered and what the connectivity checks got.
func noPathCause(offered []room.Candidate, checks []room.PairCheck, block room.Block) (cause, fix string) {
	var tried []room.Candidate
	for _, c := range offered {
		if c.Handling != room.HandlingDropped {
			tried = append(tried, c)
		}
	}
	if len(tried) == 0 && len(offered) > 0 {
		return fmt.Sprintf("every candidate the server offered was dropped by --block %s: nothing left to try", block),
			"this is the network --block reproduces: clients there need what was blocked, or TURN"
	}
	var sent, answered uint64
	for _, c := range checks {
		sent += c.RequestsSent
		answered += c.ResponsesReceived
	}
	addrs := advertised(tried)
	cause = fmt.Sprintf("the server advertises %s, which never answered from here", addrs)
	if sent > 0 {
		cause += fmt.Sprintf(" (%d connectivity checks sent, %d answered)", sent, answered)
	}
	if block.Has(room.BlockHost) {
		cause += "; --block host pointed them at a port that never answers"
	}
	fix = "set rtc.node_ip (or rtc.use_external_ip: true) so the server advertises an address clients can reach, " +
		"and open " + openList(tried) + " on the firewall"
	return cause, fix
}

// advertised lists candidates as "udp 127.0.0.1:7882, tcp 127.0.0.1:7881".
func advertised(cs []room.Candidate) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, c.Protocol+" "+c.Endpoint())
	}
	return strings.Join(parts, ", ")
}

// openList names the ports to open: "UDP 7882 and TCP 7881".
func openList(cs []room.Candidate) string {
	var parts []string
	for _, proto := range []string{"udp", "tcp"} {
		if p := ports(cs, proto); p != "" {
			parts = append(parts, strings.ToUpper(proto)+" "+p)
		}
	}
	return strings.Join(parts, " and ")
}

// ports lists the distinct ports of one protocol's candidates.
func ports(cs []room.Candidate, proto string) string {
	var out []string
	for _, c := range cs {
		p := fmt.Sprint(c.Port)
		if c.Protocol == proto && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

func hasProtocol(cs []room.Candidate, proto string) bool {
	return slices.ContainsFunc(cs, func(c room.Candidate) bool { return c.Protocol == proto })
}

func countCandidates(cs []room.Candidate) string {
	udp, tcp := 0, 0
	for _, c := range cs {
		if c.Protocol == "tcp" {
			tcp++
		} else {
			udp++
		}
	}
	return fmt.Sprintf("%d candidates (%d UDP, %d TCP)", len(cs), udp, tcp)
}

// blockNote names the --block that explains a finding, if it is on.
func blockNote(b, which room.Block) string {
	if b.Has(which) {
		return " (--block " + which.String() + ")"
	}
	return ""
}
