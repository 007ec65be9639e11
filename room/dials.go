package room

import (
	"bytes"
	"io"
	"net/http"
	"strings"
)

// dial is one signal WebSocket dial by the SDK as the relay saw it: which
// token it presented and what the server made of it.
type dial struct {
	to     Upstream // the server address the dial ended at
	token  string   // the Bearer token, or access_token from the query
	resume bool     // reconnect=1: the SDK asked to resume its session
	status int      // 101 accepted, the HTTP status when refused, 0 unreachable
	err    string   // why it failed: the server's answer or the network error
}

// dialErrLimit bounds how much of a refusal's body is kept for the event.
const dialErrLimit = 512

// setOnDial installs the hook told about every signal dial. The relay's
// lock orders it before any dial the SDK makes.
func (r *relay) setOnDial(f func(dial)) {
	r.mu.Lock()
	r.onDial = f
	r.mu.Unlock()
}

// noteDial reports a finished upstream dial to the hook. A refusal's body
// is read here and put back, so the SDK still gets it unchanged.
func (r *relay) noteDial(req *http.Request, to upstream, resp *http.Response, err error) {
	r.mu.Lock()
	hook := r.onDial
	r.mu.Unlock()
	if hook == nil {
		return
	}
	d := dial{to: to.Upstream, token: presentedToken(req), resume: req.URL.Query().Get("reconnect") == "1"}
	switch {
	case err == nil:
		d.status = http.StatusSwitchingProtocols
	case resp != nil:
		d.status = resp.StatusCode
		d.err = resp.Status
		if resp.Body != nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			resp.Body = io.NopCloser(bytes.NewReader(body))
			if text := strings.TrimSpace(string(body)); text != "" {
				d.err = text
			}
		}
	default:
		d.err = err.Error()
	}
	d.err = strings.ReplaceAll(d.err, d.token, "<token>")
	if len(d.err) > dialErrLimit {
		d.err = d.err[:dialErrLimit] + "…"
	}
	hook(d)
}

// presentedToken is the token a dial carries: the Go SDK sends it as a
// Bearer header, other clients as the access_token query parameter.
func presentedToken(req *http.Request) string {
	if h := req.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return req.URL.Query().Get("access_token")
}
