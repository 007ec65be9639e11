package devserver

import (
	"testing"
	"time"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// TestBuildCounter feeds a fake `go install -v` output stream, line by line,
// and checks what is counted and what progress says after each line.
func TestBuildCounter(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	c := newBuildCounter(clk.now)
	if p := c.progress(); p != (BuildProgress{}) {
		t.Fatalf("before counting: %+v", p)
	}
	clk.advance(10 * time.Second) // counting the packages
	want := map[string]bool{}
	for _, p := range []string{"internal/goarch", "runtime", "github.com/livekit/livekit-server/cmd/server"} {
		want[p] = true
	}
	for i := range 40 {
		want["example.com/pkg"+string(rune('a'+i))] = true
	}
	c.expect(want, len(want)) // 43 packages
	steps := []struct {
		line    string
		counted bool
		done    int
	}{
		{"go: downloading github.com/livekit/protocol v1.51.0", false, 0},
		{"internal/goarch", true, 1},
		{"internal/goarch", false, 1}, // printed twice, compiled once
		{"runtime", true, 2},
		{"# github.com/livekit/livekit-server/pkg/rtc", false, 2},
		{"pkg/rtc/room.go:12:2: undefined: x", false, 2},
		{"golang.org/x/unrelated", false, 2}, // not in the plan (already cached)
		{"  runtime  ", false, 2},
		{"", false, 2},
	}
	for _, s := range steps {
		clk.advance(time.Second)
		if got := c.line(s.line); got != s.counted {
			t.Errorf("line %q counted = %v, want %v", s.line, got, s.counted)
		}
		if p := c.progress(); p.Done != s.done || p.Total != 43 {
			t.Errorf("after %q: %d/%d, want %d/43", s.line, p.Done, p.Total, s.done)
		}
	}
	// No ETA until etaAfter packages: the first ones are not typical.
	if p := c.progress(); p.ETA != 0 || p.Elapsed != 19*time.Second {
		t.Errorf("early: %+v", p)
	}
	for i := range etaAfter - 2 {
		clk.advance(time.Second)
		c.line("example.com/pkg" + string(rune('a'+i)))
	}
	// 20 packages in 9+18 = 27 s of compiling: 1.35 s each, 23 to go.
	p := c.progress()
	if p.Done != 20 || p.Elapsed != 37*time.Second || p.ETA != 23*1350*time.Millisecond {
		t.Errorf("mid-build: %+v", p)
	}
	if f := p.Fraction(); f < 0.46 || f > 0.47 {
		t.Errorf("fraction %v, want 20/43", f)
	}
}

// TestBuildCounterWithoutPlan: when counting failed, lines that look like
// import paths count against the recorded total, which grows if it was low.
func TestBuildCounterWithoutPlan(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	c := newBuildCounter(clk.now)
	c.expect(nil, 2)
	for _, l := range []string{"go: downloading x v1.0.0", "internal/abi", "# internal/abi", "internal/abi", "./x.go:1: bad", "a.b/c", "d.e/f"} {
		c.line(l)
	}
	if p := c.progress(); p.Done != 3 || p.Total != 3 || p.Fraction() != 1 {
		t.Errorf("%+v", p)
	}
}

func TestBuildProgressString(t *testing.T) {
	tests := []struct {
		p    BuildProgress
		want string
	}{
		{BuildProgress{Elapsed: 3 * time.Second}, "counting packages · 3s elapsed"},
		{BuildProgress{Done: 5, Total: 789, Elapsed: 4 * time.Second}, "5/789 packages · 4s elapsed"},
		{BuildProgress{Done: 312, Total: 789, Elapsed: 65 * time.Second, ETA: 140400 * time.Millisecond},
			"312/789 packages · 1m5s elapsed · about 2m20s left"},
		{BuildProgress{Done: 789, Total: 789, Elapsed: 250 * time.Second, ETA: time.Second}, "789/789 packages · linking · 4m10s elapsed"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.p, got, tt.want)
		}
	}
	if f := (BuildProgress{Done: 3}).Fraction(); f != 0 {
		t.Errorf("fraction without a total = %v", f)
	}
}
