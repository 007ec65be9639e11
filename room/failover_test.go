package room

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/livekit/protocol/livekit"
	"google.golang.org/protobuf/encoding/protojson"
)

// killable is an echo upstream that can die the way a killed node does:
// its listener gone and every connection cut without a close frame.
type killable struct {
	*httptest.Server
	mu    sync.Mutex
	conns []*websocket.Conn
	dials int
	dead  bool
}

func newKillable(t *testing.T) *killable {
	k := &killable{}
	up := websocket.Upgrader{}
	k.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !websocket.IsWebSocketUpgrade(r) {
			_, _ = io.WriteString(w, "plain:"+r.URL.Path)
			return
		}
		// Counted before the handshake: the client may dial, close and
		// ask for the count before this handler runs past the upgrade.
		k.mu.Lock()
		k.dials++
		k.mu.Unlock()
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		k.mu.Lock()
		if k.dead {
			// Upgraded as kill ran: the client saw the handshake
			// before the node died, so it loses the connection too.
			k.mu.Unlock()
			c.NetConn().Close()
			return
		}
		k.conns = append(k.conns, c)
		k.mu.Unlock()
		for {
			mt, data, err := c.ReadMessage()
			if err != nil || c.WriteMessage(mt, data) != nil {
				c.Close()
				return
			}
		}
	}))
	t.Cleanup(k.kill)
	return k
}

// kill stops accepting and cuts every connection.
func (k *killable) kill() {
	k.Listener.Close()
	k.mu.Lock()
	k.dead = true
	for _, c := range k.conns {
		c.NetConn().Close()
	}
	k.mu.Unlock()
	k.Close()
}

func (k *killable) dialCount() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.dials
}

// deadURL is a loopback address where nothing listens.
func deadURL(t *testing.T) string {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "ws://" + addr
}

// failoverRelay is a relay to origin that fails over to more, recording
// each Failover.
func failoverRelay(t *testing.T, origin string, more []string, regions string) (*relay, func() []Failover) {
	t.Helper()
	noLeaks(t)
	r, err := newRelay(origin, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	if err := r.setFailover(append([]string{origin}, more...), regions); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []Failover
	r.setOnFailover(func(f Failover) {
		mu.Lock()
		got = append(got, f)
		mu.Unlock()
	})
	return r, func() []Failover {
		mu.Lock()
		defer mu.Unlock()
		return append([]Failover(nil), got...)
	}
}

func echo(t *testing.T, c *websocket.Conn, msg string) {
	t.Helper()
	if err := c.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	_, data, err := c.ReadMessage()
	if err != nil || string(data) != msg {
		t.Fatalf("echo: %q %v", data, err)
	}
}

// TestFailoverAtJoinSkipsDeadURL: the first URL refuses, the second takes
// the dial; that is a failover, and plain HTTP follows it.
func TestFailoverAtJoinSkipsDeadURL(t *testing.T) {
	dead := deadURL(t)
	live := newKillable(t)
	r, failovers := failoverRelay(t, dead, []string{live.URL}, "")
	c, _, err := dialRelay(t, r, "/rtc", "Bearer tok")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	echo(t, c, "hi")
	fs := failovers()
	if len(fs) != 1 || fs[0].From.URL != dead || fs[0].To.URL != live.URL || !strings.Contains(fs[0].Reason, "refused") {
		t.Fatalf("failovers = %+v", fs)
	}
	resp, err := http.Get(strings.Replace(r.URL(), "ws://", "http://", 1) + "/rtc/validate")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "plain:/rtc/validate" {
		t.Errorf("validate went to %q, not the live URL", body)
	}
	if via, _ := r.joinedVia(); via == nil || via.URL != live.URL {
		t.Errorf("joinedVia = %+v", via)
	}
}

// TestFailoverAfterLostConnection: the upstream in use dies under a live
// connection; the SDK's next dial goes to the next URL, and the failover
// says the connection was lost and how long the switch took.
func TestFailoverAfterLostConnection(t *testing.T) {
	a, b := newKillable(t), newKillable(t)
	r, failovers := failoverRelay(t, a.URL, []string{b.URL}, "")
	c, _, err := dialRelay(t, r, "/rtc", "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	echo(t, c, "one")
	if len(failovers()) != 0 {
		t.Fatalf("failover before anything failed: %+v", failovers())
	}
	a.kill()
	if _, _, err := c.ReadMessage(); err == nil {
		t.Fatal("the SDK's connection survived its upstream's death")
	}
	c2, _, err := dialRelay(t, r, "/rtc?reconnect=1", "")
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	echo(t, c2, "two")
	fs := failovers()
	if len(fs) != 1 || fs[0].From.URL != a.URL || fs[0].To.URL != b.URL {
		t.Fatalf("failovers = %+v", fs)
	}
	if !strings.Contains(fs[0].Reason, "lost") || fs[0].Took <= 0 {
		t.Errorf("failover = %+v: want the loss and a duration", fs[0])
	}
	// The next dial stays where it is.
	c3, _, err := dialRelay(t, r, "/rtc?reconnect=1", "")
	if err != nil {
		t.Fatal(err)
	}
	c3.Close()
	if len(failovers()) != 1 || b.dialCount() != 2 {
		t.Errorf("failovers %d, dials to b %d", len(failovers()), b.dialCount())
	}
}

// TestFailoverPassesRefusals: a 4xx is the server's answer, the same at
// every address; the SDK gets it and no other URL is tried.
func TestFailoverPassesRefusals(t *testing.T) {
	f := newFakeUpstream(t)
	other := newKillable(t)
	r, failovers := failoverRelay(t, f.URL, []string{other.URL}, "")
	_, resp, err := dialRelay(t, r, "/rtc", "Bearer bad")
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("err %v resp %v", err, resp)
	}
	if other.dialCount() != 0 || len(failovers()) != 0 {
		t.Errorf("a refusal was failed over: %d dials, %+v", other.dialCount(), failovers())
	}
}

// TestFailoverMovesOnFrom5xx: a 503 (a draining node, a proxy with no
// backend) moves on to the next URL.
func TestFailoverMovesOnFrom5xx(t *testing.T) {
	busy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "draining", http.StatusServiceUnavailable)
	}))
	defer busy.Close()
	live := newKillable(t)
	r, failovers := failoverRelay(t, busy.URL, []string{live.URL}, "")
	c, _, err := dialRelay(t, r, "/rtc", "")
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if fs := failovers(); len(fs) != 1 || !strings.Contains(fs[0].Reason, "503") {
		t.Fatalf("failovers = %+v", fs)
	}
}

