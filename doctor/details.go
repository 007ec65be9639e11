package doctor

import (
	"time"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

// Details are the facts behind a result. Each check fills in its own
// fields; the rest stay empty. Strings that came from the network are
// sanitised and any token in them is redacted.
type Details struct {
	URL         *URLDetails      `json:"url,omitempty"`         // url: what each endpoint answered
	Token       *TokenVerdicts   `json:"token,omitempty"`       // url: the server's verdict and lkdash's
	Certificate *Certificate     `json:"certificate,omitempty"` // url (wss://) and turn (turns:)
	Signal      *SignalDetails   `json:"signal,omitempty"`      // signal
	Candidates  []room.Candidate `json:"candidates,omitempty"`  // webrtc: every candidate the server offered, once each
	Path        *PathDetails     `json:"path,omitempty"`        // webrtc, turn: the path media took
	ICEChecks   []room.PairCheck `json:"ice_checks,omitempty"`  // webrtc, turn, on failure: the checks that went unanswered
	Protocols   []ProtocolRun    `json:"protocols,omitempty"`   // protocol: UDP, then TCP
	Recommended string           `json:"recommended,omitempty"` // protocol: "udp" or "tcp"
	Reconnect   *ReconnectRun    `json:"reconnect,omitempty"`   // reconnect
	Tracks      []TrackRun       `json:"tracks,omitempty"`      // publish
}

// HTTPAnswer is what one request got back.
type HTTPAnswer struct {
	Status int    `json:"status"`          // the HTTP status; 0 when nothing answered
	Body   string `json:"body,omitempty"`  // the start of the body, sanitised, tokens redacted
	Error  string `json:"error,omitempty"` // why nothing answered
}

// URLDetails are the answers of the server URL's endpoints.
type URLDetails struct {
	ServerURL string     `json:"server_url"` // as the token source gave it, without query or credentials
	Health    HTTPAnswer `json:"health"`     // GET / (livekit-server: 200 "OK")
	Validate  HTTPAnswer `json:"validate"`   // GET /rtc/validate with the token (200 when accepted)
	Upgrade   HTTPAnswer `json:"upgrade"`    // the WebSocket upgrade of /rtc (101 when it works)
	Twirp     HTTPAnswer `json:"twirp"`      // POST /twirp/livekit.RoomService/ListRooms without credentials (401 when reachable)
}

// TokenVerdicts set the server's verdict on the token beside lkdash's own.
type TokenVerdicts struct {
	Identity  string                `json:"identity"`   // who the token is for
	Room      string                `json:"room"`       // the room it joins
	Issuer    string                `json:"issuer"`     // the API key that signed it
	ExpiresAt string                `json:"expires_at"` // RFC 3339; "" without exp
	Server    *tokens.ServerVerdict `json:"server"`     // GET /rtc/validate's answer; nil when it did not answer
	Valid     bool                  `json:"valid"`      // lkdash: the server would accept it now
	Problems  []string              `json:"problems"`   // lkdash: why not
	Signature string                `json:"signature"`  // lkdash: verified, invalid or unverified
	Agreement *tokens.Agreement     `json:"agreement"`  // the two verdicts compared; nil without the server's
}

// Certificate is what a TLS server presented and what this machine makes
// of it.
type Certificate struct {
	Address   string   `json:"address"`    // host:port dialled
	Name      string   `json:"name"`       // the name it must be valid for
	Subject   string   `json:"subject"`    // the leaf's subject
	Issuer    string   `json:"issuer"`     // the leaf's issuer
	DNSNames  []string `json:"dns_names"`  // names the leaf is valid for
	IPs       []string `json:"ips"`        // addresses the leaf is valid for
	NotBefore string   `json:"not_before"` // RFC 3339
	NotAfter  string   `json:"not_after"`  // RFC 3339
	Chain     int      `json:"chain"`      // certificates sent, leaf included
	Trusted   bool     `json:"trusted"`    // the chain verifies for Name now
	// Problem names what is wrong: unknown_authority, wrong_name,
	// expired, not_yet_valid, invalid, or handshake (no certificate at
	// all); "" when trusted.
	Problem string `json:"problem,omitempty"`
	Error   string `json:"error,omitempty"` // the verifier's words
}

// SignalDetails are what the timed join found out.
type SignalDetails struct {
	JoinMS     float64          `json:"join_ms"`     // from starting to join until media connected (or the join failed)
	SignalMS   float64          `json:"signal_ms"`   // from starting to join until the server's join response
	Room       string           `json:"room"`        // the room joined
	Identity   string           `json:"identity"`    // as whom
	Server     room.ServerInfo  `json:"server"`      // what the server says it is
	ICEServers []room.ICEServer `json:"ice_servers"` // STUN and TURN servers handed out (URLs only)
}

// PathDetails is the path media took.
type PathDetails struct {
	Summary        string       `json:"summary"`         // one line: "UDP host↔host 0.8 ms"
	PeerConnection string       `json:"peer_connection"` // subscriber or publisher
	Local          room.PathEnd `json:"local"`           // our end
	Remote         room.PathEnd `json:"remote"`          // the server's (or the TURN relay's) end
	RTTMS          float64      `json:"rtt_ms"`          // STUN round-trip time
}

func pathDetails(p room.Path) *PathDetails {
	return &PathDetails{Summary: p.String(), PeerConnection: p.PeerConnection, Local: p.Local, Remote: p.Remote, RTTMS: ms(p.RTT)}
}

// ProtocolRun is media over one protocol for the protocol check.
type ProtocolRun struct {
	Protocol    string       `json:"protocol"`        // udp or tcp
	Connected   bool         `json:"connected"`       // media connected over it
	Error       string       `json:"error,omitempty"` // why not
	Path        *PathDetails `json:"path,omitempty"`  // the path it took
	Seconds     float64      `json:"seconds"`         // how long the demo was published
	PacketsSent uint64       `json:"packets_sent"`    // RTP packets, audio and video
	BitrateKbps float64      `json:"bitrate_kbps"`    // sent, averaged over Seconds
	PacketsLost int64        `json:"packets_lost"`    // as the server's receiver reports say
	LossPercent float64      `json:"loss_percent"`    // PacketsLost of PacketsSent
	RTTMS       float64      `json:"rtt_ms"`          // from the receiver reports (RTCP)
	JitterMS    float64      `json:"jitter_ms"`       // as the server reports
	ICERTTMS    float64      `json:"ice_rtt_ms"`      // the path's STUN round-trip time
}

// ReconnectRun is the reconnect drill's outcome.
type ReconnectRun struct {
	Drill      string  `json:"drill"`               // the scenario (room.Drill)
	Outcome    string  `json:"outcome"`             // recovered, ended or no_reconnect
	RecoveryMS float64 `json:"recovery_ms"`         // from the drill to Reconnected
	Attempts   int     `json:"attempts"`            // signal dials it took
	Presented  string  `json:"presented,omitempty"` // the token the accepted reconnect presented: original, refreshed #N
	Detail     string  `json:"detail,omitempty"`    // why it did not recover
}

// TrackRun is one published demo track and what arrived of it.
type TrackRun struct {
	Name            string `json:"name"`             // the track's name
	Kind            string `json:"kind"`             // audio or video
	PacketsSent     uint64 `json:"packets_sent"`     // by us
	PacketsReceived uint64 `json:"packets_received"` // by the second participant
	Codec           string `json:"codec,omitempty"`  // as received
}

// ms is a duration in milliseconds, to a tenth.
func ms(d time.Duration) float64 {
	return float64(d.Round(100*time.Microsecond)) / float64(time.Millisecond)
}
