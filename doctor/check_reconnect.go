package doctor

import (
	"context"
	"fmt"
	"time"

	"github.com/lkdash/lkdash/room"
)

const (
	// reconnectBudget is how soon the connection test expects Reconnected.
	reconnectBudget = 5 * time.Second
	// reconnectWait bounds the wait for the drill's result; the drill
	// itself reports "no reconnect" after 10 s of quiet.
	reconnectWait = 15 * time.Second
)

// checkReconnect drops the signal connection on purpose and times the SDK
// resuming it, naming the token the reconnect presented.
func (r *run) checkReconnect(ctx context.Context) Result {
	s, err := r.liveMain(ctx)
	if err != nil {
		return skipped("needs a connected session: " + err.Error())
	}
	drain(s)
	var res Result
	if err := s.Drill(room.DrillSignalReconnect); err != nil {
		res.Summary = "the drill did not start"
		res.problem(Fail, "the drill did not start: "+r.safe(err.Error()), "")
		return res
	}
	ctx, cancel := context.WithTimeout(ctx, reconnectWait)
	defer cancel()
	dr, ok := waitEvent[room.DrillResult](ctx, s, nil)
	if !ok {
		res.Summary = "no outcome"
		res.problem(Fail, fmt.Sprintf("no reconnect outcome within %s", reconnectWait), "")
		return res
	}
	rr := &ReconnectRun{Drill: string(dr.Drill), Outcome: dr.Outcome, RecoveryMS: ms(dr.Recovery), Attempts: dr.Attempts, Detail: r.safe(dr.Detail)}
	if dr.Presented != nil {
		rr.Presented = dr.Presented.Label()
	}
	res.Details.Reconnect = rr
	switch dr.Outcome {
	case room.DrillRecovered:
		res.Summary = fmt.Sprintf("resumed in %s after %d signal dial(s), presenting the %s token", fmtMS(rr.RecoveryMS), dr.Attempts, rr.Presented)
		if dr.Recovery > reconnectBudget {
			res.problem(Warn, fmt.Sprintf("resuming took %s, longer than the %s clients wait for", fmtMS(rr.RecoveryMS), reconnectBudget),
				"look for slow signal round trips (a proxy's connect time, a far-away node)")
		}
	case room.DrillEnded:
		res.Summary = "the session ended instead of resuming"
		res.problem(Fail, "the session ended instead of resuming: "+rr.Detail,
			"behind a load balancer, send a client's reconnect to the node that holds its session (sticky sessions), or run the nodes with Redis")
	default:
		res.Summary = "the drill caused no reconnect"
		res.problem(Warn, "the drill caused no reconnect: "+rr.Detail, "")
	}
	return res
}

// drain empties a session's event buffer, so that waiting starts now.
func drain(s *room.Session) {
	for {
		select {
		case _, ok := <-s.Events():
			if !ok {
				return
			}
		default:
			return
		}
	}
}

// waitEvent reads s's events until one of type E that match accepts (nil:
// any), ctx ends, or the session does.
func waitEvent[E room.Event](ctx context.Context, s *room.Session, match func(E) bool) (E, bool) {
	var zero E
	for {
		select {
		case <-ctx.Done():
			return zero, false
		case ev, ok := <-s.Events():
			if !ok {
				return zero, false
			}
			if e, is := ev.(E); is && (match == nil || match(e)) {
				return e, true
			}
		}
	}
}
