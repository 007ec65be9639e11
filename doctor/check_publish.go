package doctor

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lkdash/lkdash/room"
)

const (
	// publishWait bounds the wait for the demo to reach the watcher.
	publishWait = 10 * time.Second
	// statsEvery is how often the watcher reports what arrives.
	statsEvery = 300 * time.Millisecond
	// unconfirmedWait is how long the demo is sent when nobody can watch.
	unconfirmedWait = 2 * time.Second
	// confirmPackets is how many packets of each track must arrive: a
	// steady stream, not one packet that slipped through.
	confirmPackets = 10
)

// checkPublish publishes the demo audio and video and has a second
// participant confirm that packets of both arrive: the server forwarded
// them, which is more than "sent".
func (r *run) checkPublish(ctx context.Context) Result {
	s, err := r.liveMain(ctx)
	if err != nil {
		return skipped("needs a connected session: " + err.Error())
	}
	var res Result
	if _, err := s.PublishDemo(); err != nil && !errors.Is(err, room.ErrDemoPublished) {
		res.Summary = "the server did not accept the demo tracks"
		res.problem(Fail, "publishing failed: "+r.safe(err.Error()), "check the token's canPublish grant and the room's limits")
		return res
	}
	cfg := r.sessionConfig()
	cfg.AutoSubscribe, cfg.StatsInterval = true, statsEvery
	w, werr := r.extraSession(ctx, "watch", cfg)
	got := map[string]room.TrackStats{}
	if werr == nil {
		ctx, cancel := context.WithTimeout(ctx, publishWait)
		_, _ = waitEvent(ctx, w, func(ts room.TrackStats) bool {
			if ts.Identity == r.tok.Identity() && ts.Packets > 0 {
				got[ts.Track.Name] = ts
			}
			return got[room.DemoAudioName].Packets >= confirmPackets && got[room.DemoVideoName].Packets >= confirmPackets
		})
		cancel()
		w.Leave()
	} else {
		select {
		case <-ctx.Done():
		case <-time.After(unconfirmedWait):
		}
	}
	res.Details.Tracks = publishRuns(s.SendStats(), got)
	r.judgePublish(&res, werr)
	return res
}

func publishRuns(sent []room.SendStats, got map[string]room.TrackStats) []TrackRun {
	out := []TrackRun{}
	for _, st := range sent {
		if st.Name != room.DemoAudioName && st.Name != room.DemoVideoName {
			continue
		}
		tr := TrackRun{Name: st.Name, Kind: st.Kind, PacketsSent: st.PacketsSent}
		if g, ok := got[st.Name]; ok {
			tr.PacketsReceived, tr.Codec = g.Packets, g.Codec
		}
		out = append(out, tr)
	}
	return out
}

// judgePublish turns the counts into a verdict.
func (r *run) judgePublish(res *Result, werr error) {
	var parts []string
	for _, t := range res.Details.Tracks {
		parts = append(parts, fmt.Sprintf("%s %d/%d", t.Kind, t.PacketsReceived, t.PacketsSent))
		switch {
		case t.PacketsSent == 0:
			res.problem(Fail, "no "+t.Kind+" packet left: the track was accepted but nothing was sent", "")
		case werr == nil && t.PacketsReceived == 0:
			res.problem(Fail, fmt.Sprintf("the %s reached the server but no packet of it reached a second participant within %s", t.Kind, publishWait),
				"check the server's log for the track; a room with subscription permissions may withhold it")
		}
	}
	if len(res.Details.Tracks) < 2 {
		res.problem(Fail, "the demo tracks are missing from what the session publishes", "")
	}
	res.Summary = "packets received by a second participant, of those sent: " + strings.Join(parts, ", ")
	if werr != nil {
		res.Summary = "sent, unconfirmed"
		res.problem(Warn, "no second participant could confirm what arrived: "+r.safe(werr.Error()),
			"use a token source that honours --identity (mint, endpoint) to have it confirmed")
	}
}
