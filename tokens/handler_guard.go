package tokens

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// originPolicy decides which browser origins may read a token. Loopback
// origins always may: a frontend on another localhost port is the use case.
type originPolicy struct {
	any   bool
	exact map[string]bool
}

func newOriginPolicy(allow []string) originPolicy {
	p := originPolicy{exact: map[string]bool{}}
	for _, o := range allow {
		if o == "*" {
			p.any = true
			continue
		}
		if n, err := NormalizeOrigin(o); err == nil {
			p.exact[n] = true
		}
	}
	return p
}

// allow reports whether origin may call the endpoint and the
// Access-Control-Allow-Origin value to answer with. The origin is echoed
// (with Vary: Origin) rather than "*", so caches never mix answers.
func (p originPolicy) allow(origin string) (bool, string) {
	if p.any || p.exact[origin] || loopbackOrigin(origin) {
		return true, origin
	}
	return false, ""
}

// loopbackOrigin: http or https on localhost, 127.0.0.1 or [::1], any
// port. Browsers send origins in this serialized form (lower case, no
// path), so anything else is not a loopback page.
func loopbackOrigin(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !bareOrigin(u) {
		return false
	}
	host := u.Host
	if p := u.Port(); p != "" {
		host = strings.TrimSuffix(host, ":"+p)
	}
	switch strings.TrimSuffix(host, ":") { // "http://localhost:" has an empty port
	case "localhost", "127.0.0.1", "[::1]":
		return true
	}
	return false
}

// bareOrigin: scheme://host[:port] and nothing else.
func bareOrigin(u *url.URL) bool {
	return u.Host != "" && u.User == nil && u.Path == "" && u.RawQuery == "" && !u.ForceQuery &&
		u.Fragment == "" && u.Opaque == ""
}

// NormalizeOrigin checks that s is a web origin, scheme://host[:port]
// with an http or https scheme, and returns it the way browsers send it
// (lower case, no trailing slash).
func NormalizeOrigin(s string) (string, error) {
	u, err := url.Parse(strings.TrimSuffix(strings.TrimSpace(s), "/"))
	if err != nil {
		return "", fmt.Errorf("origin %q: %w", s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("origin %q: want http:// or https://", s)
	}
	if !bareOrigin(u) {
		return "", fmt.Errorf("origin %q: want scheme://host[:port] with no path, query or user", s)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("origin %q: bad port", s)
		}
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}

// bearer checks an Authorization header against the auth token in
// constant time: both sides are hashed first, so neither the content nor
// the length of the token leaks through timing.
type bearer struct{ want [sha256.Size]byte }

func newBearer(token string) *bearer {
	if token == "" {
		return nil
	}
	return &bearer{want: sha256.Sum256([]byte(token))}
}

func (b *bearer) check(header string) bool {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		tok = ""
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	// An empty token never matches: newBearer refuses to guard with one.
	return subtle.ConstantTimeCompare(got[:], b.want[:]) == 1 && tok != ""
}

// roomPolicy restricts the rooms the endpoint signs for.
type roomPolicy struct{ exact, prefix string }

// room returns the room to sign for, given the requested one (maybe empty).
func (p roomPolicy) room(requested string) (string, error) {
	switch {
	case p.exact != "" && requested == "":
		return p.exact, nil
	case p.exact != "" && requested != p.exact:
		return "", fmt.Errorf("room %s is not allowed; this endpoint signs only for room %q", quoteClipped(requested), p.exact)
	case p.prefix != "" && requested == "":
		return p.prefix + shortID(), nil
	case p.prefix != "" && !strings.HasPrefix(requested, p.prefix):
		return "", fmt.Errorf("room %s is not allowed; this endpoint signs only for rooms starting with %q", quoteClipped(requested), p.prefix)
	}
	return requested, nil
}

// clipLen bounds client-supplied text in logs and error messages.
const clipLen = 200

func clip(s string) string {
	if len(s) <= clipLen {
		return s
	}
	return strings.ToValidUTF8(s[:clipLen], "") + "…"
}

func quoteClipped(s string) string { return strconv.Quote(clip(s)) }
