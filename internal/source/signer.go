package source

import (
	"net"
	"strings"

	"github.com/lkdash/lkdash/tokens"
)

// SavedKey is an API key pair saved for a server, such as an lk CLI project.
type SavedKey struct {
	Name              string // the project's name, shown as where a key came from
	URL               string // the server the project points to
	APIKey, APISecret string // the key pair
}

// SignerKeys are the API key pairs at hand when a token arrives. A pair is
// used to judge a token only when it can be the token's signer, so that a
// good token from another project never turns invalid merely because an
// unrelated project is saved.
type SignerKeys struct {
	// Explicit was given for this token (flag, environment, the form, the
	// managed server): always used, even when it is not the signer.
	Explicit tokens.CheckConfig
	// Saved pairs are used only for a token whose iss is their key, or
	// whose server URL is their URL.
	Saved []SavedKey
}

// For returns the key pair to judge t with, fetched for serverURL ("" when
// unknown), and the name of the saved pair it came from ("" otherwise). No
// pair at all leaves the signature unverified and the claims judged alone.
func (k SignerKeys) For(t *tokens.Token, serverURL string) (tokens.CheckConfig, string) {
	if k.Explicit != (tokens.CheckConfig{}) {
		return k.Explicit, ""
	}
	if t == nil {
		return tokens.CheckConfig{}, ""
	}
	for _, s := range k.Saved {
		if s.APIKey != "" && s.APIKey == t.Issuer {
			return tokens.CheckConfig{APIKey: s.APIKey, APISecret: s.APISecret}, s.Name
		}
	}
	if want, ok := serverKey(serverURL); ok {
		for _, s := range k.Saved {
			if got, ok := serverKey(s.URL); ok && got == want {
				return tokens.CheckConfig{APIKey: s.APIKey, APISecret: s.APISecret}, s.Name
			}
		}
	}
	return tokens.CheckConfig{}, ""
}

// serverKey reduces a LiveKit URL to what identifies the server: ws and http
// (wss and https) reach the same one, host names are case-insensitive and
// default ports are implied.
func serverKey(raw string) (string, bool) {
	_, h, err := tokens.ServerURLs(raw)
	if err != nil {
		return "", false
	}
	port := h.Port()
	if port == "" {
		port = "80"
		if h.Scheme == "https" {
			port = "443"
		}
	}
	return h.Scheme + "://" + net.JoinHostPort(strings.ToLower(h.Hostname()), port), true
}
