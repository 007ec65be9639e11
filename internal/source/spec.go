package source

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/lkdash/lkdash/tokens"
)

// Spec is one flat description of "which source with which settings",
// filled by CLI flags and by UI forms. Only the fields of Kind matter.
type Spec struct {
	Kind                      Kind          // which source; the other fields are its settings
	ServerURL, Token          string        // literal (both), mint (ServerURL)
	FailoverURLs              []string      // literal, mint: more URLs of ServerURL's deployment, in order
	Endpoint, Method          string        // endpoint
	Headers                   http.Header   // endpoint
	Timeout                   time.Duration // endpoint, sandbox, command
	SandboxID, SandboxBaseURL string        // sandbox
	Command                   string        // command
	APIKey, APISecret         string        // mint; for the others, to verify tokens and trigger refreshes
	TTL                       time.Duration // mint
	Grants                    tokens.Grants // mint
}

// Validate reports every problem with the fields Kind needs, one per line
// (errors.Join), each naming the field.
func (s Spec) Validate() error {
	if err := CheckKind(s.Kind); err != nil {
		return err
	}
	d, _ := LookupKind(s.Kind)
	return d.validate(s)
}

// Build validates the spec and returns its source.
func (s Spec) Build() (tokens.ConfigurableSource, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	d, _ := LookupKind(s.Kind)
	return d.Build(s), nil
}

// DeploymentURLs are the url setting's URLs when it names more than one,
// server first, for a session to fail over along (room.Config's
// FailoverURLs); nil for one URL, or for kinds that do not read the
// setting (an endpoint or a command names its own server).
func (s Spec) DeploymentURLs() []string {
	d, ok := LookupKind(s.Kind)
	if !ok || !d.Shows(serverURLField.Name) || len(s.FailoverURLs) == 0 {
		return nil
	}
	return append([]string{s.ServerURL}, s.FailoverURLs...)
}

// Mints reports whether the spec's source signs tokens here with the
// spec's key pair, which then judges them whatever their issuer says.
func (s Spec) Mints() bool {
	d, ok := LookupKind(s.Kind)
	return ok && d.Mints
}

// CheckConfig is what the spec knows of the server's key pair; a token's
// signature is judged only when the secret is at hand.
func (s Spec) CheckConfig() tokens.CheckConfig {
	return tokens.CheckConfig{APIKey: s.APIKey, APISecret: s.APISecret}
}

// ParseAttribute splits "k=v" at the first '='; the key is trimmed and must
// not be empty, the value is kept as written (it may be empty).
func ParseAttribute(kv string) (k, v string, err error) {
	k, v, ok := strings.Cut(kv, "=")
	k = strings.TrimSpace(k)
	switch {
	case !ok:
		return "", "", errors.New("missing '=' (want key=value)")
	case k == "":
		return "", "", errors.New("empty key before '='")
	}
	return k, v, nil
}

// ParseHeader splits "Name: value" at the first ':'; both sides are trimmed.
// The name must be a valid header name, the value free of control characters.
func ParseHeader(line string) (k, v string, err error) {
	k, v, ok := strings.Cut(line, ":")
	k, v = strings.TrimSpace(k), strings.TrimSpace(v)
	switch {
	case !ok:
		return "", "", errors.New("missing ':' (want Name: value)")
	case k == "":
		return "", "", errors.New("empty header name before ':'")
	case !httpguts.ValidHeaderFieldName(k):
		return "", "", fmt.Errorf("header name %q is not valid", k)
	case !httpguts.ValidHeaderFieldValue(v):
		return "", "", fmt.Errorf("header %s: value contains a control character", k)
	}
	return k, v, nil
}

// ParseAttributeLines parses a multi-line form field: one k=v per line,
// blank lines ignored. Errors name the line ("attribute line 2: missing '='").
func ParseAttributeLines(text string) (map[string]string, error) {
	var m map[string]string
	for i, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		k, v, err := ParseAttribute(strings.TrimRight(line, "\r"))
		if err != nil {
			return nil, fmt.Errorf("attribute line %d: %w", i+1, err)
		}
		if m == nil {
			m = map[string]string{}
		}
		m[k] = v
	}
	return m, nil
}

// ParseHeaderLines parses a multi-line form field: one "Name: value" per
// line, blank lines ignored. Errors name the line.
func ParseHeaderLines(text string) (http.Header, error) {
	var h http.Header
	for i, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		k, v, err := ParseHeader(line)
		if err != nil {
			return nil, fmt.Errorf("header line %d: %w", i+1, err)
		}
		if h == nil {
			h = http.Header{}
		}
		h.Add(k, v)
	}
	return h, nil
}
