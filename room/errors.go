package room

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/lkdash/lkdash/tokens"
)

// JoinReason says, in one word, why Join failed.
type JoinReason string

const (
	ReasonTokenSource    JoinReason = "token_source"    // fetching the token failed
	ReasonMalformedToken JoinReason = "malformed_token" // not a JWT, or not one the server can read
	ReasonExpired        JoinReason = "expired"         // exp is in the past
	ReasonNotYetValid    JoinReason = "not_yet_valid"   // nbf is in the future
	ReasonBadSignature   JoinReason = "bad_signature"   // signed with another secret
	ReasonUnknownKey     JoinReason = "unknown_key"     // the server has no such API key
	ReasonNoJoinGrant    JoinReason = "no_join_grant"   // video.roomJoin missing or false (or room not allowed)
	ReasonUnauthorized   JoinReason = "unauthorized"    // any other 401 from the server
	ReasonRoomFull       JoinReason = "room_full"       // the room has max_participants already (checked through RoomService)
	ReasonJoinRefused    JoinReason = "join_refused"    // the server took the token but would not add us to the room
	ReasonBadURL         JoinReason = "bad_url"         // server URL malformed or not a LiveKit server
	ReasonNoUpgrade      JoinReason = "no_upgrade"      // something in front of the server answered the WebSocket request without upgrading it
	ReasonUnreachable    JoinReason = "unreachable"     // connection refused, no such host, no route
	ReasonUnavailable    JoinReason = "unavailable"     // the server answered 503
	ReasonTimeout        JoinReason = "timeout"         // deadline passed while connecting
	ReasonCanceled       JoinReason = "canceled"        // the caller canceled
	ReasonOther          JoinReason = "other"           // none of the above; Err has the details
)

// JoinError is a failed Join. Error() is a sentence for people; Reason is
// for code. Err is the underlying error with any token text removed.
type JoinError struct {
	Reason JoinReason // why, for code to switch on
	Err    error      // the cause, with token text removed
	// ServerURL is the server that was tried ("" when no token was fetched).
	ServerURL string
	// Network is what the signal connection carried before the join
	// failed: the server, its ICE servers and candidates, the connectivity
	// checks. Nil when the signal connection never got that far.
	Network *Network
}

