package media

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
)

func TestDemoClips(t *testing.T) {
	if total := len(demoIVF) + len(demoOgg); total >= 1<<20 {
		t.Errorf("embedded demo media is %d bytes, want under 1 MiB", total)
	}
	v, err := DemoVideo()
	if err != nil {
		t.Fatal(err)
	}
	if v.MimeType != webrtc.MimeTypeVP8 || v.Width != 640 || v.Height != 360 || len(v.Samples) != 90 {
		t.Errorf("video = %s %dx%d, %d frames", v.MimeType, v.Width, v.Height, len(v.Samples))
	}
	for i, s := range v.Samples {
		if s.Duration != time.Second/15 {
			t.Fatalf("frame %d lasts %s, want 1/15 s", i, s.Duration)
		}
	}
	// A VP8 keyframe has bit 0 of its first byte clear; the loop must
	// restart on one.
	if v.Samples[0].Data[0]&1 != 0 {
		t.Error("the video does not start with a keyframe")
	}

	a, err := DemoAudio()
	if err != nil {
		t.Fatal(err)
	}
	if a.MimeType != webrtc.MimeTypeOpus || len(a.Samples) < 300 { // 20 ms each, plus the encoder's priming
		t.Errorf("audio = %s, %d packets", a.MimeType, len(a.Samples))
	}
	for _, c := range []*Clip{v, a} {
		if d := c.Duration(); d < 5900*time.Millisecond || d > 6100*time.Millisecond {
			t.Errorf("%s lasts %s, want 6 s", c.MimeType, d)
		}
	}
}

func TestSampleFiles(t *testing.T) {
	data, err := os.ReadFile("testdata/sample-vp9.ivf")
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseIVF(data)
	if err != nil {
		t.Fatal(err)
	}
	if c.MimeType != webrtc.MimeTypeVP9 || c.Width != 320 || c.Height != 180 {
		t.Errorf("vp9 sample = %s %dx%d", c.MimeType, c.Width, c.Height)
	}
	data, err = os.ReadFile("testdata/sample.ogg")
	if err != nil {
		t.Fatal(err)
	}
	if c, err = ParseOgg(data); err != nil || c.Duration() < 4900*time.Millisecond {
		t.Errorf("ogg sample: %v, %v", c, err)
	}
}

func TestLoopWraps(t *testing.T) {
	v, err := DemoVideo()
	if err != nil {
		t.Fatal(err)
	}
	l, err := NewLoop(v)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < 2*len(v.Samples)+1; i++ {
		s, err := l.NextSample(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := v.Samples[i%len(v.Samples)].Data; &s.Data[0] != &want[0] {
			t.Fatalf("sample %d is not frame %d", i, i%len(v.Samples))
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := l.NextSample(cancelled); err == nil {
		t.Error("NextSample ignores a cancelled context")
	}
	if _, err := NewLoop(&Clip{}); err == nil {
		t.Error("NewLoop accepted an empty clip")
	}
	a, err := DemoAudio()
	if err != nil {
		t.Fatal(err)
	}
	al, err := NewAudioLoop(a, 20)
	if err != nil || al.CurrentAudioLevel() != 20 {
		t.Errorf("audio loop: %v, level %d", err, al.CurrentAudioLevel())
	}
}

func TestParseRejectsBadInput(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":         nil,
		"not ivf":       []byte("hello, this is not a video file at all"),
		"header only":   demoIVF[:32],
		"cut frame":     demoIVF[:100],
		"unknown codec": append(append([]byte{}, demoIVF[:8]...), append([]byte("XXXX"), demoIVF[12:200]...)...),
	} {
		if _, err := ParseIVF(data); err == nil {
			t.Errorf("ParseIVF(%s) succeeded", name)
		}
	}
	for name, data := range map[string][]byte{
		"empty":    nil,
		"not ogg":  []byte("OggS but not really an ogg file"),
		"ivf data": demoIVF,
	} {
		if _, err := ParseOgg(data); err == nil {
			t.Errorf("ParseOgg(%s) succeeded", name)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(demoIVF[:2048])
	f.Add(demoOgg[:2048])
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, parse := range []func([]byte) (*Clip, error){ParseIVF, ParseOgg} {
			if c, err := parse(data); err == nil && len(c.Samples) == 0 {
				t.Error("a parsed clip has no samples")
			}
		}
	})
}
