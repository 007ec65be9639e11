package room

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/livekit/protocol/livekit"
)

// ParticipantKind is how the server classifies a participant.
type ParticipantKind string

// Participant kinds (Participant.Kind).
const (
	KindStandard  ParticipantKind = "standard"  // a person, through a client SDK
	KindAgent     ParticipantKind = "agent"     // an Agents framework worker
	KindSIP       ParticipantKind = "sip"       // a phone call through LiveKit SIP
	KindIngress   ParticipantKind = "ingress"   // an RTMP/WHIP/URL ingress
	KindEgress    ParticipantKind = "egress"    // a recorder or streamer
	KindConnector ParticipantKind = "connector" // a connector (e.g. WhatsApp, Twilio)
	KindBridge    ParticipantKind = "bridge"    // a bridge between rooms or services
)

// Participant describes someone in the room as of the event. Values are
// never changed once emitted: a change arrives as a new value.
type Participant struct {
	Identity   string            `json:"identity"`             // unique in the room
	Name       string            `json:"name,omitempty"`       // display name
	SID        string            `json:"sid,omitempty"`        // the server's participant id, "PA_…"
	Metadata   string            `json:"metadata,omitempty"`   // free-form, often JSON
	Attributes map[string]string `json:"attributes,omitempty"` // key/value attributes
	Kind       ParticipantKind   `json:"kind,omitempty"`       // KindStandard, KindAgent, …
	JoinedAt   time.Time         `json:"joined_at,omitzero"`   // when the server admitted them
	// Permissions are what the participant may do; nil when the server did
	// not say.
	Permissions *Permissions `json:"permissions,omitempty"`
	Tracks      []Track      `json:"tracks,omitempty"` // published tracks, media and data
}

// Permissions is a participant's current permission set.
type Permissions struct {
	CanSubscribe      bool     `json:"can_subscribe"`                 // may subscribe to tracks
	CanPublish        bool     `json:"can_publish"`                   // may publish tracks
	CanPublishData    bool     `json:"can_publish_data"`              // may send data messages
	CanPublishSources []string `json:"can_publish_sources,omitempty"` // the sources they may publish; empty: any
	CanUpdateMetadata bool     `json:"can_update_metadata"`           // may change their own name, metadata, attributes
	Hidden            bool     `json:"hidden,omitempty"`              // invisible to others
	Recorder          bool     `json:"recorder,omitempty"`            // marked as a recorder
	Agent             bool     `json:"agent,omitempty"`               // joined with an agent grant
}

// Track describes a published track. Codec and layers appear once the
// server knows them, often in a later TrackUpdated.
type Track struct {
	SID       string  `json:"sid"`                 // the server's track id, "TR_…"
	Name      string  `json:"name,omitempty"`      // the name the publisher gave it
	Kind      string  `json:"kind,omitempty"`      // "audio", "video", "data"
	Source    string  `json:"source,omitempty"`    // "CAMERA", "MICROPHONE", "SCREEN_SHARE", …
	Muted     bool    `json:"muted,omitempty"`     // the publisher muted it
	MimeType  string  `json:"mime_type,omitempty"` // codec, "audio/opus", "video/VP8", …
	Simulcast bool    `json:"simulcast,omitempty"` // published in several qualities
	Layers    []Layer `json:"layers,omitempty"`    // simulcast/SVC layers, low to high
}

// Layer is one quality of a video track.
type Layer struct {
	Quality string `json:"quality"`          // "LOW", "MEDIUM", "HIGH"
	Width   int    `json:"width,omitempty"`  // pixels; 0 when unknown
	Height  int    `json:"height,omitempty"` // pixels; 0 when unknown
}

// Media names what a track carries for people: "audio", "camera",
// "screen share", "screen share audio", "data" or "video".
func (t Track) Media() string {
	switch {
	case t.Kind == "data":
		return "data"
	case t.Source == "SCREEN_SHARE_AUDIO":
		return "screen share audio"
	case t.Source == "SCREEN_SHARE":
		return "screen share"
	case t.Kind == "audio":
		return "audio"
	case t.Source == "CAMERA":
		return "camera"
	}
	return strings.ToLower(orString(t.Kind, "unknown"))
}

