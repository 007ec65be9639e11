package tokens

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// HandlerConfig configures NewHandler; the fields mirror Mint.
type HandlerConfig struct {
	ServerURL         string           // the LiveKit server the answers point to
	APIKey, APISecret string           // sign the tokens; the secret is never logged
	TTL               time.Duration    // token lifetime; <= 0 means DefaultTTL
	Grants            Grants           // zero means DefaultGrants
	Log               *slog.Logger     // nil means slog.Default()
	Now               func() time.Time // nil means time.Now
}

// maxRequestBody bounds a token request; a real one is under 1 KiB.
const maxRequestBody = 64 << 10

// NewHandler returns a standard LiveKit token endpoint backed by Mint:
// POST the wire request (snake_case or camelCase; an empty body means no
// options) and get 201 {"server_url","participant_token","room_name",
// "participant_name"}. Errors are JSON {"error": "…"}: 400 bad JSON, 405 other
// methods, 413 too large, 500 minting failed. OPTIONS answers a CORS
// preflight with 204, and every answer allows any origin, so browser apps can
// use it during development. Each request is logged (method, path, status,
// identity, room, duration) — never the secret or the token.
func NewHandler(cfg HandlerConfig) http.Handler {
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	return &handler{
		mint: &Mint{ServerURL: cfg.ServerURL, APIKey: cfg.APIKey, APISecret: cfg.APISecret, TTL: cfg.TTL, Grants: cfg.Grants, Now: cfg.Now},
		log:  log,
	}
}

type handler struct {
	mint *Mint
	log  *slog.Logger
}

type handlerResponse struct {
	ServerURL        string `json:"server_url"`
	ParticipantToken string `json:"participant_token"`
	RoomName         string `json:"room_name"`
	ParticipantName  string `json:"participant_name"`
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	status, identity, room := h.serve(w, r)
	h.log.Info("token request",
		"method", r.Method, "path", r.URL.Path, "status", status,
		"identity", identity, "room", room, "duration", time.Since(start))
}

func (h *handler) serve(w http.ResponseWriter, r *http.Request) (status int, identity, room string) {
	hdr := w.Header()
	hdr.Set("Access-Control-Allow-Origin", "*")
	switch r.Method {
	case http.MethodOptions:
		hdr.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
		hdr.Set("Access-Control-Allow-Headers", "Content-Type, Authorization, X-Sandbox-ID")
		hdr.Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
		return http.StatusNoContent, "", ""
	case http.MethodPost:
	default:
		hdr.Set("Allow", "POST, OPTIONS")
		return writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed; POST a token request"), "", ""
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return writeError(w, http.StatusRequestEntityTooLarge, "request body is larger than 64 KiB"), "", ""
		}
		return writeError(w, http.StatusBadRequest, "reading request body: "+err.Error()), "", ""
	}
	opts, err := parseRequest(body)
	if err != nil {
		return writeError(w, http.StatusBadRequest, "request body is not a token request: "+err.Error()), "", ""
	}
	resp, identity, err := h.mint.mint(r.Context(), opts)
	if err != nil {
		return writeError(w, http.StatusInternalServerError, err.Error()), opts.ParticipantIdentity, opts.RoomName
	}
	hdr.Set("Content-Type", "application/json")
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(handlerResponse(resp))
	return http.StatusCreated, identity, resp.RoomName
}

func writeError(w http.ResponseWriter, status int, msg string) int {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
	return status
}
