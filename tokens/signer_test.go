package tokens

import (
	"testing"
)

func TestSignerKeysFor(t *testing.T) {
	tok := mustDecode(t, sign(t, joinClaims(), testSecret)) // iss testKey
	other := SavedKey{Name: "other", URL: "wss://other.example", APIKey: "OTHER", APISecret: "othersecret"}
	mine := SavedKey{Name: "mine", URL: "wss://mine.example", APIKey: testKey, APISecret: testSecret}
	byURL := SavedKey{Name: "by-url", URL: "https://Lab.Example:443/", APIKey: "LAB", APISecret: "labsecret"}
	explicit := CheckConfig{APIKey: "EXPLICIT", APISecret: "x"}
	tests := []struct {
		name      string
		keys      SignerKeys
		serverURL string
		want      CheckConfig
		from      string
	}{
		{"nothing at hand", SignerKeys{}, "", CheckConfig{}, ""},
		{"unrelated project", SignerKeys{Saved: []SavedKey{other}}, "wss://elsewhere.example", CheckConfig{}, ""},
		{"project with the issuer's key", SignerKeys{Saved: []SavedKey{other, mine}}, "", CheckConfig{APIKey: testKey, APISecret: testSecret}, "mine"},
		{"project with the server's URL", SignerKeys{Saved: []SavedKey{other, byURL}}, "wss://lab.example", CheckConfig{APIKey: "LAB", APISecret: "labsecret"}, "by-url"},
		{"issuer wins over URL", SignerKeys{Saved: []SavedKey{byURL, mine}}, "wss://lab.example", CheckConfig{APIKey: testKey, APISecret: testSecret}, "mine"},
		{"URL with another port", SignerKeys{Saved: []SavedKey{byURL}}, "wss://lab.example:7880", CheckConfig{}, ""},
		{"insecure vs secure URL", SignerKeys{Saved: []SavedKey{byURL}}, "ws://lab.example", CheckConfig{}, ""},
		{"explicit always", SignerKeys{Explicit: explicit, Saved: []SavedKey{mine}}, "", explicit, ""},
		{"explicit secret only", SignerKeys{Explicit: CheckConfig{APISecret: "x"}}, "", CheckConfig{APISecret: "x"}, ""},
		{"garbage URL", SignerKeys{Saved: []SavedKey{{Name: "bad", URL: "::", APIKey: "B"}}}, "::", CheckConfig{}, ""},
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
	tok := mustDecode(t, sign(t, joinClaims(), testSecret))
	keys := SignerKeys{Saved: []SavedKey{{Name: "lab", URL: "wss://lab.example", APIKey: "labkey", APISecret: "labsecret"}}}
	cfg, _ := keys.For(tok, "wss://sandbox.example")
	v := tok.Check(fixedNow, cfg)
	if !v.Valid || v.Signature != SignatureUnverified {
		t.Fatalf("valid=%v signature=%s problems=%q", v.Valid, v.Signature, v.Problems)
	}
	if !containsSub(v.Warnings, `signed by API key "`+testKey+`" and no secret for it is at hand`) {
		t.Errorf("warnings %q do not name the signing key", v.Warnings)
	}
}
