package room

import (
	"encoding/json"
	"time"
	"unicode/utf8"

	"github.com/lkdash/lkdash/internal/textsafe"
)

// DataKind is how a message travelled between participants.
type DataKind string

// Data kinds.
const (
	// DataPacket is one data packet (PublishDataPacket). On receipt the SDK
	// does not say whether it came reliable or lossy.
	DataPacket   DataKind = "packet"
	DataReliable DataKind = "reliable"    // a data packet we sent reliably
	DataLossy    DataKind = "lossy"       // a data packet we sent lossy
	DataText     DataKind = "text_stream" // a text stream (SendText, StreamText)
	DataBytes    DataKind = "byte_stream" // a byte stream (SendFile, StreamBytes)
	DataRPC      DataKind = "rpc"         // a remote procedure call
)

// DataInfo is what every message event has in common, for a list of them.
type DataInfo struct {
	Outgoing bool     // we sent it
	Peer     string   // the sender, or for what we send the destination ("" for everyone)
	Topic    string   // the topic; for RPC the method
	Kind     DataKind // how it travelled
	Size     int      // bytes: the payload, the whole stream, or the request
	Total    int      // a byte stream's announced size; 0 when not announced
	Preview  string   // the start of the text, made safe for a terminal; "" for binary
}

// DataEvent is an event about a message between participants: the data
// packet, stream, RPC and transcription events.
type DataEvent interface {
	Event
	// Data summarises the message.
	Data() DataInfo
}

// previewRunes bounds a preview.
const previewRunes = 80

// Preview is the start of text made safe for a terminal: escapes and
// control characters removed, newlines turned into spaces, cut to 80
// cells with "…". Bytes that are not UTF-8 give "".
func Preview(text []byte) string {
	if !utf8.Valid(text) {
		return ""
	}
	if len(text) > 4*previewRunes { // enough for any 80 cells; the rest is never shown
		text = text[:4*previewRunes]
	}
	return textsafe.Line(string(text), previewRunes)
}

// DataReceived is a data packet from another participant. Text is the
// payload as sent (it may be any bytes); sanitise it before display, or
// use Preview.
type DataReceived struct {
	At       time.Time `json:"-"`               // when the session saw it
	Identity string    `json:"identity"`        // the publisher
	Topic    string    `json:"topic,omitempty"` // the sender's topic, if any
	Text     string    `json:"text"`            // the payload
	Size     int       `json:"size"`            // payload bytes
	Preview  string    `json:"preview"`         // see Preview
}

// TextStreamReceived is a whole text stream from another participant,
// reassembled from its chunks once its trailer arrived.
type TextStreamReceived struct {
	At         time.Time         `json:"-"`                    // when the stream ended
	Identity   string            `json:"identity"`             // the sender
	Topic      string            `json:"topic"`                // the stream's topic
	StreamID   string            `json:"stream_id"`            // the sender's id for it
	Text       string            `json:"text"`                 // the whole text
	Size       int               `json:"size"`                 // bytes received
	Preview    string            `json:"preview"`              // see Preview
	Attributes map[string]string `json:"attributes,omitempty"` // the stream's attributes
	Duration   time.Duration     `json:"-"`                    // from its header to its end
}

// ByteStreamProgress is a byte stream from another participant on its
// way: one when it opens, then about every tenth of it (or every MiB when
// its size is not announced).
type ByteStreamProgress struct {
	At       time.Time `json:"-"`                   // when the session saw it
	Identity string    `json:"identity"`            // the sender
	Topic    string    `json:"topic"`               // the stream's topic
	StreamID string    `json:"stream_id"`           // the sender's id for it
	Name     string    `json:"name,omitempty"`      // the file name the sender gave
	MimeType string    `json:"mime_type,omitempty"` // its MIME type
	Received int       `json:"received"`            // bytes so far
	Total    int       `json:"total,omitempty"`     // the size the sender announced; 0 when none
}

// ByteStreamReceived is a whole byte stream from another participant.
// Its bytes are not kept: Size and SHA256 say whether it arrived whole.
type ByteStreamReceived struct {
	At         time.Time         `json:"-"`                    // when the stream ended
	Identity   string            `json:"identity"`             // the sender
	Topic      string            `json:"topic"`                // the stream's topic
	StreamID   string            `json:"stream_id"`            // the sender's id for it
	Name       string            `json:"name,omitempty"`       // the file name the sender gave
	MimeType   string            `json:"mime_type,omitempty"`  // its MIME type
	Size       int               `json:"size"`                 // bytes received
	Total      int               `json:"total,omitempty"`      // the size announced; 0 when none
	SHA256     string            `json:"sha256"`               // hex SHA-256 of the bytes received
	Attributes map[string]string `json:"attributes,omitempty"` // the stream's attributes
	Duration   time.Duration     `json:"-"`                    // from its header to its end
}

// StreamUnhandled is a text or byte stream that reached us on a topic we
// have no handler for, which the SDK drops without a word. Count is how
// many have come on that topic so far. The SDK does not say who sent it.
type StreamUnhandled struct {
	At    time.Time `json:"-"`     // when the session saw it
	Kind  DataKind  `json:"kind"`  // DataText or DataBytes
	Topic string    `json:"topic"` // the topic nobody handles
	Count int       `json:"count"` // streams on this topic so far
}

// TextStreamSent is a text stream we sent, once every chunk was handed to
// the data channel.
type TextStreamSent struct {
	At       time.Time     `json:"-"`         // when the last chunk went
	Topic    string        `json:"topic"`     // the topic
	StreamID string        `json:"stream_id"` // its id
	Size     int           `json:"size"`      // bytes
	Preview  string        `json:"preview"`   // see Preview
	Duration time.Duration `json:"-"`         // from the header to the trailer
}

