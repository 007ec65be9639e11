package room

import (
	"sync"

	"github.com/gorilla/websocket"
	"github.com/livekit/protocol/livekit"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// A signal message is a protobuf with a single oneof, so its first field
// tag says which message it is. The relay reads that tag and decodes only
// the few messages the session looks at; offers, answers and ICE
// candidates pass by without being parsed. The field numbers are looked up
// on first use: the first descriptor read builds the descriptors of all of
// livekit_rtc.proto (half a millisecond), which a command that never joins
// should not pay at start.
var (
	wantedResponse = sync.OnceValue(func() map[protowire.Number]bool {
		return fieldNumbers(&livekit.SignalResponse{}, "refresh_token", "leave", "join", "reconnect", "update",
			"connection_quality", "room_update", "subscription_permission_update", "subscription_response",
			"stream_state_update", "request_response")
	})
	leaveRequest = sync.OnceValue(func() map[protowire.Number]bool {
		return fieldNumbers(&livekit.SignalRequest{}, "leave")
	})
)

func fieldNumbers(m proto.Message, names ...protoreflect.Name) map[protowire.Number]bool {
	fields := m.ProtoReflect().Descriptor().Fields()
	out := map[protowire.Number]bool{}
	for _, n := range names {
		if fd := fields.ByName(n); fd != nil {
			out[fd.Number()] = true
		}
	}
	return out
}

// firstField is the field number of the first tag in a protobuf message.
func firstField(data []byte) protowire.Number {
	num, _, n := protowire.ConsumeTag(data)
	if n < 0 {
		return 0
	}
	return num
}

// decodeSignal reads one server→client frame if it is one the session
// wants: protobuf in binary frames (what the Go SDK asks for), JSON in text
// frames. Anything else, or a frame that does not parse, is skipped: the
// SDK got it unchanged anyway.
func decodeSignal(messageType int, data []byte) (*livekit.SignalResponse, bool) {
	msg := &livekit.SignalResponse{}
	var err error
	switch messageType {
	case websocket.BinaryMessage:
		if !wantedResponse()[firstField(data)] {
			return nil, false
		}
		err = proto.Unmarshal(data, msg)
	case websocket.TextMessage:
		err = protojson.Unmarshal(data, msg)
	default:
		return nil, false
	}
	return msg, err == nil
}

// isLeaveRequest reports whether an SDK→server binary frame is a leave
// request, by its tag alone.
func isLeaveRequest(data []byte) bool {
	return leaveRequest()[firstField(data)]
}
