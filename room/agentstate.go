package room

import (
	"time"

	"github.com/lkdash/lkdash/internal/agentproto"
)

// Names from LiveKit's agents protocol.
const (
	// AttrAgentState is the participant attribute an agent keeps its state in.
	AttrAgentState = agentproto.AttrAgentState
	// TopicTranscription is the text stream topic of transcriptions.
	TopicTranscription = agentproto.TopicTranscription
	// TopicChat is the text stream topic of chat messages.
	TopicChat = agentproto.TopicChat
	// AttrTranscribedTrack is the transcription stream attribute naming the
	// audio track whose speech it transcribes.
	AttrTranscribedTrack = agentproto.AttrTranscribedTrack
	// AttrSegmentID is the transcription stream attribute naming the
	// segment: later streams with the same id replace its text.
	AttrSegmentID = agentproto.AttrSegmentID
	// AttrTranscriptionFinal is "true" on a segment's final text.
	AttrTranscriptionFinal = agentproto.AttrTranscriptionFinal
)

// AgentState is an agent's state as its lk.agent.state attribute says.
type AgentState string

// The states the agents framework publishes.
const (
	AgentInitializing AgentState = "initializing"
	AgentIdle         AgentState = "idle"
	AgentListening    AgentState = agentproto.StateListening
	AgentThinking     AgentState = "thinking"
	AgentSpeaking     AgentState = agentproto.StateSpeaking
)

// AgentState is the participant's lk.agent.state attribute; "" for anyone
// who is not an agent or has not published one.
func (p Participant) AgentState() AgentState { return AgentState(p.Attributes[AttrAgentState]) }

// AgentStateChanged is an agent's lk.agent.state attribute changing (the
// AttributesChanged event carries it too).
type AgentStateChanged struct {
	At       time.Time  `json:"-"`        // when the session saw it
	Identity string     `json:"identity"` // the agent
	Local    bool       `json:"local"`    // true when it is ours
	Old      AgentState `json:"old"`      // "" when it had none
	New      AgentState `json:"new"`      // "" when it was removed
}

// Transcription is a transcription text stream (topic lk.transcription),
// attributed to the participant whose speech it transcribes: the owner of
// the track its lk.transcribed_track_id names when we know that track,
// else the identity the stream came under (agents send a user's
// transcription under the user's identity).
type Transcription struct {
	At       time.Time `json:"-"`                    // when the stream ended
	Identity string    `json:"identity"`             // whose speech
	Sender   string    `json:"sender"`               // the identity the stream came under
	TrackSID string    `json:"track_sid,omitempty"`  // the transcribed track
	Segment  string    `json:"segment_id,omitempty"` // lk.segment_id
	Final    bool      `json:"final"`                // the segment's final text
	Text     string    `json:"text"`                 // the text, as sent
	Preview  string    `json:"preview"`              // see Preview
}

// Time returns At.
func (e AgentStateChanged) Time() time.Time { return e.At }

// Time returns At.
func (e Transcription) Time() time.Time { return e.At }

// Type returns "agent_state".
func (AgentStateChanged) Type() string { return "agent_state" }

// Type returns "transcription".
func (Transcription) Type() string { return "transcription" }

// Data summarises the transcription as the text stream it came in.
func (e Transcription) Data() DataInfo {
	return DataInfo{Peer: e.Sender, Topic: TopicTranscription, Kind: DataText, Size: len(e.Text), Preview: e.Preview}
}
