package room

import (
	"maps"
	"slices"
	"time"

	"github.com/livekit/protocol/livekit"
)

// chainBook keeps what the server said, track by track, about the links
// the participant tracker does not hold, and the last chain emitted for
// each track. Session holds its lock around every use.
type chainBook struct {
	allowed map[string]bool        // track SID → the publisher allows us
	subErr  map[string]string      // track SID → the server's SubscriptionResponse error
	stream  map[string]string      // track SID → "ACTIVE" or "PAUSED"
	media   map[string]*mediaWatch // track SID → packets seen while subscribed
	refused []refusedTrack         // our publications the server refused
	last    map[string]TrackChain  // chain key → last emitted
}

// mediaWatch follows one subscribed track's packet counter between reviews.
type mediaWatch struct {
	sub          *subscription
	packets      uint64
	bytes        uint64
	bitrate      float64
	reviewedAt   time.Time
	freshAt      time.Time // when the counter last moved (or when subscribed)
	subscribedAt time.Time
}

// refusedTrack is a publication the server answered with a RequestResponse
// instead of a TrackPublishedResponse.
type refusedTrack struct {
	cid    string
	track  Track
	reason string
}

func newChainBook() chainBook {
	return chainBook{allowed: map[string]bool{}, subErr: map[string]string{}, stream: map[string]string{},
		media: map[string]*mediaWatch{}, last: map[string]TrackChain{}}
}

// onPermission applies a SubscriptionPermissionUpdate.
func (b *chainBook) onPermission(u *livekit.SubscriptionPermissionUpdate) {
	b.allowed[u.GetTrackSid()] = u.GetAllowed()
}

// onSubscriptionError applies a SubscriptionResponse: the server sends one
// only when a subscription failed.
func (b *chainBook) onSubscriptionError(r *livekit.SubscriptionResponse) {
	b.subErr[r.GetTrackSid()] = r.GetErr().String()
}

// onStreamState applies a StreamStateUpdate.
func (b *chainBook) onStreamState(u *livekit.StreamStateUpdate) {
	for _, st := range u.GetStreamStates() {
		b.stream[st.GetTrackSid()] = st.GetState().String()
	}
}

// onRefused records a publication the server refused.
func (b *chainBook) onRefused(req *livekit.AddTrackRequest, reason string) {
	tr := Track{Name: req.GetName(), Kind: kindOfTrackType(req.GetType())}
	if src := req.GetSource(); src != livekit.TrackSource_UNKNOWN {
		tr.Source = src.String()
	}
	b.refused = append(b.refused, refusedTrack{cid: req.GetCid(), track: tr, reason: reason})
}

func kindOfTrackType(t livekit.TrackType) string {
	switch t {
	case livekit.TrackType_AUDIO:
		return "audio"
	case livekit.TrackType_VIDEO:
		return "video"
	case livekit.TrackType_DATA:
		return "data"
	}
	return ""
}

// sample reads the receive statistics of one subscribed track and turns
// them into what media_arriving needs.
func (w *mediaWatch) sample(now time.Time, inbound func(uint32) (uint64, uint64, bool)) mediaSample {
	if packets, bytes, ok := inbound(w.sub.ssrc); ok {
		if packets > w.packets {
			w.freshAt = now
		}
		if dt := now.Sub(w.reviewedAt).Seconds(); dt >= 0.5 && bytes >= w.bytes {
			w.bitrate = float64(bytes-w.bytes) * 8 / dt
			w.bytes, w.reviewedAt = bytes, now
		}
		w.packets = packets
	}
	return mediaSample{packets: w.packets, bitrate: w.bitrate, sinceSub: now.Sub(w.subscribedAt), sinceFresh: now.Sub(w.freshAt)}
}

// chainScope says whose chains a review recomputes: all of them, or the
// tracks of some publishers. A change touches few chains; recomputing all
// of them on every signal message costs a large room dearly (see
// BenchmarkParticipantUpdate500).
type chainScope struct {
	all bool
	ids map[string]bool
}

var allChains = chainScope{all: true}

func scopeOf(ids ...string) chainScope {
	sc := chainScope{ids: map[string]bool{}}
	for _, id := range ids {
		sc.ids[id] = true
	}
	return sc
}

func (sc chainScope) has(id string) bool { return sc.all || sc.ids[id] }

// scopeOfEvents is whose chains the tracker's events may have changed:
// everyone's when our own permissions changed (they gate every link).
func scopeOfEvents(evs []Event, local string) chainScope {
	sc := scopeOf()
	for _, ev := range evs {
		switch e := ev.(type) {
		case ParticipantJoined:
			sc.ids[e.Participant.Identity] = true
		case ParticipantLeft:
			sc.ids[e.Participant.Identity] = true
		case NameChanged:
			sc.ids[e.Identity] = true
		case TrackPublished:
			sc.ids[e.Identity] = true
		case TrackUnpublished:
			sc.ids[e.Identity] = true
		case TrackMuted:
			sc.ids[e.Identity] = true
		case TrackUnmuted:
			sc.ids[e.Identity] = true
		case TrackUpdated:
			sc.ids[e.Identity] = true
		case PermissionsChanged:
			if e.Identity == local {
				return allChains
			}
		}
	}
	return sc
}

