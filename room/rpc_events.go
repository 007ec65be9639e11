package room

import (
	"encoding/json"
	"time"
)

// RPCResult is how one of our RPC calls (Session.CallRPC) ended: the
// response, or the error with its code, the SDK's name for it and what it
// most likely means. The SDK generates the request id and does not return
// it; the callee's RPCRequest shows it.
type RPCResult struct {
	At          time.Time     `json:"-"`                    // when the call ended
	Destination string        `json:"destination"`          // the callee's identity
	Method      string        `json:"method"`               // the method called
	Size        int           `json:"size"`                 // request payload bytes
	OK          bool          `json:"ok"`                   // a response came back
	Response    string        `json:"response,omitempty"`   // the response payload
	Preview     string        `json:"preview"`              // see Preview, of the response
	RTT         time.Duration `json:"-"`                    // from the call to its end
	Code        int           `json:"error_code,omitempty"` // the RPC error code, 1400…1505 built in
	Error       string        `json:"error,omitempty"`      // its name: UNSUPPORTED_METHOD, RESPONSE_TIMEOUT, …
	Message     string        `json:"message,omitempty"`    // the error's message as the SDK or callee gave it
	Cause       string        `json:"cause,omitempty"`      // what it most likely means, one sentence
}

// RPCRequest is an RPC call that reached one of our methods (Config.RPC)
// and what we answered.
type RPCRequest struct {
	At        time.Time     `json:"-"`                    // when we answered
	Caller    string        `json:"caller"`               // the caller's identity
	Method    string        `json:"method"`               // the method
	RequestID string        `json:"request_id"`           // the same id on both sides
	Size      int           `json:"size"`                 // request payload bytes
	Preview   string        `json:"preview"`              // see Preview, of the request
	Response  int           `json:"response_size"`        // response bytes
	Handled   time.Duration `json:"-"`                    // the handler's time
	Code      int           `json:"error_code,omitempty"` // the error we answered with
	Error     string        `json:"error,omitempty"`      // its message
}

// Time returns At.
func (e RPCResult) Time() time.Time { return e.At }

// Time returns At.
func (e RPCRequest) Time() time.Time { return e.At }

// Type returns "rpc_result".
func (RPCResult) Type() string { return "rpc_result" }

// Type returns "rpc_request".
func (RPCRequest) Type() string { return "rpc_request" }

// Data summarises the call.
func (e RPCResult) Data() DataInfo {
	return DataInfo{Outgoing: true, Peer: e.Destination, Topic: e.Method, Kind: DataRPC, Size: e.Size, Preview: e.Preview}
}

// Data summarises the call.
func (e RPCRequest) Data() DataInfo {
	return DataInfo{Peer: e.Caller, Topic: e.Method, Kind: DataRPC, Size: e.Size, Preview: e.Preview}
}

// MarshalJSON adds rtt_seconds.
func (e RPCResult) MarshalJSON() ([]byte, error) {
	type plain RPCResult
	return json.Marshal(struct {
		plain
		RTTSeconds float64 `json:"rtt_seconds"`
	}{plain(e), e.RTT.Seconds()})
}

// MarshalJSON adds handled_seconds.
func (e RPCRequest) MarshalJSON() ([]byte, error) {
	type plain RPCRequest
	return json.Marshal(struct {
		plain
		HandledSeconds float64 `json:"handled_seconds"`
	}{plain(e), e.Handled.Seconds()})
}
