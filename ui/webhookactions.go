package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/hooks"
)

// WebhookBackend is a Backend that receives the managed server's webhooks:
// the server's config names a receiver lkdash runs on loopback, which
// verifies every delivery.
type WebhookBackend interface {
	// Webhooks is the receiver's URL and its deliveries in arrival order;
	// the channel is nil while there is no managed server, and closed when
	// the receiver stops.
	Webhooks() (url string, deliveries <-chan hooks.Delivery)
}

// hookSource is where the Webhooks panel's deliveries come from.
type hookSource int

const (
	hooksNone      hookSource = iota // a server the dashboard did not start
	hooksStarting                    // the managed server is on its way
	hooksListening                   // receiving the managed server's webhooks
	hooksFailed                      // the managed server did not start
)

// hookSourceMsg tells the Webhooks panel where deliveries come from.
type hookSourceMsg struct {
	source hookSource
	url    string
}

// webhooksMsg is a receiver's next deliveries, in arrival order; closed
// when it stopped (after ds).
type webhooksMsg struct {
	from   <-chan hooks.Delivery
	ds     []hooks.Delivery
	closed bool
}

// hookBatchMax bounds how many waiting deliveries one message carries.
const hookBatchMax = 64

// waitWebhooks delivers the receiver's next deliveries, a burst at once.
func waitWebhooks(ch <-chan hooks.Delivery) tea.Cmd {
	return func() tea.Msg {
		ds, closed := waitBatch(ch, hookBatchMax, nil)
		return webhooksMsg{from: ch, ds: ds, closed: closed}
	}
}

// listenWebhooks starts following the managed server's webhooks once it is
// up; a restarted server keeps its receiver, which is followed already.
func (m *Model) listenWebhooks() tea.Cmd {
	wb, ok := m.cfg.Backend.(WebhookBackend)
	if !ok {
		return m.send(pWebhooks, hookSourceMsg{source: hooksNone})
	}
	url, ch := wb.Webhooks()
	switch {
	case ch == nil:
		return m.send(pWebhooks, hookSourceMsg{source: hooksNone})
	case ch == m.hookCh:
		return nil
	}
	m.hookCh = ch
	return tea.Batch(m.send(pWebhooks, hookSourceMsg{source: hooksListening, url: url}), waitWebhooks(ch))
}

// onWebhooks hands deliveries to the panel (and the log) and waits for
// the next ones.
func (m Model) onWebhooks(msg webhooksMsg) (Model, tea.Cmd) {
	if msg.from != m.hookCh {
		return m, nil // a receiver no longer followed
	}
	for _, d := range msg.ds {
		m.log.Info("webhook", "event", d.Event, "room", d.Room, "participant", d.Participant,
			"track", d.Track, "verified", d.Verified, "reason", d.Reason)
	}
	cmd := m.send(pWebhooks, msg)
	if msg.closed {
		m.hookCh = nil
		return m, cmd
	}
	return m, tea.Batch(cmd, waitWebhooks(m.hookCh))
}
