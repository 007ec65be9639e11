package tokens

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrEmptyURL and ErrEmptyToken are returned (wrapped) when a source would
// yield a response that cannot be used to connect.
var (
	ErrEmptyURL   = errors.New("server URL is empty")
	ErrEmptyToken = errors.New("participant token is empty")
)

// errBodyPrefix bounds the body text kept in errors: enough to show a
// server's message, small enough for one terminal screen.
const errBodyPrefix = 2 << 10

// HTTPError is a non-2xx answer from a token endpoint or sandbox.
type HTTPError struct {
	Method, URL string // URL without credentials or query values
	Status      int    // the HTTP status code
	// Body is a prefix (at most 2 KiB) of the response body with control
	// characters replaced, so it is safe to print.
	Body      string
	Truncated bool // the body was longer than Body
}

// Error gives the method, URL, status and the start of the body.
func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("token endpoint %s %s: HTTP %d %s", e.Method, e.URL, e.Status, http.StatusText(e.Status))
	if b := strings.TrimSpace(e.Body); b != "" {
		// One screen line or so; Body has more for those who want it.
		short := truncateRunes(b, 300)
		if e.Truncated && short == b {
			short += "…"
		}
		msg += ": " + short
	}
	return msg
}

// MissingFieldError is a token response that parsed but lacks a required
// field; Field is the snake_case wire name.
type MissingFieldError struct {
	Field string // "server_url" or "participant_token"
}

// Error names the missing field in both spellings.
func (e *MissingFieldError) Error() string {
	return fmt.Sprintf("token response has no %q (nor %q)", e.Field, camelName(e.Field))
}

// ResponseFormatError is a token response that is not the expected JSON
// object: HTML, truncated JSON, an empty or oversized body.
type ResponseFormatError struct {
	Err  error  // what is wrong with it
	Body string // safe-to-print prefix of what was received; "" if empty
}

// Error says why the body is not a token response and how it starts.
func (e *ResponseFormatError) Error() string {
	msg := "token response is not a JSON object: " + e.Err.Error()
	if b := strings.TrimSpace(e.Body); b != "" {
		msg += fmt.Sprintf(" (body starts %q)", truncateRunes(b, 120))
	}
	return msg
}

// Unwrap returns Err.
func (e *ResponseFormatError) Unwrap() error { return e.Err }

// CommandError is a token command that exited with a non-zero status.
type CommandError struct {
	Command  string // the command line; may hold credentials, so Error shows only its first word
	ExitCode int    // -1 when killed by a signal
	Stderr   string // safe-to-print prefix (at most 2 KiB)
	Err      error  // the *exec.ExitError
}

// Error gives the program name, exit code and the start of stderr.
func (e *CommandError) Error() string {
	// Only the program name is shown: the rest of a command line may
	// carry credentials (e.g. --api-secret=…).
	msg := fmt.Sprintf("token command %q exited with code %d", commandName(e.Command), e.ExitCode)
	if s := strings.TrimSpace(e.Stderr); s != "" {
		msg += ": " + s
	}
	return msg
}

// Unwrap returns Err.
func (e *CommandError) Unwrap() error { return e.Err }

func commandName(line string) string {
	f := strings.Fields(line)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// safePrefix returns at most max bytes of b as printable text: invalid UTF-8
// and control characters (ESC, CR, BEL, C1…) become spaces or U+FFFD, so a
// hostile server cannot drive the terminal through an error message.
func safePrefix(b []byte, max int) (s string, truncated bool) {
	if len(b) > max {
		b, truncated = b[:max], true
		// Do not cut a UTF-8 sequence in half.
		for i := 0; i < utf8.UTFMax && len(b) > 0 && !utf8.Valid(b); i++ {
			b = b[:len(b)-1]
		}
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			return ' '
		case unicode.IsControl(r), r == 0x7f:
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(string(b), "\uFFFD"))
	return s, truncated
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// redactURL drops userinfo and query values (either may hold a credential)
// so URLs can appear in errors and logs.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		s, _ := safePrefix([]byte(raw), 200)
		return s
	}
	u.User = nil
	if u.RawQuery != "" {
		u.RawQuery = "…"
	}
	u.Fragment = ""
	return u.String()
}
