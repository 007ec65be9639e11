package room

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/internal/lktest"
	"github.com/lkdash/lkdash/tokens"
)

// placeRoom creates a room on one node of the cluster, so a test knows
// which node it kills.
func placeRoom(t *testing.T, c *devserver.Cluster, on *devserver.Server) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name := roomName(t)
	rs := lksdk.NewRoomServiceClient(on.HTTPURL, on.APIKey, on.APISecret)
	if _, err := rs.CreateRoom(ctx, &livekit.CreateRoomRequest{Name: name, NodeId: on.NodeID}); err != nil {
		t.Fatal(err)
	}
	return name
}

// joinVia joins room through the node at url with a token of ttl (0 = an
// hour).
func joinVia(t *testing.T, url, room, identity string, ttl time.Duration, cfg Config) *Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	src := &tokens.Mint{ServerURL: url, APIKey: devserver.DevKey, APISecret: devserver.DevSecret, TTL: ttl}
	s, err := Join(ctx, src, tokens.Options{RoomName: room, ParticipantIdentity: identity}, cfg)
	if err != nil {
		t.Fatalf("Join through %s: %v", url, err)
	}
	t.Cleanup(s.Leave)
	return s
}

// killNode is the kill-node drill's action on a local cluster.
func killNode(t *testing.T, c *devserver.Cluster) func(string) error {
	return func(node string) error {
		n, srv, ok := c.Node(node)
		if !ok {
			return fmt.Errorf("node %s is not in the cluster", node)
		}
		t.Logf("killing node %d (%s)", n, node)
		return srv.Kill()
	}
}

// TestNodeDeathPastOriginalExpiry: ann joins through node 1, which hosts
// the room, with a 40 s token; bob joins through node 2. Once ann's
// original token is past exp and the leeway, node 1 is killed. The relay
// fails over to node 2, ann's session rejoins there presenting the token
// the server refreshed, the room is recreated on node 2, and bob (whose
// signal went through node 2) comes back into it. It waits about 2 min.
func TestNodeDeathPastOriginalExpiry(t *testing.T) {
	t.Parallel()
	c := lktest.Cluster(t, 2)
	n1, n2 := c.Nodes[0], c.Nodes[1]
	room := placeRoom(t, c, n1)
	ann := joinVia(t, n1.URL, room, "ann", 40*time.Second, Config{FailoverURLs: c.URLs()})
	bob := joinVia(t, n2.URL, room, "bob", 0, Config{})
	if ann.Node() != n1.NodeID || bob.Node() != n1.NodeID {
		t.Fatalf("served by %s and %s, want node 1 %s for both", ann.Node(), bob.Node(), n1.NodeID)
	}
	waitFor(t, ann, func(p ParticipantJoined) bool { return p.Participant.Identity == "bob" })

	orig, err := tokens.Decode(ann.Response().ParticipantToken)
	if err != nil {
		t.Fatal(err)
	}
	pastLeeway := orig.ExpiresAt.Add(tokens.ServerLeeway + 5*time.Second)
	t.Logf("waiting %s until ann's original token is past exp and the leeway", time.Until(pastLeeway).Round(time.Second))
	time.Sleep(time.Until(pastLeeway))
	if status, body := validate(t, n2.HTTPURL, ann.Response().ParticipantToken); status != http.StatusUnauthorized || !strings.Contains(body, "expired") {
		t.Fatalf("the server should refuse the original token now: %d %q", status, body)
	}

	killed := time.Now()
	if err := ann.DrillNode(DrillKillNode, killNode(t, c)); err != nil {
		t.Fatal(err)
	}
	res, seen := waitWithin[DrillResult](t, ann, 90*time.Second, nil)
	t.Logf("kill-node: %s after %s, %s on %s via %+v, presenting %+v; events %s",
		res.Outcome, res.Recovery, res.Mode, res.Node, res.Upstream, res.Presented, types(seen))
	if res.Outcome != DrillRecovered || res.Presented == nil || res.Presented.Refresh < 1 {
		t.Fatalf("result %+v: want recovered presenting a refreshed token", res)
	}
	if res.FromNode != n1.NodeID || res.Node != n2.NodeID || res.Mode != "rejoin" || res.Upstream == nil || res.Upstream.URL != n2.URL {
		t.Errorf("result %+v: want a rejoin on node 2 through its URL", res)
	}
	var failovers, moves int
	for _, ev := range seen {
		switch e := ev.(type) {
		case ReconnectAttempt:
			t.Logf("  attempt %d %s presented %s to %s: %d %s", e.Attempt, e.Mode, e.Presented.Label(), e.Upstream.URL, e.Status, e.Error)
			if e.Presented.Refresh == 0 {
				t.Errorf("attempt %d presented the expired original", e.Attempt)
			}
		case Failover:
			failovers++
			t.Logf("  failover %s → %s after %s: %s", e.From.URL, e.To.URL, e.Took, e.Reason)
			if e.From.URL != n1.URL || e.To.URL != n2.URL || !strings.Contains(e.Reason, "lost") {
				t.Errorf("failover %+v", e)
			}
		case NodeChanged:
			moves++
			if e.From != n1.NodeID || e.To != n2.NodeID {
				t.Errorf("node changed %+v", e)
			}
		}
	}
	if failovers != 1 || moves != 1 {
		t.Errorf("%d failovers, %d node changes; want one of each", failovers, moves)
	}

	back, _ := waitWithin(t, ann, 90*time.Second, func(p ParticipantJoined) bool { return p.Participant.Identity == "bob" })
	b, _ := waitWithin[Reconnected](t, bob, 30*time.Second, nil)
	t.Logf("bob (signal through node 2) recovered %s after the kill; ann saw him back after %s",
		b.At.Sub(killed).Round(time.Millisecond), back.At.Sub(killed).Round(time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if placed, err := c.RoomNodes(ctx); err != nil || placed[room] != n2.NodeID {
		t.Errorf("room placed on %q (err %v), want node 2", placed[room], err)
	}
}

// TestRegionListFailover: a fake region endpoint lists the cluster's two
// nodes as regions. The session joins through the first region, as the
// SDK would; when that node dies, it continues on the second, and the
// events name both regions.
func TestRegionListFailover(t *testing.T) {
	t.Parallel()
	c := lktest.Cluster(t, 2)
	n1, n2 := c.Nodes[0], c.Nodes[1]
	regions := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ey") {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		_, _ = fmt.Fprint(w, regionsJSON(
			&livekit.RegionInfo{Region: "local-a", Url: n1.HTTPURL, Distance: 1},
			&livekit.RegionInfo{Region: "local-b", Url: n2.HTTPURL, Distance: 2}))
	}))
	defer regions.Close()
	room := placeRoom(t, c, n1)
	s := joinVia(t, n2.URL, room, "cloudy", 0, Config{RegionsURL: regions.URL})
	conn, _ := waitFor[Connected](t, s, nil)
	if conn.Upstream == nil || conn.Upstream.Region != "local-a" || len(conn.Regions) != 2 {
		t.Fatalf("connected via %+v with regions %+v: want the closest region, local-a", conn.Upstream, conn.Regions)
	}
	if err := s.DrillNode(DrillKillNode, killNode(t, c)); err != nil {
		t.Fatal(err)
	}
	res, seen := waitWithin[DrillResult](t, s, 90*time.Second, nil)
	t.Logf("region outage: %s after %s via %+v; events %s", res.Outcome, res.Recovery, res.Upstream, types(seen))
	if res.Outcome != DrillRecovered || res.Upstream == nil || res.Upstream.Region != "local-b" || res.Node != n2.NodeID {
		t.Fatalf("result %+v: want recovered through local-b on node 2", res)
	}
	for _, ev := range seen {
		if f, ok := ev.(Failover); ok {
			t.Logf("failover %s → %s after %s: %s", f.From.Label(), f.To.Label(), f.Took, f.Reason)
			if f.From.Region != "local-a" || f.To.Region != "local-b" {
				t.Errorf("failover %+v", f)
			}
			return
		}
	}
	t.Errorf("no failover event among %s", types(seen))
}

