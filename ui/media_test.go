package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lkdash/lkdash/room"
)

func TestDemoKeyPublishesAndUnpublishes(t *testing.T) {
	b := newFetchBackend(t)
	b.sess = newFakeSession(b.resp)
	m := testModel(t, newClock(), b, 160, 40)
	if m.keys().Demo.Enabled() {
		t.Fatal("p enabled before joining")
	}
	m = joinNow(t, m)
	m.help.ShowAll = true
	if !m.keys().Demo.Enabled() || !strings.Contains(m.help.View(m.helpKeys()), "publish demo") {
		t.Fatal("p not offered while joined")
	}

	m, cmd := sendCmd(t, m, keyMsg("p"))
	if m.keys().Demo.Enabled() {
		t.Error("p enabled while the publish is on its way")
	}
	m = send(t, m, findMsg[mediaDoneMsg](t, cmd))
	if !b.sess.demo || !m.media.demo || !strings.Contains(m.status, "2 tracks") {
		t.Fatalf("after p: session demo %v, model demo %v, status %q", b.sess.demo, m.media.demo, m.status)
	}
	if !strings.Contains(m.help.View(m.helpKeys()), "unpublish demo") {
		t.Error("help does not offer to unpublish")
	}

	m, cmd = sendCmd(t, m, keyMsg("p"))
	m = send(t, m, findMsg[mediaDoneMsg](t, cmd))
	if b.sess.demo || m.media.demo || m.status != "demo unpublished" {
		t.Fatalf("after second p: session demo %v, model demo %v, status %q", b.sess.demo, m.media.demo, m.status)
	}

	b.sess.mediaErr = errors.New("server said no\x1b[2J")
	m, cmd = sendCmd(t, m, keyMsg("p"))
	m = send(t, m, findMsg[mediaDoneMsg](t, cmd))
	if m.media.demo || !m.statusErr || !strings.Contains(m.status, "server said no") {
		t.Fatalf("failed publish: demo %v, status %q", m.media.demo, m.status)
	}
	if v := m.View(); strings.Contains(v, "\x1b[2J") {
		t.Error("an error's escape sequence reached the screen")
	}
}

// TestDemoPartlyRefused: a token that may publish only its microphone gets
// the tone published and the camera refused; the status says both, and p
// takes the tone down.
func TestDemoPartlyRefused(t *testing.T) {
	b := newFetchBackend(t)
	b.sess = newFakeSession(b.resp)
	b.sess.refused = errors.New("the server refused to publish the camera track: your token may publish only microphone (canPublishSources)")
	m := testModel(t, newClock(), b, 160, 40)
	m = joinNow(t, m)
	m, cmd := sendCmd(t, m, keyMsg("p"))
	m = send(t, m, findMsg[mediaDoneMsg](t, cmd))
	if !m.media.demo || !m.statusErr || !strings.Contains(m.status, "published only demo-tone") ||
		!strings.Contains(m.status, "canPublishSources") {
		t.Fatalf("after p: demo %v, status %q (error %v)", m.media.demo, m.status, m.statusErr)
	}
	m.help.ShowAll = true
	if !strings.Contains(m.help.View(m.helpKeys()), "unpublish demo") {
		t.Error("help does not offer to take the tone down")
	}
	m, cmd = sendCmd(t, m, keyMsg("p"))
	m = send(t, m, findMsg[mediaDoneMsg](t, cmd))
	if b.sess.demo || m.media.demo {
		t.Errorf("second p left the demo on: session %v, model %v", b.sess.demo, m.media.demo)
	}
}

func TestDemoResultOfAnOldSessionIsDropped(t *testing.T) {
	b := newFetchBackend(t)
	b.sess = newFakeSession(b.resp)
	m := testModel(t, newClock(), b, 160, 40)
	m = joinNow(t, m)
	m, cmd := sendCmd(t, m, keyMsg("p"))
	done := findMsg[mediaDoneMsg](t, cmd)
	m, _ = sendCmd(t, m, keyMsg("l"))
	m = send(t, m, done)
	if m.media.demo || m.media.busy {
		t.Fatalf("a late result changed the state: %+v", m.media)
	}
}

