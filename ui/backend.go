package ui

import (
	"context"
	"errors"
	"time"

	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

// Backend is everything the dashboard asks of the outside world. The UI never
// touches HTTP, processes or the LiveKit SDK directly; package cli wires the
// live one, tests wire a fake.
type Backend interface {
	// Fetch gets a token from the source described by req.Spec.
	Fetch(ctx context.Context, req FetchRequest) (FetchResult, error)
	// Join starts joining the room with a token from the same source and
	// returns at once: the session's events report each step
	// (room.JoinProgress), then room.Connected, or room.JoinFailed and the
	// end of the stream. ctx bounds the join. The error is for a request
	// that cannot start (no usable source).
	Join(ctx context.Context, req JoinRequest) (Session, error)
	// CheckServer reads the server's clock and, when req.Token is set,
	// asks the server for its own verdict on it (GET /rtc/validate).
	CheckServer(ctx context.Context, req ServerCheckRequest) (ServerCheck, error)
}

// ServerCheckRequest names the server (and the token) to check.
type ServerCheckRequest struct {
	ServerURL string
	Token     string // "" reads the clock only
}

// ServerCheck is what the server said. The error of CheckServer is the
// verdict's; a clock that cannot be read is ClockErr.
type ServerCheck struct {
	Clock    tokens.ClockOffset
	ClockErr error
	Verdict  *tokens.ServerVerdict // nil when no token was asked about
}

// FetchRequest is one fetch as the user asked for it.
type FetchRequest struct {
	Spec    source.Spec
	Options tokens.Options
	Caching bool // go through the caching decorator
	Force   bool // drop the cached entry first (the "r" key)
}

// FetchResult is a fetched response, its token decoded, and what the
// cache did.
type FetchResult struct {
	Response tokens.Response
	// Token is Response's token decoded (tokens.Decode), nil when it does
	// not decode, which DecodeErr says why.
	Token     *tokens.Token
	DecodeErr error
	Cache     CacheInfo
}

// CacheInfo describes the caching decorator's part in a fetch.
type CacheInfo struct {
	Enabled    bool
	Status     tokens.CacheStatus
	ReuseUntil time.Time // zero: no entry, or reused forever (no exp)
	HasEntry   bool
	Stats      tokens.CacheStats
}

// JoinRequest is one join as the user asked for it.
type JoinRequest struct {
	Spec    source.Spec
	Options tokens.Options
	Caching bool
	// AutoSubscribe subscribes to what others publish from the start.
	AutoSubscribe bool
	// Topics are stream topics to receive besides room.DefaultTopics.
	Topics []string
	// RPCEcho are methods to answer with the request's payload.
	RPCEcho []string
}

// Session is a joined room. *room.Session satisfies it.
type Session interface {
	// Events is closed when the session ends.
	Events() <-chan room.Event
	// Response is what the token source returned (complete once
	// room.Connected has arrived).
	Response() tokens.Response
	// TriggerRefresh asks the server to issue a new token now (needs key and
	// secret in the spec).
	TriggerRefresh(ctx context.Context) error
	// PublishDemo publishes the looping test pattern and tone; it blocks
	// until the server accepted them.
	PublishDemo() ([]room.Track, error)
	// UnpublishDemo takes the demo tracks down.
	UnpublishDemo() error
	// SetAutoSubscribe subscribes to (or unsubscribes from) every track
	// others publish, now and later.
	SetAutoSubscribe(on bool) error
	// Dropped counts events lost because the dashboard fell behind.
	Dropped() int64
	// Drill triggers a reconnect scenario; its result arrives as events.
	Drill(d room.Drill) error
	// Path is the candidate pair media takes and its round-trip time;
	// false before ICE has selected one. It reads the peer connection's
	// stats, so it is called off the Update goroutine.
	Path() (room.Path, bool)
	Leave()
}

// errNoBackend is what fetch and join report when Config.Backend was nil.
var errNoBackend = errors.New("ui: no backend configured")

type noBackend struct{}

func (noBackend) Fetch(context.Context, FetchRequest) (FetchResult, error) {
	return FetchResult{}, errNoBackend
}
func (noBackend) Join(context.Context, JoinRequest) (Session, error) { return nil, errNoBackend }
func (noBackend) CheckServer(context.Context, ServerCheckRequest) (ServerCheck, error) {
	return ServerCheck{}, errNoBackend
}
