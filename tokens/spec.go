package tokens

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"
)

// Kind names a token source.
type Kind string

const (
	KindLiteral  Kind = "literal"
	KindEndpoint Kind = "endpoint"
	KindSandbox  Kind = "sandbox"
	KindCommand  Kind = "command"
	KindMint     Kind = "mint"
)

// Spec is one flat description of "which source with which settings",
// filled by CLI flags and by UI forms. Only the fields of Kind matter.
type Spec struct {
	Kind                      Kind
	ServerURL, Token          string // literal (both), mint (ServerURL)
	Endpoint, Method          string
	Headers                   http.Header
	Timeout                   time.Duration // endpoint, sandbox, command
	SandboxID, SandboxBaseURL string
	Command                   string
	APIKey, APISecret         string
	TTL                       time.Duration
	Grants                    Grants
}

// Validate reports every problem with the fields Kind needs, one per line
// (errors.Join), each naming the field.
func (s Spec) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch s.Kind {
	case KindLiteral:
		if strings.TrimSpace(s.ServerURL) == "" {
			bad("server URL is required")
		} else if err := checkURL(s.ServerURL, "ws", "wss", "http", "https"); err != nil {
			bad("server URL must be ws(s) or http(s): %v", err)
		}
		if strings.TrimSpace(s.Token) == "" {
			bad("token is required")
		}
	case KindEndpoint:
		if strings.TrimSpace(s.Endpoint) == "" {
			bad("endpoint URL is required")
		} else if err := checkURL(s.Endpoint, "http", "https"); err != nil {
			bad("endpoint URL must be http(s): %v", err)
		}
		if m := strings.TrimSpace(s.Method); m != "" && !httpguts.ValidHeaderFieldName(m) {
			bad("HTTP method %q is not valid", m)
		}
		for k, vs := range s.Headers {
			if !httpguts.ValidHeaderFieldName(k) {
				bad("header name %q is not valid", k)
			}
			for _, v := range vs {
				if !httpguts.ValidHeaderFieldValue(v) {
					bad("header %s: value contains a control character", k) // value not shown: may be a credential
				}
			}
		}
	case KindSandbox:
		if strings.TrimSpace(s.SandboxID) == "" {
			bad("sandbox ID is required")
		}
		if b := strings.TrimSpace(s.SandboxBaseURL); b != "" {
			if err := checkURL(b, "http", "https"); err != nil {
				bad("sandbox base URL must be http(s): %v", err)
			}
		}
	case KindCommand:
		if strings.TrimSpace(s.Command) == "" {
			bad("command is required")
		}
	case KindMint:
		if strings.TrimSpace(s.ServerURL) == "" {
			bad("server URL is required")
		} else if err := checkURL(s.ServerURL, "ws", "wss", "http", "https"); err != nil {
			bad("server URL must be ws(s) or http(s): %v", err)
		}
		if s.APIKey == "" {
			bad("API key is required")
		}
		if s.APISecret == "" {
			bad("API secret is required")
		}
	case "":
		bad("source kind is required (literal, endpoint, sandbox, command or mint)")
	default:
		bad("unknown source kind %q (want literal, endpoint, sandbox, command or mint)", string(s.Kind))
	}
	return errors.Join(errs...)
}

// checkURL wants an absolute URL with a host and one of the schemes; the
// error quotes the (redacted) URL.
func checkURL(raw string, schemes ...string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return fmt.Errorf("%q does not parse", redactURL(raw))
	}
	for _, s := range schemes {
		if strings.EqualFold(u.Scheme, s) {
			if u.Host == "" {
				return fmt.Errorf("%q has no host", redactURL(raw))
			}
			return nil
		}
	}
	return fmt.Errorf("%q", redactURL(raw))
}

// Build validates the spec and returns its source. A literal is wrapped with
// IgnoreOptions.
func (s Spec) Build() (ConfigurableSource, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	switch s.Kind {
	case KindLiteral:
		return IgnoreOptions(Literal{ServerURL: strings.TrimSpace(s.ServerURL), ParticipantToken: strings.TrimSpace(s.Token)}), nil
	case KindEndpoint:
		return &Endpoint{URL: strings.TrimSpace(s.Endpoint), Method: s.Method, Headers: s.Headers.Clone(), Timeout: s.Timeout}, nil
	case KindSandbox:
		return &Sandbox{ID: s.SandboxID, BaseURL: s.SandboxBaseURL, Timeout: s.Timeout}, nil
	case KindCommand:
		return &Command{Line: s.Command, Timeout: s.Timeout}, nil
	default: // KindMint; Validate rejected anything else
		return &Mint{ServerURL: strings.TrimSpace(s.ServerURL), APIKey: s.APIKey, APISecret: s.APISecret, TTL: s.TTL, Grants: s.Grants}, nil
	}
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
