package room

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/lkdash/lkdash/internal/netguard"
	"github.com/lkdash/lkdash/tokens"
)

// relay sits between the SDK and the real server on a loopback port. The SDK
// offers no hook for the tokens the server pushes, so every server→client
// WebSocket frame passes through here: written on to the SDK first, then
// shown to onFrame (a connection's first frame, before: see serverFrames). Frames are forwarded unchanged in both directions,
// except the ICE candidates a candidateFilter drops or redirects
// (Config.Block); plain HTTP (the SDK's GET /rtc/validate) is
// reverse-proxied.
//
// Media does not pass through: WebRTC goes straight to the addresses the
// server advertises. The SDK's region failover, which it does only for
// *.livekit.cloud URLs and so never behind the relay, is the relay's
// (failover.go).
type relay struct {
	wsBase, httpBase *url.URL // the token source's server, as ws(s):// and http(s)://
	onFrame          func(messageType int, data []byte)

	ln        net.Listener
	prefix    string // "/<random>", the first path segment every request must carry
	srv       *http.Server
	transport *http.Transport
	proxy     *httputil.ReverseProxy
	dialer    websocket.Dialer
	upgrader  websocket.Upgrader

	// ctx ends with the relay (Close) or with a join that gave up (abort);
	// every upstream dial and proxied request is bound to it.
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	ups     upstreams // every address of the server, and the one in use
	closed  bool
	pairs   map[*pair]struct{}
	lastErr error // last transport-level failure reaching the server
	onDial  func(dial)
	filter  *candidateFilter // nil: no candidate is looked at
	wg      sync.WaitGroup
}

// handshakeTimeout matches gorilla's DefaultDialer, which the SDK uses when
// it dials the server itself.
const handshakeTimeout = 45 * time.Second

func newRelay(serverURL string, onFrame func(int, []byte)) (*relay, error) {
	wsBase, httpBase, err := tokens.ServerURLs(serverURL)
	if err != nil {
		return nil, err
	}
	ln, err := netguard.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting the signal relay: %w", err)
	}
	r := &relay{
		wsBase: wsBase, httpBase: httpBase, onFrame: onFrame, ln: ln,
		prefix:    "/" + rand.Text(),
		pairs:     map[*pair]struct{}{},
		transport: http.DefaultTransport.(*http.Transport).Clone(),
		dialer:    websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: handshakeTimeout},
	}
	origin, err := newUpstream(serverURL, "")
	if err != nil {
		ln.Close()
		return nil, err
	}
	r.ups.given = []upstream{origin}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.proxy = &httputil.ReverseProxy{
		Rewrite:   func(pr *httputil.ProxyRequest) { pr.SetURL(r.currentHTTP()) },
		Transport: r.transport,
		ErrorHandler: func(w http.ResponseWriter, req *http.Request, err error) {
			if req.Context().Err() == nil { // else the SDK gave up, or we did
				r.setErr(err)
			}
			http.Error(w, "lkdash relay: "+err.Error(), http.StatusBadGateway)
		},
		ModifyResponse: func(*http.Response) error { r.setErr(nil); return nil },
	}
	r.srv = &http.Server{Handler: http.HandlerFunc(r.serve), ReadHeaderTimeout: 10 * time.Second}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		_ = r.srv.Serve(ln)
	}()
	return r, nil
}

// abort fails whatever the relay is doing upstream right now, and
// everything after: for a join whose context ran out.
func (r *relay) abort() { r.cancel() }

// URL is what the SDK connects to instead of the server; its path is the
// relay's random prefix, which the SDK keeps in front of /rtc.
func (r *relay) URL() string { return "ws://" + r.ln.Addr().String() + r.prefix }

func (r *relay) setErr(err error) {
	r.mu.Lock()
	r.lastErr = err
	r.mu.Unlock()
}

// upstreamErr is why the server could not be reached, if it could not; the
// SDK itself only sees the relay's 502.
func (r *relay) upstreamErr() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastErr
}

// enter registers a handler so Close can wait for it; false once closed.
func (r *relay) enter() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return false
	}
	r.wg.Add(1)
	return true
}

func (r *relay) serve(w http.ResponseWriter, req *http.Request) {
	if !r.enter() {
		http.Error(w, "lkdash relay closed", http.StatusServiceUnavailable)
		return
	}
	defer r.wg.Done()
	rest, status, why := r.admit(req)
	if status != 0 {
		http.Error(w, "lkdash relay: "+why, status)
		return
	}
	ctx, cancel := context.WithCancel(req.Context())
	defer cancel()
	defer context.AfterFunc(r.ctx, cancel)()
	req = req.WithContext(ctx)
	u := *req.URL
	u.Path, u.RawPath = rest, ""
	req.URL = &u
	if websocket.IsWebSocketUpgrade(req) {
		r.serveWebSocket(w, req)
		return
	}
	r.proxy.ServeHTTP(w, req)
}

