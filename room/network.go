package room

import (
	"slices"
	"strings"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
)

// ServerInfo is what the server says about itself in its join response.
type ServerInfo struct {
	Version  string `json:"version"`          // livekit-server's version
	Protocol int32  `json:"protocol"`         // the signal protocol version it speaks
	Edition  string `json:"edition"`          // "Standard", or "Cloud" for LiveKit Cloud
	Region   string `json:"region,omitempty"` // set by LiveKit Cloud
	NodeID   string `json:"node_id"`          // the node that holds the session
}

// ICEServer is one STUN or TURN server the join response hands out. The
// username and credential are never kept: a TURN credential is a secret.
type ICEServer struct {
	URLs          []string `json:"urls"`           // stun:, turn: and turns: URLs
	HasCredential bool     `json:"has_credential"` // the server sent a username and credential with them
}

// TURN reports whether any URL is a turn: or turns: one.
func (s ICEServer) TURN() bool {
	for _, u := range s.URLs {
		if l := strings.ToLower(u); strings.HasPrefix(l, "turn:") || strings.HasPrefix(l, "turns:") {
			return true
		}
	}
	return false
}

// Network is what the signal connection carried about the media path: who
// the server is, the ICE servers it hands out, and every candidate either
// side offered. Session.Network returns it; a JoinError carries it too,
// which is what explains a join whose signal worked and media did not.
type Network struct {
	// Joined is true once the server's join response arrived.
	Joined bool
	// SignalTime is from the SDK starting to connect to the join response.
	SignalTime time.Duration
	// Server is the join response's server info.
	Server ServerInfo
	// ICEServers are the join response's STUN and TURN servers.
	ICEServers []ICEServer
	// ForceRelay is true when the server tells clients to use TURN only.
	ForceRelay bool
	// Candidates are every ICE candidate the signal connection carried, in
	// order, each with what the relay did with it (Config.Block).
	Candidates []Candidate
	// Checks are the ICE connectivity checks of the subscriber peer
	// connection (the one a join waits for), per candidate pair, as last
	// seen while joining: a failed join's evidence of what never answered.
	Checks []PairCheck
}

// maxCandidates bounds Network.Candidates: each reconnect trickles a new set.
const maxCandidates = 256

// netState is the session's Network under construction; guarded by
// Session.mu.
type netState struct {
	connectAt time.Time
	n         Network
}

// Network returns what the signal connection has carried so far.
func (s *Session) Network() Network {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.net.snapshot()
}

func (ns *netState) snapshot() Network {
	n := ns.n
	n.ICEServers = slices.Clone(n.ICEServers)
	n.Candidates = slices.Clone(n.Candidates)
	n.Checks = slices.Clone(n.Checks)
	return n
}

// noteJoinResponse records the server, its ICE servers and the signal time;
// s.mu must be held.
func (s *Session) noteJoinResponse(j *livekit.JoinResponse) {
	n := &s.net.n
	if !n.Joined && !s.net.connectAt.IsZero() {
		n.SignalTime = time.Since(s.net.connectAt)
	}
	n.Joined = true
	if si := j.GetServerInfo(); si != nil {
		n.Server = ServerInfo{
			Version: si.GetVersion(), Protocol: si.GetProtocol(), Edition: si.GetEdition().String(),
			Region: si.GetRegion(), NodeID: si.GetNodeId(),
		}
	}
	n.ICEServers = n.ICEServers[:0]
	for _, is := range j.GetIceServers() {
		n.ICEServers = append(n.ICEServers, ICEServer{
			URLs:          slices.Clone(is.GetUrls()),
			HasCredential: is.GetUsername() != "" || is.GetCredential() != "",
		})
	}
	n.ForceRelay = j.GetClientConfiguration().GetForceRelay() == livekit.ClientConfigSetting_ENABLED
}

// withNetwork attaches what the signal connection carried to a failed
// join's error, when it carried anything.
func (s *Session) withNetwork(je *JoinError) *JoinError {
	if n := s.Network(); je != nil && (n.Joined || len(n.Candidates) > 0) {
		je.Network = &n
	}
	return je
}

// noteCandidate records one candidate the relay saw.
func (s *Session) noteCandidate(c Candidate) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.net.n.Candidates) < maxCandidates {
		s.net.n.Candidates = append(s.net.n.Candidates, c)
	}
}

// connectOptions are the SDK options for the session's Config.
func (s *Session) connectOptions(stats interceptor.Factory) []lksdk.ConnectOption {
	cfg := s.cfg
	opts := []lksdk.ConnectOption{
		lksdk.WithAutoSubscribe(cfg.AutoSubscribe), lksdk.WithLogger(watchLog{Logger: sdkLogger(cfg.Log), unhandled: s.onUnhandled}),
		lksdk.WithInterceptors([]interceptor.Factory{stats}), lksdk.WithIncludeDefaultInterceptors(true),
	}
	if cfg.RelayOnly {
		opts = append(opts, lksdk.WithICETransportPolicy(webrtc.ICETransportPolicyRelay))
	}
	if cfg.NoTURN {
		opts = append(opts, lksdk.WithDisableTURN())
	}
	if cfg.ConnectTimeout > 0 {
		opts = append(opts, lksdk.WithConnectTimeout(cfg.ConnectTimeout))
	}
	return opts
}
