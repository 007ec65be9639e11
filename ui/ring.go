package ui

// LogCap is how many event log entries are kept; older ones are dropped
// first. At the per-line bound below an entry is at most a few KiB of text,
// so the log's text stays under ~20 MiB even when every entry is maximal.
const LogCap = 5000

// ring is a fixed-capacity FIFO addressed by a sequence number that only
// grows, so indexes held elsewhere (the filter's match list, a stream's
// row) stay meaningful after old entries are evicted.
type ring[T any] struct {
	buf  []T
	next uint64 // sequence number of the next entry pushed
}

func newRing[T any](capacity int) *ring[T] { return &ring[T]{buf: make([]T, capacity)} }

func (r *ring[T]) push(e T) uint64 {
	s := r.next
	r.buf[s%uint64(len(r.buf))] = e
	r.next++
	return s
}

// first is the sequence number of the oldest entry kept.
func (r *ring[T]) first() uint64 {
	if r.next > uint64(len(r.buf)) {
		return r.next - uint64(len(r.buf))
	}
	return 0
}

func (r *ring[T]) len() int { return int(r.next - r.first()) }

// has reports whether the entry with sequence number s is still kept.
func (r *ring[T]) has(s uint64) bool { return s >= r.first() && s < r.next }

// at returns the entry with sequence number s, which must be in [first, next).
func (r *ring[T]) at(s uint64) T { return r.buf[s%uint64(len(r.buf))] }

// set replaces the entry with sequence number s, which must be kept.
func (r *ring[T]) set(s uint64, e T) { r.buf[s%uint64(len(r.buf))] = e }

// snapshot copies the kept entries, oldest first, for a command that reads
// them off the Update goroutine.
func (r *ring[T]) snapshot() []T {
	out := make([]T, 0, r.len())
	for s := r.first(); s < r.next; s++ {
		out = append(out, r.at(s))
	}
	return out
}
