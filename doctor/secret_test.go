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
