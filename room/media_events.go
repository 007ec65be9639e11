package room

import "time"

// TrackSubscribed is a remote track starting to reach us.
type TrackSubscribed struct {
	At       time.Time `json:"-"`               // when the session saw it
	Identity string    `json:"identity"`        // the publisher
	Track    Track     `json:"track"`           // which track
	Codec    string    `json:"codec,omitempty"` // MIME type: "video/VP8", "audio/opus", …
}

// TrackUnsubscribed is a remote track no longer reaching us (unsubscribed,
// unpublished, or its publisher left).
type TrackUnsubscribed struct {
	At       time.Time `json:"-"`        // when the session saw it
	Identity string    `json:"identity"` // the publisher
	Track    Track     `json:"track"`    // which track
}

// TrackStats is what a subscribed track delivered since the previous
// TrackStats for it (rates) and in total (counts). Counters come from pion's
// RTP statistics; resolution is read from VP8/VP9 keyframes as they arrive,
// else it is the size the publisher announced; zero when unknown.
type TrackStats struct {
	At          time.Time `json:"-"`                // when the session saw it
	Identity    string    `json:"identity"`         // the publisher
	Track       Track     `json:"track"`            // which track
	Codec       string    `json:"codec,omitempty"`  // MIME type, as in TrackSubscribed
	BitrateBPS  float64   `json:"bitrate_bps"`      // bits per second since the previous TrackStats
	FPS         float64   `json:"fps,omitempty"`    // video: frames (RTP marker bits) per second
	Bytes       uint64    `json:"bytes"`            // received, RTP headers included
	Packets     uint64    `json:"packets"`          // RTP packets received
	PacketsLost int64     `json:"packets_lost"`     // RTP packets lost, by sequence numbers
	JitterMS    float64   `json:"jitter_ms"`        // interarrival jitter, milliseconds
	Width       int       `json:"width,omitempty"`  // video: pixels, zero when unknown
	Height      int       `json:"height,omitempty"` // video: pixels, zero when unknown
}

// Time returns At.
func (e TrackSubscribed) Time() time.Time { return e.At }

// Time returns At.
func (e TrackUnsubscribed) Time() time.Time { return e.At }

// Time returns At.
func (e TrackStats) Time() time.Time { return e.At }

// Type returns "track_subscribed".
func (TrackSubscribed) Type() string { return "track_subscribed" }

// Type returns "track_unsubscribed".
func (TrackUnsubscribed) Type() string { return "track_unsubscribed" }

// Type returns "track_stats".
func (TrackStats) Type() string { return "track_stats" }
