package room

import "time"

// TrackSubscribed is a remote track starting to reach us.
type TrackSubscribed struct {
	At       time.Time `json:"-"`
	Identity string    `json:"identity"`
	Track    Track     `json:"track"`
	Codec    string    `json:"codec,omitempty"` // MIME type: "video/VP8", "audio/opus", …
}

// TrackUnsubscribed is a remote track no longer reaching us (unsubscribed,
// unpublished, or its publisher left).
type TrackUnsubscribed struct {
	At       time.Time `json:"-"`
	Identity string    `json:"identity"`
	Track    Track     `json:"track"`
}

// TrackStats is what a subscribed track delivered since the previous
// TrackStats for it (rates) and in total (counts). Counters come from pion's
// RTP statistics; resolution is read from VP8/VP9 keyframes as they arrive,
// else it is the size the publisher announced; zero when unknown.
type TrackStats struct {
	At          time.Time `json:"-"`
	Identity    string    `json:"identity"`
	Track       Track     `json:"track"`
	Codec       string    `json:"codec,omitempty"`
	BitrateBPS  float64   `json:"bitrate_bps"`
	FPS         float64   `json:"fps,omitempty"` // video: frames (RTP marker bits) per second
	Bytes       uint64    `json:"bytes"`         // received, RTP headers included
	Packets     uint64    `json:"packets"`
	PacketsLost int64     `json:"packets_lost"`
	JitterMS    float64   `json:"jitter_ms"`
	Width       int       `json:"width,omitempty"`
	Height      int       `json:"height,omitempty"`
}

// DataReceived is a data message from another participant. Text is the
// payload as sent (it may be any bytes); sanitise it before display.
type DataReceived struct {
	At       time.Time `json:"-"`
	Identity string    `json:"identity"`
	Topic    string    `json:"topic,omitempty"`
	Text     string    `json:"text"`
}

func (e TrackSubscribed) Time() time.Time   { return e.At }
func (e TrackUnsubscribed) Time() time.Time { return e.At }
func (e TrackStats) Time() time.Time        { return e.At }
func (e DataReceived) Time() time.Time      { return e.At }

func (TrackSubscribed) Type() string   { return "track_subscribed" }
func (TrackUnsubscribed) Type() string { return "track_unsubscribed" }
func (TrackStats) Type() string        { return "track_stats" }
func (DataReceived) Type() string      { return "data_received" }
