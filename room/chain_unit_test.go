package room

import (
	"strings"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
)

func TestFirstBrokenSkipsUnknownLinks(t *testing.T) {
	yes, no := true, false
	base := remoteLinks{publisher: Participant{Identity: "bob", Name: "Bob"}, track: Track{SID: "TR_1", Kind: "video", Source: "CAMERA", MimeType: "video/VP8"},
		canSubscribe: &yes}
	c := newChain(time.Now(), "bob", false, base.track, base.links())
	if c.FirstBroken != LinkSubscribed || c.State != LinkOff {
		t.Errorf("not subscribing: first = %s %s, want subscribed off (allowed_by_publisher is only unknown)", c.FirstBroken, c.State)
	}
	base.subscribing, base.allowed = true, &no
	if c := newChain(time.Now(), "bob", false, base.track, base.links()); c.FirstBroken != LinkAllowed || !strings.Contains(c.Cause, "bob's track permissions") {
		t.Errorf("left out: %+v", c)
	}
	base.allowed, base.subscribed, base.stream = &yes, true, "PAUSED"
	base.media = mediaSample{packets: 10, sinceSub: time.Second}
	if c := newChain(time.Now(), "bob", false, base.track, base.links()); c.FirstBroken != LinkStreamActive || !strings.Contains(c.Cause, "bandwidth") {
		t.Errorf("paused: %+v", c)
	}
	base.stream, base.media = "ACTIVE", mediaSample{packets: 10, sinceSub: 10 * time.Second, sinceFresh: 4 * time.Second}
	if c := newChain(time.Now(), "bob", false, base.track, base.links()); c.FirstBroken != LinkMediaArriving || !strings.Contains(c.Cause, "no packets for 4s") {
		t.Errorf("stalled: %+v", c)
	}
	base.media.sinceFresh = 0
	a := newChain(time.Now(), "bob", false, base.track, base.links())
	base.media.packets, base.media.bitrate = 500, 300000
	b := newChain(time.Now(), "bob", false, base.track, base.links())
	if a.State != LinkOK || !sameChain(a, b) {
		t.Errorf("a healthy chain whose numbers moved is not news: %+v / %+v", a, b)
	}
	base.track.Muted = true
	if c := newChain(time.Now(), "bob", false, base.track, base.links()); c.FirstBroken != LinkPublished || sameChain(b, c) {
		t.Errorf("muted: %+v", c)
	}
}

func TestPublishDenialNamesTheGrant(t *testing.T) {
	for _, c := range []struct {
		perms  Permissions
		source string
		want   string
	}{
		{Permissions{CanPublish: false}, "CAMERA", "canPublish is false"},
		{Permissions{CanPublish: true, CanPublishSources: []string{"MICROPHONE"}}, "CAMERA", "may publish only microphone (canPublishSources); the camera"},
		{Permissions{CanPublish: true, CanPublishSources: []string{"CAMERA", "MICROPHONE"}}, "SCREEN_SHARE", "only camera, microphone (canPublishSources); the screen share"},
		{Permissions{CanPublish: true, CanPublishSources: []string{"MICROPHONE"}}, "MICROPHONE", ""},
		{Permissions{CanPublish: true}, "CAMERA", ""},
	} {
		got := publishDenial(c.perms, c.source)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("publishDenial(%+v, %s) = %q, want %q", c.perms, c.source, got, c.want)
		}
	}
}

// TestRoomStateLastOne: agents and recorders do not keep a room open, so
// with only them left we are the last one and the room outlives us by the
// departure timeout.
func TestRoomStateLastOne(t *testing.T) {
	tr := newTracker()
	tr.join(&livekit.JoinResponse{
		Participant: &livekit.ParticipantInfo{Identity: "me"},
		OtherParticipants: []*livekit.ParticipantInfo{
			{Identity: "agent", Kind: livekit.ParticipantInfo_AGENT},
			{Identity: "rec", Kind: livekit.ParticipantInfo_EGRESS},
		},
	}, time.Now())
	r := &livekit.Room{Name: "r", DepartureTimeout: 7, MaxParticipants: 3, TurnPassword: "secret-turn"}
	st := roomStateOf(r, tr)
	if !st.LastOne || st.ClosesAfterLeaveSeconds == nil || *st.ClosesAfterLeaveSeconds != 7 || st.Participants != 3 {
		t.Errorf("with an agent and a recorder: %+v", st)
	}
	tr.update([]*livekit.ParticipantInfo{{Identity: "bob", Version: 1}}, time.Now())
	if st := roomStateOf(r, tr); st.LastOne || st.ClosesAfterLeaveSeconds != nil {
		t.Errorf("with bob: %+v", st)
	}
	line, _ := MarshalEvent(st)
	if strings.Contains(string(line), "secret-turn") {
		t.Errorf("the TURN password leaked: %s", line)
	}
}
