package tokens

import (
	"context"
	"fmt"
	"strings"
)

// Literal is a fixed server URL and token (FixedSource). Wrap it with
// IgnoreOptions where a ConfigurableSource is needed.
type Literal struct {
	ServerURL        string // where to connect
	ParticipantToken string // the JWT to join with
}

// Fetch returns the pair, or ErrEmptyURL / ErrEmptyToken.
func (l Literal) Fetch(ctx context.Context) (Response, error) {
	if err := ctx.Err(); err != nil {
		return Response{}, err
	}
	u, t := strings.TrimSpace(l.ServerURL), strings.TrimSpace(l.ParticipantToken)
	if u == "" {
		return Response{}, fmt.Errorf("literal source: %w", ErrEmptyURL)
	}
	if t == "" {
		return Response{}, fmt.Errorf("literal source: %w", ErrEmptyToken)
	}
	return Response{ServerURL: u, ParticipantToken: t}, nil
}

// String shows the URL and the token's length, never the token.
func (l Literal) String() string {
	return fmt.Sprintf("literal %s (token: %d bytes)", redactURL(l.ServerURL), len(l.ParticipantToken))
}

// GoString keeps %#v from printing the token.
func (l Literal) GoString() string { return l.String() }
