package devserver

import (
	"fmt"
	"strings"
	"time"

	"github.com/lkdash/lkdash/internal/format"
)

// BuildProgress is how far a build of livekit-server has come.
type BuildProgress struct {
	Done    int           // packages compiled so far
	Total   int           // packages to compile; 0 while they are being counted
	Elapsed time.Duration // since the build started, counting included
	ETA     time.Duration // estimated time left; 0 when not yet known
}

// Fraction is Done/Total in [0, 1]; 0 while the total is unknown.
func (p BuildProgress) Fraction() float64 {
	if p.Total <= 0 {
		return 0
	}
	return min(float64(p.Done)/float64(p.Total), 1)
}

// String is one line for a log or a terminal without a bar:
// "312/789 packages · 1m05s elapsed · about 2m20s left".
func (p BuildProgress) String() string {
	var parts []string
	switch {
	case p.Total == 0:
		parts = append(parts, "counting packages")
	case p.Done >= p.Total:
		parts = append(parts, fmt.Sprintf("%d/%d packages · linking", p.Done, p.Total))
	default:
		parts = append(parts, fmt.Sprintf("%d/%d packages", p.Done, p.Total))
	}
	parts = append(parts, format.Duration(p.Elapsed)+" elapsed")
	if p.ETA > 0 && p.Done < p.Total {
		parts = append(parts, "about "+format.Duration(p.ETA)+" left")
	}
	return strings.Join(parts, " · ")
}

// etaAfter is how many packages must be compiled before the rate is trusted
// enough to predict: the first ones (runtime, small std packages) are not
// typical.
const etaAfter = 20

// buildCounter turns the lines of `go install -v` (one import path per
// package it compiles, plus download notes and compiler errors) into
// BuildProgress.
type buildCounter struct {
	now   func() time.Time
	start time.Time // the build, counting included
	// compileStart is when the compile began, the base of the rate.
	compileStart time.Time
	// want holds the packages expected to compile; nil when only their
	// number is known, and then any line that looks like an import path
	// counts.
	want  map[string]bool
	total int
	seen  map[string]bool
}

func newBuildCounter(now func() time.Time) *buildCounter {
	t := now()
	return &buildCounter{now: now, start: t, seen: map[string]bool{}}
}

// expect sets what the compile will do; it starts the rate clock.
func (c *buildCounter) expect(want map[string]bool, total int) {
	c.want, c.total = want, total
	c.compileStart = c.now()
}

// line takes one line of output and reports whether it was a package being
// compiled.
func (c *buildCounter) line(s string) bool {
	s = strings.TrimSpace(s)
	if c.seen[s] {
		return false
	}
	if c.want != nil && !c.want[s] || c.want == nil && !looksLikeImportPath(s) {
		return false
	}
	c.seen[s] = true
	return true
}

// progress is the state now.
func (c *buildCounter) progress() BuildProgress {
	now := c.now()
	p := BuildProgress{Done: len(c.seen), Total: c.total, Elapsed: now.Sub(c.start)}
	if p.Total > 0 && p.Done > p.Total {
		p.Total = p.Done // a recorded total that was too low
	}
	if p.Total > 0 && p.Done >= etaAfter && p.Done < p.Total {
		perPackage := now.Sub(c.compileStart) / time.Duration(p.Done)
		p.ETA = perPackage * time.Duration(p.Total-p.Done)
	}
	return p
}

// looksLikeImportPath tells package lines of `go install -v` from the rest
// ("go: downloading …", "# pkg" before compiler errors, the errors).
func looksLikeImportPath(s string) bool {
	return s != "" && !strings.ContainsAny(s, " \t:#") && !strings.HasPrefix(s, ".")
}
