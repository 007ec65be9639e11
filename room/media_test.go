package room

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
)

// latestStats reads s's events until done accepts the newest TrackStats of
// every track (by track name), failing after within. Other events are
// returned too, in order.
func latestStats(t *testing.T, s *Session, within time.Duration, done func(map[string]TrackStats) bool) (map[string]TrackStats, []Event) {
	t.Helper()
	got := map[string]TrackStats{}
	var seen []Event
	deadline := time.After(within)
	for {
		select {
		case ev, ok := <-s.Events():
			if !ok {
				t.Fatalf("events closed; saw %s", types(seen))
			}
			seen = append(seen, ev)
			if st, ok := ev.(TrackStats); ok {
				got[st.Track.Name] = st
				if done(got) {
					return got, seen
				}
			}
		case <-deadline:
			t.Fatalf("stats not as wanted within %s: %+v", within, got)
		}
	}
}

func flowing(names ...string) func(map[string]TrackStats) bool {
	return func(got map[string]TrackStats) bool {
		for _, n := range names {
			if got[n].BitrateBPS <= 0 {
				return false
			}
		}
		return true
	}
}

func TestDemoReachesSubscriberWithStats(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	room := roomName(t)
	a := joinRoom(t, srv, room, "alice", Config{})
	b := joinRoom(t, srv, room, "bob", Config{AutoSubscribe: true, StatsInterval: 500 * time.Millisecond})

	tracks, err := a.PublishDemo()
	if err != nil {
		t.Fatal(err)
	}
	if len(tracks) != 2 || tracks[0].Kind != "video" || tracks[1].Kind != "audio" || !a.demoPublished() {
		t.Fatalf("published %+v", tracks)
	}
	if _, err := a.PublishDemo(); !errors.Is(err, ErrDemoPublished) {
		t.Errorf("second PublishDemo: %v", err)
	}

	got, seen := latestStats(t, b, 10*time.Second, flowing(DemoVideoName, DemoAudioName))
	v, au := got[DemoVideoName], got[DemoAudioName]
	t.Logf("video %+v", v)
	t.Logf("audio %+v", au)
	if v.Identity != "alice" || v.Codec != webrtc.MimeTypeVP8 || v.Track.Kind != "video" || v.Packets == 0 || v.Bytes == 0 {
		t.Errorf("video stats %+v", v)
	}
	if au.Codec != webrtc.MimeTypeOpus || au.Track.Kind != "audio" || au.Packets == 0 {
		t.Errorf("audio stats %+v", au)
	}
	for _, name := range []string{DemoVideoName, DemoAudioName} {
		if !slices.ContainsFunc(seen, func(e Event) bool { s, ok := e.(TrackSubscribed); return ok && s.Track.Name == name }) {
			t.Errorf("no track_subscribed for %s before its stats: %s", name, types(seen))
		}
	}

	// Our own tracks are events too, marked local.
	waitBoth(t, a, func(e TrackPublished) string {
		if !e.Local || e.Identity != "alice" {
			return ""
		}
		return e.Track.Name
	})

	// The size and rate show once a keyframe and a few seconds have passed.
	got, _ = latestStats(t, b, 15*time.Second, func(got map[string]TrackStats) bool {
		return got[DemoVideoName].Width > 0 && got[DemoVideoName].FPS > 5
	})
	if v := got[DemoVideoName]; v.Width != 640 || v.Height != 360 || v.FPS > 20 {
		t.Errorf("video %dx%d at %.1f fps, want 640x360 at about 15", v.Width, v.Height, v.FPS)
	}

	if err := a.UnpublishDemo(); err != nil {
		t.Fatal(err)
	}
	if a.demoPublished() {
		t.Error("DemoPublished after UnpublishDemo")
	}
	if err := a.UnpublishDemo(); !errors.Is(err, ErrNoDemo) {
		t.Errorf("second UnpublishDemo: %v", err)
	}
	waitBoth(t, b, func(e TrackUnsubscribed) string { return e.Track.Name })
	waitBoth(t, a, func(e TrackUnpublished) string { return e.Track.Name })
}

// waitBoth waits until events about both demo tracks have arrived, in any
// order.
func waitBoth[E Event](t *testing.T, s *Session, name func(E) string) {
	t.Helper()
	seen := map[string]bool{}
	waitFor(t, s, func(e E) bool {
		seen[name(e)] = true
		return seen[DemoVideoName] && seen[DemoAudioName]
	})
}

