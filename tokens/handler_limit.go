package tokens

import (
	"math"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter is a token bucket per client address. Buckets idle long enough
// to have refilled are forgotten (recreating one is the same as keeping
// it), and the number kept is bounded so a flood of addresses cannot grow
// memory without end: past maxClients, new addresses wait.
type limiter struct {
	rate    rate.Limit
	burst   int
	refill  time.Duration // empty to full
	now     func() time.Time
	mu      sync.Mutex
	clients map[string]*bucket
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

const maxClients = 10000

// newLimiter returns nil (no limit) for a negative rate.
func newLimiter(perSecond float64, burst int) *limiter {
	if perSecond < 0 {
		return nil
	}
	if perSecond == 0 {
		perSecond = DefaultRate
	}
	if burst <= 0 {
		burst = DefaultBurst
	}
	return &limiter{
		rate: rate.Limit(perSecond), burst: burst,
		refill:  time.Duration(float64(burst) / perSecond * float64(time.Second)),
		now:     time.Now,
		clients: map[string]*bucket{},
	}
}

// wait is zero when the client at remoteAddr may go on, else how long it
// should wait before asking again.
func (l *limiter) wait(remoteAddr string) time.Duration {
	if l == nil {
		return 0
	}
	now := l.now()
	key := clientKey(remoteAddr)
	l.mu.Lock()
	b := l.clients[key]
	if b == nil {
		if len(l.clients) >= maxClients {
			l.forgetIdle(now)
		}
		if len(l.clients) >= maxClients {
			l.mu.Unlock()
			return time.Second
		}
		b = &bucket{lim: rate.NewLimiter(l.rate, l.burst)}
		l.clients[key] = b
	}
	b.seen = now
	l.mu.Unlock()

	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now) // a refused request costs nothing
		return d
	}
	return 0
}

// forgetIdle drops buckets that have refilled; l.mu is held.
func (l *limiter) forgetIdle(now time.Time) {
	for k, b := range l.clients {
		if now.Sub(b.seen) > l.refill {
			delete(l.clients, k)
		}
	}
}

// clientKey is the client's IP; IPv6 clients share their /64, which one
// host usually holds whole.
func clientKey(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// retryAfter is a Retry-After value: whole seconds, rounded up, at least 1.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}
