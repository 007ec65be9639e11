package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/styles"
)

// chainOf builds a chain with the verdict room gives it: the first link
// that is not ok, an unknown one only when nothing else is wrong.
func chainOf(at time.Time, identity string, local bool, tr room.Track, links ...room.Link) room.TrackChain {
	c := room.TrackChain{At: at, Identity: identity, Local: local, Track: tr, Links: links, State: room.LinkOK}
	for _, pass := range []func(room.Link) bool{
		func(l room.Link) bool { return l.State != room.LinkOK && l.State != room.LinkUnknown },
		func(l room.Link) bool { return l.State == room.LinkUnknown },
	} {
		for _, l := range links {
			if c.FirstBroken == "" && pass(l) {
				c.FirstBroken, c.State, c.Cause = l.Name, l.State, l.Detail
			}
		}
	}
	return c
}

var (
	bobCam = room.Track{SID: "TR_cam", Name: "camera", Kind: "video", Source: "CAMERA", MimeType: "video/VP8"}
	bobMic = room.Track{SID: "TR_mic", Name: "microphone", Kind: "audio", Source: "MICROPHONE", MimeType: "audio/opus"}
	// ourCam is a camera of ours the server refused: it has no SID.
	ourCam = room.Track{Name: "demo-video", Kind: "video", Source: "CAMERA"}
)

// bobCamChain breaks at the publisher's track permissions, the way
// livekit-server reports a publisher who left us out.
func bobCamChain(at time.Time) room.TrackChain {
	return chainOf(at, "bob", false, bobCam,
		room.Link{Name: room.LinkPublished, State: room.LinkOK, Detail: "by bob (Bob) · camera · video/VP8"},
		room.Link{Name: room.LinkMaySubscribe, State: room.LinkOK, Detail: "your token may subscribe (canSubscribe)"},
		room.Link{Name: room.LinkAllowed, State: room.LinkBroken, Detail: "bob's track permissions leave you out (SubscriptionPermission): only the publisher can let you in"},
		room.Link{Name: room.LinkSubscribed, State: room.LinkWaiting, Detail: "subscribing: the track has not reached you yet"},
		room.Link{Name: room.LinkStreamActive, State: room.LinkUnknown, Detail: "not subscribed"},
		room.Link{Name: room.LinkMediaArriving, State: room.LinkUnknown, Detail: "not subscribed"})
}

// bobMicChain holds, link by link.
func bobMicChain(at time.Time) room.TrackChain {
	return chainOf(at, "bob", false, bobMic,
		room.Link{Name: room.LinkPublished, State: room.LinkOK, Detail: "by bob (Bob) · audio · audio/opus"},
		room.Link{Name: room.LinkMaySubscribe, State: room.LinkOK, Detail: "your token may subscribe (canSubscribe)"},
		room.Link{Name: room.LinkAllowed, State: room.LinkOK, Detail: "bob's track permissions include you"},
		room.Link{Name: room.LinkSubscribed, State: room.LinkOK, Detail: "the track reaches you"},
		room.Link{Name: room.LinkStreamActive, State: room.LinkOK, Detail: "audio: the server pauses only video streams"},
		room.Link{Name: room.LinkMediaArriving, State: room.LinkOK, Detail: "23 packets, 31 kbit/s"})
}

func ourCamChain(at time.Time) room.TrackChain {
	why := "your token may publish only microphone (canPublishSources); the camera is not among them"
	return chainOf(at, "alice", true, ourCam,
		room.Link{Name: room.LinkMayPublish, State: room.LinkBroken, Detail: why},
		room.Link{Name: room.LinkPublished, State: room.LinkBroken, Detail: "the server refused it: " + why})
}

// chainBackend: we (alice, allowed to publish the microphone only) join
// bob, whose camera's chain breaks at his track permissions and whose
// microphone reaches us; the server refused our camera.
func chainBackend(t *testing.T) *fakeBackend {
	b := newFetchBackend(t)
	s := newFakeSession(b.resp)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	alice := room.Participant{Identity: "alice", Name: "Alice", Kind: room.KindStandard, JoinedAt: at(1),
		Permissions: &room.Permissions{CanSubscribe: true, CanPublish: true, CanPublishSources: []string{"MICROPHONE"}}}
	bob := room.Participant{Identity: "bob", Name: "Bob", Kind: room.KindStandard, JoinedAt: at(-30),
		Permissions: &room.Permissions{CanSubscribe: true, CanPublish: true}, Tracks: []room.Track{bobCam, bobMic}}
	s.ch <- room.Connected{At: at(1), Room: "demo", Local: alice, ServerURL: "ws://127.0.0.1:7880", Participants: []room.Participant{bob}}
	s.ch <- bobCamChain(at(2))
	s.ch <- bobMicChain(at(2))
	s.ch <- room.TrackStats{At: at(3), Identity: "bob", Track: bobMic, Codec: "audio/opus", Packets: 412, BitrateBPS: 32000, JitterMS: 1.5}
	s.ch <- ourCamChain(at(4))
	b.sess = s
	return b
}

