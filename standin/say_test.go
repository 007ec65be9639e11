package standin

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

// TestSayPlaysATurn dispatches a stand-in with Config.Say into a room: the
// session sees its state go listening → speaking → listening and its
// transcription, attributed to it through its tone's track, and the roster
// follows the state.
func TestSayPlaysATurn(t *testing.T) {
	srv := shared.Server(t)
	name := fmt.Sprintf("speaker-%d", time.Now().UnixNano())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	w, err := Register(ctx, Config{URL: srv.URL, APIKey: srv.APIKey, APISecret: srv.APISecret, AgentName: name, Say: "hello there"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	next(t, w, EventRegistered)

	mint := &tokens.Mint{ServerURL: srv.URL, APIKey: srv.APIKey, APISecret: srv.APISecret}
	sess, err := room.Join(ctx, mint, tokens.Options{RoomName: roomName(t), ParticipantIdentity: "human", AgentName: name}, room.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Leave()
	roster := room.NewRoster()
	var agent string
	var states []room.AgentState
	var said *room.Transcription
	deadline := time.After(30 * time.Second)
	for said == nil || len(states) < 3 {
		var ev room.Event
		select {
		case ev = <-sess.Events():
		case <-deadline:
			t.Fatalf("no full turn within 30 s: states %v, transcription %v", states, said)
		}
		roster.Apply(ev)
		switch e := ev.(type) {
		case room.AgentJoined:
			agent = e.Identity
		case room.Transcription:
			said = &e
		}
		if m, ok := roster.Get(agent); ok && m.AgentState() != "" && (len(states) == 0 || states[len(states)-1] != m.AgentState()) {
			states = append(states, m.AgentState())
		}
	}
	if want := []room.AgentState{room.AgentListening, room.AgentSpeaking, room.AgentListening}; !slices.Equal(states, want) {
		t.Errorf("the roster showed states %v, want %v", states, want)
	}
	m, _ := roster.Get(agent)
	var tone string
	for _, tr := range m.Tracks {
		if tr.Name == VoiceTrackName {
			tone = tr.SID
		}
	}
	if said.Identity != agent || said.Sender != agent || said.TrackSID != tone || tone == "" || said.Text != "hello there" || !said.Final || said.Segment == "" {
		t.Errorf("transcription = %+v; agent %s, tone %s", *said, agent, tone)
	}
	job := next(t, w, EventJobStarted)
	if ev := next(t, w, EventSaid); ev.Reason != "" || ev.JobID != job.JobID {
		t.Errorf("said = %+v", ev)
	}
}
