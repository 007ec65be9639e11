package doctor

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/lkdash/lkdash/room"
)

// turnConnect bounds the relay-only join's connect: TURN adds an
// allocation and a permission before the first check.
const turnConnect = 10 * time.Second

// checkTURN joins a second participant that may only use TURN relay
// candidates, through the TURN servers the join response handed out.
func (r *run) checkTURN(ctx context.Context) Result {
	m := r.mainSession(ctx)
	if !m.signalOK() {
		return skipped("the join failed before the server answered (see signal)")
	}
	var turnURLs []string
	for _, s := range m.net.ICEServers {
		if s.TURN() {
			for _, u := range s.URLs {
				if l := strings.ToLower(u); strings.HasPrefix(l, "turn:") || strings.HasPrefix(l, "turns:") {
					turnURLs = append(turnURLs, safe(u, ""))
				}
			}
		}
	}
	if len(turnURLs) == 0 {
		return skipped("the server hands out no TURN server (turn.enabled is off and rtc.turn_servers is empty): " +
			"clients whose network blocks the media ports have no fallback")
	}
	var res Result
	for _, u := range turnURLs {
		if cert := r.turnsCert(ctx, u); cert != nil {
			res.Details.Certificate = cert
			if !cert.Trusted {
				cause, fix := certProblem(cert, "the TURN/TLS server "+cert.Name)
				res.problem(Fail, cause, fix)
			}
		}
	}
	cfg := r.sessionConfig()
	cfg.RelayOnly, cfg.ConnectTimeout = true, turnConnect
	s, err := r.extraSession(ctx, "turn", cfg)
	if err != nil {
		res.Summary = "no connection through " + strings.Join(turnURLs, " ")
		cause, fix := turnFailure(err, turnURLs)
		res.problem(Fail, cause, fix)
		return res
	}
	defer s.Leave()
	if p, ok := s.Path(); ok {
		res.Details.Path = pathDetails(p)
		res.Summary = "relay-only join connected: " + p.String() + " through " + strings.Join(turnURLs, " ")
	}
	return res
}

// turnFailure explains a relay-only join that did not connect.
func turnFailure(err error, urls []string) (cause, fix string) {
	if errors.Is(err, errSameIdentity) {
		return "cannot join a second participant: " + err.Error(), "give the doctor a token source that honours --identity (mint, endpoint)"
	}
	var je *room.JoinError
	if !errors.As(err, &je) || je.Network == nil {
		return "the relay-only join failed: " + err.Error(), ""
	}
	relays := 0
	for _, c := range je.Network.Candidates {
		if c.From == room.SideClient && c.Type == "relay" {
			relays++
		}
	}
	if relays == 0 {
		return "no relay candidate: the TURN server at " + strings.Join(urls, " ") + " never gave an allocation " +
				"(it did not answer, refused the credentials, or TLS failed)",
			"open the TURN port (turn.udp_port, turn.tls_port) to clients; with turn.tls_port, check turn.domain and the certificate (or turn.external_tls behind a TLS load balancer)"
	}
	return "the TURN server gave an allocation but relayed nothing to the media ports: it may not reach them",
		"let the TURN server reach the node's media ports: turn.relay_range_start/end open, and the media address allowed " +
			"(turn.allow_restricted_peer_cidrs for private or loopback addresses, turn.deny_peer_cidrs)"
}

// turnsCert inspects the certificate of a turns: URL; nil for other URLs.
func (r *run) turnsCert(ctx context.Context, raw string) *Certificate {
	if !strings.HasPrefix(strings.ToLower(raw), "turns:") {
		return nil
	}
	hostport := strings.TrimPrefix(raw[len("turns:"):], "//")
	if i := strings.IndexByte(hostport, '?'); i >= 0 {
		hostport = hostport[:i]
	}
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, "5349"
	}
	if u, err := url.Parse("x://" + host); err == nil {
		host = u.Hostname()
	}
	return inspectTLS(ctx, net.JoinHostPort(host, port), host, r.cfg.RootCAs, r.cfg.Now())
}
