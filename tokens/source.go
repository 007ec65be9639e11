package tokens

import "context"

// Response is what every token source yields: where to connect and with what.
type Response struct {
	ServerURL        string
	ParticipantToken string
	// RoomName and ParticipantName are optional echoes from token servers.
	RoomName        string
	ParticipantName string
}

// FixedSource yields a token without request options (Literal).
type FixedSource interface {
	Fetch(ctx context.Context) (Response, error)
}

// ConfigurableSource yields a token for the given request options
// (Endpoint, Sandbox, Command, Mint, Custom, Caching).
type ConfigurableSource interface {
	Fetch(ctx context.Context, opts Options) (Response, error)
}

// Custom adapts a function to a ConfigurableSource.
type Custom func(ctx context.Context, opts Options) (Response, error)

// Fetch calls f.
func (f Custom) Fetch(ctx context.Context, opts Options) (Response, error) { return f(ctx, opts) }

// IgnoreOptions lets a FixedSource stand where a ConfigurableSource is
// expected; the options are dropped, as a literal token cannot honour them.
func IgnoreOptions(src FixedSource) ConfigurableSource {
	return Custom(func(ctx context.Context, _ Options) (Response, error) { return src.Fetch(ctx) })
}
