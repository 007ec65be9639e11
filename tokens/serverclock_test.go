package tokens

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// skewedServer answers every request with a Date header from a clock skew
// ahead of this one (truncated to the second, as net/http writes it), after
// sleeping before and after reading that clock.
func skewedServer(t *testing.T, skew, before, after time.Duration) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(before)
		w.Header()["Date"] = []string{time.Now().Add(skew).UTC().Format(http.TimeFormat)}
		time.Sleep(after)
		w.Write([]byte("OK"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestClockProbeSkewedDate: over skewed Date headers and slow round trips,
// the true offset always lies within the reported bounds, and the estimate
// is within the reported uncertainty, which the fastest round trip bounds.
func TestClockProbeSkewedDate(t *testing.T) {
	tests := []struct {
		name                 string
		skew, before, after  time.Duration
		spacing              time.Duration
		wantAhead, wantBehnd bool
	}{
		{name: "in sync", spacing: -1},
		{name: "in sync, spread samples"},
		{name: "server 2m13s behind", skew: -(2*time.Minute + 13*time.Second), wantAhead: true},
		{name: "server 2m13s ahead", skew: 2*time.Minute + 13*time.Second, wantBehnd: true},
		{name: "server 3.7s ahead: not notable", skew: 3700 * time.Millisecond},
		{name: "server 6.4s behind", skew: -6400 * time.Millisecond, wantAhead: true},
		{name: "slow before the stamp", skew: 42 * time.Second, before: 300 * time.Millisecond, wantBehnd: true},
		{name: "slow after the stamp", skew: 42 * time.Second, after: 300 * time.Millisecond, wantBehnd: true},
		{name: "slow both ways, no spread", skew: -90 * time.Second, before: 200 * time.Millisecond, after: 400 * time.Millisecond, spacing: -1, wantAhead: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := skewedServer(t, tt.skew, tt.before, tt.after)
			url := strings.Replace(srv.URL, "http://", "ws://", 1)
			got, err := ClockProbe{Spacing: tt.spacing}.Measure(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			if tt.skew < got.Min || tt.skew > got.Max {
				t.Fatalf("true offset %v outside the bounds [%v, %v]", tt.skew, got.Min, got.Max)
			}
			errAbs := (got.Offset - tt.skew).Abs()
			if errAbs > got.Uncertainty() {
				t.Errorf("estimate %v is %v off, more than the uncertainty ±%v", got.Offset, errAbs, got.Uncertainty())
			}
			if limit := (time.Second + got.MinRTT) / 2; got.Uncertainty() > limit {
				t.Errorf("uncertainty ±%v wider than the fastest sample's ±%v", got.Uncertainty(), limit)
			}
			if got.Samples != defaultClockSamples {
				t.Errorf("samples = %d", got.Samples)
			}
			d := got.Describe()
			if tt.wantAhead != strings.HasSuffix(d, "ahead of the server") || tt.wantBehnd != strings.HasSuffix(d, "behind the server") {
				t.Errorf("Describe() = %q", d)
			}
			t.Logf("skew %v: estimate %v, error %v, bounds ±%v, fastest RTT %v", tt.skew, got.Offset, errAbs, got.Uncertainty(), got.MinRTT)
		})
	}
}

func TestClockProbeErrors(t *testing.T) {
	noDate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header()["Date"] = nil // net/http leaves a nil Date out
	}))
	defer noDate.Close()
	badDate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Date", "yesterday at noon")
	}))
	defer badDate.Close()
	for _, tt := range []struct{ url, want string }{
		{noDate.URL, "no Date header"},
		{badDate.URL, "does not parse"},
		{"ftp://127.0.0.1/", `server URL: scheme must be ws/wss/http/https, not "ftp"`},
		{"not a url", "server URL: scheme must be"},
	} {
		_, err := ClockProbe{Spacing: -1}.Measure(context.Background(), tt.url)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.url, err, tt.want)
		}
	}
}

func TestClockOffsetWords(t *testing.T) {
	for _, tt := range []struct {
		offset         time.Duration
		describe, mint string
	}{
		{-(2*time.Minute + 13*time.Second), "this clock is 2m13s ahead of the server", "start 2m13s in the server's future and are refused as not yet valid for the first 1m13s"},
		{2*time.Minute + 13*time.Second, "this clock is 2m13s behind the server", "expire 2m13s early"},
		{-30 * time.Second, "this clock is 30s ahead of the server", ""},
		{4900 * time.Millisecond, "", ""},
		{-4900 * time.Millisecond, "", ""},
	} {
		o := ClockOffset{Offset: tt.offset}
		if got := o.Describe(); got != tt.describe {
			t.Errorf("%v: Describe() = %q, want %q", tt.offset, got, tt.describe)
		}
		if got := o.MintWarning(); (tt.mint == "") != (got == "") || !strings.Contains(got, tt.mint) {
			t.Errorf("%v: MintWarning() = %q, want %q", tt.offset, got, tt.mint)
		}
	}
}

