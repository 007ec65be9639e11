package room

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/stats"
	"github.com/pion/logging"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"

	lksdk "github.com/livekit/server-sdk-go/v2"
)

// receiver keeps what we need to report on subscribed tracks: pion's RTP
// statistics (one getter per peer connection the SDK creates, including
// after a full reconnect) and one entry per subscribed track.
type receiver struct {
	mu      sync.Mutex
	getters []stats.Getter
	subs    map[string]*subscription // by track SID
}

// subscription is one subscribed track. Its reader goroutine updates the
// atomics; the stats loop reads them.
type subscription struct {
	identity string
	track    Track
	codec    string
	ssrc     uint32

	frames        atomic.Uint64
	width, height atomic.Uint32

	// owned by the stats loop
	lastAt     time.Time
	lastBytes  uint64
	lastFrames uint64
}

// statsInterceptor records RTP statistics for every stream of every peer
// connection of the session. The SDK registers no stats interceptor of its
// own, and pion's global one is only reachable through webrtc.API setup the
// SDK does not expose.
func (r *receiver) statsInterceptor() (interceptor.Factory, error) {
	f, err := stats.NewInterceptor(stats.WithLoggerFactory(&logging.DefaultLoggerFactory{
		Writer: io.Discard, DefaultLogLevel: logging.LogLevelDisabled,
	}))
	if err != nil {
		return nil, err
	}
	f.OnNewPeerConnection(func(_ string, g stats.Getter) {
		r.mu.Lock()
		r.getters = append(r.getters, g)
		r.mu.Unlock()
	})
	return f, nil
}

// inbound returns the newest statistics for ssrc.
func (r *receiver) inbound(ssrc uint32) (stats.InboundRTPStreamStats, bool) {
	r.mu.Lock()
	getters := r.getters
	r.mu.Unlock()
	for i := len(getters) - 1; i >= 0; i-- {
		if st := getters[i].Get(ssrc); st != nil {
			return st.InboundRTPStreamStats, true
		}
	}
	return stats.InboundRTPStreamStats{}, false
}

// counters returns the packets and bytes received so far on ssrc.
func (r *receiver) counters(ssrc uint32) (packets, bytes uint64, ok bool) {
	st, ok := r.inbound(ssrc)
	return st.PacketsReceived, st.BytesReceived, ok
}

// snapshot returns the current subscriptions by track SID.
func (r *receiver) snapshot() map[string]*subscription {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.subs)
}

// sent returns the newest statistics for one of our outgoing streams.
func (r *receiver) sent(ssrc uint32) (stats.Stats, bool) {
	r.mu.Lock()
	getters := r.getters
	r.mu.Unlock()
	for i := len(getters) - 1; i >= 0; i-- {
		if st := getters[i].Get(ssrc); st != nil && st.OutboundRTPStreamStats.PacketsSent > 0 {
			return *st, true
		}
	}
	return stats.Stats{}, false
}

// subscribed registers a track and starts reading it: pion counts packets
// only as they are read, and unread packets would pile up in its buffers.
func (s *Session) subscribed(track *webrtc.TrackRemote, pub *lksdk.RemoteTrackPublication, rp *lksdk.RemoteParticipant) {
	sub := &subscription{
		identity: rp.Identity(),
		track:    trackOf(pub),
		codec:    track.Codec().MimeType,
		ssrc:     uint32(track.SSRC()),
		lastAt:   s.cfg.Now(),
	}
	if info := pub.TrackInfo(); info != nil {
		sub.width.Store(info.GetWidth())
		sub.height.Store(info.GetHeight())
	}
	s.recv.mu.Lock()
	if s.recv.subs == nil {
		s.recv.subs = map[string]*subscription{}
	}
	s.recv.subs[sub.track.SID] = sub
	s.recv.mu.Unlock()
	s.emit(TrackSubscribed{At: s.cfg.Now(), Identity: sub.identity, Track: sub.track, Codec: sub.codec})
	s.clearSubscriptionError(sub.track.SID)
	s.reviewChains(scopeOf(sub.identity))
	go s.readTrack(track, sub)
}

// unsubscribed forgets a track once; whoever removes it reports it. With
// only set, it forgets the track only while that subscription is the
// current one: after a reconnect the SDK subscribes the same track SID
// anew, and the old reader's end must not take the new one down.
func (s *Session) unsubscribed(sid string, only *subscription) {
	s.recv.mu.Lock()
	sub, ok := s.recv.subs[sid]
	ok = ok && (only == nil || sub == only)
	if ok {
		delete(s.recv.subs, sid)
	}
	s.recv.mu.Unlock()
	if ok {
		s.emit(TrackUnsubscribed{At: s.cfg.Now(), Identity: sub.identity, Track: sub.track})
		s.reviewChains(scopeOf(sub.identity))
	}
}

