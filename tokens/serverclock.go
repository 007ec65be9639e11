package tokens

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Clock probing defaults: samples spread over a little more than a second,
// so the Date headers (1 s resolution) tick over between samples and the
// intersection of their bounds is much narrower than a second.
const (
	defaultClockSamples = 5
	defaultClockSpacing = 210 * time.Millisecond
)

// NotableOffset is the clock offset worth mentioning (ClockOffset.Notable):
// below it, the Date header's 1 s resolution and the network blur it.
const NotableOffset = 5 * time.Second

// ClockProbe estimates this machine's clock offset from a LiveKit server by
// sampling the Date header of its HTTP responses.
type ClockProbe struct {
	Client  *http.Client     // nil: a client with a 5 s timeout
	Now     func() time.Time // nil: time.Now
	Samples int              // <= 0: 5
	Spacing time.Duration    // pause between samples; < 0: none, 0: 210 ms
}

// ClockOffset is what a ClockProbe measured. Offset is server time minus
// local time: negative when this clock is ahead of the server.
type ClockOffset struct {
	URL string // the URL probed
	// Offset is the estimate, the middle of [Min, Max]; the true offset
	// lies within Min..Max as long as the server's Date is its clock
	// truncated to the second (as Go's net/http, and so livekit-server,
	// writes it).
	Offset, Min, Max time.Duration
	Samples          int           // how many requests were measured
	MinRTT           time.Duration // the fastest round trip seen
}

// Uncertainty is how far the true offset can be from Offset.
func (o ClockOffset) Uncertainty() time.Duration { return (o.Max - o.Min) / 2 }

// ServerNow is the server's time when the local clock reads now.
func (o ClockOffset) ServerNow(now time.Time) time.Time { return now.Add(o.Offset) }

// Notable reports whether the offset is large enough to mention.
func (o ClockOffset) Notable() bool { return o.Offset >= NotableOffset || o.Offset <= -NotableOffset }

// Describe says how this clock relates to the server's, e.g. "this clock is
// 2m13s ahead of the server"; "" when the offset is not notable.
func (o ClockOffset) Describe() string {
	if !o.Notable() {
		return ""
	}
	if o.Offset < 0 {
		return fmt.Sprintf("this clock is %s ahead of the server", human(o.Offset))
	}
	return fmt.Sprintf("this clock is %s behind the server", human(o.Offset))
}

// MintWarning says what the offset does to tokens minted on this machine
// (nbf and exp set from this clock), or "" when the server accepts them
// as minted.
func (o ClockOffset) MintWarning() string {
	// A token minted here has nbf = local now = server now - Offset.
	if -o.Offset > ServerLeeway {
		return fmt.Sprintf("tokens minted on this machine start %s in the server's future and are refused as not yet valid for the first %s",
			human(o.Offset), human(-o.Offset-ServerLeeway))
	}
	if o.Offset >= NotableOffset {
		return fmt.Sprintf("tokens minted on this machine expire %s early in the server's time", human(o.Offset))
	}
	return ""
}

// ServerHTTPURL turns a LiveKit server URL (ws, wss, http or https) into the
// http(s) base its HTTP API answers on, without path, query or user info.
func ServerHTTPURL(raw string) (*url.URL, error) {
	_, h, err := ServerURLs(raw)
	if err != nil {
		return nil, err
	}
	return &url.URL{Scheme: h.Scheme, Host: h.Host}, nil
}

// Measure samples serverURL's Date header and estimates the offset.
//
// Each sample bounds the offset: the server stamped Date = floor(server
// time) at some local instant between sending (t0) and receiving (t1), so
// offset ∈ [Date - t1, Date + 1s - t0]. The estimate is the middle of the
// intersection of all samples' bounds, which is never wider than the
// fastest sample's and shrinks as samples land at different sub-second
// phases. Bounds that do not intersect (a clock stepped mid-probe, a
// server rounding rather than truncating) fall back to the fastest sample.
func (p ClockProbe) Measure(ctx context.Context, serverURL string) (ClockOffset, error) {
	base, err := ServerHTTPURL(serverURL)
	if err != nil {
		return ClockOffset{}, err
	}
	base.Path = "/"
	client, now := p.Client, p.Now
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Second}
	}
	if now == nil {
		now = time.Now
	}
	n, spacing := p.Samples, p.Spacing
	if n <= 0 {
		n = defaultClockSamples
	}
	if spacing == 0 {
		spacing = defaultClockSpacing
	}
	res := ClockOffset{URL: base.String()}
	var fastLo, fastHi time.Duration
	empty := false
	for i := range n {
		if i > 0 && spacing > 0 {
			if err := sleepCtx(ctx, spacing); err != nil {
				return ClockOffset{}, err
			}
		}
		lo, hi, rtt, err := sampleDate(ctx, client, now, base.String())
		if err != nil {
			return ClockOffset{}, fmt.Errorf("reading the server's clock: %w", err)
		}
		if i == 0 || rtt < res.MinRTT {
			res.MinRTT, fastLo, fastHi = rtt, lo, hi
		}
		if i == 0 {
			res.Min, res.Max = lo, hi
		} else {
			res.Min, res.Max = max(res.Min, lo), min(res.Max, hi)
		}
		empty = empty || res.Min > res.Max
		res.Samples++
	}
	if empty {
		res.Min, res.Max = fastLo, fastHi
	}
	res.Offset = res.Min + (res.Max-res.Min)/2
	return res, nil
}

// sampleDate makes one request and returns the offset bounds it gives.
func sampleDate(ctx context.Context, client *http.Client, now func() time.Time, u string) (lo, hi, rtt time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, 0, 0, err
	}
	t0 := now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, 0, err
	}
	t1 := now()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	resp.Body.Close()
	h := resp.Header.Get("Date")
	if h == "" {
		return 0, 0, 0, errors.New("the server sent no Date header")
	}
	date, err := http.ParseTime(h)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("the server's Date header %.40q does not parse", h)
	}
	return date.Sub(t1), date.Add(time.Second).Sub(t0), t1.Sub(t0), nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