// regionEndpoint serves a region list the way LiveKit Cloud does, noting
// the token each request presents.
func regionEndpoint(t *testing.T, regions ...*livekit.RegionInfo) (*httptest.Server, func() []string) {
	var mu sync.Mutex
	var auths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Cache-Control", "max-age=60")
		_, _ = io.WriteString(w, regionsJSON(regions...))
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), auths...)
	}
}

// TestRegionFailover: with a region list the first dial goes to the
// closest region (as the SDK's first dial does), and when it dies the
// next one takes over; events name the regions.
func TestRegionFailover(t *testing.T) {
	a, b, origin := newKillable(t), newKillable(t), newKillable(t)
	endpoint, auths := regionEndpoint(t,
		&livekit.RegionInfo{Region: "local-a", Url: a.URL, Distance: 10},
		&livekit.RegionInfo{Region: "local-b", Url: b.URL, Distance: 20})
	r, failovers := failoverRelay(t, origin.URL, nil, endpoint.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.fetchRegions(ctx, "join.token"); err != nil {
		t.Fatal(err)
	}
	if got := auths(); len(got) != 1 || got[0] != "Bearer join.token" {
		t.Errorf("the region list was asked for with %q", got)
	}
	var order []string
	for _, u := range r.plan() {
		order = append(order, u.Label())
	}
	if want := "local-a local-b " + strings.TrimPrefix(origin.URL, "http://"); strings.Join(order, " ") != want {
		t.Errorf("plan = %q, want %q", order, want)
	}
	c, _, err := dialRelay(t, r, "/rtc", "Bearer join.token")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if via, regions := r.joinedVia(); via == nil || via.Region != "local-a" || len(regions) != 2 {
		t.Fatalf("joined via %+v, regions %+v", via, regions)
	}
	a.kill()
	if _, _, err := c.ReadMessage(); err == nil {
		t.Fatal("the SDK's connection survived its upstream's death")
	}
	c2, _, err := dialRelay(t, r, "/rtc?reconnect=1", "Bearer refreshed.token")
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	echo(t, c2, "still here")
	fs := failovers()
	if len(fs) != 1 || fs[0].From.Region != "local-a" || fs[0].To.Region != "local-b" {
		t.Fatalf("failovers = %+v", fs)
	}
	if origin.dialCount() != 0 {
		t.Error("the token source's URL was dialed before the regions were exhausted")
	}
	if got := auths(); len(got) != 1 {
		t.Errorf("a list within its max-age was fetched again: %q", got)
	}
}

// TestRegionListIsBestEffort: a failing region endpoint leaves the token
// source's URL, as in the SDK.
func TestRegionListIsBestEffort(t *testing.T) {
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "no", http.StatusForbidden)
	}))
	defer broken.Close()
	live := newKillable(t)
	r, _ := failoverRelay(t, live.URL, nil, broken.URL)
	err := r.fetchRegions(context.Background(), "tok")
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("fetchRegions = %v", err)
	}
	c, _, err := dialRelay(t, r, "/rtc", "")
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

