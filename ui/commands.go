package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/room"
)

// fetchCmd fetches off the Update goroutine.
func fetchCmd(ctx context.Context, b Backend, req FetchRequest, seq int, now func() time.Time) tea.Cmd {
	return func() tea.Msg {
		res, err := b.Fetch(ctx, req)
		return fetchDoneMsg{seq: seq, result: res, err: err, at: now()}
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

// joinCmd starts a join off the Update goroutine; Backend.Join returns
// at once and the session's events tell how it goes.
func joinCmd(ctx context.Context, b Backend, req JoinRequest, id int) tea.Cmd {
	return func() tea.Msg {
		s, err := b.Join(ctx, req)
		return joinStartedMsg{id: id, sess: s, err: err}
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
		evs, closed := waitBatch(ch, eventBatchMax, func(ev room.Event) bool { return ev == nil })
		return streamMsg{id: id, evs: evs, closed: closed}
	}
}

// waitBatch waits for the next item of ch, then takes up to most-1 more
// already queued; closed once ch is, or an item is one end (may be nil)
// says ends it.
func waitBatch[T any](ch <-chan T, most int, end func(T) bool) (items []T, closed bool) {
	item, ok := <-ch
	if !ok || (end != nil && end(item)) {
		return nil, true
	}
	items = []T{item}
	for len(items) < most {
		select {
		case item, ok := <-ch:
			if !ok || (end != nil && end(item)) {
				return items, true
			}
			items = append(items, item)
		default:
			return items, false
		}
	}
	return items, false
}

func waitDevProgress(ch <-chan DevProgress) tea.Cmd {
	return func() tea.Msg {
		p, ok := <-ch
		return devProgressMsg{DevProgress: p, closed: !ok}
	}
}

func leaveCmd(s Session) tea.Cmd {
	return func() tea.Msg {
		s.Leave()
		return leaveDoneMsg{}
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
