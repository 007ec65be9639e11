package ui

// LogCap is how many event log entries are kept; older ones are dropped
// first. At the per-line bound below an entry is at most a few KiB of text,
// so the log's text stays under ~20 MiB even when every entry is maximal.
const LogCap = 5000

// ring is a fixed-capacity FIFO of log entries addressed by a sequence
// number that only grows, so indexes held elsewhere (the filter's match
// list) stay meaningful after old entries are evicted.
type ring struct {
	buf  []*logEntry
	next uint64 // sequence number of the next entry pushed
}

func newRing(capacity int) *ring { return &ring{buf: make([]*logEntry, capacity)} }

func (r *ring) push(e *logEntry) uint64 {
	s := r.next
	r.buf[s%uint64(len(r.buf))] = e
	r.next++
	return s
}

// first is the sequence number of the oldest entry kept.
func (r *ring) first() uint64 {
	if r.next > uint64(len(r.buf)) {
		return r.next - uint64(len(r.buf))
	}
	return 0
}

func (r *ring) len() int { return int(r.next - r.first()) }

// at returns the entry with sequence number s, which must be in [first, next).
func (r *ring) at(s uint64) *logEntry { return r.buf[s%uint64(len(r.buf))] }

// snapshot copies the kept entries, oldest first, for a command that reads
// them off the Update goroutine.
func (r *ring) snapshot() []*logEntry {
	out := make([]*logEntry, 0, r.len())
	for s := r.first(); s < r.next; s++ {
		out = append(out, r.at(s))
	}
	return out
}