// TestLeaveRegionsComeFirst: regions a leave request names are tried
// before the one in use, as the SDK does after such a leave.
func TestLeaveRegionsComeFirst(t *testing.T) {
	a, b := newKillable(t), newKillable(t)
	r, failovers := failoverRelay(t, a.URL, nil, "")
	c, _, err := dialRelay(t, r, "/rtc", "")
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	r.leaveRegions(&livekit.RegionSettings{Regions: []*livekit.RegionInfo{{Region: "elsewhere", Url: b.URL}}})
	if p := r.plan(); len(p) != 2 || p[0].Region != "elsewhere" {
		t.Fatalf("plan = %+v", p)
	}
	c, _, err = dialRelay(t, r, "/rtc", "")
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if fs := failovers(); len(fs) != 1 || fs[0].To.Region != "elsewhere" {
		t.Errorf("failovers = %+v", fs)
	}
	if p := r.plan(); p[0].Region != "elsewhere" || len(p) != 2 {
		t.Errorf("after the move the plan is %+v", p)
	}
}

func TestRegionsURLFor(t *testing.T) {
	for in, want := range map[string]string{
		"wss://proj.livekit.cloud":      "https://proj.livekit.cloud/settings/regions",
		"https://Proj.LiveKit.Cloud/x":  "https://Proj.LiveKit.Cloud/settings/regions",
		"ws://127.0.0.1:7880":           "",
		"wss://livekit.cloud.evil.test": "",
	} {
		if got := regionsURLFor(in); got != want {
			t.Errorf("regionsURLFor(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaxAge(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"":                          regionTTL,
		"max-age=30":                30 * time.Second,
		"public, MAX-AGE=5, x":      5 * time.Second,
		"max-age=0":                 regionTTL,
		"max-age=nonsense, max-age": regionTTL,
	} {
		if got := maxAge(in); got != want {
			t.Errorf("maxAge(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestFailoverURLsOfAnotherDeployment: URLs that do not include the token
// source's URL belong to another deployment and are not dialed; a list
// that does is tried in its order after the source's URL.
func TestFailoverURLsOfAnotherDeployment(t *testing.T) {
	r, err := newRelay("ws://127.0.0.1:1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.setFailover([]string{"ws://127.0.0.1:2", "ws://127.0.0.1:3"}, ""); err != nil {
		t.Fatal(err)
	}
	if p := r.plan(); len(p) != 1 {
		t.Errorf("plan = %+v, want the source's URL alone", p)
	}
	if err := r.setFailover([]string{"ws://127.0.0.1:3", "http://127.0.0.1:1", "ws://127.0.0.1:2"}, ""); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range r.plan() {
		got = append(got, u.Label())
	}
	if strings.Join(got, " ") != "127.0.0.1:1 127.0.0.1:3 127.0.0.1:2" {
		t.Errorf("plan = %q", got)
	}
}

func TestBadFailoverURL(t *testing.T) {
	r, err := newRelay("ws://127.0.0.1:1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.setFailover([]string{"ftp://x"}, ""); err == nil || !strings.Contains(err.Error(), "failover URL") {
		t.Errorf("err = %v", err)
	}
}

// regionsJSON is a region list in LiveKit Cloud's wire form.
func regionsJSON(regions ...*livekit.RegionInfo) string {
	b, err := protojson.Marshal(&livekit.RegionSettings{Regions: regions})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestAPIURL: server API calls go through the relay, so that they follow
// a failover, except for LiveKit Cloud, whose URL goes to the SDK's API
// clients, which fail over between regions themselves.
func TestAPIURL(t *testing.T) {
	for in, relayed := range map[string]bool{"ws://127.0.0.1:7880": true, "wss://proj.livekit.cloud": false} {
		r, err := newRelay(in, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := r.apiURL()
		r.Close()
		if relayed != strings.HasPrefix(got, strings.Replace(r.URL(), "ws://", "http://", 1)) {
			t.Errorf("%s: API base %q", in, got)
		}
		if !relayed && got != "https://proj.livekit.cloud" {
			t.Errorf("%s: API base %q", in, got)
		}
	}
}
