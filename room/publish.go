package room

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"

	"github.com/lkdash/lkdash/media"
)

// Names of the demo tracks.
const (
	DemoVideoName = "demo-video"
	DemoAudioName = "demo-tone"
)

// demoAudioLevel is the tone's level in -dBov: its RMS is about -21 dBFS.
const demoAudioLevel = 21

var (
	// ErrNotJoined is returned by media calls before Join has succeeded or
	// after Leave.
	ErrNotJoined = errors.New("room: not joined")
	// ErrDemoPublished is returned by PublishDemo while the demo is on.
	ErrDemoPublished = errors.New("room: the demo is already published")
	// ErrNoDemo is returned by UnpublishDemo while the demo is off.
	ErrNoDemo = errors.New("room: the demo is not published")
)

// publisher remembers what we publish beyond what the SDK tracks.
type publisher struct {
	mu   sync.Mutex // serialises demo changes; held across PublishTrack
	demo []string   // SIDs of the demo tracks, while published
}

// liveRoom is the SDK room while the session is usable.
func (s *Session) liveRoom() (*lksdk.Room, error) {
	room := s.room.Load()
	if room == nil || !s.joined.Load() || s.leaving.Load() || s.sdkGone.Load() {
		return nil, ErrNotJoined
	}
	return room, nil
}

// PublishDemo publishes the embedded test pattern (VP8, camera) and test
// tone (Opus, microphone), both looping until UnpublishDemo or Leave. It
// blocks until the server has answered for both tracks. When the server
// refuses one of them (a token limited by canPublishSources, say), the
// other stays published: PublishDemo returns it with the refusal, a
// *PublishRefusedError, so the caller can say both.
func (s *Session) PublishDemo() ([]Track, error) {
	room, err := s.liveRoom()
	if err != nil {
		return nil, err
	}
	s.pub.mu.Lock()
	defer s.pub.mu.Unlock()
	if len(s.pub.demo) > 0 {
		return nil, ErrDemoPublished
	}
	parts, err := demoParts()
	if err != nil {
		return nil, err
	}
	var (
		tracks  []Track
		refused []error
	)
	for _, d := range parts {
		pub, err := s.publishLoop(room, d.clip, d.loop, d.opts)
		var r *PublishRefusedError
		if errors.As(err, &r) {
			refused = append(refused, fmt.Errorf("room: publishing the demo %s: %w", d.what, err))
			continue
		}
		if err != nil {
			for _, sid := range s.pub.demo {
				_ = room.LocalParticipant.UnpublishTrack(sid)
			}
			s.pub.demo = nil
			return nil, fmt.Errorf("room: publishing the demo %s: %w", d.what, err)
		}
		s.pub.demo = append(s.pub.demo, pub.SID())
		tracks = append(tracks, trackOf(pub))
	}
	return tracks, errors.Join(refused...)
}

// demoPart is one demo track ready to publish.
type demoPart struct {
	what string // "video" or "tone", for errors
	clip *media.Clip
	loop lksdk.SampleProvider
	opts *lksdk.TrackPublicationOptions
}

// demoParts loads the embedded clips: the video, then the tone.
func demoParts() ([]demoPart, error) {
	video, err := media.DemoVideo()
	if err != nil {
		return nil, err
	}
	audio, err := media.DemoAudio()
	if err != nil {
		return nil, err
	}
	vloop, err := media.NewLoop(video)
	if err != nil {
		return nil, err
	}
	aloop, err := media.NewAudioLoop(audio, demoAudioLevel)
	if err != nil {
		return nil, err
	}
	return []demoPart{
		{"video", video, vloop, &lksdk.TrackPublicationOptions{
			Name: DemoVideoName, Source: livekit.TrackSource_CAMERA, VideoWidth: video.Width, VideoHeight: video.Height}},
		{"tone", audio, aloop, &lksdk.TrackPublicationOptions{Name: DemoAudioName, Source: livekit.TrackSource_MICROPHONE}},
	}, nil
}

func (s *Session) publishLoop(room *lksdk.Room, c *media.Clip, p lksdk.SampleProvider, opts *lksdk.TrackPublicationOptions) (*lksdk.LocalTrackPublication, error) {
	clock := uint32(90000)
	if c.MimeType == webrtc.MimeTypeOpus {
		clock = 48000
	}
	track, err := lksdk.NewLocalTrack(webrtc.RTPCodecCapability{MimeType: c.MimeType, ClockRate: clock})
	if err != nil {
		return nil, err
	}
	// Writing starts when the track is bound to the peer connection.
	if err := track.StartWrite(p, nil); err != nil {
		return nil, err
	}
	pub, err := s.publishTrack(room, track, opts)
	if err != nil {
		_ = track.Close()
		return nil, err
	}
	return pub, nil
}

