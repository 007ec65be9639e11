package devserver

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// MaxNodes bounds a local cluster: each node is a whole livekit-server.
const MaxNodes = 8

// Cluster is a local LiveKit deployment: several livekit-server nodes
// sharing one redis-server, each on its own loopback ports, all with the
// dev key pair and advertising 127.0.0.1 only. A room lives on one node; a
// client may connect to any node and is routed to the room's. A cluster of
// one node is a single server without Redis, so callers can treat the
// managed server and a managed cluster alike.
type Cluster struct {
	Redis *Redis // nil for a single node
	// Nodes are in start order; messages call Nodes[i] "node i+1".
	Nodes []*Server

	done     chan struct{} // closed once every node has exited
	stopOnce sync.Once
	stopErr  error
}

// StartCluster starts Redis, then n nodes (1 ≤ n ≤ MaxNodes) in parallel,
// each with cfg (its Overlay merged into every node's config, with the
// Redis address added). One node is Start's single server, without Redis.
// If anything fails, whatever started is stopped.
func StartCluster(ctx context.Context, cfg Config, n int) (*Cluster, error) {
	if n < 1 || n > MaxNodes {
		return nil, fmt.Errorf("a cluster has 1 to %d nodes, not %d", MaxNodes, n)
	}
	if n == 1 {
		s, err := Start(ctx, cfg)
		if err != nil {
			return nil, err
		}
		c := &Cluster{Nodes: []*Server{s}, done: make(chan struct{})}
		go c.watch()
		return c, nil
	}
	progress := cfg.Progress
	if progress == nil {
		progress = func(string) {}
	}
	if cfg.Overlay != "" {
		if _, err := ParseOverlay(cfg.Overlay); err != nil {
			return nil, err // before starting anything
		}
	}
	if cfg.Binary == "" { // locate (or build) once, not once per node
		bin, err := Locate(ctx, progress, cfg.Build)
		if err != nil {
			return nil, err
		}
		cfg.Binary = bin
	}
	logDir := cfg.LogDir
	if logDir == "" {
		logDir = defaultLogDir()
		cfg.LogDir = logDir
	}
	r, err := startRedis(ctx, logDir, progress)
	if err != nil {
		return nil, err
	}
	c := &Cluster{Redis: r, Nodes: make([]*Server, n), done: make(chan struct{})}
	own := map[string]any{"redis": map[string]any{"address": r.Addr}}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ncfg := cfg
			ncfg.Progress = func(line string) { progress(fmt.Sprintf("node %d: %s", i+1, line)) }
			c.Nodes[i], errs[i] = start(ctx, ncfg, own)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		c.stopStarted()
		return nil, fmt.Errorf("starting the cluster: %w", err)
	}
	go c.watch()
	return c, nil
}

// watch closes done once every node has exited.
func (c *Cluster) watch() {
	for _, s := range c.Nodes {
		<-s.Done()
	}
	close(c.done)
}

// stopStarted stops the nodes that did start, then Redis, after a failed
// start.
func (c *Cluster) stopStarted() {
	for _, s := range c.Nodes {
		if s != nil {
			_ = s.Kill()
		}
	}
	if c.Redis != nil {
		_ = c.Redis.Stop()
	}
}

// URLs are the nodes' ws:// URLs in node order.
func (c *Cluster) URLs() []string {
	out := make([]string, len(c.Nodes))
	for i, s := range c.Nodes {
		out[i] = s.URL
	}
	return out
}

// Node finds a node by the id it gave itself ("ND_…"): its number (from
// 1) and the server.
func (c *Cluster) Node(id string) (int, *Server, bool) {
	for i, s := range c.Nodes {
		if id != "" && s.NodeID == id {
			return i + 1, s, true
		}
	}
	return 0, nil, false
}

// Done is closed once every node has exited, for whatever reason.
func (c *Cluster) Done() <-chan struct{} { return c.done }

// Stop stops every node (as Server.Stop does, in parallel), then Redis.
// Safe to call twice.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() {
		errs := make([]error, len(c.Nodes)+1)
		var wg sync.WaitGroup
		for i, s := range c.Nodes {
			wg.Go(func() { errs[i] = s.Stop() })
		}
		wg.Wait()
		if c.Redis != nil {
			errs[len(c.Nodes)] = c.Redis.Stop()
		}
		c.stopErr = errors.Join(errs...)
	})
	return c.stopErr
}

// Exit describes how the nodes ended once all have: each node's status
// ("node 1 signal: killed, node 2 exited"), the last node's log.
func (c *Cluster) Exit() (Exit, bool) {
	if len(c.Nodes) == 1 {
		return c.Nodes[0].Exit()
	}
	var statuses []string
	var last Exit
	for i, s := range c.Nodes {
		e, ok := s.Exit()
		if !ok {
			return Exit{}, false
		}
		statuses = append(statuses, fmt.Sprintf("node %d %s", i+1, e.Status))
		last = e
	}
	last.Status = strings.Join(statuses, ", ")
	return last, true
}

// roomNodeKey is livekit-server's Redis hash of room name → node id
// (pkg/routing/redisrouter.go, NodeRoomKey).
const roomNodeKey = "room_node_map"

// RoomNodes maps each room the cluster knows to the id of the node that
// hosts it, as the nodes record it in Redis. A room whose node died keeps
// that node until someone joins it again and another node takes it. A
// single node keeps no such record: it hosts every room, and the map is
// empty.
func (c *Cluster) RoomNodes(ctx context.Context) (map[string]string, error) {
	if c.Redis == nil {
		return nil, nil
	}
	reply, err := respCall(ctx, c.Redis.Addr, "HGETALL", roomNodeKey)
	if err == nil {
		var m map[string]string
		if m, err = respHash(reply); err == nil {
			return m, nil
		}
	}
	return nil, fmt.Errorf("reading room placement from Redis: %w", err)
}
