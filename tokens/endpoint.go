package tokens

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

const (
	// DefaultTimeout bounds one fetch (endpoint, sandbox, command) when the
	// source's Timeout is <= 0.
	DefaultTimeout = 30 * time.Second
	// maxResponseBody bounds what is read from a token server or command:
	// a real answer is a few KiB; a runaway one must not be read whole.
	maxResponseBody = 1 << 20
	// maxRedirects is how many same-method redirects a fetch follows.
	maxRedirects = 3
)

// Endpoint fetches tokens from a token server speaking the LiveKit
// token-endpoint protocol (see RequestBody and ParseResponse).
//
// Redirects: at most 3 are followed, and only those that keep the method and
// body (307/308, or any redirect of a GET/HEAD). A 301/302/303 answer to a
// POST would make net/http re-send it as a GET without the body, so the
// options would be silently lost: that is reported as an error naming the new
// location instead. An https→http downgrade is refused, since the user's
// headers (Authorization) would travel in clear text.
type Endpoint struct {
	URL    string // the token server, http(s)://
	Method string // default POST
	// Headers are added to every request, e.g. Authorization. Their values
	// never appear in errors or String.
	Headers http.Header
	Timeout time.Duration // <= 0 means DefaultTimeout
	Client  *http.Client  // nil means a client with the redirect policy above
}

// Fetch posts the options and parses the answer.
func (e *Endpoint) Fetch(ctx context.Context, opts Options) (Response, error) {
	body, err := RequestBody(opts)
	if err != nil {
		return Response{}, err
	}
	return e.do(ctx, body)
}

// String describes the endpoint without header values.
func (e *Endpoint) String() string {
	s := fmt.Sprintf("endpoint %s %s", e.method(), redactURL(e.URL))
	if len(e.Headers) > 0 {
		names := make([]string, 0, len(e.Headers))
		for k := range e.Headers {
			names = append(names, k)
		}
		slices.Sort(names)
		s += " (headers: " + strings.Join(names, ", ") + ")"
	}
	return s
}

// GoString keeps %#v from printing header values.
func (e *Endpoint) GoString() string { return e.String() }

func (e *Endpoint) method() string {
	if m := strings.TrimSpace(e.Method); m != "" {
		return strings.ToUpper(m)
	}
	return http.MethodPost
}

func timeoutOrDefault(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultTimeout
	}
	return d
}

// errRedirect carries why a redirect was not followed.
type errRedirect struct{ msg string }

func (e *errRedirect) Error() string { return e.msg }

func checkRedirect(req *http.Request, via []*http.Request) error {
	prev := via[len(via)-1]
	to := redactURL(req.URL.String())
	switch {
	case len(via) > maxRedirects:
		return &errRedirect{fmt.Sprintf("stopped after %d redirects (last to %s)", maxRedirects, to)}
	case req.Method != prev.Method:
		return &errRedirect{fmt.Sprintf("the server redirected (HTTP %d) to %s, which would turn %s into %s and drop the request body; not followed: use that URL directly, or answer 307/308",
			req.Response.StatusCode, to, prev.Method, req.Method)}
	case prev.URL.Scheme == "https" && req.URL.Scheme == "http":
		return &errRedirect{fmt.Sprintf("the server redirected from https to %s; not followed, headers would travel unencrypted", to)}
	}
	return nil
}

var defaultClient = &http.Client{CheckRedirect: checkRedirect}

func (e *Endpoint) client() *http.Client {
	if e.Client == nil {
		return defaultClient
	}
	if e.Client.CheckRedirect != nil {
		return e.Client
	}
	c := *e.Client
	c.CheckRedirect = checkRedirect
	return &c
}

func (e *Endpoint) do(parent context.Context, body []byte) (Response, error) {
	method, where := e.method(), redactURL(e.URL)
	u, err := url.Parse(strings.TrimSpace(e.URL))
	switch {
	case strings.TrimSpace(e.URL) == "":
		return Response{}, errors.New("token endpoint: URL is empty")
	case err != nil:
		return Response{}, fmt.Errorf("token endpoint: bad URL %s: %w", where, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return Response{}, fmt.Errorf("token endpoint: URL must be http(s), got %s", where)
	}
	timeout := timeoutOrDefault(e.Timeout)
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return Response{}, fmt.Errorf("token endpoint %s %s: %w", method, where, err)
	}
	for k, vs := range e.Headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}

	resp, err := e.client().Do(req)
	if err != nil {
		return Response{}, transportError(parent, ctx, method, where, timeout, err)
	}
	defer resp.Body.Close()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, errBodyPrefix+1))
		he := &HTTPError{Method: method, URL: where, Status: resp.StatusCode}
		he.Body, he.Truncated = safePrefix(b, errBodyPrefix)
		return Response{}, he
	}
	if resp.ContentLength > maxResponseBody {
		return Response{}, fmt.Errorf("token endpoint %s %s: %w", method, where, tooLarge(resp.ContentLength))
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
	if err != nil {
		return Response{}, transportError(parent, ctx, method, where, timeout, err)
	}
	if len(b) > maxResponseBody {
		return Response{}, fmt.Errorf("token endpoint %s %s: %w", method, where, tooLarge(-1))
	}
	r, err := ParseResponse(b)
	if err != nil {
		return Response{}, fmt.Errorf("token endpoint %s %s: %w", method, where, err)
	}
	return r, nil
}

func tooLarge(n int64) error {
	msg := fmt.Sprintf("the body is larger than %d MiB; stopped reading", maxResponseBody>>20)
	if n > 0 {
		msg = fmt.Sprintf("the body is %d bytes, larger than %d MiB; not read", n, maxResponseBody>>20)
	}
	return &ResponseFormatError{Err: errors.New(msg)}
}

// transportError explains a failed round trip: our own timeout, the
// caller's cancellation, a refused redirect, or a network error.
func transportError(parent, ctx context.Context, method, where string, timeout time.Duration, err error) error {
	prefix := "token endpoint " + method + " " + where
	if parent.Err() != nil {
		return fmt.Errorf("%s: %w", prefix, parent.Err())
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%s: timed out after %s without a complete answer: %w", prefix, timeout, context.DeadlineExceeded)
	}
	var re *errRedirect
	if errors.As(err, &re) {
		return fmt.Errorf("%s: %w", prefix, re)
	}
	// *url.Error repeats method and full URL (with query); keep only the cause.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("%s: %w", prefix, err)
}
