package tokens

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// CacheStatus says how a Caching fetch was answered.
type CacheStatus int

// How FetchStatus answered.
const (
	CacheMiss   CacheStatus = iota // this call fetched from the inner source
	CacheHit                       // a valid cached response was reused
	CacheShared                    // this call joined another call's in-flight fetch
)

// String is "miss", "hit" or "shared".
func (s CacheStatus) String() string {
	switch s {
	case CacheMiss:
		return "miss"
	case CacheHit:
		return "hit"
	case CacheShared:
		return "shared"
	}
	return "unknown"
}

// CacheEntry is the cached response and what it was fetched for.
type CacheEntry struct {
	Options  Options   // the options it was fetched for
	Response Response  // what the inner source returned
	StoredAt time.Time // when the fetch completed
	// ReuseUntil is 60 s before the token's exp; zero means the token has
	// no exp and is reused forever; StoredAt means it is never reused (the
	// token does not decode).
	ReuseUntil time.Time
}

// CacheStats counts calls since NewCaching.
type CacheStats struct {
	Hits         int64 // answered from the cache
	Misses       int64 // not answered from the cache, including calls that joined an in-flight fetch (CacheShared)
	InnerFetches int64 // calls to the inner source
}

// expiryMargin: a token is not reused when it expires within this.
const expiryMargin = 60 * time.Second

// Caching reuses the last response while it is valid, by LiveKit C++ SDK
// rules: the options are equal by value, the token decodes, its nbf is not in
// the future and its exp is more than 60 s away (no exp: forever).
//
// Concurrency: concurrent misses for equal options share one inner fetch
// (single-flight); readers of a valid entry never wait for a fetch. Calls with
// different options fetch independently and in parallel; each caller gets the
// response for its own options, and the entry holds whichever finished
// last. A fetch runs detached from any one caller and is cancelled only when
// every caller waiting on it has given up. Invalidate drops the entry, and
// fetches in flight at that moment still answer their callers but are neither
// cached nor joined by later calls.
type Caching struct {
	inner ConfigurableSource
	now   func() time.Time

	mu      sync.Mutex
	entry   *cached
	flights []*flight

	hits, misses, innerFetches atomic.Int64
}

type cached struct {
	CacheEntry
	notBefore time.Time // zero: no nbf
	decodes   bool
}

type flight struct {
	opts    Options
	done    chan struct{}
	resp    Response
	err     error
	waiters int // guarded by Caching.mu
	cancel  context.CancelFunc
}

// NewCaching wraps inner; now nil means time.Now.
func NewCaching(inner ConfigurableSource, now func() time.Time) *Caching {
	if now == nil {
		now = time.Now
	}
	return &Caching{inner: inner, now: now}
}

// Fetch answers from the cache or the inner source.
func (c *Caching) Fetch(ctx context.Context, opts Options) (Response, error) {
	r, _, err := c.FetchStatus(ctx, opts)
	return r, err
}

// FetchStatus is Fetch that also says whether it hit, missed or shared.
func (c *Caching) FetchStatus(ctx context.Context, opts Options) (Response, CacheStatus, error) {
	if err := ctx.Err(); err != nil {
		return Response{}, CacheMiss, err
	}
	c.mu.Lock()
	if e := c.entry; e != nil && e.Options.Equal(opts) && e.reusable(c.now()) {
		c.mu.Unlock()
		c.hits.Add(1)
		return e.Response, CacheHit, nil
	}
	c.misses.Add(1)
	status := CacheShared
	i := slices.IndexFunc(c.flights, func(f *flight) bool { return f.opts.Equal(opts) })
	var f *flight
	if i >= 0 {
		f = c.flights[i]
	} else {
		status = CacheMiss
		f = c.start(ctx, opts)
	}
	f.waiters++
	c.mu.Unlock()

	select {
	case <-f.done:
		return f.resp, status, f.err
	case <-ctx.Done():
		c.mu.Lock()
		f.waiters--
		if f.waiters == 0 {
			// Nobody wants it any more: stop it, and let no later call
			// join a fetch that is being cancelled.
			f.cancel()
			if i := slices.Index(c.flights, f); i >= 0 {
				c.flights = slices.Delete(c.flights, i, i+1)
			}
		}
		c.mu.Unlock()
		return Response{}, status, ctx.Err()
	}
}

// start launches a fetch; c.mu is held.
func (c *Caching) start(ctx context.Context, opts Options) *flight {
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	f := &flight{opts: opts.Clone(), done: make(chan struct{}), cancel: cancel}
	c.flights = append(c.flights, f)
	c.innerFetches.Add(1)
	go func() {
		defer cancel()
		resp, err := fetchRecovering(fctx, c.inner, f.opts.Clone())
		var e *cached
		if err == nil {
			e = c.newEntry(f.opts, resp) // decoded outside the lock
		}
		c.mu.Lock()
		if i := slices.Index(c.flights, f); i >= 0 {
			c.flights = slices.Delete(c.flights, i, i+1)
			if e != nil {
				c.entry = e
			}
		}
		f.resp, f.err = resp, err
		c.mu.Unlock()
		close(f.done)
	}()
	return f
}

// fetchRecovering turns a panicking inner source (user code behind Custom)
// into an error: it runs on the cache's own goroutine, where a panic would
// take the whole program down rather than the caller that asked.
func fetchRecovering(ctx context.Context, src ConfigurableSource, opts Options) (resp Response, err error) {
	defer func() {
		if p := recover(); p != nil {
			resp, err = Response{}, fmt.Errorf("token source panicked: %v", p)
		}
	}()
	return src.Fetch(ctx, opts)
}

func (c *Caching) newEntry(opts Options, resp Response) *cached {
	now := c.now()
	e := &cached{CacheEntry: CacheEntry{Options: opts.Clone(), Response: resp, StoredAt: now}}
	t, err := Decode(resp.ParticipantToken)
	if err != nil {
		e.ReuseUntil = now
		return e
	}
	e.decodes, e.notBefore = true, t.NotBefore
	if !t.ExpiresAt.IsZero() {
		e.ReuseUntil = t.ExpiresAt.Add(-expiryMargin)
	}
	return e
}

// reusable applies the validity rules at now.
func (e *cached) reusable(now time.Time) bool {
	if !e.decodes || (!e.notBefore.IsZero() && e.notBefore.After(now)) {
		return false
	}
	return e.ReuseUntil.IsZero() || now.Before(e.ReuseUntil)
}

// Invalidate drops the cached response (e.g. after the server rejected it).
func (c *Caching) Invalidate() {
	c.mu.Lock()
	c.entry, c.flights = nil, nil
	c.mu.Unlock()
}

// Entry returns a copy of the cached entry, valid or not.
func (c *Caching) Entry() (CacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entry == nil {
		return CacheEntry{}, false
	}
	e := c.entry.CacheEntry
	e.Options = e.Options.Clone()
	return e, true
}

// Stats returns the counters.
func (c *Caching) Stats() CacheStats {
	return CacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), InnerFetches: c.innerFetches.Load()}
}
