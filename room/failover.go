package room

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/livekit/protocol/livekit"

	"github.com/lkdash/lkdash/tokens"
)

// The SDK fails over between LiveKit Cloud regions on its own, but only
// for *.livekit.cloud URLs, and it sees the relay's loopback URL. So the
// relay does what the SDK would: it knows every address the deployment
// answers on (the token source's URL, more URLs of the same self-hosted
// deployment, or Cloud's region list) and, when one cannot be reached,
// dials the next in the SDK's order, for every dial the SDK makes.

// Upstream is one address of the deployment the relay dials.
type Upstream struct {
	URL    string `json:"url"`              // as given or as the region list says
	Region string `json:"region,omitempty"` // the LiveKit Cloud region; "" for URLs given to lkdash
}

// Label is the region's name, or the URL's host when there is none.
func (u Upstream) Label() string {
	if u.Region != "" {
		return u.Region
	}
	if p, err := url.Parse(u.URL); err == nil && p.Host != "" {
		return p.Host
	}
	return u.URL
}

// upstream is an Upstream with its parsed forms.
type upstream struct {
	Upstream
	ws, http *url.URL
}

func newUpstream(raw, region string) (upstream, error) {
	ws, h, err := tokens.ServerURLs(raw)
	if err != nil {
		return upstream{}, err
	}
	return upstream{Upstream: Upstream{URL: strings.TrimSpace(raw), Region: region}, ws: ws, http: h}, nil
}

// same reports whether two upstreams are one address.
func (u upstream) same(o upstream) bool { return u.ws.String() == o.ws.String() }

const (
	// upstreamTry bounds one upstream's handshake while others remain to
	// be tried, so a black-holed address does not eat the SDK's whole
	// connect budget; the last one gets whatever is left.
	upstreamTry = 5 * time.Second
	// regionFetchTimeout and regionTTL are the SDK's: discovery is best
	// effort, bounded at 2 s, and a list lives 3 s unless the server says
	// otherwise (Cache-Control max-age).
	regionFetchTimeout = 2 * time.Second
	regionTTL          = 3 * time.Second
)

// upstreams is where the relay can reach the deployment and where it is
// now; guarded by relay.mu.
type upstreams struct {
	given      []upstream // the token source's URL, then Config.FailoverURLs
	regions    []upstream // the Cloud region list, closest first
	regionsAt  time.Time  // when regions was fetched
	regionsTTL time.Duration
	regionsURL string     // "" = no region discovery
	fromLeave  []upstream // regions a server leave request named, tried first next time
	current    upstream   // where the last accepted dial went
	connected  bool       // current is set
	lost       *loss      // the connection to current dropped
	onFailover func(Failover)
}

// loss is a connection to the server that dropped without the SDK asking.
type loss struct {
	at   time.Time
	from upstream
	why  string
}

// setFailover gives the relay the deployment's other addresses: its URLs
// (used when the token source's URL is one of them, the others then tried
// in their order), and where to fetch the Cloud region list ("" for none).
func (r *relay) setFailover(deployment []string, regionsURL string) error {
	var us []upstream
	ours := false
	for _, raw := range deployment {
		u, err := newUpstream(raw, "")
		if err != nil {
			return fmt.Errorf("failover URL: %w", err)
		}
		if u.same(r.ups.given[0]) {
			ours = true
			continue
		}
		us = append(us, u)
	}
	if ours {
		r.ups.given = append(r.ups.given[:1], us...)
	}
	r.ups.regionsURL = regionsURL
	return nil
}

// regionsURLFor is where the SDK would fetch the region list for a server
// URL: LiveKit Cloud hosts only.
func regionsURLFor(serverURL string) string {
	u, err := url.Parse(serverURL)
	if err != nil || !strings.HasSuffix(strings.ToLower(u.Hostname()), ".livekit.cloud") {
		return ""
	}
	return "https://" + u.Hostname() + "/settings/regions"
}

