package tokens

import "context"

// Response is what every token source yields (TokenSourceResponse in the
// SDKs): where to connect and with what.
type Response struct {
	ServerURL        string // the LiveKit server, ws(s):// or http(s)://
	ParticipantToken string // the JWT to join with; a credential
	// RoomName and ParticipantName are optional echoes from token servers.
	RoomName, ParticipantName string
}

// FixedSource yields a token without request options (TokenSourceFixed in
// the SDKs): Literal.
type FixedSource interface {
	// Fetch returns the response; it may be called many times.
	Fetch(ctx context.Context) (Response, error)
}

// ConfigurableSource yields a token for the given request options
// (TokenSourceConfigurable in the SDKs): Endpoint, Sandbox, Command, Mint,
// Custom and Caching. room.Join takes one.
type ConfigurableSource interface {
	// Fetch returns a response made for opts. Implementations must be safe
	// for concurrent use and honour ctx.
	Fetch(ctx context.Context, opts Options) (Response, error)
}

// Custom adapts a function to a ConfigurableSource (the SDKs' custom
// token source): call your own backend, read a vault, or return canned
// tokens in tests.
type Custom func(ctx context.Context, opts Options) (Response, error)

// Fetch calls f.
func (f Custom) Fetch(ctx context.Context, opts Options) (Response, error) { return f(ctx, opts) }

// IgnoreOptions lets a FixedSource stand where a ConfigurableSource is
// expected; the options are dropped, as a literal token cannot honour them.
func IgnoreOptions(src FixedSource) ConfigurableSource {
	return Custom(func(ctx context.Context, _ Options) (Response, error) { return src.Fetch(ctx) })
}
