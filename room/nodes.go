package room

import (
	"context"

	"github.com/livekit/protocol/livekit"
)

// setUpFailover gives the relay the deployment's other addresses
// (Config.FailoverURLs, the Cloud region list) and fetches the region
// list with the join token, as the SDK does before its first dial. A
// failed fetch leaves the server URL alone, as in the SDK: Connected then
// lists no region.
func (s *Session) setUpFailover(ctx context.Context) error {
	regions := s.cfg.RegionsURL
	if regions == "" {
		regions = regionsURLFor(s.resp.ServerURL)
	}
	if err := s.relay.setFailover(s.cfg.FailoverURLs, regions); err != nil {
		return err
	}
	s.relay.setOnFailover(s.onFailover)
	if regions == "" {
		return nil
	}
	_ = s.relay.fetchRegions(ctx, s.resp.ParticipantToken)
	return nil
}

// onFailover reports a failover.
func (s *Session) onFailover(f Failover) { s.emit(f) }

// onServerInfo follows the node that hosts the room, from each join and
// reconnect response; a different one than before is a NodeChanged.
func (s *Session) onServerInfo(info *livekit.ServerInfo) {
	id := info.GetNodeId()
	if id == "" {
		return
	}
	s.mu.Lock()
	prev := s.node
	s.node = id
	s.mu.Unlock()
	if prev != "" && prev != id {
		s.emit(NodeChanged{At: s.cfg.Now(), From: prev, To: id, Region: info.GetRegion()})
	}
}

// Node is the id of the server node hosting the room ("ND_…"), as the
// latest join or reconnect response named it; "" before the join.
func (s *Session) Node() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.node
}
