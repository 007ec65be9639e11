package room

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/lkdash/lkdash/tokens"
)

// The SDK quotes the whole token when the server refuses it; neither the
// token nor any of its segments may reach a JoinError's text.
func TestRedactRemovesTokenText(t *testing.T) {
	resp, err := (&tokens.Mint{ServerURL: "ws://127.0.0.1:7880", APIKey: "devkey", APISecret: "secret"}).
		Fetch(context.Background(), tokens.Options{RoomName: "r", ParticipantIdentity: "ada"})
	if err != nil {
		t.Fatal(err)
	}
	tok := resp.ParticipantToken
	for _, msg := range []string{
		"unauthorized: invalid token: " + tok + ", error: go-jose/go-jose: error in cryptographic primitive",
		"signature " + strings.Split(tok, ".")[2] + " does not match",
	} {
		got := redact(errors.New(msg), tok).Error()
		for _, part := range append(strings.Split(tok, "."), tok) {
			if strings.Contains(got, part) {
				t.Errorf("redact(%q) = %q still holds token text", msg, got)
			}
		}
	}
	// No token text: the error is returned as it was, chain included.
	plain := fmt.Errorf("dial: %w", context.DeadlineExceeded)
	if got := redact(plain, tok); got != plain || !errors.Is(got, context.DeadlineExceeded) {
		t.Errorf("redact changed an error without token text: %v", got)
	}
	if redact(nil, tok) != nil {
		t.Error("redact(nil) is not nil")
	}
}
