package room

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"slices"
	"sync"

	protoLogger "github.com/livekit/protocol/logger"
	lksdk "github.com/livekit/server-sdk-go/v2"
)

// DefaultTopics are the stream topics every session receives: the agents
// protocol's transcriptions and chat.
var DefaultTopics = []string{TopicTranscription, TopicChat}

// streamCounts keeps the streams that came on topics without a handler.
type streamCounts struct {
	mu        sync.Mutex
	unhandled map[string]int // topic → streams
}

// receiveStreams registers text and byte stream handlers for the default
// topics and cfg.Topics on a room that has not joined yet, so no stream is
// missed.
func (s *Session) receiveStreams(room *lksdk.Room) error {
	topics := slices.Clone(DefaultTopics)
	for _, t := range s.cfg.Topics {
		if !slices.Contains(topics, t) {
			topics = append(topics, t)
		}
	}
	var errs []error
	for _, t := range topics {
		errs = append(errs, room.RegisterTextStreamHandler(t, s.onTextStream), room.RegisterByteStreamHandler(t, s.onByteStream))
	}
	return errors.Join(errs...)
}

// ReceiveTopic starts receiving text and byte streams on topic, as
// Config.Topics does from the start; a topic already received is fine.
func (s *Session) ReceiveTopic(topic string) error {
	room, err := s.liveRoom()
	if err != nil {
		return err
	}
	// The SDK refuses a second handler for a topic: that one is ours.
	_ = room.RegisterTextStreamHandler(topic, s.onTextStream)
	_ = room.RegisterByteStreamHandler(topic, s.onByteStream)
	return nil
}

// Unhandled counts the streams that came on topics nobody handles, by topic.
func (s *Session) Unhandled() map[string]int {
	s.streams.mu.Lock()
	defer s.streams.mu.Unlock()
	out := make(map[string]int, len(s.streams.unhandled))
	for k, v := range s.streams.unhandled {
		out[k] = v
	}
	return out
}

// onTextStream reassembles a text stream; the SDK calls it when the
// stream's header arrives, and ReadAll returns at its trailer.
func (s *Session) onTextStream(r *lksdk.TextStreamReader, from string) {
	start := s.cfg.Now()
	text := r.ReadAll()
	info := r.Info
	if info.Topic == TopicTranscription {
		s.emit(s.transcription(from, text, info.Attributes))
		return
	}
	s.emit(TextStreamReceived{
		At: s.cfg.Now(), Identity: from, Topic: info.Topic, StreamID: info.Id, Text: text, Size: len(text),
		Preview: Preview([]byte(text)), Attributes: info.Attributes, Duration: s.cfg.Now().Sub(start),
	})
}

// transcription attributes a transcription to whose speech it is.
func (s *Session) transcription(from, text string, attrs map[string]string) Transcription {
	ev := Transcription{
		At: s.cfg.Now(), Identity: from, Sender: from, TrackSID: attrs[AttrTranscribedTrack],
		Segment: attrs[AttrSegmentID], Final: attrs[AttrTranscriptionFinal] == "true",
		Text: text, Preview: Preview([]byte(text)),
	}
	if ev.TrackSID != "" {
		s.mu.Lock()
		if owner, ok := s.people.trackOwner(ev.TrackSID); ok {
			ev.Identity = owner
		}
		s.mu.Unlock()
	}
	return ev
}

// progressStep is how often a byte stream of unknown size reports.
const progressStep = 1 << 20