// readTrack drains a track until it ends, counting frames and noting the
// resolution of VP8/VP9 keyframes. It reuses one buffer and one packet, so
// reading costs no allocation per packet.
func (s *Session) readTrack(track *webrtc.TrackRemote, sub *subscription) {
	defer s.unsubscribed(sub.track.SID, sub)
	video := track.Kind() == webrtc.RTPCodecTypeVideo
	mime := strings.ToLower(sub.codec)
	buf := make([]byte, 1500)
	var pkt rtp.Packet
	for {
		n, _, err := track.Read(buf)
		if err != nil {
			return
		}
		if !video || pkt.Unmarshal(buf[:n]) != nil {
			continue
		}
		if pkt.Marker {
			sub.frames.Add(1)
		}
		if w, h := keyframeSize(mime, pkt.Payload); w > 0 && h > 0 {
			sub.width.Store(uint32(w))
			sub.height.Store(uint32(h))
		}
	}
}

// keyframeSize reads the picture size a VP8 keyframe or a VP9 scalability
// structure carries; 0, 0 when the packet has none.
func keyframeSize(mime string, payload []byte) (int, int) {
	switch mime {
	case strings.ToLower(webrtc.MimeTypeVP8):
		var vp8 codecs.VP8Packet
		p, err := vp8.Unmarshal(payload)
		// RFC 6386 §9.1: a keyframe's 3-byte frame tag (bit 0 clear) is
		// followed by the start code 9d 01 2a and two 14-bit dimensions.
		if err != nil || vp8.S != 1 || vp8.PID != 0 || len(p) < 10 || p[0]&1 != 0 ||
			p[3] != 0x9d || p[4] != 0x01 || p[5] != 0x2a {
			return 0, 0
		}
		return int(binary.LittleEndian.Uint16(p[6:8]) & 0x3fff), int(binary.LittleEndian.Uint16(p[8:10]) & 0x3fff)
	case strings.ToLower(webrtc.MimeTypeVP9):
		var vp9 codecs.VP9Packet
		if _, err := vp9.Unmarshal(payload); err != nil || !vp9.V || len(vp9.Width) == 0 || len(vp9.Height) == 0 {
			return 0, 0
		}
		// The last spatial layer is the largest.
		return int(vp9.Width[len(vp9.Width)-1]), int(vp9.Height[len(vp9.Height)-1])
	}
	return 0, 0
}

// statsLoop emits a TrackStats per subscribed track every interval until
// stop closes.
func (s *Session) statsLoop(interval time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			for _, ev := range s.trackStats() {
				s.emit(ev)
			}
		}
	}
}

// trackStats samples every subscribed track. An unsubscribed one has left
// the map when its reader saw the end of the track: SetSubscribed(false)
// has no SDK callback, and the SDK's IsSubscribed stays true.
func (s *Session) trackStats() []Event {
	now := s.cfg.Now()
	s.recv.mu.Lock()
	subs := make([]*subscription, 0, len(s.recv.subs))
	for _, sub := range s.recv.subs {
		subs = append(subs, sub)
	}
	s.recv.mu.Unlock()
	var out []Event
	for _, sub := range subs {
		out = append(out, sub.sample(now, s.recv.inbound))
	}
	return out
}

// sample turns the counters into a TrackStats and remembers them for the
// next rates; only the stats loop calls it.
func (sub *subscription) sample(now time.Time, inbound func(uint32) (stats.InboundRTPStreamStats, bool)) TrackStats {
	ev := TrackStats{
		At: now, Identity: sub.identity, Track: sub.track, Codec: sub.codec,
		Width: int(sub.width.Load()), Height: int(sub.height.Load()),
	}
	frames := sub.frames.Load()
	if st, ok := inbound(sub.ssrc); ok {
		ev.Bytes = st.BytesReceived
		ev.Packets = st.PacketsReceived
		ev.PacketsLost = st.PacketsLost
		ev.JitterMS = st.Jitter * 1000
	}
	if dt := now.Sub(sub.lastAt).Seconds(); dt > 0 {
		if ev.Bytes >= sub.lastBytes {
			ev.BitrateBPS = float64(ev.Bytes-sub.lastBytes) * 8 / dt
		}
		ev.FPS = float64(frames-sub.lastFrames) / dt
	}
	sub.lastAt, sub.lastBytes, sub.lastFrames = now, ev.Bytes, frames
	return ev
}

// SetAutoSubscribe subscribes to (or unsubscribes from) every track others
// publish, now and later. TrackSubscribed and TrackUnsubscribed follow.
func (s *Session) SetAutoSubscribe(on bool) error {
	room, err := s.liveRoom()
	if err != nil {
		return err
	}
	s.autoSub.Store(on)
	var errs []error
	for _, rp := range room.GetRemoteParticipants() {
		for _, p := range rp.TrackPublications() {
			// Not only those whose IsSubscribed differs: the SDK keeps a
			// track it was unsubscribed from, so IsSubscribed stays true.
			if pub, ok := p.(*lksdk.RemoteTrackPublication); ok {
				if err := pub.SetSubscribed(on); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	s.reviewChains(allChains) // subscribed links turn off, or start waiting
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("room: changing subscriptions: %w", err)
	}
	return nil
}