func TestAutoSubscribeKey(t *testing.T) {
	b := newFetchBackend(t)
	b.sess = newFakeSession(b.resp)
	m := testModel(t, newClock(), b, 160, 40)
	// Before joining, a only sets the choice the join will use.
	m = send(t, m, keyMsg("a"))
	if !m.media.autoSub || !strings.Contains(m.status, "next join") {
		t.Fatalf("a before joining: %+v, %q", m.media, m.status)
	}
	m = joinNow(t, m)
	if !b.lastJoin.AutoSubscribe {
		t.Error("the join did not ask to auto-subscribe")
	}
	m, cmd := sendCmd(t, m, keyMsg("a"))
	m = send(t, m, findMsg[mediaDoneMsg](t, cmd))
	if m.media.autoSub || b.sess.autoSub {
		t.Fatalf("a while joined did not turn it off: model %v, session %v", m.media.autoSub, b.sess.autoSub)
	}
	m, cmd = sendCmd(t, m, keyMsg("a"))
	m = send(t, m, findMsg[mediaDoneMsg](t, cmd))
	if !m.media.autoSub || !b.sess.autoSub {
		t.Fatal("a did not turn it back on")
	}
}

func TestEventLogSkipsTrackStats(t *testing.T) {
	b := newFetchBackend(t)
	b.sess = newFakeSession(b.resp)
	m := testModel(t, newClock(), b, 160, 40)
	m = joinNow(t, m)
	n := m.evs.Len()
	m = send(t, m, streamMsg{id: m.joinID, evs: []room.Event{room.TrackStats{At: t0, Identity: "bob", BitrateBPS: 1000}}})
	if m.evs.Len() != n {
		t.Error("track_stats went into the event log")
	}
	m = send(t, m, streamMsg{id: m.joinID, evs: []room.Event{room.TrackSubscribed{At: t0.Add(time.Second), Identity: "bob", Codec: "video/VP8"}}})
	if m.evs.Len() != n+1 {
		t.Error("track_subscribed did not go into the event log")
	}
}

func TestRosterShowsReceiveFigures(t *testing.T) {
	video := room.Track{SID: "TR_v", Name: room.DemoVideoName, Kind: "video", Source: "CAMERA"}
	stats := room.TrackStats{At: t0, Identity: "bob", Track: video, Codec: "video/VP8", BitrateBPS: 312_400, FPS: 15,
		Packets: 283, PacketsLost: 2, JitterMS: 0.84, Width: 640, Height: 360}
	mine := room.Track{SID: "TR_mine", Name: room.DemoAudioName, Kind: "audio", Source: "MICROPHONE"}
	r := newTestRoster(110, 20)
	for _, msg := range append(rosterEvents(),
		evMsg(room.TrackPublished{Identity: "alice", Local: true, Track: mine}),
		evMsg(room.TrackPublished{Identity: "bob", Track: video}),
		evMsg(room.TrackSubscribed{Identity: "bob", Track: video, Codec: "video/VP8"}),
		evMsg(stats),
		rosterKey("down"), rosterKey("enter"),
	) {
		r, _ = r.Update(msg)
	}
	v := r.View()
	checkFrame(t, v, 110, 20)
	want := "↓ 312 kb/s · 15 fps · 640×360 · video/VP8 · 283 pkts · 2 lost · jitter 0.8 ms"
	if !strings.Contains(v, want) || !strings.Contains(v, "track_subscribed") {
		t.Fatalf("bob's details lack the receive figures %q:\n%s", want, v)
	}

	// Our own demo track is on our row.
	r, _ = r.Update(rosterKey("esc"))
	if v := r.View(); !strings.Contains(v, "mic") {
		t.Errorf("our published track is not in the roster:\n%s", v)
	}

	r, _ = r.Update(rosterKey("enter"))
	if r.detail != "bob" || !strings.Contains(r.View(), want) {
		t.Fatalf("back in %q's details, without the figures", r.detail)
	}
	r, _ = r.Update(evMsg(room.TrackUnsubscribed{Identity: "bob", Track: video}))
	if v := r.View(); strings.Contains(v, "↓") || !strings.Contains(v, "track_unsubscribed") {
		t.Errorf("figures stay after unsubscribing:\n%s", v)
	}
}

func TestFmtBitrate(t *testing.T) {
	for bps, want := range map[float64]string{0: "0 b/s", 999: "999 b/s", 46_000: "46 kb/s", 2_540_000: "2.5 Mb/s"} {
		if got := fmtBitrate(bps); got != want {
			t.Errorf("fmtBitrate(%v) = %q, want %q", bps, got, want)
		}
	}
}