// Error says what failed and what to do about it, in one line.
func (e *JoinError) Error() string {
	msg := "cannot join: " + e.Reason.describe()
	if e.ServerURL != "" && (e.Reason == ReasonUnreachable || e.Reason == ReasonBadURL || e.Reason == ReasonNoUpgrade ||
		e.Reason == ReasonTimeout || e.Reason == ReasonUnavailable) {
		msg += " (" + e.ServerURL + ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns Err, so errors.Is sees context.Canceled and the
// token source's own errors through a JoinError.
func (e *JoinError) Unwrap() error { return e.Err }

func (r JoinReason) describe() string {
	switch r {
	case ReasonTokenSource:
		return "the token source failed"
	case ReasonMalformedToken:
		return "the token is not a valid JWT"
	case ReasonExpired:
		return "the token has expired; fetch a new one"
	case ReasonNotYetValid:
		return "the token is not valid yet (nbf is in the future; check clocks)"
	case ReasonBadSignature:
		return "the token's signature does not match the server's API secret"
	case ReasonUnknownKey:
		return "the server does not know the token's API key (iss)"
	case ReasonNoJoinGrant:
		return "the token does not grant joining this room (video.roomJoin)"
	case ReasonUnauthorized:
		return "the server rejected the token"
	case ReasonRoomFull:
		return "the room is full (max_participants)"
	case ReasonJoinRefused:
		return "the server would not add us to the room"
	case ReasonBadURL:
		return "the server URL is wrong or is not a LiveKit server"
	case ReasonNoUpgrade:
		return "the signal connection was not upgraded to a WebSocket"
	case ReasonUnreachable:
		return "cannot reach the server (wrong host or port, or the server is down)"
	case ReasonUnavailable:
		return "the server is unavailable"
	case ReasonTimeout:
		return "timed out connecting to the server"
	case ReasonCanceled:
		return "canceled"
	}
	return "connection failed"
}

// classify maps what the SDK (and our relay) said into a JoinError.
// upstream is the relay's last failure to reach the real server, which is
// the true cause when the SDK only saw the relay's 502. The SDK's
// /rtc/validate errors look like "unauthorized: invalid token: <jwt>,
// error: token has invalid claims: token is expired"; the JWT is cut out.
func classify(ctx context.Context, sdkErr, upstream error, token, serverURL string) *JoinError {
	je := &JoinError{ServerURL: serverURL, Err: redact(sdkErr, token)}
	if upstream != nil && ctx.Err() == nil {
		je.Err = redact(upstream, token)
		je.Reason = networkReason(upstream)
		return je
	}
	msg := ""
	if sdkErr != nil {
		msg = sdkErr.Error()
	}
	switch {
	case strings.HasPrefix(msg, "unauthorized"):
		je.Reason = authReason(msg)
	case strings.HasPrefix(msg, "unavailable"):
		je.Reason = ReasonUnavailable
	case errors.Is(ctx.Err(), context.Canceled):
		je.Reason, je.Err = ReasonCanceled, ctx.Err()
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		je.Reason, je.Err = ReasonTimeout, ctx.Err()
	case msg == "not found", strings.Contains(msg, "bad handshake"):
		je.Reason = ReasonBadURL
	default:
		je.Reason = networkReason(sdkErr)
	}
	return je
}

func authReason(msg string) JoinReason {
	switch {
	case strings.Contains(msg, "token is expired"):
		return ReasonExpired
	case strings.Contains(msg, "not valid yet"), strings.Contains(msg, "used before issued"):
		return ReasonNotYetValid
	case strings.Contains(msg, "signature is invalid"):
		return ReasonBadSignature
	case strings.Contains(msg, "invalid API key"):
		return ReasonUnknownKey
	case strings.Contains(msg, "permissions denied"):
		return ReasonNoJoinGrant
	case strings.Contains(msg, "invalid authorization token"), strings.Contains(msg, "malformed"):
		return ReasonMalformedToken
	}
	return ReasonUnauthorized
}

func networkReason(err error) JoinReason {
	var dnsErr *net.DNSError
	var urlErr *url.Error
	var netErr net.Error
	switch {
	case err == nil:
		return ReasonOther
	case errors.Is(err, context.Canceled):
		return ReasonCanceled
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return ReasonTimeout
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH),
		errors.As(err, &dnsErr):
		return ReasonUnreachable
	case strings.Contains(err.Error(), "unsupported protocol scheme"),
		strings.Contains(err.Error(), "has no host"),
		strings.Contains(err.Error(), "bad handshake"),
		errors.As(err, &urlErr) && strings.Contains(urlErr.Err.Error(), "malformed HTTP"):
		return ReasonBadURL
	case strings.Contains(err.Error(), "connection refused"), strings.Contains(err.Error(), "no such host"):
		return ReasonUnreachable
	case strings.Contains(err.Error(), "could not establish"), strings.Contains(err.Error(), "timeout"):
		return ReasonTimeout
	}
	return ReasonOther
}

// redact removes the token from an error's text (the SDK quotes it in full
// when the server rejects it), as tokens.RedactTokens does for every
// message shown. The error chain is kept when no token text appears in it.
func redact(err error, token string) error {
	if err == nil {
		return err
	}
	if msg := tokens.RedactTokens(err.Error(), token); msg != err.Error() {
		return errors.New(msg)
	}
	return err
}

// unrelay rewrites the relay's loopback address in an SDK error to the real
// server's, so messages name the server the user configured.
func unrelay(err error, r *relay) error {
	if err == nil {
		return nil
	}
	msg := strings.TrimSpace(err.Error())
	relayHTTP := strings.Replace(r.URL(), "ws://", "http://", 1)
	if !strings.Contains(msg, relayHTTP) && !strings.Contains(msg, r.URL()) {
		return err
	}
	msg = strings.ReplaceAll(msg, relayHTTP, strings.TrimSuffix(r.httpBase.String(), "/"))
	msg = strings.ReplaceAll(msg, r.URL(), strings.TrimSuffix(r.wsBase.String(), "/"))
	return errors.New(msg)
}

// preflight catches tokens the server could never accept without a round
// trip: not a JWT at all. Expiry is left to the server, whose leeway is the
// truth.
func preflight(raw string) (*tokens.Token, *JoinError) {
	tok, err := tokens.Decode(raw)
	if err != nil {
		return nil, &JoinError{Reason: ReasonMalformedToken, Err: err}
	}
	return tok, nil
}

// sourceError wraps a token-source failure.
func sourceError(err error) *JoinError {
	r := ReasonTokenSource
	if errors.Is(err, context.Canceled) {
		r = ReasonCanceled
	} else if errors.Is(err, context.DeadlineExceeded) {
		r = ReasonTimeout
	}
	return &JoinError{Reason: r, Err: err}
}

// describeDisconnect gives the protocol reason a human phrase.
func describeDisconnect(code string) string {
	switch code {
	case "CLIENT_INITIATED":
		return "leave requested by user"
	case "DUPLICATE_IDENTITY":
		return "another participant joined with the same identity"
	case "SERVER_SHUTDOWN":
		return "server shutting down"
	case "PARTICIPANT_REMOVED":
		return "removed from the room"
	case "ROOM_DELETED":
		return "room deleted"
	case "STATE_MISMATCH":
		return "client and server state mismatch"
	case "JOIN_FAILURE":
		return "join failed"
	case "MIGRATION":
		return "moved to another server"
	case "SIGNAL_CLOSE":
		return "lost the signal connection to the server"
	case "ROOM_CLOSED":
		return "room closed"
	case "USER_UNAVAILABLE":
		return "user unavailable"
	case "USER_REJECTED":
		return "user rejected"
	case "SIP_TRUNK_FAILURE":
		return "SIP trunk failure"
	case "CONNECTION_TIMEOUT":
		return "connection timed out"
	case "MEDIA_FAILURE":
		return "media connection failed"
	}
	return "disconnected"
}
