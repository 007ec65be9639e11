package room

import (
	"fmt"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
)

// bigRoom is a session that has joined a room of n publishers with a
// camera and a microphone each, and no subscriptions.
func bigRoom(n int) (*Session, []*livekit.ParticipantInfo) {
	s := &Session{cfg: Config{Now: time.Now}, events: make(chan Event, EventBuffer), people: newTracker(),
		chains: newChainBook(), ready: true}
	perm := &livekit.ParticipantPermission{CanSubscribe: true, CanPublish: true}
	jr := &livekit.JoinResponse{
		Room:        &livekit.Room{Name: "big", Sid: "RM_big", DepartureTimeout: 20},
		Participant: &livekit.ParticipantInfo{Identity: "me", Sid: "PA_me", Permission: perm},
	}
	for i := range n {
		id := fmt.Sprintf("p%03d", i)
		jr.OtherParticipants = append(jr.OtherParticipants, &livekit.ParticipantInfo{
			Identity: id, Sid: "PA_" + id, Version: 1, Permission: perm, State: livekit.ParticipantInfo_ACTIVE,
			Tracks: []*livekit.TrackInfo{
				{Sid: "TR_v" + id, Type: livekit.TrackType_VIDEO, Source: livekit.TrackSource_CAMERA, MimeType: "video/VP8"},
				{Sid: "TR_a" + id, Type: livekit.TrackType_AUDIO, Source: livekit.TrackSource_MICROPHONE, MimeType: "audio/opus"},
			},
		})
	}
	s.roomBook.onRoom(jr.GetRoom())
	s.people.join(jr, time.Now())
	return s, jr.OtherParticipants
}

// BenchmarkParticipantUpdate500 applies one participant's metadata change
// in a room of 500 publishers: the tracker alone (the baseline), then with
// the room state and every track's chain reviewed as Session.track does.
// The ratio is what the chains cost on each signal message.
func BenchmarkParticipantUpdate500(b *testing.B) {
	update := func(s *Session, others []*livekit.ParticipantInfo, i int, review bool) {
		pi := others[i%len(others)]
		pi.Version++
		pi.Metadata = fmt.Sprint(i)
		if !review {
			s.people.update([]*livekit.ParticipantInfo{pi}, time.Now())
			return
		}
		s.track(func(t *tracker, now time.Time) []Event { return t.update([]*livekit.ParticipantInfo{pi}, now) })
		for len(s.events) > 0 {
			<-s.events
		}
	}
	measure := func(review bool) time.Duration {
		s, others := bigRoom(500)
		update(s, others, 0, review) // the first review emits every chain
		t0 := time.Now()
		for i := range b.N {
			update(s, others, i+1, review)
		}
		return time.Since(t0) / time.Duration(max(b.N, 1))
	}
	base := measure(false)
	with := measure(true)
	b.ReportMetric(float64(base.Nanoseconds()), "tracker-ns/op")
	b.ReportMetric(float64(with.Nanoseconds()), "with-chains-ns/op")
	b.ReportMetric(float64(with)/float64(max(base, 1)), "ratio")
}
