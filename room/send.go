package room

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"

	lksdk "github.com/livekit/server-sdk-go/v2"
	"google.golang.org/protobuf/proto"
)

// MaxDataPacket is the largest data packet, encoded, that the data
// channel takes (its SCTP maximum message size). The SDK drops a bigger
// one without an error, so PublishData refuses it. LiveKit advises at most
// 15 KiB for reliable and about 1.3 KB for lossy packets; streams have no
// limit.
const MaxDataPacket = 65536

// ErrTooBig is returned for a message over its limit.
var ErrTooBig = errors.New("room: message too big")

// PublishData sends one data packet to everyone in the room (or to the
// given identities), reliable or lossy, and emits DataSent.
func (s *Session) PublishData(payload []byte, topic string, reliable bool, to ...string) error {
	room, err := s.liveRoom()
	if err != nil {
		return err
	}
	pkt := &lksdk.UserDataPacket{Payload: payload, Topic: topic}
	// The sequence number the SDK adds to reliable packets is a few bytes
	// more; allow for it.
	if n := proto.Size(pkt.ToProto()) + 8; n > MaxDataPacket {
		return fmt.Errorf("%w: a data packet of %d bytes (%d encoded) is over the data channel's %d-byte limit, and the SDK would drop it without an error: send it as a byte stream", ErrTooBig, len(payload), n-8, MaxDataPacket)
	}
	opts := []lksdk.DataPublishOption{lksdk.WithDataPublishReliable(reliable)}
	if len(to) > 0 {
		opts = append(opts, lksdk.WithDataPublishDestination(to))
	}
	if err := room.LocalParticipant.PublishDataPacket(pkt, opts...); err != nil {
		return fmt.Errorf("room: publishing data: %w", err)
	}
	kind := DataLossy
	if reliable {
		kind = DataReliable
	}
	s.emit(DataSent{At: s.cfg.Now(), Topic: topic, Kind: kind, Size: len(payload), Preview: Preview(payload), Destination: to})
	return nil
}

// SendText sends text as one text stream on topic (the SDK's StreamText),
// returning once every chunk has been handed to the data channel; it
// emits TextStreamSent. Receivers get it only if they handle the topic.
func (s *Session) SendText(ctx context.Context, topic, text string) (TextStreamSent, error) {
	room, err := s.liveRoom()
	if err != nil {
		return TextStreamSent{}, err
	}
	start := s.cfg.Now()
	w := room.LocalParticipant.StreamText(lksdk.StreamTextOptions{Topic: topic, TotalSize: uint64(len(text))})
	if err := write(ctx, w.Write, w.Close, text); err != nil {
		return TextStreamSent{}, err
	}
	ev := TextStreamSent{At: s.cfg.Now(), Topic: topic, StreamID: w.Info.Id, Size: len(text), Preview: Preview([]byte(text))}
	ev.Duration = ev.At.Sub(start)
	s.emit(ev)
	return ev, nil
}

// fileChunk is how much of a file SendFile hands the SDK at a time; the
// SDK cuts it into 15 KB data packets.
const fileChunk = 1 << 20

// SendFile sends a file as one byte stream on topic, named by its base
// name, its MIME type by extension, reading it a piece at a time (the
// SDK's SendFile would read it whole). It returns once every chunk has
// been handed to the data channel and emits ByteStreamSent.
func (s *Session) SendFile(ctx context.Context, topic, path string) (ByteStreamSent, error) {
	room, err := s.liveRoom()
	if err != nil {
		return ByteStreamSent{}, err
	}
	f, err := os.Open(path)
	if err != nil {
		return ByteStreamSent{}, fmt.Errorf("room: sending %s: %w", filepath.Base(path), err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return ByteStreamSent{}, fmt.Errorf("room: sending %s: not a regular file", filepath.Base(path))
	}
	name := filepath.Base(path)
	start := s.cfg.Now()
	w := room.LocalParticipant.StreamBytes(lksdk.StreamBytesOptions{
		Topic: topic, MimeType: mime.TypeByExtension(filepath.Ext(path)), TotalSize: uint64(st.Size()), FileName: &name,
	})
	h := sha256.New()
	buf := make([]byte, fileChunk)
	sent := 0
	for {
		n, rerr := io.ReadFull(f, buf)
		h.Write(buf[:n])
		sent += n
		switch {
		case rerr != nil && rerr != io.EOF && rerr != io.ErrUnexpectedEOF:
			w.Close()
			return ByteStreamSent{}, fmt.Errorf("room: sending %s: %w", name, rerr)
		case rerr == nil && int64(sent) < st.Size():
			// The SDK keeps the slice until its chunks are sent: a copy.
			if err := writePart(ctx, w.Write, w.Close, append([]byte(nil), buf[:n]...), false); err != nil {
				w.Close()
				return ByteStreamSent{}, err
			}
			continue
		}
		if err := writePart(ctx, w.Write, w.Close, append([]byte(nil), buf[:n]...), true); err != nil {
			return ByteStreamSent{}, err
		}
		break
	}
	ev := ByteStreamSent{At: s.cfg.Now(), Topic: topic, StreamID: w.Info.Id, Name: name, MimeType: w.Info.MimeType,
		Size: sent, SHA256: hex.EncodeToString(h.Sum(nil))}
	ev.Duration = ev.At.Sub(start)
	s.emit(ev)
	return ev, nil
}

// write hands data to a stream writer and closes the stream once every
// chunk is out, or at once when ctx ends first.
func write[T any](ctx context.Context, put func(T, *func()), closeStream func(), data T) error {
	return writePart(ctx, put, closeStream, data, true)
}

// writePart hands one part to a stream writer; the last one closes the
// stream once it is out. Write itself returns when the SDK has taken the
// part, which it does once the previous one went.
func writePart[T any](ctx context.Context, put func(T, *func()), closeStream func(), data T, last bool) error {
	if !last {
		put(data, nil)
		return ctx.Err()
	}
	done := make(chan struct{})
	onDone := func() { close(done) }
	put(data, &onDone)
	defer closeStream()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("room: stream cut short: %w", ctx.Err())
	}
}
