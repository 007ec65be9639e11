package room

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// LinkName names one link of a track's chain: what must hold, in order, for
// media to go from a publisher to us (or from us to the room).
type LinkName string

// The links of a remote track's chain, in order, then those of our own.
const (
	// LinkPublished: the track is published and not muted (remote), or the
	// server accepted our publication (local).
	LinkPublished LinkName = "published"
	// LinkMaySubscribe: our permissions let us subscribe (canSubscribe).
	LinkMaySubscribe LinkName = "may_subscribe"
	// LinkAllowed: the publisher's track subscription permissions include
	// us (the server's SubscriptionPermissionUpdate).
	LinkAllowed LinkName = "allowed_by_publisher"
	// LinkSubscribed: we asked to subscribe and the track reached us, or
	// the server refused (SubscriptionResponse).
	LinkSubscribed LinkName = "subscribed"
	// LinkStreamActive: the server forwards the stream (StreamStateUpdate);
	// it pauses video when the bandwidth to us runs short.
	LinkStreamActive LinkName = "stream_active"
	// LinkMediaArriving: RTP packets keep arriving (receive statistics).
	LinkMediaArriving LinkName = "media_arriving"
	// LinkMayPublish: our permissions let us publish this source
	// (canPublish, canPublishSources).
	LinkMayPublish LinkName = "may_publish"
)

// LinkState says how one link stands.
type LinkState string

// Link states. Only ok links let media through; unknown links are not
// blamed (the server tells some facts only along the way).
const (
	LinkOK      LinkState = "ok"      // holds
	LinkBroken  LinkState = "broken"  // fails; Detail says why
	LinkWaiting LinkState = "waiting" // not yet: the server has not answered, or media has not started
	LinkOff     LinkState = "off"     // not done, by our own choice (not subscribing)
	LinkUnknown LinkState = "unknown" // the server has not said
)

// Link is one link of a chain.
type Link struct {
	Name   LinkName  `json:"link"`   // which link
	State  LinkState `json:"state"`  // how it stands
	Detail string    `json:"detail"` // what holds, or why not, in words
}

// TrackChain is every link between a track and the media: for a remote
// track, published → may subscribe → allowed by the publisher → subscribed
// → stream active → media arriving; for one of ours, may publish →
// published. It is emitted when a track appears and whenever a link changes
// state (and, except for media_arriving, whenever its detail changes).
type TrackChain struct {
	At       time.Time `json:"-"`        // when the session saw it
	Identity string    `json:"identity"` // the publisher
	Local    bool      `json:"local"`    // true for our own tracks
	// Track is the track; a publication the server refused has no SID.
	Track Track  `json:"track"`
	Links []Link `json:"links"` // in chain order
	// FirstBroken is the first link that is broken, waiting or off (an
	// unknown link is skipped unless nothing else is wrong); "" when every
	// link is ok.
	FirstBroken LinkName `json:"first_broken,omitempty"`
	// State is FirstBroken's state, or ok.
	State LinkState `json:"state"`
	// Cause is FirstBroken's detail: why the media does not flow.
	Cause string `json:"cause,omitempty"`
}

// Time returns At.
func (e TrackChain) Time() time.Time { return e.At }

// Type returns "track_chain".
func (TrackChain) Type() string { return "track_chain" }

// Link returns the named link and whether the chain has it.
func (e TrackChain) Link(name LinkName) (Link, bool) {
	i := slices.IndexFunc(e.Links, func(l Link) bool { return l.Name == name })
	if i < 0 {
		return Link{}, false
	}
	return e.Links[i], true
}

// newChain fills in the verdict of a chain from its links.
func newChain(at time.Time, identity string, local bool, tr Track, links []Link) TrackChain {
	c := TrackChain{At: at, Identity: identity, Local: local, Track: tr, Links: links, State: LinkOK}
	first := slices.IndexFunc(links, func(l Link) bool { return l.State != LinkOK && l.State != LinkUnknown })
	if first < 0 {
		first = slices.IndexFunc(links, func(l Link) bool { return l.State == LinkUnknown })
	}
	if first >= 0 {
		c.FirstBroken, c.State, c.Cause = links[first].Name, links[first].State, links[first].Detail
	}
	return c
}

