package ui

import (
	"context"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/room"

	"github.com/lkdash/lkdash/tokens"
)

// fetchCmd fetches and decodes off the Update goroutine.
func fetchCmd(ctx context.Context, b Backend, req FetchRequest, seq int, now func() time.Time) tea.Cmd {
	return func() tea.Msg {
		res, err := b.Fetch(ctx, req)
		msg := fetchDoneMsg{seq: seq, result: res, err: err, at: now()}
		if err == nil {
			msg.token, msg.decodeErr = tokens.Decode(res.Response.ParticipantToken)
		}
		return msg
	}
}

// serverCheckCmd reads the server's clock, and asks for its verdict on
// req.Token when set, off the Update goroutine.
func serverCheckCmd(ctx context.Context, b Backend, req ServerCheckRequest, seq int) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		c, err := b.CheckServer(ctx, req)
		return serverCheckedMsg{seq: seq, raw: req.Token, check: c, err: err}
	}
}

func joinCmd(ctx context.Context, b Backend, req JoinRequest, id int, feed *lineFeed) tea.Cmd {
	return func() tea.Msg {
		s, err := b.Join(ctx, req)
		feed.close() // ends waitJoinProgress
		// Report the outcome only after every progress line went through
		// Update, so the log reads in order: progress, then connected.
		select {
		case <-feed.drained:
		case <-ctx.Done():
		case <-time.After(2 * time.Second):
		}
		return joinDoneMsg{id: id, sess: s, err: err}
	}
}

// waitJoinProgress delivers the next progress line and is re-issued by
// itself through the model until the feed closes.
func waitJoinProgress(feed *lineFeed, id int) tea.Cmd {
	return func() tea.Msg {
		line, ok := <-feed.ch
		if !ok {
			close(feed.drained)
			return joinProgressMsg{id: id, closed: true}
		}
		return joinProgressMsg{id: id, line: line, feed: feed}
	}
}

// eventBatchMax bounds how many waiting events one message carries.
const eventBatchMax = 256

// waitEvent delivers the session's next events: it waits for one, then
// takes whatever else is already queued, so a burst (300 people joining)
// costs a few Updates and frames rather than one each.
func waitEvent(s Session, id int) tea.Cmd {
	ch := s.Events()
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok || ev == nil {
			return roomEventMsg{id: id, closed: true}
		}
		evs := []room.Event{ev}
		for len(evs) < eventBatchMax {
			select {
			case ev, ok := <-ch:
				if !ok || ev == nil {
					return roomEventMsg{id: id, evs: evs, closed: true}
				}
				evs = append(evs, ev)
				continue
			default:
			}
			break
		}
		return roomEventMsg{id: id, evs: evs}
	}
}

func waitDevProgress(ch <-chan DevProgress) tea.Cmd {
	return func() tea.Msg {
		p, ok := <-ch
		return devProgressMsg{DevProgress: p, closed: !ok}
	}
}

func leaveCmd(s Session, id int) tea.Cmd {
	return func() tea.Msg {
		s.Leave()
		return leftMsg{id: id}
	}
}

func triggerRefresh(ctx context.Context, s Session) tea.Cmd {
	if s == nil {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return refreshDoneMsg{err: s.TriggerRefresh(ctx)}
	}
}

// lineFeed turns the Backend's Progress callback into a channel the model
// waits on. send never blocks (lines are dropped when the UI lags) and is
// safe after close, which a late callback may well do.
type lineFeed struct {
	mu      sync.Mutex
	closed  bool
	ch      chan string
	drained chan struct{} // closed once the reader saw ch closed
}

func newLineFeed(n int) *lineFeed {
	return &lineFeed{ch: make(chan string, n), drained: make(chan struct{})}
}

func (f *lineFeed) send(line string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return
	}
	select {
	case f.ch <- line:
	default:
	}
}

func (f *lineFeed) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		f.closed = true
		close(f.ch)
	}
}