// UnpublishDemo stops and unpublishes both demo tracks.
func (s *Session) UnpublishDemo() error {
	room, err := s.liveRoom()
	if err != nil {
		return err
	}
	s.pub.mu.Lock()
	defer s.pub.mu.Unlock()
	if len(s.pub.demo) == 0 {
		return ErrNoDemo
	}
	var errs []error
	for _, sid := range s.pub.demo {
		if err := room.LocalParticipant.UnpublishTrack(sid); err != nil && !errors.Is(err, lksdk.ErrCannotFindTrack) {
			errs = append(errs, err)
		}
	}
	s.pub.demo = nil
	return errors.Join(errs...)
}

// demoPublished reports whether the demo is on.
func (s *Session) demoPublished() bool {
	s.pub.mu.Lock()
	defer s.pub.mu.Unlock()
	return len(s.pub.demo) > 0
}

// FileTypes names the files PublishFile takes.
const FileTypes = ".ivf (VP8 or VP9), .h264 (Annex B, 30 fps) or .ogg (Opus)"

// CheckMediaFile says whether PublishFile takes a file of this name. Like
// the SDK, it goes by the extension, in lower case.
func CheckMediaFile(path string) error {
	switch filepath.Ext(path) {
	case ".ivf", ".h264", ".ogg":
		return nil
	}
	return fmt.Errorf("room: cannot publish %s: want %s", filepath.Base(path), FileTypes)
}

// PublishFile publishes a media file once through the SDK's file track and
// unpublishes it when it ends. It blocks until the server has accepted it.
func (s *Session) PublishFile(path string) (Track, error) {
	room, err := s.liveRoom()
	if err != nil {
		return Track{}, err
	}
	if err := CheckMediaFile(path); err != nil {
		return Track{}, err
	}
	var opts []lksdk.ReaderSampleProviderOption
	if filepath.Ext(path) == ".ivf" {
		d, err := ivfFrameDuration(path)
		if err != nil {
			return Track{}, err
		}
		opts = append(opts, lksdk.ReaderTrackWithFrameDuration(d))
	}
	// The SDK starts writing as soon as the track is bound, possibly before
	// PublishTrack returns: the end-of-file callback (which a rebind after a
	// reconnect may call again) waits for its outcome, the SID or "".
	var sid string
	published := make(chan struct{})
	opts = append(opts, lksdk.ReaderTrackWithOnWriteComplete(func() {
		<-published
		// Already gone when the user unpublished it first.
		if sid != "" && !s.leaving.Load() && !s.sdkGone.Load() {
			_ = room.LocalParticipant.UnpublishTrack(sid)
		}
	}))
	track, err := lksdk.NewLocalFileTrack(path, opts...)
	if err != nil {
		if errors.Is(err, lksdk.ErrCannotDetermineMime) {
			return Track{}, fmt.Errorf("room: cannot publish %s: its codec is not VP8, VP9 or AV1", filepath.Base(path))
		}
		return Track{}, fmt.Errorf("room: cannot publish %s: %w", filepath.Base(path), err)
	}
	pub, err := s.publishTrack(room, track, &lksdk.TrackPublicationOptions{Name: filepath.Base(path)})
	if err != nil {
		close(published)
		_ = track.Close()
		return Track{}, fmt.Errorf("room: publishing %s: %w", filepath.Base(path), err)
	}
	sid = pub.SID()
	close(published)
	return trackOf(pub), nil
}

// ivfFrameDuration reads an IVF header's time base, which is one frame at a
// constant frame rate. The SDK derives each frame's duration from pion's
// frame timestamps, which pion v4.2 already scales by the time base: an
// uncorrected 15 fps file would play at one frame per second.
func ivfFrameDuration(path string) (time.Duration, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("room: cannot publish %s: %w", filepath.Base(path), err)
	}
	defer f.Close()
	var h [32]byte
	if _, err := f.ReadAt(h[:], 0); err != nil || string(h[:4]) != "DKIF" {
		return 0, fmt.Errorf("room: cannot publish %s: not an IVF file", filepath.Base(path))
	}
	rate, scale := binary.LittleEndian.Uint32(h[16:20]), binary.LittleEndian.Uint32(h[20:24])
	if rate == 0 || scale == 0 {
		return 0, fmt.Errorf("room: cannot publish %s: its IVF time base is %d/%d", filepath.Base(path), scale, rate)
	}
	return time.Duration(float64(time.Second) * float64(scale) / float64(rate)), nil
}

// Unpublish stops and unpublishes one of our tracks.
func (s *Session) Unpublish(sid string) error {
	room, err := s.liveRoom()
	if err != nil {
		return err
	}
	s.pub.mu.Lock()
	defer s.pub.mu.Unlock()
	if err := room.LocalParticipant.UnpublishTrack(sid); err != nil {
		return fmt.Errorf("room: unpublishing %s: %w", sid, err)
	}
	// Taking one demo track down ends the demo; the other goes too.
	for i, d := range s.pub.demo {
		if d == sid {
			s.pub.demo = append(s.pub.demo[:i], s.pub.demo[i+1:]...)
			for _, other := range s.pub.demo {
				_ = room.LocalParticipant.UnpublishTrack(other)
			}
			s.pub.demo = nil
			break
		}
	}
	return nil
}