// admit decides whether req comes from the SDK and, if so, returns its path
// without the relay's prefix; otherwise a status and the reason.
func (r *relay) admit(req *http.Request) (rest string, status int, why string) {
	if _, ok := req.Header["Origin"]; ok {
		return "", http.StatusForbidden, "requests from web pages are not accepted"
	}
	if req.Host != r.ln.Addr().String() {
		return "", http.StatusMisdirectedRequest, "wrong host"
	}
	rest, ok := netguard.CutPrefix(req.URL.Path, r.prefix)
	if !ok {
		return "", http.StatusNotFound, "not found"
	}
	return rest, 0, ""
}

// upgradeHeaders are set by the dialer itself; passing them on is an error.
var upgradeHeaders = map[string]bool{
	"Upgrade": true, "Connection": true, "Sec-Websocket-Key": true, "Sec-Websocket-Version": true,
	"Sec-Websocket-Extensions": true, "Sec-Websocket-Protocol": true, "Host": true,
}

func (r *relay) serveWebSocket(w http.ResponseWriter, req *http.Request) {
	header := http.Header{}
	for k, v := range req.Header {
		if !upgradeHeaders[http.CanonicalHeaderKey(k)] {
			header[k] = v
		}
	}
	// Dial the server before answering the SDK, so a refusal (401, 404…)
	// reaches the SDK as the same HTTP response it would have got directly.
	up, resp, to, err := r.dialUpstream(req, header)
	r.noteDial(req, to, resp, err)
	if err != nil {
		if resp != nil {
			r.setErr(nil)
			copyResponse(w, resp)
			return
		}
		if req.Context().Err() == nil { // else the SDK gave up, or we did
			r.setErr(err)
		}
		http.Error(w, "lkdash relay: "+err.Error(), http.StatusBadGateway)
		return
	}
	r.setErr(nil)
	client, err := r.upgrader.Upgrade(w, req, nil)
	if err != nil {
		up.Close()
		return
	}
	p := &pair{client: client, up: up}
	if !r.track(p) {
		p.close()
		return
	}
	defer r.untrack(p)
	bridgeControl(client, up)

	var fromServer, fromClient func(int, []byte) ([]byte, bool)
	if f := r.candidates(); f != nil {
		fromServer, fromClient = f.fromServer, f.fromClient
	}
	before, after := r.serverFrames(fromServer)
	var end pairEnd
	done := make(chan struct{})
	go func() {
		defer close(done)
		pipe(client, up, before, after, func(err error) { r.serverSideEnded(&end, to, err) }) // server → SDK
	}()
	pipe(up, client, fromClient, func(mt int, data []byte) { r.clientFrame(p, mt, data) }, func(error) { end.first() }) // SDK → server
	<-done
}

// serverFrames are pipe's filter and onFrame for one server→SDK
// connection. onFrame sees each frame once it was forwarded, except the
// first (the join or reconnect response), which it sees before: the SDK
// reports a rejoin as soon as it has read that response, and by then the
// session must know the node it names.
func (r *relay) serverFrames(filter func(int, []byte) ([]byte, bool)) (before func(int, []byte) ([]byte, bool), after func(int, []byte)) {
	first := true // both run on the pipe's goroutine
	before = func(mt int, data []byte) ([]byte, bool) {
		if filter != nil {
			var keep bool
			if data, keep = filter(mt, data); !keep {
				return data, false
			}
		}
		if first && r.onFrame != nil {
			r.onFrame(mt, data)
		}
		return data, true
	}
	after = func(mt int, data []byte) {
		if first {
			first = false
			return
		}
		if r.onFrame != nil {
			r.onFrame(mt, data)
		}
	}
	return before, after
}

// dial is the dialer's DialContext made to honour ctx all the way: gorilla
// stops watching ctx once TCP is up and would wait out HandshakeTimeout for
// a server that accepts but never answers. Here cancelling ctx closes the
// connection, failing the handshake at once.
func (r *relay) dial(ctx context.Context, target string, header http.Header) (*websocket.Conn, *http.Response, error) {
	var (
		mu    sync.Mutex
		stops []func() bool
	)
	d := r.dialer
	nd := &net.Dialer{}
	d.NetDialContext = func(dctx context.Context, network, addr string) (net.Conn, error) {
		c, err := nd.DialContext(dctx, network, addr)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		stops = append(stops, context.AfterFunc(ctx, func() { c.Close() }))
		mu.Unlock()
		return c, nil
	}
	conn, resp, err := d.DialContext(ctx, target, header)
	mu.Lock()
	for _, stop := range stops {
		stop()
	}
	mu.Unlock()
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return conn, resp, err
}

