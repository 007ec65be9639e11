package tokens

import (
	"errors"
	"strings"
	"testing"

	"github.com/lkdash/lkdash/internal/corpus"
)

// TestDecodeCorpus: every token of the shared corpus decodes, or fails
// with a DecodeError that says what is wrong with it.
func TestDecodeCorpus(t *testing.T) {
	wantErr := map[string]string{
		"two-segments":        "2 dot-separated segments",
		"jwe-five-segments":   "an encrypted JWE",
		"not-base64":          "not valid base64url",
		"header-not-json":     "header is not a JSON object",
		"payload-is-an-array": "payload is not a JSON object",
		"empty":               "token is empty",
	}
	for _, c := range corpus.Tokens(t) {
		tok, err := Decode(c.Raw)
		want, bad := wantErr[c.Name]
		switch {
		case bad:
			var de *DecodeError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %v, want a DecodeError saying %q", c.Name, err, want)
			}
		case err != nil:
			t.Errorf("%s: %v", c.Name, err)
		case tok.Subject == "":
			t.Errorf("%s: decoded without its subject", c.Name)
		}
	}
}
