package invite

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/lkdash/lkdash/tokens"
)

func TestNewMintsAGuestInTheRoom(t *testing.T) {
	src := &tokens.Mint{ServerURL: "wss://demo.example", APIKey: "key", APISecret: "secret-secret-secret-secret-0123"}
	inv, err := New(context.Background(), src, tokens.Options{RoomName: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Room != "demo" || !strings.HasPrefix(inv.Identity, "guest-") || inv.ExpiresAt.IsZero() || inv.LocalOnly() {
		t.Errorf("invite = %+v", inv)
	}
	u, err := url.Parse(inv.MeetURL())
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme+"://"+u.Host+u.Path != MeetCustomURL || u.Query().Get("liveKitUrl") != "wss://demo.example" || u.Query().Get("token") != inv.Token {
		t.Errorf("Meet link %s does not carry the server and the token", inv.MeetURL())
	}
	if strings.Contains(inv.MeetURL(), "wss://") {
		t.Errorf("the server URL is not query-encoded: %s", inv.MeetURL())
	}
}

func TestNewRefusesAnotherRoomAndLoopbackIsLocal(t *testing.T) {
	other := tokens.Custom(func(ctx context.Context, opts tokens.Options) (tokens.Response, error) {
		opts.RoomName = "elsewhere"
		return (&tokens.Mint{ServerURL: "ws://127.0.0.1:7880", APIKey: "k", APISecret: "secret-secret-secret-secret-0123"}).Fetch(ctx, opts)
	})
	inv, err := New(context.Background(), other, tokens.Options{RoomName: "demo", ParticipantIdentity: "ann"})
	if err == nil || !strings.Contains(err.Error(), "elsewhere") {
		t.Errorf("New = %v, want the room mismatch", err)
	}
	if !inv.LocalOnly() || inv.Identity != "ann" {
		t.Errorf("invite = %+v, want a loopback server and the identity asked for", inv)
	}
}
