package tokens

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
)

// DefaultSandboxBaseURL is LiveKit Cloud's sandbox token server, used when
// Sandbox.BaseURL is empty.
const DefaultSandboxBaseURL = "https://cloud-api.livekit.io"

// sandboxPath is appended to the base URL.
const sandboxPath = "/api/v2/sandbox/connection-details"

// Sandbox fetches development tokens from a LiveKit Cloud sandbox token
// server. It speaks the endpoint protocol (same body, same answer, same
// redirect policy) with an X-Sandbox-ID header.
type Sandbox struct {
	ID      string        // surrounding whitespace is trimmed
	BaseURL string        // default DefaultSandboxBaseURL; overridable for tests and self-hosting
	Timeout time.Duration // <= 0 means DefaultTimeout
	Client  *http.Client  // nil means a client with Endpoint's redirect policy
}

// Fetch asks the sandbox server; it invents room and identity when omitted,
// so pin them in opts (or cache) to stay in one room.
func (s *Sandbox) Fetch(ctx context.Context, opts Options) (Response, error) {
	e, err := s.endpoint()
	if err != nil {
		return Response{}, err
	}
	return e.Fetch(ctx, opts)
}

func (s *Sandbox) endpoint() (*Endpoint, error) {
	id := strings.TrimSpace(s.ID)
	if id == "" {
		return nil, errors.New("sandbox: the sandbox ID is empty")
	}
	base := strings.TrimSpace(s.BaseURL)
	if base == "" {
		base = DefaultSandboxBaseURL
	}
	return &Endpoint{
		URL:     strings.TrimRight(base, "/") + sandboxPath,
		Method:  http.MethodPost,
		Headers: http.Header{"X-Sandbox-Id": {id}},
		Timeout: s.Timeout,
		Client:  s.Client,
	}, nil
}