func TestPublishFilesOfEachFormat(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	room := roomName(t)
	a := joinRoom(t, srv, room, "filer", Config{})
	b := joinRoom(t, srv, room, "viewer", Config{AutoSubscribe: true, StatsInterval: 500 * time.Millisecond})

	files := []string{"../media/demo.ivf", "../media/testdata/sample-vp9.ivf", "../media/testdata/sample.h264", "../media/testdata/sample.ogg"}
	names := make([]string, len(files))
	for i, f := range files {
		tr, err := a.PublishFile(f)
		if err != nil {
			t.Fatalf("PublishFile(%s): %v", f, err)
		}
		names[i] = filepath.Base(f)
		if tr.Name != names[i] || tr.SID == "" {
			t.Errorf("published %+v", tr)
		}
	}
	got, _ := latestStats(t, b, 10*time.Second, func(got map[string]TrackStats) bool {
		return flowing(names...)(got) && got["demo.ivf"].FPS > 5 && got["sample-vp9.ivf"].Width > 0
	})
	want := map[string]string{
		"demo.ivf": webrtc.MimeTypeVP8, "sample-vp9.ivf": webrtc.MimeTypeVP9,
		"sample.h264": webrtc.MimeTypeH264, "sample.ogg": webrtc.MimeTypeOpus,
	}
	for name, codec := range want {
		if !strings.EqualFold(got[name].Codec, codec) {
			t.Errorf("%s arrived as %q, want %s", name, got[name].Codec, codec)
		}
		t.Logf("%s: %+v", name, got[name])
	}
	// The IVF frame rate comes from its header (the SDK alone would send
	// one frame per second).
	if fps := got["demo.ivf"].FPS; fps > 20 {
		t.Errorf("demo.ivf at %.1f fps, want about 15", fps)
	}
	if v := got["sample-vp9.ivf"]; v.Width != 320 || v.Height != 180 {
		t.Errorf("vp9 sample is %dx%d, want 320x180", v.Width, v.Height)
	}

	// A file plays once, then its track goes away.
	gone := map[string]bool{}
	waitFor(t, a, func(e TrackUnpublished) bool {
		gone[e.Track.Name] = e.Local
		return len(gone) == len(names)
	})
	for _, name := range names {
		if !gone[name] {
			t.Errorf("%s was not unpublished: %v", name, gone)
		}
	}
}

func TestPublishDataReachesOthers(t *testing.T) {
	srv := shared.Server(t)
	room := roomName(t)
	a := joinRoom(t, srv, room, "talker", Config{})
	b := joinRoom(t, srv, room, "listener", Config{})
	waitFor(t, a, func(e ParticipantJoined) bool { return e.Participant.Identity == "listener" })
	if err := a.PublishData([]byte("hello\x1b[2J"), "greeting", true); err != nil {
		t.Fatal(err)
	}
	d, _ := waitFor[DataReceived](t, b, nil)
	if d.Identity != "talker" || d.Topic != "greeting" || d.Text != "hello\x1b[2J" {
		t.Errorf("received %+v", d)
	}
}

func TestSetAutoSubscribeAtRuntime(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	room := roomName(t)
	a := joinRoom(t, srv, room, "caster", Config{})
	b := joinRoom(t, srv, room, "lurker", Config{StatsInterval: 500 * time.Millisecond})
	if _, err := a.PublishDemo(); err != nil {
		t.Fatal(err)
	}
	_, seen := waitFor(t, b, func(e TrackPublished) bool { return e.Track.Name == DemoAudioName })
	seen = append(seen, waitAll(t, b, time.Second)...)
	if slices.ContainsFunc(seen, func(e Event) bool { _, ok := e.(TrackSubscribed); return ok }) || b.autoSub.Load() {
		t.Fatalf("subscribed without auto-subscribe: %s", types(seen))
	}

	if err := b.SetAutoSubscribe(true); err != nil {
		t.Fatal(err)
	}
	latestStats(t, b, 10*time.Second, flowing(DemoVideoName, DemoAudioName))

	if err := b.SetAutoSubscribe(false); err != nil {
		t.Fatal(err)
	}
	waitBoth(t, b, func(e TrackUnsubscribed) string { return e.Track.Name })

	// And back: the SDK still calls the tracks subscribed, which must not
	// stop us from asking again.
	if err := b.SetAutoSubscribe(true); err != nil {
		t.Fatal(err)
	}
	latestStats(t, b, 10*time.Second, flowing(DemoVideoName, DemoAudioName))
}

// waitAll returns what arrives during d.
func waitAll(t *testing.T, s *Session, d time.Duration) []Event {
	t.Helper()
	var seen []Event
	end := time.After(d)
	for {
		select {
		case ev, ok := <-s.Events():
			if !ok {
				return seen
			}
			seen = append(seen, ev)
		case <-end:
			return seen
		}
	}
}

func TestPublishRejectsBadInput(t *testing.T) {
	srv := shared.Server(t)
	s := join(t, srv, "picky", Config{})
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.ivf")
	if err := os.WriteFile(garbage, []byte("not an ivf file, not even close to one"), 0o600); err != nil {
		t.Fatal(err)
	}
	unknown := filepath.Join(dir, "x.ivf")
	if err := os.WriteFile(unknown, append([]byte("DKIF\x00\x00\x20\x00XXXX"), make([]byte, 20)...), 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"clip.mp4":                     "want .ivf",
		filepath.Join(dir, "none.ogg"): "no such file",
		garbage:                        "not an IVF file",
		unknown:                        "time base",
	} {
		if _, err := s.PublishFile(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("PublishFile(%s) = %v, want an error containing %q", filepath.Base(path), err, want)
		}
	}
	if err := s.Unpublish("TR_nonexistent"); err == nil {
		t.Error("Unpublish of an unknown track succeeded")
	}
	s.Leave()
	if _, err := s.PublishDemo(); !errors.Is(err, ErrNotJoined) {
		t.Errorf("PublishDemo after Leave: %v", err)
	}
	if err := s.PublishData([]byte("x"), "", true); !errors.Is(err, ErrNotJoined) {
		t.Errorf("PublishData after Leave: %v", err)
	}
	if err := s.SetAutoSubscribe(true); !errors.Is(err, ErrNotJoined) {
		t.Errorf("SetAutoSubscribe after Leave: %v", err)
	}
}
