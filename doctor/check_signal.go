package doctor

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lkdash/lkdash/room"
)

// checkSignal joins once, without retries, times it, and reports who the
// server is and which ICE servers it hands out.
func (r *run) checkSignal(ctx context.Context) Result {
	m := r.mainSession(ctx)
	var res Result
	n := m.net
	d := &SignalDetails{
		JoinMS: ms(m.took), SignalMS: ms(n.SignalTime), Room: safe(r.opts.RoomName, ""), Identity: safe(r.tok.Identity(), ""),
		Server: safeServer(n.Server), ICEServers: []room.ICEServer{},
	}
	for _, is := range n.ICEServers {
		urls := make([]string, len(is.URLs))
		for i, u := range is.URLs {
			urls[i] = safe(u, "")
		}
		d.ICEServers = append(d.ICEServers, room.ICEServer{URLs: urls, HasCredential: is.HasCredential})
	}
	res.Details.Signal = d
	if !m.signalOK() {
		res.Summary = "the join failed before the server answered"
		fix := joinFix(m)
		if r.urlFailed {
			fix = "fix what the url check found: the join goes through the same URL"
		}
		res.problem(Fail, "the join failed: "+m.err.Error(), fix)
		return res
	}
	s := d.Server
	res.Summary = fmt.Sprintf("joined %q as %q: signal %s, media %s; livekit-server %s (protocol %d), node %s",
		d.Room, d.Identity, fmtMS(d.SignalMS), fmtMS(d.JoinMS), s.Version, s.Protocol, s.NodeID)
	if m.sess == nil {
		res.Summary = fmt.Sprintf("the server answered the join in %s (livekit-server %s, node %s), but media did not connect: see webrtc",
			fmtMS(d.SignalMS), s.Version, s.NodeID)
	}
	if s.Region != "" {
		res.Summary += ", region " + s.Region
	}
	res.Summary += fmt.Sprintf("; %d ICE server URLs (%s)", iceURLCount(d.ICEServers), iceKinds(d.ICEServers))
	return res
}

// safeServer is what the server says about itself, safe to show.
func safeServer(s room.ServerInfo) room.ServerInfo {
	s.Version, s.Edition, s.Region, s.NodeID = safe(s.Version, ""), safe(s.Edition, ""), safe(s.Region, ""), safe(s.NodeID, "")
	return s
}

// joinFix is what to do about a join that failed at the signal stage.
func joinFix(m *mainJoin) string {
	if m.je == nil {
		return ""
	}
	switch m.je.Reason {
	case room.ReasonUnreachable, room.ReasonTimeout:
		return "check the URL's host and port, and the firewall in between (the url check shows what answered)"
	case room.ReasonBadURL:
		return fixPath
	case room.ReasonNoUpgrade:
		return fixUpgrade
	case room.ReasonUnavailable:
		return "the server is overloaded or draining; check its log"
	}
	return "see the url check"
}

func iceURLCount(servers []room.ICEServer) int {
	n := 0
	for _, s := range servers {
		n += len(s.URLs)
	}
	return n
}

// iceKinds says which kinds of ICE server are handed out: "stun, turn".
func iceKinds(servers []room.ICEServer) string {
	var kinds []string
	for _, s := range servers {
		for _, u := range s.URLs {
			k, _, _ := strings.Cut(strings.ToLower(u), ":")
			if !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
	}
	if len(kinds) == 0 {
		return "none"
	}
	return strings.Join(kinds, ", ")
}

// FormatDuration writes a check's duration or a time measured by one for
// people: "0.8 ms", "36 ms", "1.2 s".
func FormatDuration(d time.Duration) string {
	return fmtMS(float64(d) / float64(time.Millisecond))
}

// Took is how long the check ran, as FormatDuration writes it; "—" for a
// check that did not run, whose few microseconds are no measurement.
func (r Result) Took() string {
	if r.State == Skip {
		return "—"
	}
	return FormatDuration(r.Duration)
}

// fmtMS is FormatDuration for milliseconds.
func fmtMS(v float64) string {
	switch {
	case v >= 1000:
		return fmt.Sprintf("%.1f s", v/1000)
	case v >= 10:
		return fmt.Sprintf("%.0f ms", v)
	}
	return fmt.Sprintf("%.1f ms", v)
}
