package room

import (
	"context"
	"errors"
	"fmt"
	"time"

	lksdk "github.com/livekit/server-sdk-go/v2"
)

// MaxRPCPayload is the largest RPC request or response payload, in bytes
// (lksdk.MaxPayloadBytes, 15 KiB).
const MaxRPCPayload = lksdk.MaxPayloadBytes

// RPCInvocation is one call to a method of ours.
type RPCInvocation struct {
	Caller    string        // the caller's identity
	RequestID string        // the same id on both sides
	Method    string        // the method called
	Payload   string        // the request
	Timeout   time.Duration // how long the caller waits for the answer
}

// RPCHandler answers calls to a method. Returning an *lksdk.RpcError sends
// its code and message; any other error is sent as APPLICATION_ERROR.
type RPCHandler func(ctx context.Context, call RPCInvocation) (string, error)

// Echo is an RPCHandler that answers with the request's payload.
func Echo(_ context.Context, call RPCInvocation) (string, error) { return call.Payload, nil }

// handleRPC registers h for method on a room, reporting each call as an
// RPCRequest.
func (s *Session) handleRPC(room *lksdk.Room, method string, h RPCHandler) error {
	return room.RegisterRpcCtxMethod(method, func(ctx context.Context, payload []byte) ([]byte, error) {
		start := s.cfg.Now()
		call := RPCInvocation{Method: method, Payload: string(payload)}
		if meta := lksdk.RPCMetadataFromContext(ctx); meta != nil {
			call.Caller, call.RequestID, call.Timeout = meta.CallerIdentity, meta.RequestID, meta.ResponseTimeout
		}
		resp, err := h(ctx, call)
		ev := RPCRequest{
			At: s.cfg.Now(), Caller: call.Caller, Method: method, RequestID: call.RequestID,
			Size: len(payload), Preview: Preview(payload), Response: len(resp),
		}
		ev.Handled = ev.At.Sub(start)
		if err != nil {
			ev.Code, ev.Error = int(lksdk.RpcApplicationError), err.Error()
			if re, ok := errors.AsType[*lksdk.RpcError](err); ok {
				ev.Code = int(re.Code)
			}
		}
		s.emit(ev)
		return []byte(resp), err
	})
}

// HandleRPC registers h for method, as Config.RPC does from the start.
func (s *Session) HandleRPC(method string, h RPCHandler) error {
	room, err := s.liveRoom()
	if err != nil {
		return err
	}
	return s.handleRPC(room, method, h)
}

// RPCCall is a call to make.
type RPCCall struct {
	Destination string        // the callee's identity
	Method      string        // the method
	Payload     string        // the request, at most MaxRPCPayload bytes
	Timeout     time.Duration // for the response; 0 means the SDK's 15 s
}

// presenceWait is how long CallRPC waits for a callee it does not know
// yet: the server announces participants that publish nothing in 3 s
// batches.
const presenceWait = 4 * time.Second

// CallRPC calls a method of another participant with the SDK's PerformRpc,
// waits for the answer and returns it as an RPCResult, which it also
// emits. RTT is from the call to the answer, through the server both
// ways; a failure carries its code and a Cause.
func (s *Session) CallRPC(ctx context.Context, c RPCCall) (RPCResult, error) {
	room, err := s.liveRoom()
	if err != nil {
		return RPCResult{}, err
	}
	present := s.waitPresent(ctx, c.Destination, presenceWait)
	params := lksdk.PerformRpcParams{DestinationIdentity: c.Destination, Method: c.Method, Payload: c.Payload}
	if c.Timeout > 0 {
		params.ResponseTimeout = &c.Timeout
	}
	start := s.cfg.Now()
	resp, err := room.LocalParticipant.PerformRpc(params)
	res := RPCResult{At: s.cfg.Now(), Destination: c.Destination, Method: c.Method, Size: len(c.Payload)}
	res.RTT = res.At.Sub(start)
	if err != nil {
		explainRPC(&res, err, c, present)
	} else {
		res.OK = true
		if resp != nil {
			res.Response = *resp
			res.Preview = Preview([]byte(*resp))
		}
	}
	s.emit(res)
	return res, nil
}

