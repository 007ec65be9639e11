package tokens

import (
	"encoding/json"
	"errors"
	"github.com/lkdash/lkdash/internal/netguard"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// HandlerConfig configures NewHandler. The zero value of every guard is
// the safe one: loopback origins and hosts only, a per-client rate limit.
type HandlerConfig struct {
	ServerURL         string           // the LiveKit server the answers point to
	APIKey, APISecret string           // sign the tokens; the secret is never logged
	TTL               time.Duration    // token lifetime; <= 0 means DefaultTTL
	MaxTTL            time.Duration    // > 0 caps TTL
	Grants            Grants           // zero means DefaultGrants
	Log               *slog.Logger     // nil means slog.Default()
	Now               func() time.Time // nil means time.Now

	// Room, when set, is the only room tokens are signed for (and the room
	// of a request that names none). RoomPrefix, when set, is the prefix
	// every room name must start with; a request naming no room gets
	// RoomPrefix plus a random suffix.
	Room, RoomPrefix string

	// AllowOrigins adds browser origins ("https://app.example:8443", as
	// NormalizeOrigin returns them) or "*" for any, on top of the loopback
	// origins always allowed.
	AllowOrigins []string
	// AnyHost accepts any Host header. Leave it false on a loopback bind,
	// where a non-loopback Host means DNS rebinding; set it for a network
	// bind, where AuthToken is the guard.
	AnyHost bool
	// AuthToken, when set, must arrive as "Authorization: Bearer <AuthToken>".
	AuthToken string

	// Rate is requests per second allowed per client address (IPv6 per
	// /64); zero means DefaultRate, a negative Rate turns the limit off.
	Rate float64
	// Burst is how many requests a client may make at once; zero means
	// DefaultBurst.
	Burst int
}

// DefaultRate and DefaultBurst bound a client that keeps asking: far above
// what a frontend reloading its page needs, far below a flood.
const (
	DefaultRate  = 5.0
	DefaultBurst = 20
)

// maxRequestBody bounds a token request; a real one is under 1 KiB.
const maxRequestBody = 64 << 10

// NewHandler returns a standard LiveKit token endpoint backed by Mint:
// POST the wire request (snake_case or camelCase; an empty body means no
// options) and get 201 {"server_url","participant_token","room_name",
// "participant_name"}. Only the names, metadata, attributes and agent
// dispatch are read from the body; grants and lifetime come from cfg alone.
//
// Errors are JSON {"error": "…"}: 400 bad JSON, 401 missing or wrong bearer
// token, 403 origin or room not allowed, 405 other methods, 413 too large,
// 421 a Host that is not loopback (DNS rebinding), 429 rate limited (with
// Retry-After), 500 minting failed. OPTIONS answers an allowed origin's CORS
// preflight with 204. Browser origins are allowed only when loopback
// (http or https on localhost, 127.0.0.1 or [::1], any port) or listed in
// cfg.AllowOrigins; requests without Origin (curl, SDKs outside a browser)
// pass. Each request is logged (method, path, status, outcome, origin,
// client, identity, room, duration) — never the secret, a token or the
// auth token.
func NewHandler(cfg HandlerConfig) http.Handler {
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	ttl := cfg.TTL
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	if cfg.MaxTTL > 0 && ttl > cfg.MaxTTL {
		ttl = cfg.MaxTTL
	}
	return &handler{
		mint:    &Mint{ServerURL: cfg.ServerURL, APIKey: cfg.APIKey, APISecret: cfg.APISecret, TTL: ttl, Grants: cfg.Grants, Now: cfg.Now},
		log:     log,
		origins: newOriginPolicy(cfg.AllowOrigins),
		anyHost: cfg.AnyHost,
		auth:    newBearer(cfg.AuthToken),
		limit:   newLimiter(cfg.Rate, cfg.Burst),
		rooms:   roomPolicy{exact: cfg.Room, prefix: cfg.RoomPrefix},
	}
}

type handler struct {
	mint    *Mint
	log     *slog.Logger
	origins originPolicy
	anyHost bool
	auth    *bearer // nil: no auth token required
	limit   *limiter
	rooms   roomPolicy
}

type handlerResponse struct {
	ServerURL        string `json:"server_url"`
	ParticipantToken string `json:"participant_token"`
	RoomName         string `json:"room_name"`
	ParticipantName  string `json:"participant_name"`
}

// outcome is what the log says about one request.
type outcome struct {
	status         int
	what           string // "minted", "preflight", or why it was refused
	identity, room string
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	o := h.serve(w, r)
	// Origin, identity and room are the client's words: slog quotes them,
	// clip bounds them. Never log headers wholesale (Authorization).
	h.log.Info("token request",
		"method", r.Method, "path", clip(r.URL.Path), "status", o.status, "outcome", o.what,
		"origin", clip(r.Header.Get("Origin")), "client", r.RemoteAddr,
		"identity", clip(o.identity), "room", clip(o.room), "duration", time.Since(start))
}

func (h *handler) serve(w http.ResponseWriter, r *http.Request) outcome {
	hdr := w.Header()
	hdr.Set("Cache-Control", "no-store")
	hdr.Add("Vary", "Origin")
	if !h.anyHost && !netguard.LoopbackHost(r.Host) {
		return refuse(w, http.StatusMisdirectedRequest, "refused: host",
			"host "+quoteClipped(r.Host)+" is not a loopback name or address; this endpoint answers only to localhost, 127.0.0.1 or [::1]")
	}
	origin, hasOrigin := r.Header["Origin"]
	if hasOrigin {
		o := strings.Join(origin, ",")
		allowed, acao := h.origins.allow(o)
		if !allowed {
			return refuse(w, http.StatusForbidden, "refused: origin",
				"origin "+quoteClipped(o)+" is not allowed; only loopback origins and those allowed explicitly (--allow-origin) may request tokens")
		}
		hdr.Set("Access-Control-Allow-Origin", acao)
		hdr.Set("Access-Control-Expose-Headers", "Retry-After")
	}
	if wait := h.limit.wait(r.RemoteAddr); wait > 0 {
		hdr.Set("Retry-After", retryAfter(wait))
		return refuse(w, http.StatusTooManyRequests, "refused: rate limit", "too many requests; retry after "+retryAfter(wait)+" s")
	}
	switch r.Method {
	case http.MethodOptions:
		hdr.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
		hdr.Set("Access-Control-Allow-Headers", "Content-Type, Authorization, X-Sandbox-ID")
		hdr.Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
		return outcome{status: http.StatusNoContent, what: "preflight"}
	case http.MethodPost:
	default:
		hdr.Set("Allow", "POST, OPTIONS")
		return refuse(w, http.StatusMethodNotAllowed, "refused: method", "method "+r.Method+" not allowed; POST a token request")
	}
	if h.auth != nil && !h.auth.check(r.Header.Get("Authorization")) {
		hdr.Set("WWW-Authenticate", `Bearer realm="lkdash"`)
		return refuse(w, http.StatusUnauthorized, "refused: auth", "missing or wrong bearer token; send the auth token in the header Authorization: Bearer TOKEN")
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return refuse(w, http.StatusRequestEntityTooLarge, "refused: too large", "request body is larger than 64 KiB")
		}
		return refuse(w, http.StatusBadRequest, "refused: unreadable", "reading request body: "+err.Error())
	}
	opts, err := parseRequest(body)
	if err != nil {
		return refuse(w, http.StatusBadRequest, "refused: bad request", "request body is not a token request: "+err.Error())
	}
	room, err := h.rooms.room(opts.RoomName)
	if err != nil {
		o := refuse(w, http.StatusForbidden, "refused: room", err.Error())
		o.identity, o.room = opts.ParticipantIdentity, opts.RoomName
		return o
	}
	opts.RoomName = room
	resp, identity, err := h.mint.mint(r.Context(), opts)
	if err != nil {
		o := refuse(w, http.StatusInternalServerError, "mint failed", err.Error())
		o.identity, o.room = opts.ParticipantIdentity, opts.RoomName
		return o
	}
	hdr.Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(handlerResponse(resp))
	return outcome{status: http.StatusCreated, what: "minted", identity: identity, room: resp.RoomName}
}

func refuse(w http.ResponseWriter, status int, what, msg string) outcome {
	return outcome{status: writeError(w, status, msg), what: what}
}

func writeError(w http.ResponseWriter, status int, msg string) int {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
	return status
}
