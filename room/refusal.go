package room

import (
	"fmt"
	"slices"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
)

// PublishRefusedError is a publication the server refused: it answers a
// refused AddTrackRequest with a RequestResponse, which the SDK ignores
// (PublishTrack would wait out its 10 s timeout). Why names the grant.
type PublishRefusedError struct {
	Track  Track  // what we tried to publish; it has no SID
	Reason string // the server's RequestResponse reason: "NOT_ALLOWED", …
	Why    string // in words: "your token may publish only microphone (canPublishSources); …"
}

// Error says which track was refused and why.
func (e *PublishRefusedError) Error() string {
	return fmt.Sprintf("the server refused to publish the %s track %q: %s", e.Track.Media(), e.Track.Name, e.Why)
}

// maxRefused bounds the refused publications kept for their chains.
const maxRefused = 8

// onRequestResponse routes the server's refusal of one of our publications
// to the PublishTrack call waiting for it, and into the track's chain.
func (s *Session) onRequestResponse(r *livekit.RequestResponse) {
	add := r.GetAddTrack()
	if add == nil || r.GetReason() == livekit.RequestResponse_OK || r.GetReason() == livekit.RequestResponse_QUEUED {
		return
	}
	s.mu.Lock()
	var perms *Permissions
	if p, ok := s.people.people[s.people.local]; ok {
		perms = p.Permissions
	}
	why := refusalWords(r, add, perms)
	wait := s.publishing[add.GetCid()]
	s.chains.onRefused(add, why)
	if n := len(s.chains.refused); n > maxRefused {
		s.chains.refused = slices.Delete(s.chains.refused, 0, n-maxRefused)
	}
	s.pushAll(s.reviewChainsLocked(s.cfg.Now(), scopeOf(s.people.local)))
	s.mu.Unlock()
	if wait != nil {
		select {
		case wait <- why:
		default:
		}
	}
}

// refusalWords explains a refused AddTrackRequest: for NOT_ALLOWED, the
// grant that is missing, as livekit-server v1.13.5 checks it
// (ParticipantImpl.AddTrack: CanPublishSource).
func refusalWords(r *livekit.RequestResponse, add *livekit.AddTrackRequest, perms *Permissions) string {
	if r.GetReason() == livekit.RequestResponse_NOT_ALLOWED && perms != nil {
		if why := publishDenial(*perms, add.GetSource().String()); why != "" {
			return why
		}
	}
	why := r.GetReason().String()
	if m := r.GetMessage(); m != "" {
		why += ": " + m
	}
	return why
}

// publishTrack publishes through the SDK but returns at once with a
// *PublishRefusedError when the server refuses the track, instead of
// waiting out the SDK's timeout.
func (s *Session) publishTrack(room *lksdk.Room, track *lksdk.LocalTrack, opts *lksdk.TrackPublicationOptions) (*lksdk.LocalTrackPublication, error) {
	refused := make(chan string, 1)
	s.mu.Lock()
	if s.publishing == nil {
		s.publishing = map[string]chan string{}
	}
	s.publishing[track.ID()] = refused
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.publishing, track.ID())
		s.mu.Unlock()
	}()
	type result struct {
		pub *lksdk.LocalTrackPublication
		err error
	}
	done := make(chan result, 1)
	go func() {
		pub, err := room.LocalParticipant.PublishTrack(track, opts)
		done <- result{pub, err}
	}()
	select {
	case r := <-done:
		return r.pub, r.err
	case why := <-refused:
		tr := Track{Name: opts.Name, Kind: track.Kind().String()}
		if opts.Source != livekit.TrackSource_UNKNOWN {
			tr.Source = opts.Source.String()
		}
		return nil, &PublishRefusedError{Track: tr, Reason: "NOT_ALLOWED", Why: why}
	}
}
