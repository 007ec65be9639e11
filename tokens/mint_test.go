package tokens

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/livekit/protocol/auth"
)

const (
	srcKey    = "APIkey123"
	srcSecret = "s3cr3t-mint-secret-value-long-enough"
)

// srcVerify checks the signature with livekit/protocol's verifier and
// decodes the grants.
func srcVerify(t *testing.T, token string) *auth.ClaimGrants {
	t.Helper()
	v, err := auth.ParseAPIToken(token)
	if err != nil {
		t.Fatal(err)
	}
	_, g, err := v.Verify(srcSecret)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return g
}

func TestMintFull(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	m := &Mint{ServerURL: " wss://lk.example ", APIKey: srcKey, APISecret: srcSecret, TTL: 10 * time.Minute,
		Grants: Grants{RoomJoin: true, CanSubscribe: true, Hidden: true, RoomAdmin: true, RoomCreate: true,
			RoomList: true, RoomRecord: true, Agent: true},
		Now: func() time.Time { return now }}
	opts := Options{RoomName: "r", ParticipantIdentity: "id", ParticipantName: "Zoë", ParticipantMetadata: `{"m":1}`,
		ParticipantAttributes: map[string]string{"k": "v"}, AgentName: "helper", AgentMetadata: "am", AgentDeployment: "prod"}
	r, err := m.Fetch(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if r.ServerURL != "wss://lk.example" || r.RoomName != "r" || r.ParticipantName != "Zoë" {
		t.Errorf("response %+v", r)
	}
	g := srcVerify(t, r.ParticipantToken)
	v := g.Video
	if g.Identity != "id" || g.Name != "Zoë" || g.Metadata != `{"m":1}` || g.Attributes["k"] != "v" {
		t.Errorf("grants %+v", g)
	}
	if v.Room != "r" || !v.RoomJoin || !v.Hidden || !v.RoomAdmin || !v.RoomCreate || !v.RoomList || !v.RoomRecord || !v.Agent {
		t.Errorf("video grant %+v", v)
	}
	// Denials are explicit, not absent.
	if v.CanPublish == nil || *v.CanPublish || v.CanPublishData == nil || *v.CanPublishData || v.CanSubscribe == nil || !*v.CanSubscribe {
		t.Errorf("publish/subscribe not explicit: %+v", v)
	}
	agents := g.GetRoomConfiguration().GetAgents()
	if len(agents) != 1 || agents[0].AgentName != "helper" || agents[0].Metadata != "am" || agents[0].Deployment != "prod" {
		t.Errorf("agents %v", agents)
	}

	tok, err := Decode(r.ParticipantToken)
	if err != nil {
		t.Fatal(err)
	}
	if !tok.IssuedAt.Equal(now) || !tok.NotBefore.Equal(now) || !tok.ExpiresAt.Equal(now.Add(10*time.Minute)) || tok.Issuer != srcKey {
		t.Errorf("iat %v nbf %v exp %v iss %q", tok.IssuedAt, tok.NotBefore, tok.ExpiresAt, tok.Issuer)
	}
}

func TestMintDefaults(t *testing.T) {
	for _, ttl := range []time.Duration{0, -time.Minute} {
		m := &Mint{ServerURL: "ws://localhost:7880", APIKey: srcKey, APISecret: srcSecret, TTL: ttl}
		r1, err := m.Fetch(context.Background(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		r2, _ := m.Fetch(context.Background(), Options{})
		g := srcVerify(t, r1.ParticipantToken)
		if !strings.HasPrefix(g.Identity, "user-") || len(g.Identity) != len("user-")+8 || !strings.HasPrefix(r1.RoomName, "room-") {
			t.Errorf("invented identity %q room %q", g.Identity, r1.RoomName)
		}
		if g.Video.Room != r1.RoomName || r1.ParticipantName != g.Identity {
			t.Errorf("echo: response %+v, grant room %q", r1, g.Video.Room)
		}
		if r1.RoomName == r2.RoomName {
			t.Errorf("two fetches invented the same room %q", r1.RoomName)
		}
		want := DefaultGrants().videoGrant(r1.RoomName)
		if *g.Video.CanPublish != *want.CanPublish || !g.Video.RoomJoin || !*g.Video.CanUpdateOwnMetadata || g.Video.RoomAdmin {
			t.Errorf("zero Grants should mean DefaultGrants, got %+v", g.Video)
		}
		if g.GetRoomConfiguration() != nil {
			t.Errorf("room config without agent options: %v", g.GetRoomConfiguration())
		}
		tok, _ := Decode(r1.ParticipantToken)
		if got := tok.ExpiresAt.Sub(tok.IssuedAt); got != time.Hour {
			t.Errorf("TTL %v: lifetime %v, want 1h", ttl, got)
		}
	}
}

func TestMintMissingCredentials(t *testing.T) {
	tests := []struct {
		m    Mint
		want string
	}{
		{Mint{ServerURL: "ws://x", APISecret: srcSecret}, "mint: API key is required"},
		{Mint{ServerURL: "ws://x", APIKey: srcKey}, "mint: API secret is required"},
		{Mint{APIKey: srcKey, APISecret: srcSecret}, "mint: server URL is required"},
		{Mint{ServerURL: "ws://x"}, "mint: API key and API secret are required"},
	}
	for _, tt := range tests {
		_, err := tt.m.Fetch(context.Background(), Options{})
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("err = %v, want %q", err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), srcSecret) {
			t.Errorf("error leaks the secret: %v", err)
		}
	}
	_, err := (&Mint{APIKey: "k", APISecret: "s"}).Fetch(context.Background(), Options{})
	if !errors.Is(err, ErrEmptyURL) {
		t.Errorf("missing server URL should wrap ErrEmptyURL: %v", err)
	}
}

func TestMintNeverPrintsSecret(t *testing.T) {
	m := Mint{ServerURL: "wss://x", APIKey: srcKey, APISecret: srcSecret}
	for _, s := range []string{fmt.Sprint(m), fmt.Sprint(&m), fmt.Sprintf("%+v", m), fmt.Sprintf("%#v", m), fmt.Sprintf("%#v", &m)} {
		if strings.Contains(s, srcSecret) {
			t.Errorf("secret printed: %s", s)
		}
	}
}

func TestMintCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (&Mint{ServerURL: "ws://x", APIKey: "k", APISecret: "s"}).Fetch(ctx, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}
