package room

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/lkdash/lkdash/tokens"
)

func info(id string, version uint32, edit func(*livekit.ParticipantInfo)) *livekit.ParticipantInfo {
	pi := &livekit.ParticipantInfo{Sid: "PA_" + id, Identity: id, Name: id, State: livekit.ParticipantInfo_ACTIVE, Version: version,
		Permission: &livekit.ParticipantPermission{CanSubscribe: true, CanPublish: true}}
	if edit != nil {
		edit(pi)
	}
	return pi
}

func evTypes(evs []Event) []string {
	out := []string{}
	for _, ev := range evs {
		out = append(out, ev.Type())
	}
	return out
}

// TestTrackerEvents: each change of a participant's info becomes the
// matching event, in order; stale versions are ignored.
func TestTrackerEvents(t *testing.T) {
	now := time.Unix(1000, 0)
	mic := &livekit.TrackInfo{Sid: "TR_mic", Type: livekit.TrackType_AUDIO, Source: livekit.TrackSource_MICROPHONE, MimeType: "audio/opus"}
	cam := &livekit.TrackInfo{Sid: "TR_cam", Type: livekit.TrackType_VIDEO, Source: livekit.TrackSource_CAMERA}
	tests := []struct {
		name string
		up   *livekit.ParticipantInfo
		want []string
	}{
		{"a newcomer joins", info("carol", 1, nil), []string{"participant_joined"}},
		{"no change, no event", info("bob", 2, nil), []string{}},
		{"stale version ignored", info("bob", 0, func(p *livekit.ParticipantInfo) { p.Name = "old" }), []string{}},
		{"rename", info("bob", 2, func(p *livekit.ParticipantInfo) { p.Name = "Robert" }), []string{"name_changed"}},
		{"metadata and attributes", info("bob", 2, func(p *livekit.ParticipantInfo) {
			p.Metadata = `{"a":1}`
			p.Attributes = map[string]string{"k": "v"}
		}), []string{"metadata_changed", "attributes_changed"}},
		{"kind", info("bob", 2, func(p *livekit.ParticipantInfo) { p.Kind = livekit.ParticipantInfo_AGENT }), []string{"kind_changed"}},
		{"permissions", info("bob", 2, func(p *livekit.ParticipantInfo) { p.Permission.CanPublish = false }), []string{"permissions_changed"}},
		{"tracks published", info("bob", 2, func(p *livekit.ParticipantInfo) { p.Tracks = []*livekit.TrackInfo{mic, cam} }),
			[]string{"track_published", "track_published"}},
		{"left with a reason", info("bob", 3, func(p *livekit.ParticipantInfo) {
			p.State = livekit.ParticipantInfo_DISCONNECTED
			p.DisconnectReason = livekit.DisconnectReason_PARTICIPANT_REMOVED
		}), []string{"participant_left"}},
		{"our own disconnect is not a leave", info("alice", 2, func(p *livekit.ParticipantInfo) { p.State = livekit.ParticipantInfo_DISCONNECTED }), []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTracker()
			evs := tr.join(&livekit.JoinResponse{Participant: info("alice", 1, nil), OtherParticipants: []*livekit.ParticipantInfo{info("bob", 1, nil)}}, now)
			if len(evs) != 0 || tr.snapLocal.Identity != "alice" || len(tr.snapOthers) != 1 {
				t.Fatalf("join: events %v, snapshot %+v %+v", evTypes(evs), tr.snapLocal, tr.snapOthers)
			}
			got := evTypes(tr.update([]*livekit.ParticipantInfo{tt.up}, now))
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("events %v, want %v", got, tt.want)
			}
		})
	}
}

// TestTrackerTrackChanges: mute, unmute, codec/layers learnt later, and
// unpublish.
func TestTrackerTrackChanges(t *testing.T) {
	now := time.Unix(1000, 0)
	cam := func(edit func(*livekit.TrackInfo)) *livekit.ParticipantInfo {
		ti := &livekit.TrackInfo{Sid: "TR_cam", Type: livekit.TrackType_VIDEO, Source: livekit.TrackSource_CAMERA}
		if edit != nil {
			edit(ti)
		}
		return info("bob", 5, func(p *livekit.ParticipantInfo) { p.Tracks = []*livekit.TrackInfo{ti} })
	}
	tr := newTracker()
	tr.join(&livekit.JoinResponse{Participant: info("alice", 1, nil), OtherParticipants: []*livekit.ParticipantInfo{cam(nil)}}, now)
	steps := []struct {
		up   *livekit.ParticipantInfo
		want []string
	}{
		{cam(func(ti *livekit.TrackInfo) { ti.Muted = true }), []string{"track_muted"}},
		{cam(func(ti *livekit.TrackInfo) {
			ti.Codecs = []*livekit.SimulcastCodecInfo{{MimeType: "video/VP8", Layers: []*livekit.VideoLayer{{Quality: livekit.VideoQuality_LOW, Width: 320, Height: 180}}}}
			//lint:ignore SA1019 livekit-server v1.13.5 still sets it, so the tracker reads it
			ti.Simulcast = true
		}), []string{"track_updated", "track_unmuted"}},
		{info("bob", 5, nil), []string{"track_unpublished"}},
	}
	for i, s := range steps {
		evs := tr.update([]*livekit.ParticipantInfo{s.up}, now)
		if got := evTypes(evs); !reflect.DeepEqual(got, s.want) {
			t.Fatalf("step %d: events %v, want %v", i, got, s.want)
		}
		if u, ok := evs[0].(TrackUpdated); ok && (u.Track.MimeType != "video/VP8" || len(u.Track.Layers) != 1 || u.Track.Layers[0].Width != 320) {
			t.Fatalf("codec and layers not read: %+v", u.Track)
		}
	}
	q := tr.connectionQuality([]*livekit.ConnectionQualityInfo{{ParticipantSid: "PA_bob", Quality: livekit.ConnectionQuality_POOR}, {ParticipantSid: "PA_nobody"}}, now)
	if cq, ok := q.(ConnectionQuality); !ok || !reflect.DeepEqual(cq.Qualities, map[string]string{"bob": "poor"}) {
		t.Fatalf("quality event %+v", q)
	}
	if tr.connectionQuality([]*livekit.ConnectionQualityInfo{{ParticipantSid: "PA_bob", Quality: livekit.ConnectionQuality_POOR}}, now) != nil {
		t.Fatal("an unchanged quality made an event")
	}
}

