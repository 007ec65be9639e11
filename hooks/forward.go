package hooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// forwardTimeout bounds one forwarded delivery; livekit-server itself gives
// a handler about as long before it retries.
const forwardTimeout = 10 * time.Second

// maxAnswer bounds the handler's body passed back to the sender.
const maxAnswer = 64 << 10

// hopByHop are the headers that describe one connection, not the message
// (RFC 9110 §7.6.1); everything else is passed on as it came.
var hopByHop = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Connection": true, "Proxy-Authenticate": true,
	"Proxy-Authorization": true, "Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
}

type forwarder struct {
	target *url.URL
	client *http.Client
}

func newForwarder(target string, client *http.Client) (*forwarder, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("hooks: forward to %q: want an http:// or https:// URL", target)
	}
	if client == nil {
		client = &http.Client{
			Timeout: forwardTimeout,
			// A redirect would turn the POST into a GET without the body:
			// report the 3xx instead.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return &forwarder{target: u, client: client}, nil
}

// response is the handler's answer, to pass back to the sender.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (a *response) write(w http.ResponseWriter) {
	for _, k := range []string{"Content-Type", "Retry-After"} {
		if v := a.header.Get(k); v != "" {
			w.Header().Set(k, v)
		}
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// send posts body with the delivery's headers and times the answer.
func (f *forwarder) send(ctx context.Context, body []byte, header http.Header) (*Forwarded, *response) {
	// The sender may give up on us; the handler still gets the delivery.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), forwardTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.target.String(), bytes.NewReader(body))
	if err != nil {
		return &Forwarded{Error: err.Error()}, nil
	}
	for k, vs := range header {
		if !hopByHop[k] && k != "Content-Length" {
			req.Header[k] = append([]string(nil), vs...)
		}
	}
	if _, ok := header["User-Agent"]; !ok {
		req.Header["User-Agent"] = nil // as it came: Go would add its own
	}
	start := time.Now()
	resp, err := f.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return &Forwarded{Latency: time.Since(start), Error: err.Error()}, nil
	}
	defer resp.Body.Close()
	out := &Forwarded{Status: resp.StatusCode, Latency: time.Since(start)}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	return out, &response{status: resp.StatusCode, header: resp.Header, body: b}
}