// TestRosterChains: each track's chain shows in its publisher's details,
// link by link, the first broken link marked with its cause in full; a
// flowing track shows the live receive figures; our refused camera shows
// though it has no SID; the list marks whoever has a broken chain; an
// unpublished track or a participant leaving drops the chains.
func TestRosterChains(t *testing.T) {
	b := chainBackend(t)
	m := send(t, joinedRoster(t, b, 100, 60), keyMsg("4"))
	if v := m.View(); !strings.Contains(v, "! a track's chain is broken") || !strings.Contains(v, "! bob") {
		t.Errorf("the list should mark bob and say what ! means:\n%s", v)
	}
	m = send(t, m, keyMsg("down"), keyMsg("enter"))
	bob := strings.Join(m.roster.detailLines(), "\n")
	if words := strings.Join(strings.Fields(bob), " "); !strings.Contains(words, "only the publisher can let you in") {
		t.Errorf("the cause is cut:\n%s", bob)
	}
	for _, want := range []string{
		"✗ broken at allowed by publisher",
		"▸ ✗ allowed by publisher",
		"… subscribed",
		"✓ every link holds",
		"✓ media arriving       412 packets, 32 kb/s", // live, not the chain's own figures
	} {
		if !strings.Contains(bob, want) {
			t.Errorf("bob's details lack %q:\n%s", want, bob)
		}
	}
	if strings.Contains(bob, "23 packets") {
		t.Errorf("media arriving shows the chain's stale figures:\n%s", bob)
	}

	m = send(t, m, keyMsg("esc"), keyMsg("up"), keyMsg("enter"))
	ours := strings.Join(m.roster.detailLines(), "\n")
	for _, want := range []string{`camera · "demo-video" · not published`, "✗ broken at may publish", "may publish only microphone"} {
		if !strings.Contains(ours, want) {
			t.Errorf("our details lack %q:\n%s", want, ours)
		}
	}

	m = send(t, m, keyMsg("esc"), streamMsg{id: m.joinID, evs: []room.Event{room.TrackUnpublished{At: t0, Identity: "bob", Track: bobCam}}})
	if m.roster.chains.alarming("bob") || len(m.roster.chains["bob"]) != 1 {
		t.Errorf("bob's camera is gone, its chain should be too: %v", m.roster.chains["bob"])
	}
	m = send(t, m, streamMsg{id: m.joinID, evs: []room.Event{room.ParticipantLeft{At: t0, Participant: room.Participant{Identity: "bob"}}}})
	if _, ok := m.roster.chains["bob"]; ok {
		t.Errorf("bob left, his chains should go: %v", m.roster.chains["bob"])
	}
}

// TestChainLinesFit: at every width a chain's lines fit, and the cause
// is all there.
func TestChainLinesFit(t *testing.T) {
	st := styles.New(styles.DefaultTheme(), false)
	c := bobCamChain(t0)
	cause := "bob's track permissions leave you out (SubscriptionPermission): only the publisher can let you in"
	for _, w := range []int{29, 43, 86} {
		lines := chainLines(&st, c, "", w)
		for _, l := range lines {
			if lw := len([]rune(l)); lw > w {
				t.Errorf("width %d: %q is %d wide", w, l, lw)
			}
		}
		if words := strings.Join(strings.Fields(strings.Join(lines, " ")), " "); !strings.Contains(words, cause) {
			t.Errorf("width %d: the cause is cut:\n%s", w, strings.Join(lines, "\n"))
		}
	}
}

// Golden: bob's details, a broken chain and a flowing one.
func TestGoldenRosterChains(t *testing.T) {
	for _, sz := range [][2]int{{100, 30}, {160, 45}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			runGoldenAt(t, sz[0], sz[1], chainBackend(t), "allowed by publisher",
				keyMsg("j"), keyMsg("4"), waitScreen("bob"), keyMsg("down"), keyMsg("enter"))
		})
	}
}