// sameChain reports whether b says nothing new after a: the same links in
// the same states and, but for media_arriving (whose numbers move all the
// time), the same details.
func sameChain(a, b TrackChain) bool {
	if a.Track.SID != b.Track.SID || !sameTrack(a.Track, b.Track) || a.Track.Muted != b.Track.Muted || len(a.Links) != len(b.Links) {
		return false
	}
	for i, l := range a.Links {
		m := b.Links[i]
		if l.Name != m.Name || l.State != m.State || (l.Detail != m.Detail && l.Name != LinkMediaArriving) {
			return false
		}
	}
	return true
}

// remoteLinks is what one remote track's chain depends on, as the session
// knows it.
type remoteLinks struct {
	publisher    Participant
	track        Track
	canSubscribe *bool  // ours, as the server has it; nil when unknown
	allowed      *bool  // the publisher allows us; nil until the server says
	subscribing  bool   // we ask to subscribe (auto-subscribe on)
	subscribed   bool   // the track reached us
	subErr       string // the server's SubscriptionResponse error, if any
	stream       string // "ACTIVE", "PAUSED", or "" until the server says
	media        mediaSample
}

// mediaSample is what the receive statistics say about one subscribed track.
type mediaSample struct {
	packets    uint64
	bitrate    float64       // bits per second over the last review
	sinceSub   time.Duration // since it was subscribed
	sinceFresh time.Duration // since a packet last arrived (or since subscribing)
}

// mediaQuiet is how long a subscribed track may go without packets before
// media_arriving is broken: the demo sends every 20 ms, a muted or stalled
// publisher sends nothing.
const mediaQuiet = 3 * time.Second

func (in remoteLinks) links() []Link {
	return []Link{in.published(), in.maySubscribe(), in.allowedLink(), in.subscribedLink(), in.streamLink(), in.mediaLink()}
}

func (in remoteLinks) published() Link {
	l := Link{Name: LinkPublished, State: LinkOK}
	who := in.publisher.Identity
	if in.publisher.Name != "" && in.publisher.Name != who {
		who += " (" + in.publisher.Name + ")"
	}
	codec := in.track.MimeType
	if codec == "" {
		codec = "codec not known yet"
	}
	l.Detail = fmt.Sprintf("by %s · %s · %s", who, in.track.Media(), codec)
	if in.track.Muted {
		l.State = LinkBroken
		l.Detail = fmt.Sprintf("%s muted their %s (the publisher sends nothing until they unmute)", who, in.track.Media())
	}
	return l
}

func (in remoteLinks) maySubscribe() Link {
	l := Link{Name: LinkMaySubscribe}
	switch {
	case in.canSubscribe == nil:
		l.State, l.Detail = LinkUnknown, "the server has not said what you may do"
	case *in.canSubscribe:
		l.State, l.Detail = LinkOK, "your token may subscribe (canSubscribe)"
	default:
		l.State, l.Detail = LinkBroken, "your token may not subscribe (canSubscribe is false): the server subscribes you to nothing"
	}
	return l
}

func (in remoteLinks) allowedLink() Link {
	l := Link{Name: LinkAllowed}
	who := in.publisher.Identity
	switch {
	case in.allowed == nil:
		l.State, l.Detail = LinkUnknown, "the server tells only when you try to subscribe"
	case *in.allowed:
		l.State, l.Detail = LinkOK, who+"'s track permissions include you"
	default:
		l.State = LinkBroken
		l.Detail = who + "'s track permissions leave you out (SubscriptionPermission): only the publisher can let you in"
	}
	return l
}

func (in remoteLinks) subscribedLink() Link {
	l := Link{Name: LinkSubscribed}
	switch {
	case in.subErr != "":
		l.State, l.Detail = LinkBroken, "the server could not subscribe you: "+describeSubscriptionError(in.subErr)
	case in.subscribed:
		l.State, l.Detail = LinkOK, "the track reaches you"
	case in.canSubscribe != nil && !*in.canSubscribe:
		// Asking is no use: the server refuses every subscription.
		l.State, l.Detail = LinkBroken, "never: the server subscribes a token without canSubscribe to nothing"
	case !in.subscribing:
		l.State, l.Detail = LinkOff, "you do not subscribe (auto-subscribe is off)"
	default:
		l.State, l.Detail = LinkWaiting, "subscribing: the track has not reached you yet"
	}
	return l
}

