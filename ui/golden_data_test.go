package ui

import (
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/hooks"
	"github.com/lkdash/lkdash/room"
)

// dataGoldenSizes: the stacked layout, where the room's panels are tabs
// of one wide box, and every panel on screen.
var dataGoldenSizes = [][2]int{{100, 30}, {160, 45}}

// goldenAtSizes runs one golden per size; build makes each size's
// backend and the messages to send.
func goldenAtSizes(t *testing.T, waitFor string, build func(t *testing.T) (*fakeBackend, []tea.Msg)) {
	for _, sz := range dataGoldenSizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			b, msgs := build(t)
			runGoldenAt(t, sz[0], sz[1], b, waitFor, msgs...)
		})
	}
}

// TestGoldenWebhooks: the managed server's deliveries while joined, each
// with its lag after the room event, and two forgeries with their causes.
func TestGoldenWebhooks(t *testing.T) {
	goldenAtSizes(t, "2 not verified", func(t *testing.T) (*fakeBackend, []tea.Msg) {
		b := joinedBackend(t, false) // alice connects at 1 s, bob joins at 3 s, publishes at 4 s
		b.hooks = make(chan hooks.Delivery, 16)
		after := func(s int, ms int) time.Time {
			return t0.Add(time.Duration(s)*time.Second + time.Duration(ms)*time.Millisecond)
		}
		pub := delivery("track_published", "bob", after(4, 9), true)
		pub.Track = "TR_1"
		wrongKey := delivery("participant_joined", "mallory", after(5, 0), false)
		wrongKey.Cause, wrongKey.Reason, wrongKey.SignedWith = hooks.CauseWrongKey, `signed with key "APIforged", not "devkey"`, "APIforged"
		for _, d := range []hooks.Delivery{
			delivery("room_started", "", after(0, 987), true),
			delivery("participant_joined", "alice", after(1, 2), true),
			delivery("participant_joined", "bob", after(3, 12), true),
			pub,
			delivery("participant_joined", "mallory", after(5, 0), false),
			wrongKey,
		} {
			b.hooks <- d
		}
		return b, []tea.Msg{DevServerReadyMsg{EndpointURL: "http://127.0.0.1:7890/token", ServerURL: "ws://127.0.0.1:7880"},
			keyMsg("j"), waitScreen("metadata_changed"), keyMsg(pWebhooks.key())}
	})
}

// dataBackend is a joined room whose session brings one message of each
// kind.
func dataBackend(t *testing.T) *fakeBackend {
	b := joinedBackend(t, false)
	evs := drain(b.sess.ch)
	b.sess.ch = make(chan room.Event, 64)
	for _, ev := range append(evs, dataEvents()...) {
		b.sess.ch <- ev
	}
	return b
}

// TestGoldenData: the Data panel with every kind of message.
func TestGoldenData(t *testing.T) {
	goldenAtSizes(t, "12 messages", func(t *testing.T) (*fakeBackend, []tea.Msg) {
		return dataBackend(t), []tea.Msg{keyMsg("j"), waitScreen("metadata_changed"), keyMsg(pData.key())}
	})
}

// TestGoldenSendForm: the send form open on an RPC call, filled in.
func TestGoldenSendForm(t *testing.T) {
	goldenAtSizes(t, "payload ping", func(t *testing.T) (*fakeBackend, []tea.Msg) {
		msgs := []tea.Msg{keyMsg("j"), waitScreen("metadata_changed"), keyMsg(pData.key()), keyMsg("s"), keyMsg("right"), keyMsg("right"), keyMsg("tab")}
		msgs = append(msgs, keys("b", "o", "b", "tab", "tab", "p", "i", "n", "g")...)
		return dataBackend(t), msgs
	})
}

// agentTurnBackend is a joined room where the agent (agent-7, there
// before us) listens, transcribes alice, then speaks.
func agentTurnBackend(t *testing.T) *fakeBackend {
	b := joinedBackend(t, false)
	at := t0.Add(5 * time.Second)
	for _, ev := range []room.Event{
		room.AttributesChanged{At: at, Identity: "agent-7", Changed: map[string]string{room.AttrAgentState: "listening"}},
		room.AgentStateChanged{At: at, Identity: "agent-7", New: room.AgentListening},
		room.Transcription{At: at.Add(time.Second), Identity: "alice", Sender: "agent-7", TrackSID: "TR_mic", Final: true, Text: "what's the weather like?", Preview: "what's the weather like?"},
		room.AttributesChanged{At: at.Add(2 * time.Second), Identity: "agent-7", Changed: map[string]string{room.AttrAgentState: "speaking"}},
		room.AgentStateChanged{At: at.Add(2 * time.Second), Identity: "agent-7", Old: room.AgentListening, New: room.AgentSpeaking},
		room.Transcription{At: at.Add(3 * time.Second), Identity: "agent-7", Sender: "agent-7", Final: true, Text: "Sunny and mild, around twenty degrees all afternoon.", Preview: "Sunny and mild, around twenty degrees all afternoon."},
	} {
		b.sess.ch <- ev
	}
	return b
}

// TestGoldenRosterAgent: the agent's live state in the roster, in place
// of its kind.
func TestGoldenRosterAgent(t *testing.T) {
	goldenAtSizes(t, "speaking", func(t *testing.T) (*fakeBackend, []tea.Msg) {
		return agentTurnBackend(t), []tea.Msg{keyMsg("j"), waitScreen("metadata_changed"), keyMsg(pRoster.key())}
	})
}

// TestGoldenRosterSaid: what alice said, as the agent transcribed it, in
// her details.
func TestGoldenRosterSaid(t *testing.T) {
	goldenAtSizes(t, "last said", func(t *testing.T) (*fakeBackend, []tea.Msg) {
		return agentTurnBackend(t), []tea.Msg{keyMsg("j"), waitScreen("metadata_changed"), keyMsg(pRoster.key()), waitScreen("speaking"), keyMsg("enter")}
	})
}
