package room

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	lksdk "github.com/livekit/server-sdk-go/v2"
)

// joinPair joins two sessions to one room: a sender and a receiver that
// handles cfg's topics and methods. The receiver has seen the sender join.
func joinPair(t *testing.T, cfg Config) (sender, receiver *Session) {
	t.Helper()
	srv := shared.Server(t)
	name := roomName(t)
	receiver = joinRoom(t, srv, name, "receiver", cfg)
	waitFor[Connected](t, receiver, nil)
	sender = joinRoom(t, srv, name, "sender", Config{})
	waitFor[Connected](t, sender, nil)
	return sender, receiver
}

// TestStreamsArriveWhole sends a multi-chunk text stream and a file as a
// byte stream: both arrive whole, on their topic, with the right size
// (and the file's hash), the byte stream reporting progress on the way.
func TestStreamsArriveWhole(t *testing.T) {
	t.Parallel()
	sender, receiver := joinPair(t, Config{Topics: []string{"notes", "files"}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// 40 KB of multi-byte text: three 15 KB chunks, cut inside no rune.
	text := strings.Repeat("héllo wörld ✓ ", 2500)
	sent, err := sender.SendText(ctx, "notes", text)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := waitFor[TextStreamReceived](t, receiver, nil)
	if got.Text != text || got.Size != len(text) || got.Topic != "notes" || got.Identity != "sender" || got.StreamID != sent.StreamID {
		t.Errorf("text stream: topic %q from %q, %d bytes (want %d), id %s (sent %s), equal %v",
			got.Topic, got.Identity, got.Size, len(text), got.StreamID, sent.StreamID, got.Text == text)
	}

	blob := make([]byte, 200_000)
	_, _ = rand.Read(blob)
	path := filepath.Join(t.TempDir(), "blob.bin")
	if err := os.WriteFile(path, blob, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(blob)
	fileSent, err := sender.SendFile(ctx, "files", path)
	if err != nil {
		t.Fatal(err)
	}
	if fileSent.SHA256 != hex.EncodeToString(sum[:]) || fileSent.Size != len(blob) {
		t.Errorf("byte_stream_sent = %+v", fileSent)
	}
	whole, seen := waitFor[ByteStreamReceived](t, receiver, nil)
	if whole.Size != len(blob) || whole.Total != len(blob) || whole.SHA256 != hex.EncodeToString(sum[:]) ||
		whole.Name != "blob.bin" || whole.Topic != "files" || whole.Identity != "sender" {
		t.Errorf("byte stream = %+v", whole)
	}
	last := -1
	var steps int
	for _, ev := range seen {
		if p, ok := ev.(ByteStreamProgress); ok && p.StreamID == whole.StreamID {
			if p.Received <= last || p.Total != len(blob) {
				t.Errorf("progress went from %d to %d of %d", last, p.Received, p.Total)
			}
			last = p.Received
			steps++
		}
	}
	if steps < 5 {
		t.Errorf("%d progress events for a 200 KB stream, want one at its start and about every tenth", steps)
	}
}

// TestUnhandledTopicsCounted: streams on topics the receiver does not
// handle, which the SDK drops silently, are counted and named.
func TestUnhandledTopicsCounted(t *testing.T) {
	t.Parallel()
	sender, receiver := joinPair(t, Config{Topics: []string{"notes"}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, topic := range []string{"nobody", "nobody", "notes"} {
		if _, err := sender.SendText(ctx, topic, "text on "+topic); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "f.txt")
	if err := os.WriteFile(path, []byte("file"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := sender.SendFile(ctx, "nowhere", path); err != nil {
		t.Fatal(err)
	}
	// Handled streams are reported from their own goroutine once whole,
	// dropped ones at once: read until both kinds are in.
	var nobody []StreamUnhandled
	var handled, bytesDropped bool
	for !handled || !bytesDropped {
		ev, _ := waitFor[Event](t, receiver, nil)
		switch e := ev.(type) {
		case StreamUnhandled:
			if e.Topic == "nowhere" {
				bytesDropped = true
				if e.Kind != DataBytes || e.Count != 1 {
					t.Errorf("byte stream on nowhere: %+v", e)
				}
				continue
			}
			nobody = append(nobody, e)
		case TextStreamReceived:
			handled = handled || e.Topic == "notes"
		}
	}
	if len(nobody) != 2 || nobody[1].Count != 2 || nobody[1].Kind != DataText || nobody[1].Topic != "nobody" {
		t.Errorf("text streams on nobody: %+v", nobody)
	}
	if got := receiver.Unhandled(); got["nobody"] != 2 || got["nowhere"] != 1 || len(got) != 2 {
		t.Errorf("Unhandled() = %v", got)
	}
}

// TestRPCOutcomes: an echo round trip and each failure the CLI explains,
// against a real server.
func TestRPCOutcomes(t *testing.T) {
	t.Parallel()
	slow := func(ctx context.Context, call RPCInvocation) (string, error) {
		select {
		case <-ctx.Done():
		case <-time.After(3 * time.Second):
		}
		return "late", nil
	}
	fails := func(context.Context, RPCInvocation) (string, error) {
		return "", lksdk.NewRpcError(42, "no such order", nil)
	}
	sender, receiver := joinPair(t, Config{RPC: map[string]RPCHandler{"echo": Echo, "slow": slow, "fails": fails}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	call := func(c RPCCall) RPCResult {
		t.Helper()
		res, err := sender.CallRPC(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	ok := call(RPCCall{Destination: "receiver", Method: "echo", Payload: "ping ✓"})
	if !ok.OK || ok.Response != "ping ✓" || ok.RTT <= 0 || ok.Code != 0 {
		t.Errorf("echo = %+v", ok)
	}
	req, _ := waitFor[RPCRequest](t, receiver, nil)
	if req.Caller != "sender" || req.Method != "echo" || req.RequestID == "" || req.Size != len("ping ✓") || req.Response != req.Size {
		t.Errorf("rpc_request = %+v", req)
	}
	for _, tc := range []struct {
		c     RPCCall
		code  int
		name  string
		cause string
	}{
		{RPCCall{Destination: "receiver", Method: "Echo"}, 1400, "UNSUPPORTED_METHOD", `"receiver" has no handler for method "Echo"`},
		{RPCCall{Destination: "receiver", Method: "echo", Payload: strings.Repeat("x", MaxRPCPayload+1)}, 1402, "REQUEST_PAYLOAD_TOO_LARGE", "over the 15360-byte RPC limit"},
		{RPCCall{Destination: "receiver", Method: "slow", Timeout: time.Second}, 1502, "RESPONSE_TIMEOUT", `did not answer in time: its handler for "slow" is slow or stuck`},
		{RPCCall{Destination: "receiver", Method: "fails"}, 42, "", `answered with error 42`},
		{RPCCall{Destination: "ghost", Method: "echo"}, 1501, "CONNECTION_TIMEOUT", `no participant "ghost" is in the room`},
	} {
		res := call(tc.c)
		if res.OK || res.Code != tc.code || res.Error != tc.name || !strings.Contains(res.Cause, tc.cause) {
			t.Errorf("%s to %s: ok %v, code %d %q, cause %q; want %d %q containing %q",
				tc.c.Method, tc.c.Destination, res.OK, res.Code, res.Error, res.Cause, tc.code, tc.name, tc.cause)
		}
		if tc.code == 42 && res.Message != "no such order" {
			t.Errorf("the callee's message is kept: %q", res.Message)
		}
	}
}

// TestDataPackets: a packet over the data channel's limit is refused
// before the SDK drops it silently; a lossy packet with terminal escapes
// arrives with its size and a safe preview.
func TestDataPackets(t *testing.T) {
	t.Parallel()
	sender, receiver := joinPair(t, Config{})
	err := sender.PublishData(make([]byte, 70_000), "big", true)
	if !errors.Is(err, ErrTooBig) || !strings.Contains(err.Error(), "65536-byte limit") {
		t.Errorf("70 KB packet: %v", err)
	}
	payload := []byte("hi \x1b[2J\x1b]0;title\x07there")
	if err := sender.PublishData(payload, "chat", false); err != nil {
		t.Fatal(err)
	}
	got, _ := waitFor[DataReceived](t, receiver, nil)
	if got.Text != string(payload) || got.Size != len(payload) || got.Preview != "hi there" || got.Topic != "chat" {
		t.Errorf("data_received = %+v", got)
	}
	sent, _ := waitFor[DataSent](t, sender, nil)
	if sent.Kind != DataLossy || sent.Size != len(payload) || sent.Data().Outgoing != true {
		t.Errorf("data_sent = %+v", sent)
	}
	// The largest packet that fits arrives.
	fits := make([]byte, MaxDataPacket-200)
	if err := sender.PublishData(fits, "edge", true); err != nil {
		t.Fatal(err)
	}
	if got, _ := waitFor(t, receiver, func(e DataReceived) bool { return e.Topic == "edge" }); got.Size != len(fits) {
		t.Errorf("edge packet: %d bytes", got.Size)
	}
}

// Every message event implements DataEvent, for one list of them all.
var (
	_ DataEvent = DataReceived{}
	_ DataEvent = DataSent{}
	_ DataEvent = TextStreamReceived{}
	_ DataEvent = TextStreamSent{}
	_ DataEvent = ByteStreamProgress{}
	_ DataEvent = ByteStreamReceived{}
	_ DataEvent = ByteStreamSent{}
	_ DataEvent = StreamUnhandled{}
	_ DataEvent = RPCResult{}
	_ DataEvent = RPCRequest{}
	_ DataEvent = Transcription{}
)

// TestReceiveTopicAndHandleRPCLater: a topic and a method added after
// joining work like those in Config.
func TestReceiveTopicAndHandleRPCLater(t *testing.T) {
	t.Parallel()
	sender, receiver := joinPair(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := receiver.ReceiveTopic("late"); err != nil {
		t.Fatal(err)
	}
	if err := receiver.ReceiveTopic("late"); err != nil {
		t.Errorf("a topic already received: %v", err)
	}
	if err := receiver.HandleRPC("later", Echo); err != nil {
		t.Fatal(err)
	}
	if _, err := sender.SendText(ctx, "late", "made it"); err != nil {
		t.Fatal(err)
	}
	if got, _ := waitFor[TextStreamReceived](t, receiver, nil); got.Text != "made it" || got.Data().Kind != DataText || got.Data().Peer != "sender" {
		t.Errorf("text stream = %+v", got)
	}
	if res, _ := sender.CallRPC(ctx, RPCCall{Destination: "receiver", Method: "later", Payload: "p"}); !res.OK || res.Response != "p" {
		t.Errorf("rpc = %+v", res)
	}
	if len(receiver.Unhandled()) != 0 {
		t.Errorf("nothing was unhandled: %v", receiver.Unhandled())
	}
}