// onByteStream reads a byte stream as it arrives, hashing it and
// reporting progress, without keeping it.
func (s *Session) onByteStream(r *lksdk.ByteStreamReader, from string) {
	start := s.cfg.Now()
	info := r.Info
	base := ByteStreamProgress{Identity: from, Topic: info.Topic, StreamID: info.Id, MimeType: info.MimeType}
	if info.Name != nil {
		base.Name = *info.Name
	}
	if info.Size != nil {
		base.Total = int(*info.Size)
	}
	step := progressStep
	if base.Total > 0 {
		step = max(base.Total/10, 1)
	}
	report := func(n int) {
		ev := base
		ev.At, ev.Received = s.cfg.Now(), n
		s.emit(ev)
	}
	report(0)
	h := sha256.New()
	buf := make([]byte, 64<<10)
	n, next := 0, step
	for {
		k, err := r.Read(buf)
		h.Write(buf[:k])
		n += k
		if n >= next && (base.Total == 0 || n < base.Total) {
			report(n)
			next = n - n%step + step
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return
			}
			break
		}
	}
	s.emit(ByteStreamReceived{
		At: s.cfg.Now(), Identity: from, Topic: base.Topic, StreamID: base.StreamID, Name: base.Name,
		MimeType: base.MimeType, Size: n, Total: base.Total, SHA256: hex.EncodeToString(h.Sum(nil)),
		Attributes: info.Attributes, Duration: s.cfg.Now().Sub(start),
	})
}

// onUnhandled counts a stream the SDK dropped for want of a handler.
func (s *Session) onUnhandled(kind DataKind, topic string) {
	s.streams.mu.Lock()
	if s.streams.unhandled == nil {
		s.streams.unhandled = map[string]int{}
	}
	s.streams.unhandled[topic]++
	n := s.streams.unhandled[topic]
	s.streams.mu.Unlock()
	s.emit(StreamUnhandled{At: s.cfg.Now(), Kind: kind, Topic: topic, Count: n})
}

// The SDK's debug lines when it drops a stream on a topic without a
// handler; it has no callback for that, so its per-room logger is the one
// place that learns of it (a test holds these to the SDK in use).
const (
	sdkNoTextHandler = "ignoring incoming text stream due to no handler for topic"
	sdkNoByteHandler = "ignoring incoming byte stream due to no handler for topic"
)

// watchLog passes the SDK's per-room logging on to next and reports the
// streams it drops for want of a handler.
type watchLog struct {
	protoLogger.Logger
	unhandled func(kind DataKind, topic string)
}

// Debugw spots the dropped-stream lines.
func (l watchLog) Debugw(msg string, kv ...any) {
	switch msg {
	case sdkNoTextHandler:
		l.unhandled(DataText, stringValue(kv, "topic"))
	case sdkNoByteHandler:
		l.unhandled(DataBytes, stringValue(kv, "topic"))
	}
	l.Logger.Debugw(msg, kv...)
}

func (l watchLog) wrap(next protoLogger.Logger) protoLogger.Logger {
	return watchLog{Logger: next, unhandled: l.unhandled}
}

// WithValues keeps watching.
func (l watchLog) WithValues(kv ...any) protoLogger.Logger { return l.wrap(l.Logger.WithValues(kv...)) }

// WithName keeps watching.
func (l watchLog) WithName(name string) protoLogger.Logger { return l.wrap(l.Logger.WithName(name)) }

// WithComponent keeps watching.
func (l watchLog) WithComponent(c string) protoLogger.Logger {
	return l.wrap(l.Logger.WithComponent(c))
}

// WithCallDepth keeps watching.
func (l watchLog) WithCallDepth(d int) protoLogger.Logger { return l.wrap(l.Logger.WithCallDepth(d)) }

// WithItemSampler keeps watching.
func (l watchLog) WithItemSampler() protoLogger.Logger { return l.wrap(l.Logger.WithItemSampler()) }

// WithoutSampler keeps watching.
func (l watchLog) WithoutSampler() protoLogger.Logger { return l.wrap(l.Logger.WithoutSampler()) }

// WithUnlikelyValues keeps watching.
func (l watchLog) WithUnlikelyValues(kv ...any) protoLogger.UnlikelyLogger {
	return protoLogger.NewUnlikelyLogger(l, kv...)
}

// WithDeferredValues keeps watching.
func (l watchLog) WithDeferredValues() (protoLogger.Logger, protoLogger.DeferredFieldResolver) {
	next, resolve := l.Logger.WithDeferredValues()
	return l.wrap(next), resolve
}

// stringValue finds key's value among logging key/value pairs.
func stringValue(kv []any, key string) string {
	for i := 0; i+1 < len(kv); i += 2 {
		if k, _ := kv[i].(string); k == key {
			v, _ := kv[i+1].(string)
			return v
		}
	}
	return ""
}