// plan is the order the next dial tries upstreams in, the SDK's: regions
// a leave request named, else the one in use; then the region list; then
// the URLs given, the token source's first. Duplicates are dropped.
func (r *relay) plan() []upstream {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []upstream
	add := func(us ...upstream) {
		for _, u := range us {
			dup := false
			for _, o := range out {
				dup = dup || o.same(u)
			}
			if !dup {
				out = append(out, u)
			}
		}
	}
	if len(r.ups.fromLeave) > 0 {
		add(r.ups.fromLeave...)
	} else if r.ups.connected {
		add(r.ups.current)
	}
	add(r.ups.regions...)
	add(r.ups.given...)
	return out
}

// tried is one upstream attempt that did not take.
type tried struct {
	to  upstream
	why string
}

// dialUpstream makes one SDK dial reach the server, trying upstreams in
// plan order. A server's refusal (4xx: a bad token, a wrong path) goes back
// to the SDK as it is, since another address would say the same; a
// failure to reach it, or a 5xx, moves on to the next. It returns the
// upstream that answered last.
func (r *relay) dialUpstream(req *http.Request, header http.Header) (*websocket.Conn, *http.Response, upstream, error) {
	ctx := req.Context()
	start := time.Now()
	plan := r.plan()
	var fails []tried
	var (
		conn *websocket.Conn
		resp *http.Response
		err  error
		to   upstream
	)
	for i := 0; i < len(plan); i++ {
		to = plan[i]
		tctx, cancel := ctx, context.CancelFunc(func() {})
		if i < len(plan)-1 {
			tctx, cancel = context.WithTimeout(ctx, upstreamTry)
		}
		conn, resp, err = r.dial(tctx, upstreamTarget(to, req), header)
		cancel()
		if err == nil || (resp != nil && resp.StatusCode < 500) || ctx.Err() != nil {
			break
		}
		fails = append(fails, tried{to, dialFailure(resp, err, presentedToken(req))})
		if i == 0 { // the first choice failed: the region list may be stale
			plan = r.replan(ctx, plan, presentedToken(req))
		}
	}
	if err == nil {
		r.accepted(to, fails, start)
	}
	return conn, resp, to, err
}

// replan refreshes a stale region list with the token the SDK presents
// (the SDK fetches with its latest token too) and plans again, keeping
// what was already tried first.
func (r *relay) replan(ctx context.Context, plan []upstream, token string) []upstream {
	r.mu.Lock()
	stale := r.ups.regionsURL != "" && time.Since(r.ups.regionsAt) >= r.ups.regionsTTL
	r.mu.Unlock()
	if !stale {
		return plan
	}
	_ = r.fetchRegions(ctx, token)
	fresh := r.plan()
	out := plan[:1:1]
	for _, u := range fresh {
		if !u.same(plan[0]) {
			out = append(out, u)
		}
	}
	return out
}

// upstreamTarget is the SDK's request (path after the relay's prefix, and
// query) aimed at one upstream.
func upstreamTarget(to upstream, req *http.Request) string {
	target := *to.ws
	target.Path = joinPath(to.ws.Path, req.URL.Path)
	target.RawPath = ""
	target.RawQuery = req.URL.RawQuery
	return target.String()
}

// dialFailure says why an upstream did not take a dial, for events,
// without the token the dial presented.
func dialFailure(resp *http.Response, err error, token string) string {
	if resp != nil {
		return resp.Status
	}
	if token == "" {
		return err.Error()
	}
	return strings.ReplaceAll(err.Error(), token, "<token>")
}

