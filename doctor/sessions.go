package doctor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

// joinTimeout bounds a join: the SDK's own connect timeout (5 s) plus the
// token fetch and the relay.
const joinTimeout = 15 * time.Second

// mainJoin is the timed join of the signal check, which the WebRTC,
// TURN, reconnect and publish checks build on.
type mainJoin struct {
	sess *room.Session   // nil when the join failed
	err  error           // why it failed, token redacted
	je   *room.JoinError // err as a JoinError, when it is one
	net  room.Network    // what the signal connection carried
	took time.Duration   // from starting to join until joined or failed
}

// signalOK reports whether the server answered the join, even if media
// did not connect after it.
func (m *mainJoin) signalOK() bool { return m.sess != nil || m.net.Joined }

// sessionConfig is the room.Config every doctor join starts from. ICE/TCP
// is bridged so that the Go SDK can use the server's TCP candidates as a
// browser would (see room.Config.ICETCP).
func (r *run) sessionConfig() room.Config {
	return room.Config{Block: r.cfg.Block, RootCAs: r.cfg.RootCAs, ICETCP: true, Now: r.cfg.Now}
}

// mainSession joins once, with the first token, and remembers the outcome.
func (r *run) mainSession(ctx context.Context) *mainJoin {
	if r.main != nil {
		return r.main
	}
	ctx, cancel := context.WithTimeout(ctx, joinTimeout)
	defer cancel()
	t0 := time.Now()
	s, err := room.Join(ctx, r.firstToken(), r.opts, r.sessionConfig())
	m := &mainJoin{took: time.Since(t0)}
	if err != nil {
		m.err = errors.New(r.safe(err.Error()))
		if errors.As(err, &m.je) && m.je.Network != nil {
			m.net = *m.je.Network
		}
	} else {
		m.sess = s
		m.net = s.Network()
		r.track(s)
	}
	r.main = m
	return m
}

// errSameIdentity says the token source ignores the identity asked for, so
// a second participant would take the first one's place.
var errSameIdentity = errors.New("the token source returns the same identity whatever is asked, " +
	"so a second participant would replace the first")

// extraSession joins another participant into the first token's room,
// as <identity>-<suffix>, with cfg. The token source must honour the
// identity; otherwise it fails with errSameIdentity.
func (r *run) extraSession(ctx context.Context, suffix string, cfg room.Config) (*room.Session, error) {
	ctx, cancel := context.WithTimeout(ctx, joinTimeout)
	defer cancel()
	opts := r.opts
	opts.ParticipantIdentity = r.tok.Identity() + "-" + suffix
	opts.ParticipantName = opts.ParticipantIdentity
	resp, err := r.cfg.Source.Fetch(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("fetching a token for %s: %s", opts.ParticipantIdentity, r.safe(err.Error()))
	}
	if t, err := tokens.Decode(resp.ParticipantToken); err != nil || t.Identity() == r.tok.Identity() {
		return nil, errSameIdentity
	}
	s, err := room.Join(ctx, tokens.IgnoreOptions(tokens.Literal{ServerURL: resp.ServerURL, ParticipantToken: resp.ParticipantToken}), opts, cfg)
	if err != nil {
		return nil, &safeError{text: tokens.RedactTokens(r.safe(err.Error()), resp.ParticipantToken), err: err}
	}
	r.track(s)
	return s, nil
}

// safeError is an error whose text was made safe to show (see safe) and
// whose chain is kept, so that errors.As still finds a *room.JoinError.
type safeError struct {
	text string
	err  error
}

func (e *safeError) Error() string { return e.text }
func (e *safeError) Unwrap() error { return e.err }

// safe makes text from the network or an error fit to show: the token
// redacted, control characters gone, one bounded line.
func (r *run) safe(s string) string {
	return safe(s, r.resp.ParticipantToken)
}

func safe(s, token string) string {
	return textsafe.Line(tokens.RedactTokens(s, token), 400)
}

// distinctIdentities reports, once, whether the token source gives a
// token for the identity asked for, so that the checks can add
// participants beside the main one.
func (r *run) distinctIdentities(ctx context.Context) bool {
	if r.distinct != nil {
		return *r.distinct
	}
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	opts := r.opts
	opts.ParticipantIdentity = r.tok.Identity() + "-probe"
	ok := false
	if resp, err := r.cfg.Source.Fetch(ctx, opts); err == nil {
		t, err := tokens.Decode(resp.ParticipantToken)
		ok = err == nil && t.Identity() != r.tok.Identity()
	}
	r.distinct = &ok
	return ok
}

// soloSession joins a participant that only needs to exist for one check:
// an extra participant when the source allows it, otherwise the main
// identity again, after leaving the main session (liveMain brings it back).
func (r *run) soloSession(ctx context.Context, suffix string, cfg room.Config) (*room.Session, error) {
	if r.distinctIdentities(ctx) {
		return r.extraSession(ctx, suffix, cfg)
	}
	if m := r.main; m != nil && m.sess != nil && !r.mainGone {
		m.sess.Leave()
		r.mainGone = true
	}
	ctx, cancel := context.WithTimeout(ctx, joinTimeout)
	defer cancel()
	s, err := room.Join(ctx, r.firstToken(), r.opts, cfg)
	if err != nil {
		return nil, &safeError{text: r.safe(err.Error()), err: err}
	}
	r.track(s)
	return s, nil
}

// leaveSolo ends a solo session.
func (r *run) leaveSolo(s *room.Session) { s.Leave() }

// liveMain is the main session, connected: joined again if a solo session
// took its place.
func (r *run) liveMain(ctx context.Context) (*room.Session, error) {
	m := r.mainSession(ctx)
	switch {
	case !m.signalOK():
		return nil, errors.New("the join failed before the server answered (see signal)")
	case m.sess == nil:
		return nil, errors.New("media did not connect (see webrtc)")
	case !r.mainGone:
		return m.sess, nil
	}
	ctx, cancel := context.WithTimeout(ctx, joinTimeout)
	defer cancel()
	s, err := room.Join(ctx, r.firstToken(), r.opts, r.sessionConfig())
	if err != nil {
		return nil, errors.New(r.safe(err.Error()))
	}
	r.track(s)
	m.sess, r.mainGone = s, false
	return s, nil
}

// firstToken is the token the url check examined, as a source.
func (r *run) firstToken() tokens.ConfigurableSource {
	return tokens.IgnoreOptions(tokens.Literal{ServerURL: r.resp.ServerURL, ParticipantToken: r.resp.ParticipantToken})
}
