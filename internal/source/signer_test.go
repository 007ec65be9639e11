package source

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lkdash/lkdash/tokens"
)

const (
	testKey    = "APIkey123"
	testSecret = "a-test-secret-that-is-long-enough-for-hs256"
)

// joinToken is a good join token signed by testKey.
func joinToken(t *testing.T) *tokens.Token {
	t.Helper()
	resp, err := (&tokens.Mint{ServerURL: "ws://127.0.0.1:7880", APIKey: testKey, APISecret: testSecret}).
		Fetch(context.Background(), tokens.Options{RoomName: "r", ParticipantIdentity: "ada"})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tokens.Decode(resp.ParticipantToken)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestSignerKeysFor(t *testing.T) {
	tok := joinToken(t) // iss testKey
	other := SavedKey{Name: "other", URL: "wss://other.example", APIKey: "OTHER", APISecret: "othersecret"}
	mine := SavedKey{Name: "mine", URL: "wss://mine.example", APIKey: testKey, APISecret: testSecret}
	byURL := SavedKey{Name: "by-url", URL: "https://Lab.Example:443/", APIKey: "LAB", APISecret: "labsecret"}
	explicit := tokens.CheckConfig{APIKey: "EXPLICIT", APISecret: "x"}
	tests := []struct {
		name      string
		keys      SignerKeys
		serverURL string
		want      tokens.CheckConfig
		from      string
	}{
		{"nothing at hand", SignerKeys{}, "", tokens.CheckConfig{}, ""},
		{"unrelated project", SignerKeys{Saved: []SavedKey{other}}, "wss://elsewhere.example", tokens.CheckConfig{}, ""},
		{"project with the issuer's key", SignerKeys{Saved: []SavedKey{other, mine}}, "", tokens.CheckConfig{APIKey: testKey, APISecret: testSecret}, "mine"},
		{"project with the server's URL", SignerKeys{Saved: []SavedKey{other, byURL}}, "wss://lab.example", tokens.CheckConfig{APIKey: "LAB", APISecret: "labsecret"}, "by-url"},
		{"issuer wins over URL", SignerKeys{Saved: []SavedKey{byURL, mine}}, "wss://lab.example", tokens.CheckConfig{APIKey: testKey, APISecret: testSecret}, "mine"},
		{"URL with another port", SignerKeys{Saved: []SavedKey{byURL}}, "wss://lab.example:7880", tokens.CheckConfig{}, ""},
		{"insecure vs secure URL", SignerKeys{Saved: []SavedKey{byURL}}, "ws://lab.example", tokens.CheckConfig{}, ""},
		{"explicit always", SignerKeys{Explicit: explicit, Saved: []SavedKey{mine}}, "", explicit, ""},
		{"explicit secret only", SignerKeys{Explicit: tokens.CheckConfig{APISecret: "x"}}, "", tokens.CheckConfig{APISecret: "x"}, ""},
		{"garbage URL", SignerKeys{Saved: []SavedKey{{Name: "bad", URL: "::", APIKey: "B"}}}, "::", tokens.CheckConfig{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, from := tt.keys.For(tok, tt.serverURL)
			if got != tt.want || from != tt.from {
				t.Errorf("For = %+v from %q, want %+v from %q", got, from, tt.want, tt.from)
			}
		})
	}
}

// TestUnrelatedKeyLeavesTokenValid is the sandbox demo case: a good token
// from another project stays valid, unverified, with a note naming its key.
func TestUnrelatedKeyLeavesTokenValid(t *testing.T) {
	tok := joinToken(t)
	keys := SignerKeys{Saved: []SavedKey{{Name: "lab", URL: "wss://lab.example", APIKey: "labkey", APISecret: "labsecret"}}}
	cfg, _ := keys.For(tok, "wss://sandbox.example")
	v := tok.Check(time.Now(), cfg)
	if !v.Valid || v.Signature != tokens.SignatureUnverified {
		t.Fatalf("valid=%v signature=%s problems=%q", v.Valid, v.Signature, v.Problems)
	}
	if !slices.ContainsFunc(v.Warnings, func(w string) bool {
		return strings.Contains(w, `signed by API key "`+testKey+`" and no secret for it is at hand`)
	}) {
		t.Errorf("warnings %q do not name the signing key", v.Warnings)
	}
}
