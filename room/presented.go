package room

import (
	"fmt"
	"net/http"
	"time"

	"github.com/lkdash/lkdash/tokens"
)

// lifecycle is what a session tracks about its tokens and reconnects; it
// is guarded by Session.mu.
type lifecycle struct {
	issued      []issued // the original, then each refresh in arrival order
	connectedAt time.Time
	episode     episode // the reconnect in progress, if active
	attempts    []ReconnectAttempt
	drill       *drillRun
}

// issued is one token of the session.
type issued struct {
	raw        string
	tok        *tokens.Token // nil when the server sent something undecodable
	receivedAt time.Time
}

// episode is one stretch of reconnecting, from the SDK losing the server
// until it is back or gives up.
type episode struct {
	active   bool
	start    time.Time
	attempts int
	lastErr  string
}

// refOf names a raw token as one the session holds; s.mu must be held.
func (s *Session) refOf(raw string) TokenRef {
	for i := len(s.life.issued) - 1; i >= 0; i-- {
		if it := s.life.issued[i]; it.raw == raw {
			ref := TokenRef{Refresh: i}
			if it.tok != nil {
				ref.ExpiresAt = it.tok.ExpiresAt
			}
			return ref
		}
	}
	ref := TokenRef{Refresh: -1}
	if tok, err := tokens.Decode(raw); err == nil {
		ref.ExpiresAt = tok.ExpiresAt
	}
	return ref
}

// onDial turns each signal dial after the join into a ReconnectAttempt.
// The join's own dial presents the original token by construction.
func (s *Session) onDial(d dial) {
	now := s.cfg.Now()
	s.mu.Lock()
	if !s.ready && d.status != http.StatusSwitchingProtocols {
		s.joinRefusal = &d // Join explains it if the SDK gives up
	}
	if !s.ready || s.closed {
		s.mu.Unlock()
		return
	}
	ep := &s.life.episode
	if !ep.active {
		*ep = episode{active: true, start: now}
	}
	ep.attempts++
	ev := ReconnectAttempt{
		At: now, Attempt: ep.attempts, Elapsed: now.Sub(ep.start), Mode: "rejoin",
		Presented: s.refOf(d.token), Accepted: d.status == http.StatusSwitchingProtocols,
		Status: d.status, Error: d.err, Upstream: d.to,
	}
	if d.resume {
		ev.Mode = "resume"
	}
	if !ev.Accepted {
		ep.lastErr = d.err
	}
	if dr := s.life.drill; dr != nil {
		dr.attempts++
		if ev.Accepted {
			p, to := ev.Presented, d.to
			dr.presented, dr.mode, dr.upstream = &p, ev.Mode, &to
		}
	}
	s.life.attempts = append(s.life.attempts, ev)
	s.mu.Unlock()
	s.emit(ev)
}

func (s *Session) onReconnecting() {
	now := s.cfg.Now()
	s.mu.Lock()
	if !s.life.episode.active {
		s.life.episode = episode{active: true, start: now}
	}
	s.mu.Unlock()
	s.emit(Reconnecting{At: now})
}

func (s *Session) onReconnected() {
	now := s.cfg.Now()
	s.mu.Lock()
	s.life.episode = episode{}
	result := s.endDrill(now, DrillRecovered, "")
	s.mu.Unlock()
	s.emit(Reconnected{At: now})
	if result != nil {
		s.emit(*result)
	}
}

// explainGiveUp turns the SDK's bare "signal closed" into what happened:
// how many attempts over how long, and the last failure. s.mu must be held.
func (s *Session) explainGiveUp(ev *Disconnected) {
	ep := s.life.episode
	if !ep.active || (ev.Code != "" && ev.Code != "SIGNAL_CLOSE") {
		return
	}
	ev.ReconnectAttempts = ep.attempts
	ev.Reason = fmt.Sprintf("gave up reconnecting after %d attempts over %s", ep.attempts,
		ev.At.Sub(ep.start).Round(100*time.Millisecond))
	if ep.lastErr != "" {
		ev.Reason += "; last: " + ep.lastErr
	}
}
