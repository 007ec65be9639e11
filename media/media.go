// Package media holds lkdash's demo media, a test-pattern video and a test
// tone made by scripts/make-demo-media.sh and embedded in the binary, and
// plays clips as endless sample streams for publishing.
package media

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/livekit/server-sdk-go/v2/pkg/oggreader"
	"github.com/pion/webrtc/v4"
	pionmedia "github.com/pion/webrtc/v4/pkg/media"
	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
)

var (
	//go:embed demo.ivf
	demoIVF []byte
	//go:embed demo.ogg
	demoOgg []byte
)

// Clip is a whole media file in memory: its frames, in order, with their
// durations.
type Clip struct {
	MimeType      string // webrtc.MimeTypeVP8, webrtc.MimeTypeOpus, …
	Width, Height int    // video only
	Samples       []pionmedia.Sample
}

// Duration is the clip's length.
func (c *Clip) Duration() time.Duration {
	var d time.Duration
	for _, s := range c.Samples {
		d += s.Duration
	}
	return d
}

// DemoVideo is the embedded test pattern: VP8, 640x360, 15 fps, 6 s.
var DemoVideo = sync.OnceValues(func() (*Clip, error) { return ParseIVF(demoIVF) })

// DemoAudio is the embedded test tone: Opus, 440 Hz, 6 s.
var DemoAudio = sync.OnceValues(func() (*Clip, error) { return ParseOgg(demoOgg) })

// ParseIVF reads a VP8, VP9 or AV1 stream in IVF. Frame durations come from
// the frames' timestamps, the last frame's from the one before it.
func ParseIVF(data []byte) (*Clip, error) {
	r, h, err := ivfreader.NewWith(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("media: ivf header: %w", err)
	}
	c := &Clip{Width: int(h.Width), Height: int(h.Height)}
	switch h.FourCC {
	case "VP80":
		c.MimeType = webrtc.MimeTypeVP8
	case "VP90":
		c.MimeType = webrtc.MimeTypeVP9
	case "AV01":
		c.MimeType = webrtc.MimeTypeAV1
	default:
		return nil, fmt.Errorf("media: ivf codec %q is not VP8, VP9 or AV1", h.FourCC)
	}
	// pion scales each frame's timestamp by den/num; undone here, a pts
	// counts num/den seconds.
	unit := time.Duration(float64(time.Second) * float64(h.TimebaseNumerator) / float64(h.TimebaseDenominator))
	var pts []uint64
	for {
		frame, fh, err := r.ParseNextFrame()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("media: ivf frame %d: %w", len(c.Samples), err)
		}
		c.Samples = append(c.Samples, pionmedia.Sample{Data: frame})
		pts = append(pts, fh.Timestamp*uint64(h.TimebaseNumerator)/uint64(h.TimebaseDenominator))
	}
	if len(c.Samples) == 0 {
		return nil, errors.New("media: ivf has no frames")
	}
	for i := range c.Samples {
		step := uint64(1)
		switch {
		case i+1 < len(pts) && pts[i+1] > pts[i]:
			step = pts[i+1] - pts[i]
		case i > 0 && pts[i] > pts[i-1]:
			step = pts[i] - pts[i-1]
		}
		c.Samples[i].Duration = time.Duration(step) * unit
	}
	return c, nil
}

// ParseOgg reads an Opus stream in Ogg.
func ParseOgg(data []byte) (*Clip, error) {
	r, _, err := oggreader.NewOggReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("media: ogg header: %w", err)
	}
	c := &Clip{MimeType: webrtc.MimeTypeOpus}
	for {
		pkt, err := r.ReadPacket()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("media: ogg packet %d: %w", len(c.Samples), err)
		}
		d, err := oggreader.ParsePacketDuration(pkt)
		if err != nil {
			return nil, fmt.Errorf("media: opus packet %d: %w", len(c.Samples), err)
		}
		c.Samples = append(c.Samples, pionmedia.Sample{Data: pkt, Duration: d})
	}
	if len(c.Samples) == 0 {
		return nil, errors.New("media: ogg has no packets")
	}
	return c, nil
}
