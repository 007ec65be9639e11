package doctor

import (
	"strings"
	"testing"

	"github.com/lkdash/lkdash/tokens"
)

// TestWrongSecretGivenWarns: the token is signed with the server's secret
// but lkdash is given another one for its key. The server's verdict wins
// (the url check passes the token) and a warning names the secret given as
// the one at fault, instead of a disagreement blamed on lkdash's rules.
func TestWrongSecretGivenWarns(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	keys := func(*tokens.Token, string) tokens.CheckConfig {
		return tokens.CheckConfig{APIKey: srv.APIKey, APISecret: "not-the-servers-secret-not-the-servers"}
	}
	res := runChecks(t, Config{Source: mintAt(srv, srv.URL), Keys: keys}, CheckURL)
	want(t, res[CheckURL], Warn, "secret given for key", "not the one the server holds", "keys setting")
	tv := res[CheckURL].Details.Token
	if tv == nil || tv.Agreement == nil || !tv.Agreement.Explained || strings.Contains(tv.Agreement.Note, "DISAGREEMENT") {
		t.Errorf("agreement = %+v, want the difference explained by the secret given", tv)
	}
}

// TestMintedWithAnotherSecretFails: lkdash mints with a key pair the
// server does not hold (the right key with another secret, or a key it
// has never heard of), so lkdash verifies the signature and the server
// refuses it. The cause says the pair differs, not that lkdash's rules
// are wrong, and the fix points at the server's secret or keys.
func TestMintedWithAnotherSecretFails(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	const mine = "a-secret-only-this-machine-knows-0123456789"
	for _, c := range []struct{ key, cause, fix string }{
		{srv.APIKey, "not the one the server holds", "use the secret the server holds for key"},
		{"nokey", "holds no such API key", `the server holds no key "nokey"`},
	} {
		src := &tokens.Mint{ServerURL: srv.URL, APIKey: c.key, APISecret: mine}
		keys := func(*tokens.Token, string) tokens.CheckConfig {
			return tokens.CheckConfig{APIKey: c.key, APISecret: mine}
		}
		res := runChecks(t, Config{Source: src, Keys: keys}, CheckURL)
		want(t, res[CheckURL], Fail, c.cause, c.fix)
		tv := res[CheckURL].Details.Token
		if tv == nil || tv.Agreement == nil || !tv.Agreement.Explained || strings.Contains(tv.Agreement.Note, "DISAGREEMENT") {
			t.Errorf("key %s: verdicts = %+v, want the difference explained by the key pair", c.key, tv)
		}
	}
}