// pair is one SDK connection and its server connection.
type pair struct {
	client, up *websocket.Conn
	leaveSent  bool // the SDK's leave request has reached the server; guarded by relay.mu
}

func (p *pair) close() {
	p.client.Close()
	p.up.Close()
}

// clientFrame notes when the SDK's leave request has been passed on: from
// then on nothing the SDK sends matters, so a closing relay may cut the
// pair at once instead of waiting for the SDK's (asynchronous) teardown.
func (r *relay) clientFrame(p *pair, mt int, data []byte) {
	if mt != websocket.BinaryMessage || !isLeaveRequest(data) {
		return
	}
	r.mu.Lock()
	p.leaveSent = true
	closing := r.closed
	r.mu.Unlock()
	if closing {
		p.close()
	}
}

func (r *relay) track(p *pair) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return false
	}
	r.pairs[p] = struct{}{}
	return true
}

func (r *relay) untrack(p *pair) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.pairs, p)
}

// drainTimeout is how long Close lets open WebSocket pairs finish on their
// own. The SDK sends its leave request and then, after closing its peer
// connections in the background, drops the connection; the leave must
// reach the server or the room keeps a ghost participant until the server
// times it out. Pairs whose leave has gone through are cut at once.
const drainTimeout = 2 * time.Second

// Close stops accepting, cuts pairs that have said goodbye, lets the others
// drain (briefly), drops what is left and waits for every relay goroutine.
func (r *relay) Close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	r.cancel()
	for p := range r.pairs {
		if p.leaveSent {
			p.close()
		}
	}
	r.mu.Unlock()
	_ = r.srv.Close()

	idle := make(chan struct{})
	go func() {
		r.wg.Wait()
		close(idle)
	}()
	select {
	case <-idle:
	case <-time.After(drainTimeout):
		r.mu.Lock()
		for p := range r.pairs {
			p.close()
		}
		r.mu.Unlock()
		<-idle
	}
	r.transport.CloseIdleConnections()
	if f := r.candidates(); f != nil {
		f.close()
	}
}

// pipe copies messages from src to dst until either side fails, then
// passes the close on: a close frame as a close frame with the same code,
// anything else as a dropped connection. filter, when set, may change or
// drop each message first; onFrame sees what was forwarded, after dst.
// Before closing anything it tells ended src's read error (nil when
// writing to dst failed first).
func pipe(dst, src *websocket.Conn, filter func(int, []byte) ([]byte, bool), onFrame func(int, []byte), ended func(readErr error)) {
	defer dst.Close()
	defer src.Close()
	for {
		mt, data, err := src.ReadMessage()
		if err != nil {
			ended(err)
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				_ = dst.WriteControl(websocket.CloseMessage,
					websocket.FormatCloseMessage(ce.Code, ce.Text), time.Now().Add(time.Second))
			}
			return
		}
		if filter != nil {
			var keep bool
			if data, keep = filter(mt, data); !keep {
				continue
			}
		}
		if err := dst.WriteMessage(mt, data); err != nil {
			ended(nil)
			return
		}
		if onFrame != nil {
			onFrame(mt, data)
		}
	}
}

// bridgeControl forwards pings and pongs instead of answering them here,
// so keepalives measure the whole path.
func bridgeControl(a, b *websocket.Conn) {
	fwd := func(to *websocket.Conn, mt int) func(string) error {
		return func(data string) error {
			_ = to.WriteControl(mt, []byte(data), time.Now().Add(time.Second))
			return nil
		}
	}
	a.SetPingHandler(fwd(b, websocket.PingMessage))
	a.SetPongHandler(fwd(b, websocket.PongMessage))
	b.SetPingHandler(fwd(a, websocket.PingMessage))
	b.SetPongHandler(fwd(a, websocket.PongMessage))
}

func copyResponse(w http.ResponseWriter, resp *http.Response) {
	for _, k := range []string{"Content-Type", "Www-Authenticate", "Retry-After"} {
		if v := resp.Header.Get(k); v != "" {
			w.Header().Set(k, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	if resp.Body != nil {
		_, _ = io.Copy(w, io.LimitReader(resp.Body, 64<<10))
	}
}

func joinPath(base, p string) string {
	if base == "" || base == "/" {
		return p
	}
	return strings.TrimSuffix(base, "/") + "/" + strings.TrimPrefix(p, "/")
}
