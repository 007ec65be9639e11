package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
	"github.com/mattn/go-isatty"
	"github.com/muesli/termenv"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/styles"
)

// buildReporter shows the managed server's first-run build on stderr: on a
// terminal one line redrawn in place (a bar, counts, elapsed and ETA), else
// a plain line at each tenth of the way, so a CI log stays short.
type buildReporter struct {
	w       io.Writer
	tty     bool
	width   func() int // terminal columns, for the redrawn line
	st      styles.Styles
	profile termenv.Profile
	now     func() time.Time

	mu       sync.Mutex
	shown    bool      // a redrawn line is on screen
	drawn    time.Time // when it was last drawn
	lastStep int       // tenths already printed in plain mode
}

// redrawEvery bounds how often the terminal line is redrawn.
const redrawEvery = 100 * time.Millisecond

func newBuildReporter(w io.Writer) *buildReporter {
	r := &buildReporter{w: w, st: styles.Default(), now: time.Now, lastStep: -1}
	if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		r.tty = true
		r.profile = lipgloss.NewRenderer(f).ColorProfile()
		r.width = func() int {
			if cols, _, err := term.GetSize(f.Fd()); err == nil && cols > 0 {
				return cols
			}
			return 80
		}
	}
	return r
}

// line prints a log line ("lkdash: …"), first clearing a drawn bar.
func (r *buildReporter) line(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clear()
	fmt.Fprintf(r.w, "lkdash: %s\n", s)
}

// build shows p.
func (r *buildReporter) build(p devserver.BuildProgress) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.tty {
		step := int(p.Fraction() * 10)
		if p.Total == 0 || step <= r.lastStep {
			return
		}
		r.lastStep = step
		fmt.Fprintf(r.w, "lkdash: building livekit-server: %d%% · %s\n", step*10, p)
		return
	}
	now := r.now()
	if r.shown && now.Sub(r.drawn) < redrawEvery && p.Done < p.Total {
		return
	}
	r.drawn = now
	cols := r.width()
	text := " " + p.String()
	out := text
	if barW := min(30, cols-lipgloss.Width(text)-1); barW >= 10 {
		// The dark-background colours are assumed: asking the terminal can
		// stall for seconds on one that does not answer.
		out = r.st.ProgressBar(barW, r.profile, true).ViewAs(p.Fraction()) + text
	}
	// \r and erase-line redraw in place; the line is cut short of the
	// width so it never wraps onto a second one.
	fmt.Fprintf(r.w, "\r%s\x1b[K", ansi.Truncate(out, cols-1, ""))
	r.shown = true
}

// done erases a drawn line; the reporter may still print lines after it.
func (r *buildReporter) done() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clear()
}

// clear erases a drawn line so the next output starts clean.
func (r *buildReporter) clear() {
	if r.shown {
		fmt.Fprint(r.w, "\r\x1b[K")
		r.shown = false
	}
}
