// Package kindtest gives tests a working source.Spec for every token source
// kind, backed by loopback httptest servers and a local shell command, so a
// test can walk source.Kinds() and prove each kind works end to end. A kind
// without an example here fails those tests: adding a kind means adding its
// example.
package kindtest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/tokens"
)

// What every example's token says.
const (
	ServerURL = "ws://127.0.0.1:7880"
	APIKey    = "kindtest-key"
	APISecret = "kindtest-secret-0123456789abcdef0123456789"
	Room      = "kindtest-room"
	Identity  = "kindtest-user"
	SandboxID = "kindtest-sandbox"
)

// Options are the request options to fetch with; a literal token was minted
// for the same room and identity, so every kind yields the same claims.
func Options() tokens.Options {
	return tokens.Options{RoomName: Room, ParticipantIdentity: Identity}
}

// Spec returns a Spec of kind k whose source yields a token for Room and
// Identity at ServerURL, signed with APISecret. It fails t for a kind it has
// no example for.
func Spec(t testing.TB, k source.Kind) source.Spec {
	t.Helper()
	switch k {
	case source.KindLiteral:
		return source.Spec{Kind: k, ServerURL: ServerURL, Token: token(t)}
	case source.KindEndpoint:
		srv := httptest.NewServer(handler())
		t.Cleanup(srv.Close)
		return source.Spec{Kind: k, Endpoint: srv.URL + "/token", Method: http.MethodPost,
			Headers: http.Header{"Authorization": {"Bearer kindtest"}}, Timeout: 5 * time.Second}
	case source.KindSandbox:
		h := handler()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/api/v2/sandbox/connection-details" || r.Header.Get("X-Sandbox-Id") != SandboxID {
				http.Error(w, "unknown sandbox", http.StatusNotFound)
				return
			}
			h.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		return source.Spec{Kind: k, SandboxID: SandboxID, SandboxBaseURL: srv.URL, Timeout: 5 * time.Second}
	case source.KindCommand:
		// The response JSON holds no single quote, so it quotes safely.
		line := fmt.Sprintf(`cat >/dev/null; printf '%%s' '{"server_url":%q,"participant_token":%q}'`, ServerURL, token(t))
		return source.Spec{Kind: k, Command: line, Timeout: 5 * time.Second}
	case source.KindMint:
		return source.Spec{Kind: k, ServerURL: ServerURL, APIKey: APIKey, APISecret: APISecret, TTL: time.Hour,
			Grants: tokens.DefaultGrants()}
	}
	t.Fatalf("kindtest has no example for source kind %q: add one", k)
	return source.Spec{}
}

// handler is a token endpoint minting like the Mint example.
func handler() http.Handler {
	return tokens.NewHandler(tokens.HandlerConfig{ServerURL: ServerURL, APIKey: APIKey, APISecret: APISecret,
		TTL: time.Hour, Grants: tokens.DefaultGrants(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

func token(t testing.TB) string {
	t.Helper()
	m := &tokens.Mint{ServerURL: ServerURL, APIKey: APIKey, APISecret: APISecret, TTL: time.Hour}
	r, err := m.Fetch(context.Background(), Options())
	if err != nil {
		t.Fatalf("minting the literal token: %v", err)
	}
	return r.ParticipantToken
}

// CheckResponse fails t unless r is a token the examples promise: for Room
// and Identity at ServerURL, signed with APISecret.
func CheckResponse(t testing.TB, r tokens.Response) {
	t.Helper()
	if r.ServerURL != ServerURL {
		t.Errorf("server URL %q, want %q", r.ServerURL, ServerURL)
	}
	tok, err := tokens.Decode(r.ParticipantToken)
	if err != nil {
		t.Fatalf("token does not decode: %v", err)
	}
	if got := tok.Identity(); got != Identity {
		t.Errorf("identity %q, want %q", got, Identity)
	}
	if tok.Grants == nil || tok.Grants.Video == nil || tok.Grants.Video.Room != Room {
		t.Errorf("room grant %+v, want room %q", tok.Grants, Room)
	}
	if sig := tok.Verify(APISecret); sig != tokens.SignatureVerified {
		t.Errorf("signature %s", sig)
	}
}
