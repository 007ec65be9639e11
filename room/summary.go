package room

import (
	"encoding/json"
	"time"

	"github.com/lkdash/lkdash/tokens"
)

// TokenWindow is one token of a session on the time axis: when it arrived,
// when it starts to be valid and when it expires.
type TokenWindow struct {
	// Ref names the token and carries its exp.
	Ref        TokenRef
	ReceivedAt time.Time // fetched (the original) or pushed by the server
	// ValidFrom is nbf, or iat when there is no nbf; zero with neither.
	ValidFrom time.Time
	// LifetimeChange is how far this token moved the session's expiry
	// compared with the previous token (0 for the original).
	LifetimeChange time.Duration
}

// WindowOf builds the window of a token: refresh is 0 for the original,
// N for refreshed #N; prev is the token before it (nil for the original).
func WindowOf(refresh int, tok *tokens.Token, receivedAt time.Time, prev *tokens.Token) TokenWindow {
	w := TokenWindow{Ref: TokenRef{Refresh: refresh}, ReceivedAt: receivedAt}
	if tok == nil {
		return w
	}
	w.Ref.ExpiresAt = tok.ExpiresAt
	w.ValidFrom = tok.NotBefore
	if w.ValidFrom.IsZero() {
		w.ValidFrom = tok.IssuedAt
	}
	if prev != nil && !prev.ExpiresAt.IsZero() && !tok.ExpiresAt.IsZero() {
		w.LifetimeChange = tok.ExpiresAt.Sub(prev.ExpiresAt)
	}
	return w
}

// MarshalJSON writes the window with RFC 3339 times and seconds.
func (w TokenWindow) MarshalJSON() ([]byte, error) {
	type out struct {
		Token                 string   `json:"token"`
		Refresh               int      `json:"refresh"`
		ReceivedAt            string   `json:"received_at"`
		ValidFrom             string   `json:"valid_from,omitempty"`
		ExpiresAt             string   `json:"expires_at,omitempty"`
		LifetimeSeconds       *float64 `json:"lifetime_seconds"`
		LifetimeChangeSeconds float64  `json:"lifetime_change_seconds"`
	}
	o := out{Token: w.Ref.Label(), Refresh: w.Ref.Refresh, ReceivedAt: w.ReceivedAt.UTC().Format(time.RFC3339Nano),
		ValidFrom: rfc3339(w.ValidFrom), ExpiresAt: rfc3339(w.Ref.ExpiresAt), LifetimeChangeSeconds: w.LifetimeChange.Seconds()}
	if !w.ValidFrom.IsZero() && !w.Ref.ExpiresAt.IsZero() {
		secs := w.Ref.ExpiresAt.Sub(w.ValidFrom).Seconds()
		o.LifetimeSeconds = &secs
	}
	return json.Marshal(o)
}

// Summary is a session's token history, for the end of a JSON log: every
// token's window, each reconnect and the token it presented, and how far
// the session's expiry moved from the original token's. It is not sent on
// Events; Session.Summary builds it.
type Summary struct {
	// At is when the summary was made.
	At time.Time `json:"-"`
	// ConnectedAt is when the session joined.
	ConnectedAt time.Time `json:"-"`
	// Tokens lists the original and every refresh, in arrival order.
	Tokens []TokenWindow
	// Reconnects lists every reconnect attempt.
	Reconnects []ReconnectAttempt
	// LifetimeMoved is the last token's exp minus the original's.
	LifetimeMoved time.Duration
}

// Time returns At.
func (e Summary) Time() time.Time { return e.At }

// Type returns "summary".
func (Summary) Type() string { return "summary" }

// MarshalJSON writes tokens, reconnects (without their error text) and the
// lifetime movement in seconds.
func (e Summary) MarshalJSON() ([]byte, error) {
	type reconnect struct {
		At        string   `json:"at"`
		Attempt   int      `json:"attempt"`
		Mode      string   `json:"mode"`
		Presented TokenRef `json:"presented"`
		Accepted  bool     `json:"accepted"`
	}
	rs := make([]reconnect, 0, len(e.Reconnects))
	for _, r := range e.Reconnects {
		rs = append(rs, reconnect{r.At.UTC().Format(time.RFC3339Nano), r.Attempt, r.Mode, r.Presented, r.Accepted})
	}
	tokens := e.Tokens
	if tokens == nil {
		tokens = []TokenWindow{}
	}
	var first, last time.Time
	if len(e.Tokens) > 0 {
		first, last = e.Tokens[0].Ref.ExpiresAt, e.Tokens[len(e.Tokens)-1].Ref.ExpiresAt
	}
	return json.Marshal(struct {
		ConnectedAt          string        `json:"connected_at,omitempty"`
		Tokens               []TokenWindow `json:"tokens"`
		Reconnects           []reconnect   `json:"reconnects"`
		OriginalExpiresAt    string        `json:"original_expires_at,omitempty"`
		FinalExpiresAt       string        `json:"final_expires_at,omitempty"`
		LifetimeMovedSeconds float64       `json:"lifetime_moved_seconds"`
	}{rfc3339(e.ConnectedAt), tokens, rs, rfc3339(first), rfc3339(last), e.LifetimeMoved.Seconds()})
}

// Summary describes the session's tokens so far; after Leave, the whole
// session.
func (s *Session) Summary() Summary {
	now := s.cfg.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	sum := Summary{At: now, ConnectedAt: s.life.connectedAt, Reconnects: append([]ReconnectAttempt(nil), s.life.attempts...)}
	var prev *tokens.Token
	for i, it := range s.life.issued {
		sum.Tokens = append(sum.Tokens, WindowOf(i, it.tok, it.receivedAt, prev))
		if it.tok != nil {
			prev = it.tok
		}
	}
	if n := len(sum.Tokens); n > 1 {
		first, last := sum.Tokens[0].Ref.ExpiresAt, sum.Tokens[n-1].Ref.ExpiresAt
		if !first.IsZero() && !last.IsZero() {
			sum.LifetimeMoved = last.Sub(first)
		}
	}
	return sum
}
