package doctor

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

// Run runs the checks cfg selects, in the order of Checks, tells report
// about each as it ends (report may be nil) and returns them all. It never
// prints. Every check is bounded in time on its own; cancelling ctx ends
// the check in progress and skips the rest. Run stops early only when a
// later check cannot run: with no token, or a token the server refuses,
// the checks that join are skipped with the reason.
func Run(ctx context.Context, cfg Config, report func(Result)) Summary {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.ProtocolDuration <= 0 {
		cfg.ProtocolDuration = DefaultProtocolDuration
	}
	r := &run{cfg: cfg}
	defer r.close()
	start := time.Now()
	var sum Summary
	for _, c := range Checks() {
		if cfg.Checks != nil && !slices.Contains(cfg.Checks, c) {
			continue
		}
		if cfg.Started != nil {
			cfg.Started(c)
		}
		t0 := time.Now()
		res := r.check(ctx, c)
		res.Check, res.Duration = c, time.Since(t0)
		res.settle()
		sum.add(res)
		if report != nil {
			report(res)
		}
	}
	sum.Duration = time.Since(start)
	return sum
}

func (s *Summary) add(res Result) {
	s.Results = append(s.Results, res)
	switch res.State {
	case Pass:
		s.Passed++
	case Warn:
		s.Warned++
	case Fail:
		s.Failed++
	default:
		s.Skipped++
	}
}

// settle orders the problems worst first and sets the state to the worst.
func (res *Result) settle() {
	slices.SortStableFunc(res.Problems, func(a, b Problem) int { return b.State.rank() - a.State.rank() })
	res.State = Pass
	if res.Problems == nil {
		res.Problems = []Problem{}
	}
	if len(res.Problems) > 0 {
		res.State = res.Problems[0].State
	}
}

func (res *Result) problem(state State, cause, fix string) {
	res.Problems = append(res.Problems, Problem{State: state, Cause: cause, Fix: fix})
}

// skipped is a result for a check that could not run.
func skipped(why string) Result {
	return Result{Summary: "not run", Problems: []Problem{{State: Skip, Cause: why}}}
}

// run is the state the checks share: the token, and the main session.
type run struct {
	cfg Config

	fetched   bool
	resp      tokens.Response
	tok       *tokens.Token
	fetchErr  error
	fetchT    time.Duration
	opts      tokens.Options // the request options, with the first token's room and identity
	refused   string         // why the server refused the token; "" when it did not
	urlFailed bool           // the url check failed: it names why a join fails too
	reported  bool           // a check already failed on fetchErr

	main     *mainJoin
	mainGone bool  // a solo session took the main identity; liveMain rejoins
	distinct *bool // the source honours the identity asked for (distinctIdentities)

	mu       sync.Mutex
	sessions []*room.Session // to leave at the end
}

// check runs one check after its prerequisites.
func (r *run) check(ctx context.Context, c CheckName) Result {
	if err := ctx.Err(); err != nil {
		return skipped("interrupted")
	}
	if err := r.token(ctx); err != nil {
		if r.reported {
			return skipped("no token: the token source failed")
		}
		r.reported = true
		res := Result{Summary: "cannot get a token"}
		res.problem(Fail, "the token source failed: "+safe(err.Error(), ""), "check the source's settings (lkdash fetch shows the same error)")
		return res
	}
	if r.refused != "" && c != CheckURL {
		return skipped("the server refuses the token (see url)")
	}
	switch c {
	case CheckURL:
		return r.checkURL(ctx)
	case CheckSignal:
		return r.checkSignal(ctx)
	case CheckWebRTC:
		return r.checkWebRTC(ctx)
	case CheckTURN:
		return r.checkTURN(ctx)
	case CheckProtocol:
		return r.checkProtocol(ctx)
	case CheckReconnect:
		return r.checkReconnect(ctx)
	case CheckPublish:
		return r.checkPublish(ctx)
	}
	return skipped("unknown check")
}

// fetchTimeout bounds the token fetch.
const fetchTimeout = 30 * time.Second

// token fetches the first token once.
func (r *run) token(ctx context.Context) error {
	if r.fetched {
		return r.fetchErr
	}
	r.fetched = true
	if r.cfg.Source == nil {
		r.fetchErr = errors.New("no token source")
		return r.fetchErr
	}
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	t0 := time.Now()
	resp, err := r.cfg.Source.Fetch(ctx, r.cfg.Options)
	r.fetchT = time.Since(t0)
	if err == nil && resp.ServerURL == "" {
		err = errors.New("the token source returned no server URL")
	}
	var tok *tokens.Token
	if err == nil {
		tok, err = tokens.Decode(resp.ParticipantToken)
	}
	if err != nil {
		r.fetchErr = errors.New(tokens.RedactTokens(err.Error(), resp.ParticipantToken))
		return r.fetchErr
	}
	r.resp, r.tok = resp, tok
	r.opts = r.cfg.Options
	if r.opts.RoomName == "" && tok.Grants != nil && tok.Grants.Video != nil {
		r.opts.RoomName = tok.Grants.Video.Room
	}
	r.opts.ParticipantIdentity = tok.Identity()
	return nil
}

// track remembers a session to leave when the run ends.
func (r *run) track(s *room.Session) {
	r.mu.Lock()
	r.sessions = append(r.sessions, s)
	r.mu.Unlock()
}

// close leaves every session, all at once.
func (r *run) close() {
	r.mu.Lock()
	ss := r.sessions
	r.sessions = nil
	r.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range ss {
		wg.Go(s.Leave)
	}
	wg.Wait()
}