// simClock is a virtual clock for a simulated probe: the transport moves it
// through each round trip, and every reading of a send time (even calls:
// the probe reads send, then receive) first moves it on by gap.
type simClock struct {
	now   time.Time
	reads int
	gap   time.Duration
}

func (c *simClock) Now() time.Time {
	if c.reads%2 == 0 && c.reads > 0 {
		c.now = c.now.Add(c.gap)
	}
	c.reads++
	return c.now
}

// simServer answers after up, stamps Date from a clock skew ahead
// (truncated to the second, like net/http), and arrives after down.
type simServer struct {
	clock    *simClock
	skew     time.Duration
	up, down func() time.Duration
}

func (s *simServer) RoundTrip(r *http.Request) (*http.Response, error) {
	s.clock.now = s.clock.now.Add(s.up())
	date := s.clock.now.Add(s.skew).UTC().Format(http.TimeFormat)
	s.clock.now = s.clock.now.Add(s.down())
	return &http.Response{StatusCode: 200, Header: http.Header{"Date": {date}}, Body: http.NoBody, Request: r}, nil
}

// TestClockEstimatorAccuracy simulates 2000 probes with random sub-second
// skews and asymmetric round trips of up to 300 ms, and compares the
// intersection estimator with the textbook one (the fastest sample's
// midpoint, Date + 0.5 s - (t0+t1)/2). The estimate is always within its
// bounds, and on average closer than the textbook one.
func TestClockEstimatorAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	jitter := func(max time.Duration) func() time.Duration {
		return func() time.Duration { return time.Duration(rng.Int64N(int64(max))) }
	}
	var sumMine, sumFast, worstMine, worstFast, sumBound time.Duration
	const runs = 2000
	for i := range runs {
		clock := &simClock{now: time.Unix(1_800_000_000, 0).Add(time.Duration(rng.Int64N(int64(time.Second)))), gap: defaultClockSpacing}
		skew := time.Duration(rng.Int64N(int64(20*time.Minute))) - 10*time.Minute
		srv := &simServer{clock: clock, skew: skew, up: jitter(150 * time.Millisecond), down: jitter(150 * time.Millisecond)}
		if i%2 == 1 { // a lopsided link: slow up, fast down
			srv.up, srv.down = jitter(300*time.Millisecond), jitter(5*time.Millisecond)
		}
		var fastRTT, fastMid time.Duration = -1, 0
		probe := ClockProbe{Client: &http.Client{Transport: recordFastest(srv, clock, &fastRTT, &fastMid)}, Now: clock.Now, Spacing: -1}
		got, err := probe.Measure(context.Background(), "ws://lab.invalid")
		if err != nil {
			t.Fatal(err)
		}
		if skew < got.Min || skew > got.Max {
			t.Fatalf("run %d: skew %v outside [%v, %v]", i, skew, got.Min, got.Max)
		}
		mine, fast := (got.Offset - skew).Abs(), (fastMid - skew).Abs()
		sumMine, sumFast, sumBound = sumMine+mine, sumFast+fast, sumBound+got.Uncertainty()
		worstMine, worstFast = max(worstMine, mine), max(worstFast, fast)
	}
	t.Logf("intersection: mean error %v, worst %v, mean bound ±%v; fastest sample's midpoint: mean error %v, worst %v; ratio of mean errors %.2f",
		sumMine/runs, worstMine, sumBound/runs, sumFast/runs, worstFast, float64(sumMine)/float64(sumFast))
	if sumMine >= sumFast {
		t.Errorf("the intersection estimator (mean error %v) is no better than the fastest sample (%v)", sumMine/runs, sumFast/runs)
	}
}

// recordFastest wraps srv and keeps the textbook estimate from the fastest
// round trip it carried.
func recordFastest(srv *simServer, clock *simClock, fastRTT, fastMid *time.Duration) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		t0 := clock.now
		resp, err := srv.RoundTrip(r)
		t1 := clock.now
		if rtt := t1.Sub(t0); *fastRTT < 0 || rtt < *fastRTT {
			date, _ := http.ParseTime(resp.Header.Get("Date"))
			*fastRTT = rtt
			*fastMid = date.Add(time.Second / 2).Sub(t0.Add(rtt / 2))
		}
		return resp, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