// waitPresent reports whether identity is in the room, waiting up to
// within for it to be announced.
func (s *Session) waitPresent(ctx context.Context, identity string, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for {
		s.mu.Lock()
		_, ok := s.people.people[identity]
		s.mu.Unlock()
		if ok || time.Now().After(deadline) {
			return ok
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// rpcErrorNames are the built-in codes' names, as the client SDKs spell them.
var rpcErrorNames = map[lksdk.RpcErrorCode]string{
	lksdk.RpcApplicationError:        "APPLICATION_ERROR",
	lksdk.RpcConnectionTimeout:       "CONNECTION_TIMEOUT",
	lksdk.RpcResponseTimeout:         "RESPONSE_TIMEOUT",
	lksdk.RpcRecipientDisconnected:   "RECIPIENT_DISCONNECTED",
	lksdk.RpcResponsePayloadTooLarge: "RESPONSE_PAYLOAD_TOO_LARGE",
	lksdk.RpcSendFailed:              "SEND_FAILED",
	lksdk.RpcUnsupportedMethod:       "UNSUPPORTED_METHOD",
	lksdk.RpcRecipientNotFound:       "RECIPIENT_NOT_FOUND",
	lksdk.RpcRequestPayloadTooLarge:  "REQUEST_PAYLOAD_TOO_LARGE",
	lksdk.RpcUnsupportedServer:       "UNSUPPORTED_SERVER",
	lksdk.RpcUnsupportedVersion:      "UNSUPPORTED_VERSION",
}

// explainRPC fills the error fields of a failed call and says what the
// code most likely means here.
func explainRPC(res *RPCResult, err error, c RPCCall, present bool) {
	re, ok := errors.AsType[*lksdk.RpcError](err)
	if !ok {
		res.Message, res.Cause = err.Error(), "the call could not be made"
		return
	}
	res.Code, res.Message = int(re.Code), re.Message
	res.Error = rpcErrorNames[re.Code] // "" for the callee's own codes
	who := fmt.Sprintf("%q", c.Destination)
	switch re.Code {
	case lksdk.RpcUnsupportedMethod:
		res.Cause = fmt.Sprintf("%s has no handler for method %q: the SDK answers UNSUPPORTED_METHOD for every method its app did not register (names are case-sensitive)", who, c.Method)
	case lksdk.RpcConnectionTimeout:
		res.Cause = fmt.Sprintf("%s did not acknowledge the request within 7 s: it left, or its SDK does not handle RPC", who)
		if !present {
			res.Cause = fmt.Sprintf("no participant %s is in the room: nobody acknowledged the request within 7 s", who)
		}
	case lksdk.RpcResponseTimeout:
		res.Cause = fmt.Sprintf("%s acknowledged the request but did not answer in time: its handler for %q is slow or stuck", who, c.Method)
	case lksdk.RpcRecipientDisconnected:
		res.Cause = fmt.Sprintf("%s left before answering", who)
	case lksdk.RpcRecipientNotFound:
		res.Cause = fmt.Sprintf("the server found no participant %s", who)
	case lksdk.RpcRequestPayloadTooLarge:
		res.Cause = fmt.Sprintf("the payload is %d bytes, over the %d-byte RPC limit: send large data as a byte stream", len(c.Payload), MaxRPCPayload)
	case lksdk.RpcResponsePayloadTooLarge:
		res.Cause = fmt.Sprintf("the response was over the %d-byte RPC limit", MaxRPCPayload)
	case lksdk.RpcUnsupportedServer:
		res.Cause = "the server is older than 1.8.0, which has no RPC"
	case lksdk.RpcApplicationError:
		res.Cause = fmt.Sprintf("%s's handler for %q failed", who, c.Method)
	default:
		res.Cause = fmt.Sprintf("%s's handler for %q answered with error %d", who, c.Method, re.Code)
	}
}
