package media

import (
	"context"
	"errors"

	pionmedia "github.com/pion/webrtc/v4/pkg/media"
)

// Loop plays a clip over and over; it is an lksdk.SampleProvider. The
// SDK's track writer paces it by the samples' durations and calls
// NextSample from one goroutine at a time.
type Loop struct {
	clip *Clip
	next int
}

// NewLoop starts at the clip's first sample.
func NewLoop(c *Clip) (*Loop, error) {
	if c == nil || len(c.Samples) == 0 {
		return nil, errors.New("media: cannot loop an empty clip")
	}
	return &Loop{clip: c}, nil
}

// NextSample returns the next sample, wrapping to the first after the last.
// The sample shares its data with the clip: the SDK only reads it.
func (l *Loop) NextSample(ctx context.Context) (pionmedia.Sample, error) {
	if err := ctx.Err(); err != nil {
		return pionmedia.Sample{}, err
	}
	s := l.clip.Samples[l.next]
	l.next = (l.next + 1) % len(l.clip.Samples)
	return s, nil
}

// OnBind is part of lksdk.SampleProvider; a loop needs no setup.
func (l *Loop) OnBind() error { return nil }

// OnUnbind is part of lksdk.SampleProvider.
func (l *Loop) OnUnbind() error { return nil }

// Close is part of lksdk.SampleProvider; a loop holds no resources.
func (l *Loop) Close() error { return nil }

// AudioLoop is a Loop that also reports a fixed audio level, so the server's
// speaker detection hears it.
type AudioLoop struct {
	Loop
	// Level is in -dBov, 0 loudest and 127 silence (RFC 6464).
	Level uint8
}

// NewAudioLoop loops an audio clip at the given level.
func NewAudioLoop(c *Clip, level uint8) (*AudioLoop, error) {
	l, err := NewLoop(c)
	if err != nil {
		return nil, err
	}
	return &AudioLoop{Loop: *l, Level: level}, nil
}

// CurrentAudioLevel is part of lksdk.AudioSampleProvider.
func (l *AudioLoop) CurrentAudioLevel() uint8 { return l.Level }