// accepted records where a dial went; a dial that lands elsewhere than
// the upstream in use (or than the first choice, for the join) is a
// failover, reported with why and how long it took.
func (r *relay) accepted(to upstream, fails []tried, start time.Time) {
	r.mu.Lock()
	prev, had, lost := r.ups.current, r.ups.connected, r.ups.lost
	r.ups.current, r.ups.connected, r.ups.lost, r.ups.fromLeave = to, true, nil, nil
	hook := r.ups.onFailover
	r.mu.Unlock()
	from, since := prev, start
	var why []string
	if lost != nil {
		from, since = lost.from, lost.at
		why = append(why, "connection to "+lost.from.Label()+" lost: "+lost.why)
	}
	if !had && len(fails) > 0 {
		from = fails[0].to
	}
	if (!had && len(fails) == 0) || from.same(to) || hook == nil {
		return
	}
	for _, f := range fails {
		why = append(why, f.to.Label()+": "+f.why)
	}
	hook(Failover{At: time.Now(), From: from.Upstream, To: to.Upstream, Reason: strings.Join(why, "; "), Took: time.Since(since)})
}

// lostUpstream notes that the connection to an upstream dropped without
// the SDK asking, so the next dial's failover can say why.
func (r *relay) lostUpstream(from upstream, why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || !r.ups.connected || !r.ups.current.same(from) {
		return
	}
	r.ups.lost = &loss{at: time.Now(), from: from, why: why}
}

// leaveRegions takes the regions a server's leave request names: the SDK
// tries them first on the reconnect that follows.
func (r *relay) leaveRegions(rs *livekit.RegionSettings) {
	var us []upstream
	for _, ri := range rs.GetRegions() {
		if u, err := newUpstream(ri.GetUrl(), ri.GetRegion()); err == nil {
			us = append(us, u)
		}
	}
	if len(us) == 0 {
		return
	}
	r.mu.Lock()
	r.ups.fromLeave = us
	r.mu.Unlock()
}

// currentHTTP is the HTTP base of the upstream in use (the token source's
// URL until a dial was accepted), for /rtc/validate and the server APIs.
func (r *relay) currentHTTP() *url.URL {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ups.connected {
		return r.ups.current.http
	}
	return r.httpBase
}

// pairEnd is which side of a relayed pair ended first.
type pairEnd struct{ once sync.Once }

// first reports whether the caller's side is the first to end.
func (e *pairEnd) first() bool {
	ok := false
	e.once.Do(func() { ok = true })
	return ok
}

// serverSideEnded notes a lost connection when the server's side of a
// pair ends first without a proper close frame (a dead node, a cut
// network), before the SDK learns of it and dials again.
func (r *relay) serverSideEnded(end *pairEnd, to upstream, err error) {
	var ce *websocket.CloseError
	if !end.first() || err == nil || (errors.As(err, &ce) && ce.Code != websocket.CloseAbnormalClosure) {
		return
	}
	r.lostUpstream(to, err.Error())
}

// joinedVia is where the join went when that is a region or not the
// token source's URL, and the region list, for Connected.
func (r *relay) joinedVia() (*Upstream, []Upstream) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var via *Upstream
	if r.ups.connected && (r.ups.current.Region != "" || !r.ups.current.same(r.ups.given[0])) {
		u := r.ups.current.Upstream
		via = &u
	}
	var regions []Upstream
	for _, u := range r.ups.regions {
		regions = append(regions, u.Upstream)
	}
	return via, regions
}

// setOnFailover installs the hook told about each failover; like
// setOnDial, before the SDK's first dial.
func (r *relay) setOnFailover(f func(Failover)) {
	r.mu.Lock()
	r.ups.onFailover = f
	r.mu.Unlock()
}

// apiURL is the HTTP base for the server's APIs (RoomService,
// AgentDispatch). For a LiveKit Cloud URL it is that URL: the SDK's API
// clients fail over between Cloud regions themselves, and they do it only
// for Cloud hosts. For any other server it is the relay, which passes the
// calls to the address in use, so that they follow a failover too.
func (r *relay) apiURL() string {
	if regionsURLFor(r.httpBase.String()) != "" {
		return strings.TrimSuffix(r.httpBase.String(), "/")
	}
	return "http://" + r.ln.Addr().String() + r.prefix
}