// scopeOfTracks is the publishers of the given tracks, as last emitted.
func (b *chainBook) scopeOfTracks(sids ...string) chainScope {
	sc := scopeOf()
	for _, sid := range sids {
		if c, ok := b.last[sid]; ok {
			sc.ids[c.Identity] = true
		}
	}
	return sc
}

// reviewChainsLocked recomputes the chains of the tracks in scope and
// returns those that changed since they were last emitted; s.mu must be
// held.
func (s *Session) reviewChainsLocked(now time.Time, scope chainScope) []Event {
	b := &s.chains
	t := s.people
	// Leaving unsubscribes everything: that is not news about the tracks.
	if t == nil || !t.joined || s.leaving.Load() {
		return nil
	}
	subs := s.recv.snapshot()
	var evs []Event
	seen := map[string]bool{}
	emit := func(key string, c TrackChain) {
		seen[key] = true
		if last, ok := b.last[key]; ok && sameChain(last, c) {
			return
		}
		b.last[key] = c
		evs = append(evs, c)
	}
	local := t.people[t.local]
	ids := slices.Sorted(maps.Keys(scope.ids))
	if scope.all {
		ids = slices.Sorted(maps.Keys(t.people))
	}
	for _, id := range ids {
		p, ok := t.people[id]
		if !ok {
			continue
		}
		for _, tr := range p.Tracks {
			if tr.Kind == "data" {
				continue
			}
			if id == t.local {
				emit(tr.SID, newChain(now, id, true, tr, localLinks{track: tr, perms: local.Permissions}.links()))
				continue
			}
			emit(tr.SID, newChain(now, id, false, tr, s.remoteInput(p, tr, local.Permissions, subs, now).links()))
		}
	}
	if scope.has(t.local) {
		for _, r := range b.refused {
			emit("cid:"+r.cid, newChain(now, t.local, true, r.track, localLinks{track: r.track, perms: local.Permissions, refusal: r.reason}.links()))
		}
	}
	for key, c := range b.last {
		if !seen[key] && scope.has(c.Identity) {
			delete(b.last, key)
			delete(b.allowed, key)
			delete(b.subErr, key)
			delete(b.stream, key)
		}
	}
	for sid := range b.media {
		if _, ok := subs[sid]; !ok {
			delete(b.media, sid)
		}
	}
	return evs
}

// remoteInput gathers what one remote track's chain depends on.
func (s *Session) remoteInput(p Participant, tr Track, ours *Permissions, subs map[string]*subscription, now time.Time) remoteLinks {
	b := &s.chains
	in := remoteLinks{publisher: p, track: tr, subscribing: s.autoSub.Load(), subErr: b.subErr[tr.SID], stream: b.stream[tr.SID]}
	if ours != nil {
		in.canSubscribe = &ours.CanSubscribe
	}
	if a, ok := b.allowed[tr.SID]; ok {
		in.allowed = &a
	}
	sub, ok := subs[tr.SID]
	if !ok {
		return in
	}
	in.subscribed = true
	w := b.media[tr.SID]
	if w == nil || w.sub != sub {
		w = &mediaWatch{sub: sub, reviewedAt: now, freshAt: now, subscribedAt: now}
		// Rates start from here, not from the subscription's first byte.
		w.packets, w.bytes, _ = s.recv.counters(sub.ssrc)
		b.media[tr.SID] = w
	}
	in.media = w.sample(now, s.recv.counters)
	return in
}

// reviewChains emits the chains in scope that changed.
func (s *Session) reviewChains(scope chainScope) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pushAll(s.reviewChainsLocked(s.cfg.Now(), scope))
}

// reviewMedia reviews the chains of the subscribed tracks, whose packets
// may have started or stopped arriving.
func (s *Session) reviewMedia() {
	var ids []string
	for _, sub := range s.recv.snapshot() {
		ids = append(ids, sub.identity)
	}
	if len(ids) > 0 {
		s.reviewChains(scopeOf(ids...))
	}
}

// pushAll queues events in order; s.mu must be held.
func (s *Session) pushAll(evs []Event) {
	switch {
	case s.closed:
	case !s.ready:
		s.pending = append(s.pending, evs...)
	default:
		for _, ev := range evs {
			s.push(ev)
		}
	}
}

// chainInterval is how often chains are reviewed for media that started or
// stopped arriving; everything else triggers a review as it happens.
const chainInterval = time.Second

// chainLoop reviews the chains every chainInterval until stop closes.
func (s *Session) chainLoop(stop <-chan struct{}) {
	t := time.NewTicker(chainInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			s.reviewMedia()
		}
	}
}
