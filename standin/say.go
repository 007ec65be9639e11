package standin

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"

	"github.com/lkdash/lkdash/internal/agentproto"
	"github.com/lkdash/lkdash/media"
)

// sayStep is how long each state of a turn lasts: long enough for every
// participant to see each state, and for the tone to be heard.
const sayStep = 1500 * time.Millisecond

// toneLevel is the tone's audio level in -dBov, loud enough for the
// server's speaker detection.
const toneLevel = 21

// say plays one turn of a conversation in r, as an agent built with the
// agents framework would: it publishes the demo tone as its voice, moves
// its lk.agent.state listening → speaking → listening, and while speaking
// sends text as the transcription of that voice (an lk.transcription text
// stream naming the tone's track).
func say(ctx context.Context, r *lksdk.Room, text string) error {
	setState := func(s string) {
		r.LocalParticipant.SetAttributes(map[string]string{agentproto.AttrAgentState: s})
	}
	setState(agentproto.StateListening)
	voice, err := publishTone(r)
	if err != nil {
		return err
	}
	if !pause(ctx, sayStep) {
		return ctx.Err()
	}
	setState(agentproto.StateSpeaking)
	r.LocalParticipant.SendText(text, lksdk.StreamTextOptions{
		Topic: agentproto.TopicTranscription,
		Attributes: map[string]string{
			agentproto.AttrTranscribedTrack:   voice,
			agentproto.AttrSegmentID:          "SG_" + rand.Text()[:12],
			agentproto.AttrTranscriptionFinal: "true",
		},
	})
	if !pause(ctx, sayStep) {
		return ctx.Err()
	}
	setState(agentproto.StateListening)
	return nil
}

// VoiceTrackName is the name of the track a speaking stand-in publishes.
const VoiceTrackName = "agent-voice"

// publishTone publishes the embedded test tone as the agent's microphone
// and returns its track id.
func publishTone(r *lksdk.Room) (string, error) {
	clip, err := media.DemoAudio()
	if err != nil {
		return "", err
	}
	loop, err := media.NewAudioLoop(clip, toneLevel)
	if err != nil {
		return "", err
	}
	track, err := lksdk.NewLocalTrack(webrtc.RTPCodecCapability{MimeType: clip.MimeType, ClockRate: 48000})
	if err != nil {
		return "", err
	}
	if err := track.StartWrite(loop, nil); err != nil {
		return "", err
	}
	pub, err := r.LocalParticipant.PublishTrack(track, &lksdk.TrackPublicationOptions{Name: VoiceTrackName, Source: livekit.TrackSource_MICROPHONE})
	if err != nil {
		_ = track.Close()
		return "", fmt.Errorf("standin: publishing the tone: %w", err)
	}
	return pub.SID(), nil
}

// pause waits d; false when ctx ended first.
func pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
