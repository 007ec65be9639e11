// Package agentproto names what LiveKit's agents framework puts in a room:
// the attribute that carries an agent's state and the text streams that
// carry transcriptions. Package room exports them; the stand-in agent,
// which room's tests run, uses them from here.
package agentproto

// Attributes and topics of the agents protocol.
const (
	AttrAgentState         = "lk.agent.state"          // participant attribute: the agent's state
	TopicTranscription     = "lk.transcription"        // text stream topic of transcriptions
	TopicChat              = "lk.chat"                 // text stream topic of chat messages
	AttrTranscribedTrack   = "lk.transcribed_track_id" // stream attribute: the transcribed audio track
	AttrSegmentID          = "lk.segment_id"           // stream attribute: the segment a later stream replaces
	AttrTranscriptionFinal = "lk.transcription_final"  // stream attribute: "true" on a segment's final text
)

// Agent states.
const (
	StateListening = "listening"
	StateSpeaking  = "speaking"
)
