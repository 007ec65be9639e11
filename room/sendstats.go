package room

import (
	"sort"
	"time"

	lksdk "github.com/livekit/server-sdk-go/v2"
)

// SendStats is what one of our published tracks has sent so far, and what
// the server's RTCP receiver reports say about its arrival there.
type SendStats struct {
	TrackSID    string        // the track
	Name        string        // its name
	Kind        string        // "audio" or "video"
	PacketsSent uint64        // RTP packets sent
	BytesSent   uint64        // RTP payload bytes sent
	PacketsLost int64         // lost on the way, as the server reports
	Jitter      time.Duration // interarrival jitter, as the server reports
	RTT         time.Duration // round-trip time from the reports; 0 before the first
	Reports     uint64        // how many reports carried an RTT
}

// SendStats lists the statistics of each track we publish, by name.
func (s *Session) SendStats() []SendStats {
	room := s.room.Load()
	if room == nil {
		return nil
	}
	var out []SendStats
	for _, pub := range room.LocalParticipant.TrackPublications() {
		lp, ok := pub.(*lksdk.LocalTrackPublication)
		if !ok {
			continue
		}
		lt, ok := lp.TrackLocal().(*lksdk.LocalTrack)
		if !ok {
			continue
		}
		st := SendStats{TrackSID: lp.SID(), Name: lp.Name(), Kind: string(lp.Kind())}
		if got, ok := s.recv.sent(uint32(lt.SSRC())); ok {
			st.PacketsSent, st.BytesSent = got.OutboundRTPStreamStats.PacketsSent, got.OutboundRTPStreamStats.BytesSent
			ri := got.RemoteInboundRTPStreamStats
			st.PacketsLost = ri.PacketsLost
			st.Jitter = time.Duration(ri.Jitter * float64(time.Second))
			st.RTT, st.Reports = ri.RoundTripTime, ri.RoundTripTimeMeasurements
		}
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
