package room

import (
	"testing"
	"time"

	"github.com/pion/interceptor/pkg/stats"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"

	"github.com/lkdash/lkdash/media"
)

func TestKeyframeSize(t *testing.T) {
	clip, err := media.DemoVideo()
	if err != nil {
		t.Fatal(err)
	}
	var p codecs.VP8Payloader
	key := p.Payload(1200, clip.Samples[0].Data)
	if w, h := keyframeSize("video/vp8", key[0]); w != 640 || h != 360 {
		t.Errorf("first packet of a keyframe: %dx%d, want 640x360", w, h)
	}
	if w, h := keyframeSize("video/vp8", key[1]); w != 0 || h != 0 {
		t.Errorf("second packet of a keyframe: %dx%d, want nothing", w, h)
	}
	delta := p.Payload(1200, clip.Samples[1].Data)
	if w, h := keyframeSize("video/vp8", delta[0]); w != 0 || h != 0 {
		t.Errorf("delta frame: %dx%d, want nothing", w, h)
	}
	for _, junk := range [][]byte{nil, {0x90}, {0x10, 0, 0x9d}, make([]byte, 64)} {
		for _, mime := range []string{"video/vp8", "video/vp9", "video/h264"} {
			if w, h := keyframeSize(mime, junk); w != 0 || h != 0 {
				t.Errorf("%s junk %x: %dx%d", mime, junk, w, h)
			}
		}
	}
}

func TestSubscriptionSampleRates(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sub := &subscription{identity: "a", track: Track{SID: "TR_1", Name: "v"}, codec: webrtc.MimeTypeVP8, ssrc: 7, lastAt: t0}
	sub.width.Store(640)
	sub.height.Store(360)
	in := stats.InboundRTPStreamStats{BytesReceived: 25000, HeaderBytesReceived: 0}
	in.PacketsReceived, in.PacketsLost, in.Jitter = 30, 2, 0.004
	get := func(ssrc uint32) (stats.InboundRTPStreamStats, bool) { return in, ssrc == 7 }
	sub.frames.Store(30)

	ev := sub.sample(t0.Add(2*time.Second), get)
	if ev.BitrateBPS != 100000 || ev.FPS != 15 || ev.Packets != 30 || ev.PacketsLost != 2 || ev.JitterMS != 4 ||
		ev.Width != 640 || ev.Height != 360 || ev.Codec != webrtc.MimeTypeVP8 {
		t.Errorf("first sample %+v", ev)
	}
	in.BytesReceived += 12500
	ev = sub.sample(t0.Add(3*time.Second), get)
	if ev.BitrateBPS != 100000 || ev.FPS != 0 {
		t.Errorf("second sample %+v", ev)
	}
	// Same instant again: no rate rather than a division by zero.
	if ev = sub.sample(t0.Add(3*time.Second), get); ev.BitrateBPS != 0 || ev.FPS != 0 {
		t.Errorf("zero interval %+v", ev)
	}
}

func TestOldReaderKeepsNewSubscription(t *testing.T) {
	s := &Session{cfg: Config{Now: time.Now}, events: make(chan Event, 4), ready: true}
	old := &subscription{identity: "a", track: Track{SID: "TR_1"}}
	cur := &subscription{identity: "a", track: Track{SID: "TR_1"}}
	s.recv.subs = map[string]*subscription{"TR_1": cur}
	s.unsubscribed("TR_1", old) // the replaced reader ending
	if s.recv.subs["TR_1"] != cur || len(s.events) != 0 {
		t.Fatal("the old subscription's end removed the new one")
	}
	s.unsubscribed("TR_1", nil) // the SDK's callback
	if _, ok := s.recv.subs["TR_1"]; ok || len(s.events) != 1 {
		t.Fatal("the track is still subscribed")
	}
	s.unsubscribed("TR_1", cur) // its reader ending afterwards
	if len(s.events) != 1 {
		t.Error("reported twice")
	}
}
