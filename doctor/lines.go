package doctor

import (
	"fmt"
	"strings"

	"github.com/lkdash/lkdash/room"
)

// The results in words, for people: lkdash doctor prints these lines under
// each result line and the dashboard's Doctor panel shows them, so both
// say the same thing the same way. The lines are not sanitised here;
// whoever puts them on a terminal makes them inert.

// ProblemLines are the result's problems, worst first: "cause: …" (or
// "why: …" for a check that did not run, or the problem's own state when
// it is milder than the result's), then "fix:   …" when there is one.
func (res Result) ProblemLines() []string {
	var out []string
	for _, pr := range res.Problems {
		label := "cause"
		if pr.State == Skip {
			label = "why"
		}
		if len(res.Problems) > 1 && pr.State != res.State {
			label = strings.ToLower(string(pr.State))
		}
		out = append(out, fmt.Sprintf("%-6s %s", label+":", pr.Cause))
		if pr.Fix != "" {
			out = append(out, fmt.Sprintf("%-6s %s", "fix:", pr.Fix))
		}
	}
	return out
}

// Lines are the facts behind a result, a few lines per kind: the token's
// verdicts, the certificate, the ICE servers, the candidates, the path,
// the connectivity checks, the protocol runs and the tracks. Lines of a
// list are indented by two spaces under their heading.
func (d Details) Lines() []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if t := d.Token; t != nil {
		add("token: %s in room %s, signed by %s, expires %s", t.Identity, t.Room, t.Issuer, orNever(t.ExpiresAt))
		if t.Server != nil {
			add("  server: %s (%d): %s", acceptedWord(t.Server.Accepted), t.Server.Status, t.Server.Reason)
		}
		add("  lkdash: %s (signature %s)%s", validWord(t.Valid), t.Signature, listSuffix(t.Problems))
	}
	if c := d.Certificate; c != nil && c.Subject != "" {
		add("certificate of %s: %s, issued by %s, valid %s to %s, names %s", c.Address, c.Subject, c.Issuer,
			c.NotBefore, c.NotAfter, strings.Join(append(append([]string(nil), c.DNSNames...), c.IPs...), " "))
	}
	if s := d.Signal; s != nil {
		for _, is := range s.ICEServers {
			add("ICE server: %s", strings.Join(is.URLs, " "))
		}
	}
	if len(d.Candidates) > 0 {
		add("candidates the server offers:")
		for _, c := range d.Candidates {
			add("  %s", candidateLine(c))
		}
	}
	if p := d.Path; p != nil {
		add("path: %s, %s %s → %s %s (%s)", p.Summary, p.Local.Type, p.Local.Endpoint(), p.Remote.Type, p.Remote.Endpoint(), p.PeerConnection)
	}
	if len(d.ICEChecks) > 0 {
		add("connectivity checks:")
		for _, c := range d.ICEChecks {
			add("  %s %s → %s %s: %s, %d sent, %d answered", c.Local.Protocol, c.Local.Endpoint(), c.Remote.Protocol, c.Remote.Endpoint(),
				c.State, c.RequestsSent, c.ResponsesReceived)
		}
	}
	for _, p := range d.Protocols {
		out = append(out, protocolLine(p))
	}
	for _, t := range d.Tracks {
		add("%s %s: %d packets sent, %d received %s", t.Kind, t.Name, t.PacketsSent, t.PacketsReceived, t.Codec)
	}
	return out
}

func candidateLine(c room.Candidate) string {
	s := fmt.Sprintf("%-3s %-22s %s", c.Protocol, c.Endpoint(), c.Type)
	if c.TCPType != "" {
		s += " " + c.TCPType
	}
	switch c.Handling {
	case room.HandlingDropped:
		s += "  (dropped by --block)"
	case room.HandlingRedirected:
		s += "  (redirected to " + c.RedirectedTo + " by --block host)"
	}
	return s
}

func protocolLine(p ProtocolRun) string {
	if !p.Connected {
		return fmt.Sprintf("%s: did not connect: %s", p.Protocol, p.Error)
	}
	path := ""
	if p.Path != nil {
		path = ", path " + p.Path.Summary
	}
	return fmt.Sprintf("%s: %d packets in %.1f s, %.0f kbps, RTT %.1f ms, jitter %.1f ms, %d lost (%.1f%%)%s",
		p.Protocol, p.PacketsSent, p.Seconds, p.BitrateKbps, p.RTTMS, p.JitterMS, p.PacketsLost, p.LossPercent, path)
}

func acceptedWord(ok bool) string {
	if ok {
		return "accepted"
	}
	return "refused"
}

func validWord(ok bool) string {
	if ok {
		return "valid"
	}
	return "invalid"
}

func listSuffix(items []string) string {
	if len(items) == 0 {
		return ""
	}
	return ": " + strings.Join(items, "; ")
}

func orNever(s string) string {
	if s == "" {
		return "never"
	}
	return s
}