// TestRosterApply: the roster keeps the local participant first, then
// join order, and follows changes and leaves.
func TestRosterApply(t *testing.T) {
	r := NewRoster()
	r.Apply(Connected{Local: Participant{Identity: "me"}, Participants: []Participant{{Identity: "a"}, {Identity: "b"}}})
	r.Apply(ParticipantJoined{Participant: Participant{Identity: "c"}})
	r.Apply(ParticipantJoined{Participant: Participant{Identity: "a", Name: "again"}}) // known: stays in place
	r.Apply(AttributesChanged{Identity: "b", Changed: map[string]string{"x": "1"}})
	r.Apply(TrackPublished{Identity: "c", Track: Track{SID: "T1", Kind: "audio"}})
	r.Apply(TrackMuted{Identity: "c", Track: Track{SID: "T1", Kind: "audio", Muted: true}})
	r.Apply(ActiveSpeakers{Identities: []string{"c"}})
	r.Apply(ConnectionQuality{Qualities: map[string]string{"me": "excellent"}})
	r.Apply(ParticipantLeft{Participant: Participant{Identity: "b"}})
	var order []string
	for i := range r.Len() {
		order = append(order, r.At(i).Identity)
	}
	if !reflect.DeepEqual(order, []string{"me", "a", "c"}) {
		t.Fatalf("order %v", order)
	}
	me, _ := r.Get("me")
	a, _ := r.Get("a")
	c, _ := r.Get("c")
	if !me.Local || me.Quality != "excellent" || a.Name != "again" || !c.Speaking || len(c.Tracks) != 1 || !c.Tracks[0].Muted {
		t.Fatalf("state: me %+v a %+v c %+v", me, a, c)
	}
	if r.Apply(NameChanged{Identity: "b", New: "gone"}) {
		t.Fatal("a change for someone who left changed the roster")
	}
}

// TestParticipantStateFromServer: against the real server, a participant
// of each kind shows up with it, changes made through RoomService arrive
// as typed events, and a removal says why.
func TestParticipantStateFromServer(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	name := roomName(t)
	agentTok, err := auth.NewAccessToken(srv.APIKey, srv.APISecret).SetIdentity("agent-1").SetName("Helper").
		SetKind(livekit.ParticipantInfo_AGENT).SetVideoGrant(&auth.VideoGrant{RoomJoin: true, Room: name, Agent: true}).
		SetValidFor(time.Hour).ToJWT()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	agent, err := Join(ctx, tokens.IgnoreOptions(tokens.Literal{ServerURL: srv.URL, ParticipantToken: agentTok}), tokens.Options{}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(agent.Leave)

	watcher := joinRoom(t, srv, name, "watcher", Config{})
	c, _ := waitFor[Connected](t, watcher, nil)
	if len(c.Participants) != 1 || c.Participants[0].Kind != KindAgent || c.Participants[0].Name != "Helper" || c.Participants[0].JoinedAt.IsZero() {
		t.Fatalf("the agent already in the room: %+v", c.Participants)
	}
	if c.Local.Identity != "watcher" || c.Local.Kind != KindStandard || c.Local.Permissions == nil || !c.Local.Permissions.CanSubscribe {
		t.Fatalf("local participant %+v", c.Local)
	}

	bob := joinRoom(t, srv, name, "bob", Config{})
	j, _ := waitFor(t, watcher, func(e ParticipantJoined) bool { return e.Participant.Identity == "bob" })
	if j.Participant.Kind != KindStandard {
		t.Errorf("bob's kind %q", j.Participant.Kind)
	}
	rs := lksdk.NewRoomServiceClient(srv.URL, srv.APIKey, srv.APISecret)
	if _, err := rs.UpdateParticipant(ctx, &livekit.UpdateParticipantRequest{Room: name, Identity: "bob", Name: "Robert",
		Permission: &livekit.ParticipantPermission{CanSubscribe: true, CanPublishData: true}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, watcher, func(e NameChanged) bool { return e.Identity == "bob" && e.New == "Robert" })
	p, _ := waitFor(t, watcher, func(e PermissionsChanged) bool { return e.Identity == "bob" })
	if p.New == nil || p.New.CanPublish || !p.New.CanPublishData {
		t.Errorf("bob's new permissions %+v", p.New)
	}
	if _, err := rs.RemoveParticipant(ctx, &livekit.RoomParticipantIdentity{Room: name, Identity: "bob"}); err != nil {
		t.Fatal(err)
	}
	l, _ := waitFor(t, watcher, func(e ParticipantLeft) bool { return e.Participant.Identity == "bob" })
	t.Logf("bob removed: code %q reason %q", l.Code, l.Reason)
	if l.Code != "PARTICIPANT_REMOVED" {
		t.Errorf("removal reason %q (%q)", l.Code, l.Reason)
	}
	_ = bob
}
