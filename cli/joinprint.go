package cli

import (
	"time"

	"github.com/lkdash/lkdash/hooks"
	"github.com/lkdash/lkdash/room"
)

// webhookMatchWait is how long a webhook line waits for the room event it
// reports: livekit-server announces participants that publish nothing in
// 3 s batches, so a participant_joined webhook often comes first.
const webhookMatchWait = hooks.MatchWindow

// joinPrinter writes join's lines: room events as they come, and each
// webhook of the managed server once the room event it reports has been
// seen (with how long after it the webhook arrived), or after
// webhookMatchWait. Nothing is printed before connected.
type joinPrinter struct {
	s         *streams
	matcher   *hooks.Matcher
	held      []hooks.Delivery
	connected bool
}

func newJoinPrinter(s *streams) *joinPrinter {
	return &joinPrinter{s: s, matcher: hooks.NewMatcher()}
}

// room prints a room event, then the webhooks it was waiting for.
func (p *joinPrinter) room(ev room.Event) error {
	p.matcher.Room(ev)
	if err := printEvent(p.s, ev); err != nil {
		return err
	}
	if _, ok := ev.(room.Connected); ok {
		p.connected = true
	}
	return p.release(func(d hooks.Delivery) bool { return !p.matcher.Awaits(d) })
}

// delivery prints d now if no room event is to come for it, else holds it.
func (p *joinPrinter) delivery(d hooks.Delivery) error {
	p.matcher.Add(d)
	p.held = append(p.held, d)
	return p.release(func(d hooks.Delivery) bool { return !p.matcher.Awaits(d) })
}

// expire prints the webhooks that waited webhookMatchWait in vain.
func (p *joinPrinter) expire(now time.Time) error {
	return p.release(func(d hooks.Delivery) bool { return now.Sub(d.ArrivedAt) >= webhookMatchWait })
}

// flush prints every held webhook (the session is ending).
func (p *joinPrinter) flush() error {
	return p.release(func(hooks.Delivery) bool { return true })
}

// drain takes the webhooks already received and prints every held one:
// the session is ending, and disconnected must be the last event.
func (p *joinPrinter) drain(deliveries <-chan hooks.Delivery) error {
	for {
		select {
		case d, ok := <-deliveries:
			if ok {
				p.matcher.Add(d)
				p.held = append(p.held, d)
				continue
			}
		default:
		}
		return p.flush()
	}
}

// release prints, in arrival order, the held webhooks ready accepts.
func (p *joinPrinter) release(ready func(hooks.Delivery) bool) error {
	if !p.connected {
		return nil
	}
	kept := p.held[:0]
	var err error
	for _, d := range p.held {
		if err != nil || !ready(d) {
			kept = append(kept, d)
			continue
		}
		if lag, ok := p.matcher.Lag(d); ok {
			d.AfterRoomEvent = &lag
		}
		err = printEvent(p.s, d)
	}
	p.held = kept
	return err
}