// ByteStreamSent is a file we sent as a byte stream.
type ByteStreamSent struct {
	At       time.Time     `json:"-"`                   // when the last chunk went
	Topic    string        `json:"topic"`               // the topic
	StreamID string        `json:"stream_id"`           // its id
	Name     string        `json:"name"`                // the file name sent
	MimeType string        `json:"mime_type,omitempty"` // by the file's extension
	Size     int           `json:"size"`                // bytes
	SHA256   string        `json:"sha256"`              // hex SHA-256 of the bytes sent
	Duration time.Duration `json:"-"`                   // from the header to the trailer
}

// DataSent is a data packet we published.
type DataSent struct {
	At          time.Time `json:"-"`                     // when it was handed to the data channel
	Topic       string    `json:"topic,omitempty"`       // the topic
	Kind        DataKind  `json:"kind"`                  // DataReliable or DataLossy
	Size        int       `json:"size"`                  // payload bytes
	Preview     string    `json:"preview"`               // see Preview
	Destination []string  `json:"destination,omitempty"` // identities; empty: everyone
}

// Time returns At.
func (e DataReceived) Time() time.Time { return e.At }

// Time returns At.
func (e TextStreamReceived) Time() time.Time { return e.At }

// Time returns At.
func (e ByteStreamProgress) Time() time.Time { return e.At }

// Time returns At.
func (e ByteStreamReceived) Time() time.Time { return e.At }

// Time returns At.
func (e StreamUnhandled) Time() time.Time { return e.At }

// Time returns At.
func (e TextStreamSent) Time() time.Time { return e.At }

// Time returns At.
func (e ByteStreamSent) Time() time.Time { return e.At }

// Time returns At.
func (e DataSent) Time() time.Time { return e.At }

// Type returns "data_received".
func (DataReceived) Type() string { return "data_received" }

// Type returns "text_stream_received".
func (TextStreamReceived) Type() string { return "text_stream_received" }

// Type returns "byte_stream_progress".
func (ByteStreamProgress) Type() string { return "byte_stream_progress" }

// Type returns "byte_stream_received".
func (ByteStreamReceived) Type() string { return "byte_stream_received" }

// Type returns "stream_unhandled".
func (StreamUnhandled) Type() string { return "stream_unhandled" }

// Type returns "text_stream_sent".
func (TextStreamSent) Type() string { return "text_stream_sent" }

// Type returns "byte_stream_sent".
func (ByteStreamSent) Type() string { return "byte_stream_sent" }

// Type returns "data_sent".
func (DataSent) Type() string { return "data_sent" }

// Data summarises the packet.
func (e DataReceived) Data() DataInfo {
	return DataInfo{Peer: e.Identity, Topic: e.Topic, Kind: DataPacket, Size: e.Size, Preview: e.Preview}
}

// Data summarises the stream.
func (e TextStreamReceived) Data() DataInfo {
	return DataInfo{Peer: e.Identity, Topic: e.Topic, Kind: DataText, Size: e.Size, Preview: e.Preview}
}

// Data summarises the stream so far.
func (e ByteStreamProgress) Data() DataInfo {
	return DataInfo{Peer: e.Identity, Topic: e.Topic, Kind: DataBytes, Size: e.Received, Total: e.Total}
}

// Data summarises the stream.
func (e ByteStreamReceived) Data() DataInfo {
	return DataInfo{Peer: e.Identity, Topic: e.Topic, Kind: DataBytes, Size: e.Size, Total: e.Total}
}

// Data summarises the streams nobody handled (the sender is unknown).
func (e StreamUnhandled) Data() DataInfo {
	return DataInfo{Topic: e.Topic, Kind: e.Kind}
}

// Data summarises the stream.
func (e TextStreamSent) Data() DataInfo {
	return DataInfo{Outgoing: true, Topic: e.Topic, Kind: DataText, Size: e.Size, Preview: e.Preview}
}

// Data summarises the stream.
func (e ByteStreamSent) Data() DataInfo {
	return DataInfo{Outgoing: true, Topic: e.Topic, Kind: DataBytes, Size: e.Size, Total: e.Size}
}

// Data summarises the packet.
func (e DataSent) Data() DataInfo {
	peer := ""
	if len(e.Destination) == 1 {
		peer = e.Destination[0]
	}
	return DataInfo{Outgoing: true, Peer: peer, Topic: e.Topic, Kind: e.Kind, Size: e.Size, Preview: e.Preview}
}

// MarshalJSON adds seconds.
func (e TextStreamReceived) MarshalJSON() ([]byte, error) {
	type plain TextStreamReceived
	return json.Marshal(struct {
		plain
		Seconds float64 `json:"seconds"`
	}{plain(e), e.Duration.Seconds()})
}

// MarshalJSON adds seconds.
func (e ByteStreamReceived) MarshalJSON() ([]byte, error) {
	type plain ByteStreamReceived
	return json.Marshal(struct {
		plain
		Seconds float64 `json:"seconds"`
	}{plain(e), e.Duration.Seconds()})
}

// MarshalJSON adds seconds.
func (e TextStreamSent) MarshalJSON() ([]byte, error) {
	type plain TextStreamSent
	return json.Marshal(struct {
		plain
		Seconds float64 `json:"seconds"`
	}{plain(e), e.Duration.Seconds()})
}

// MarshalJSON adds seconds.
func (e ByteStreamSent) MarshalJSON() ([]byte, error) {
	type plain ByteStreamSent
	return json.Marshal(struct {
		plain
		Seconds float64 `json:"seconds"`
	}{plain(e), e.Duration.Seconds()})
}