// TestStopNodeDrill: a graceful stop (SIGTERM, then the second SIGTERM
// that forces it a second later) does not send the participant to the
// other node on v1.13.5: the draining node takes no new rooms but keeps
// its participants, and the forced stop closes the room with a
// DISCONNECT leave, which ends the session.
func TestStopNodeDrill(t *testing.T) {
	t.Parallel()
	c := lktest.Cluster(t, 2)
	n1 := c.Nodes[0]
	room := placeRoom(t, c, n1)
	s := joinVia(t, n1.URL, room, "stoic", 0, Config{FailoverURLs: c.URLs()})
	waitFor[TokenRefreshed](t, s, nil)
	err := s.DrillNode(DrillStopNode, func(node string) error {
		_, srv, ok := c.Node(node)
		if !ok {
			return fmt.Errorf("node %s is not in the cluster", node)
		}
		go srv.Stop()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	res, seen := waitWithin[DrillResult](t, s, 60*time.Second, nil)
	t.Logf("stop-node: %s after %s: %q; events %s", res.Outcome, res.At.Sub(seen[0].Time()), res.Detail, types(seen))
	d, _ := waitFor[Disconnected](t, s, nil)
	if res.Outcome != DrillEnded || d.Code != "SERVER_SHUTDOWN" {
		t.Fatalf("result %+v, disconnected %+v: want the session ended by the server's shutdown", res, d)
	}
}

// TestDrillNodeRefusals: a node drill needs an action; an SDK drill is
// not one, and a failing action ends the drill as not run.
func TestDrillNodeRefusals(t *testing.T) {
	t.Parallel()
	s := join(t, shared.Server(t), "nodeless", Config{})
	if err := s.Drill(DrillKillNode); err == nil || !strings.Contains(err.Error(), "DrillNode") {
		t.Errorf("Drill(kill-node) = %v", err)
	}
	if err := s.DrillNode(DrillSignalReconnect, func(string) error { return nil }); err == nil {
		t.Error("DrillNode took an SDK drill")
	}
	if err := s.DrillNode(DrillKillNode, nil); err == nil {
		t.Error("DrillNode took no action")
	}
	node := s.Node()
	if node == "" {
		t.Fatal("the session does not know its node")
	}
	var got string
	err := s.DrillNode(DrillKillNode, func(n string) error { got = n; return fmt.Errorf("not a managed cluster") })
	if err == nil || got != node {
		t.Fatalf("DrillNode = %v, action saw node %q (want %q)", err, got, node)
	}
	res, _ := waitFor[DrillResult](t, s, nil)
	if res.Outcome != DrillNotRun || res.Detail != "not a managed cluster" {
		t.Errorf("result %+v", res)
	}
}
