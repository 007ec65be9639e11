package hooks

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/livekit/protocol/auth"

	"github.com/lkdash/lkdash/internal/netguard"
)

// MaxBody bounds a delivery's body; livekit-server's events are a few KiB.
const MaxBody = 1 << 20

// Buffer is the capacity of Receiver.Deliveries. A reader that falls this
// far behind loses the oldest deliveries (counted by Dropped) rather than
// stalling the sender.
const Buffer = 1024

// ReceiverConfig says which key pair deliveries must be signed with and
// where to forward them.
type ReceiverConfig struct {
	// APIKey and APISecret are the pair the server signs with (its
	// webhook.api_key and that key's secret).
	APIKey, APISecret string
	// ForwardTo, when set, is a URL every delivery (verified or not) is
	// passed on to, byte for byte with its headers; the sender then gets
	// that handler's status and body back.
	ForwardTo string
	// Client forwards; nil means a client with a 10 s timeout that does not
	// follow redirects.
	Client *http.Client
	// AnyHost accepts any Host header. Leave it false on a loopback
	// listener: a page that rebinds its DNS name to 127.0.0.1 still sends
	// its own name.
	AnyHost bool
	// PathPrefix, when set ("/<secret>"), is a capability every request
	// path must start with; a receiver reachable beyond this machine needs
	// one, since the sender (livekit-server) cannot add other credentials.
	PathPrefix string
	// Now stamps arrivals; nil means time.Now.
	Now func() time.Time
}

// Receiver is an http.Handler for webhook deliveries. Each POST becomes a
// Delivery on Deliveries, verified or with the cause it failed with.
type Receiver struct {
	cfg     ReceiverConfig
	verify  verifier
	forward *forwarder

	mu         sync.Mutex
	deliveries chan Delivery
	dropped    int64
	closed     bool
}

// NewReceiver checks cfg and returns a Receiver.
func NewReceiver(cfg ReceiverConfig) (*Receiver, error) {
	if cfg.APIKey == "" || cfg.APISecret == "" {
		return nil, errors.New("hooks: a receiver needs the API key and secret the server signs with")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	r := &Receiver{
		cfg:        cfg,
		verify:     verifier{key: cfg.APIKey, provider: auth.NewSimpleKeyProvider(cfg.APIKey, cfg.APISecret), now: cfg.Now},
		deliveries: make(chan Delivery, Buffer),
	}
	if cfg.ForwardTo != "" {
		f, err := newForwarder(cfg.ForwardTo, cfg.Client)
		if err != nil {
			return nil, err
		}
		r.forward = f
	}
	return r, nil
}

// Deliveries delivers each request, in arrival order; it is closed by Close.
func (r *Receiver) Deliveries() <-chan Delivery { return r.deliveries }

// Dropped counts deliveries lost because the reader fell Buffer behind.
func (r *Receiver) Dropped() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dropped
}

// Close closes Deliveries; requests after it get 503. Stop the HTTP server
// first so no request is cut short.
func (r *Receiver) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.closed {
		r.closed = true
		close(r.deliveries)
	}
}

// ServeHTTP admits, verifies, forwards and records one delivery. Without
// forwarding it answers 200 to a verified delivery and 401 with the reason
// otherwise, so a sender sees its mistake.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if status, why := r.admit(req); status != 0 {
		http.Error(w, "lkdash webhook receiver: "+why, status)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, fmt.Sprintf("lkdash webhook receiver: body over %d bytes", MaxBody), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "lkdash webhook receiver: reading the body: "+err.Error(), http.StatusBadRequest)
		return
	}
	d := Delivery{ArrivedAt: r.cfg.Now(), Body: body, Size: len(body), Header: req.Header.Clone()}
	r.verify.verify(&d, req.Header)
	var answer *response
	if r.forward != nil {
		d.Forward, answer = r.forward.send(req.Context(), body, req.Header)
	}
	if !r.push(d) {
		http.Error(w, "lkdash webhook receiver: closed", http.StatusServiceUnavailable)
		return
	}
	switch {
	case answer != nil:
		answer.write(w)
	case d.Forward != nil:
		http.Error(w, "lkdash webhook receiver: forwarding: "+d.Forward.Error, http.StatusBadGateway)
	case d.Verified:
		_, _ = io.WriteString(w, "ok\n")
	default:
		http.Error(w, "lkdash webhook receiver: "+d.Reason, http.StatusUnauthorized)
	}
}

// admit refuses what is not a sender's POST: browser requests (a page
// could otherwise post forgeries to a loopback port), other Host names,
// paths without the capability prefix, other methods.
func (r *Receiver) admit(req *http.Request) (int, string) {
	if _, ok := req.Header["Origin"]; ok {
		return http.StatusForbidden, "requests from web pages are not accepted"
	}
	if !r.cfg.AnyHost && !netguard.LoopbackHost(req.Host) {
		return http.StatusMisdirectedRequest, "wrong host"
	}
	if r.cfg.PathPrefix != "" {
		if _, ok := netguard.CutPrefix(req.URL.Path, r.cfg.PathPrefix); !ok {
			return http.StatusNotFound, "not found"
		}
	}
	if req.Method != http.MethodPost {
		return http.StatusMethodNotAllowed, "webhooks are POSTed"
	}
	return 0, ""
}

// push queues d with drop-oldest; false once closed.
func (r *Receiver) push(d Delivery) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return false
	}
	for {
		select {
		case r.deliveries <- d:
			return true
		default:
		}
		select {
		case <-r.deliveries:
			r.dropped++
		default:
		}
	}
}