func orString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// kindName maps the protocol's participant kind to ours.
func kindName(k livekit.ParticipantInfo_Kind) ParticipantKind {
	return ParticipantKind(strings.ToLower(k.String()))
}

// participantFromInfo converts the server's view of a participant.
func participantFromInfo(pi *livekit.ParticipantInfo) Participant {
	p := Participant{
		Identity:   pi.GetIdentity(),
		Name:       pi.GetName(),
		SID:        pi.GetSid(),
		Metadata:   pi.GetMetadata(),
		Attributes: maps.Clone(pi.GetAttributes()),
		Kind:       kindName(pi.GetKind()),
	}
	if len(p.Attributes) == 0 {
		p.Attributes = nil
	}
	switch {
	case pi.GetJoinedAtMs() > 0:
		p.JoinedAt = time.UnixMilli(pi.GetJoinedAtMs())
	case pi.GetJoinedAt() > 0:
		p.JoinedAt = time.Unix(pi.GetJoinedAt(), 0)
	}
	if perm := pi.GetPermission(); perm != nil {
		p.Permissions = &Permissions{
			CanSubscribe: perm.GetCanSubscribe(), CanPublish: perm.GetCanPublish(),
			CanPublishData: perm.GetCanPublishData(), CanUpdateMetadata: perm.GetCanUpdateMetadata(),
			Hidden: perm.GetHidden(),
			//lint:ignore SA1019 the protocol moved these to the participant's kind, but servers still send them and tokens still grant them
			Recorder: perm.GetRecorder(), Agent: perm.GetAgent(),
		}
		for _, s := range perm.GetCanPublishSources() {
			p.Permissions.CanPublishSources = append(p.Permissions.CanPublishSources, s.String())
		}
	}
	for _, ti := range pi.GetTracks() {
		p.Tracks = append(p.Tracks, trackFromInfo(ti))
	}
	for _, dt := range pi.GetDataTracks() {
		p.Tracks = append(p.Tracks, Track{SID: dt.GetSid(), Name: dt.GetName(), Kind: "data"})
	}
	return p
}

func trackFromInfo(ti *livekit.TrackInfo) Track {
	t := Track{
		SID: ti.GetSid(), Name: ti.GetName(), Kind: strings.ToLower(ti.GetType().String()),
		Muted: ti.GetMuted(), MimeType: ti.GetMimeType(),
		//lint:ignore SA1019 servers before per-codec layers set only this; v1.13.5 still sets it
		Simulcast: ti.GetSimulcast(),
	}
	if src := ti.GetSource(); src != livekit.TrackSource_UNKNOWN {
		t.Source = src.String()
	}
	//lint:ignore SA1019 older servers list layers here only; newer ones per codec (below)
	layers := ti.GetLayers()
	if len(layers) == 0 { // newer servers keep layers per codec
		for _, c := range ti.GetCodecs() {
			if len(c.GetLayers()) > 0 {
				layers = c.GetLayers()
				if t.MimeType == "" {
					t.MimeType = c.GetMimeType()
				}
				break
			}
		}
	}
	for _, l := range layers {
		t.Layers = append(t.Layers, Layer{Quality: l.GetQuality().String(), Width: int(l.GetWidth()), Height: int(l.GetHeight())})
	}
	return t
}

// sameTrack reports whether two descriptions of one track agree on
// everything but the mute state.
func sameTrack(a, b Track) bool {
	a.Muted, b.Muted = false, false
	return a.SID == b.SID && a.Name == b.Name && a.Kind == b.Kind && a.Source == b.Source &&
		a.MimeType == b.MimeType && a.Simulcast == b.Simulcast && slices.Equal(a.Layers, b.Layers)
}

func samePermissions(a, b *Permissions) bool {
	if a == nil || b == nil {
		return a == b
	}
	return reflect.DeepEqual(*a, *b)
}