func (in remoteLinks) streamLink() Link {
	l := Link{Name: LinkStreamActive}
	switch {
	case !in.subscribed:
		l.State, l.Detail = LinkUnknown, "not subscribed"
	case in.track.Kind == "audio":
		l.State, l.Detail = LinkOK, "audio: the server pauses only video streams"
	case in.stream == "ACTIVE":
		l.State, l.Detail = LinkOK, "the server forwards the stream"
	case in.stream == "PAUSED":
		l.State = LinkBroken
		l.Detail = "paused by the server: not enough bandwidth to you for even the lowest layer (it resumes when bandwidth returns)"
	default:
		l.State, l.Detail = LinkWaiting, "the server has not said whether it forwards the stream"
	}
	return l
}

func (in remoteLinks) mediaLink() Link {
	l := Link{Name: LinkMediaArriving}
	m := in.media
	switch {
	case !in.subscribed:
		l.State, l.Detail = LinkUnknown, "not subscribed"
	case m.packets == 0 && m.sinceSub < mediaQuiet:
		l.State, l.Detail = LinkWaiting, "no packets yet"
	case m.packets == 0:
		l.State, l.Detail = LinkBroken, fmt.Sprintf("no packets in %s since subscribing", roundSecond(m.sinceSub))
	case m.sinceFresh >= mediaQuiet:
		l.State, l.Detail = LinkBroken, fmt.Sprintf("no packets for %s (%d before that)", roundSecond(m.sinceFresh), m.packets)
	default:
		l.State, l.Detail = LinkOK, fmt.Sprintf("%d packet%s, %.0f kbit/s", m.packets, map[bool]string{true: "", false: "s"}[m.packets == 1], m.bitrate/1000)
	}
	return l
}

func roundSecond(d time.Duration) time.Duration { return d.Round(time.Second) }

// describeSubscriptionError turns the protocol's SubscriptionError into words.
func describeSubscriptionError(code string) string {
	switch code {
	case "SE_CODEC_UNSUPPORTED":
		return "the track's codec is not one you can receive (SE_CODEC_UNSUPPORTED)"
	case "SE_TRACK_NOTFOUND":
		return "the track was not found, gone before you could subscribe (SE_TRACK_NOTFOUND)"
	}
	return "an error the server did not name (" + code + ")"
}

// localLinks is what one of our own tracks' chain depends on.
type localLinks struct {
	track   Track
	perms   *Permissions // ours, as the server has them; nil when unknown
	refusal string       // the server's refusal, "" when it accepted the track
}

func (in localLinks) links() []Link {
	may := Link{Name: LinkMayPublish}
	if in.perms == nil {
		may.State, may.Detail = LinkUnknown, "the server has not said what you may do"
	} else if why := publishDenial(*in.perms, in.track.Source); why != "" {
		may.State, may.Detail = LinkBroken, why
	} else {
		may.State, may.Detail = LinkOK, "your token may publish "+sourceWord(in.track.Source)
	}
	pub := Link{Name: LinkPublished, State: LinkOK, Detail: "the server accepted it as " + in.track.SID}
	if in.refusal != "" {
		pub.State, pub.Detail = LinkBroken, "the server refused it: "+in.refusal
	}
	return []Link{may, pub}
}

// publishDenial says why perms do not let us publish source (a protocol
// TrackSource name), or "" when they do.
func publishDenial(perms Permissions, source string) string {
	if !perms.CanPublish {
		return "your token may not publish (canPublish is false)"
	}
	if len(perms.CanPublishSources) == 0 || slices.Contains(perms.CanPublishSources, source) {
		return ""
	}
	words := make([]string, len(perms.CanPublishSources))
	for i, s := range perms.CanPublishSources {
		words[i] = sourceWord(s)
	}
	return fmt.Sprintf("your token may publish only %s (canPublishSources); the %s is not among them",
		strings.Join(words, ", "), strings.ReplaceAll(sourceWord(source), "_", " "))
}

// sourceWord is a TrackSource as the token spells it: "camera",
// "microphone", "screen_share", "screen_share_audio".
func sourceWord(source string) string {
	if source == "" {
		return "unknown source"
	}
	return strings.ToLower(source)
}
