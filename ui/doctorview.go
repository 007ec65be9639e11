package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/doctor"
	"github.com/lkdash/lkdash/internal/textsafe"
)

// problemIndent sets a check's cause and fix under its row.
const problemIndent = 4

// View implements Panel: a head line (what runs, or the tally), then the
// checklist, scrolled to keep the selected check in sight; or the
// selected check's details.
func (p doctorPanel) View() string {
	var lines []string
	if p.detail {
		lines = p.detailLines()
		lines = lines[min(p.scroll, len(lines)):]
	} else {
		lines = p.listView()
	}
	if len(lines) > p.h {
		lines = lines[:max(p.h, 0)]
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, max(p.w, 0), "…")
	}
	return strings.Join(lines, "\n")
}

// Want implements Panel: the whole checklist, or the whole details.
func (p doctorPanel) Want(w int) int {
	p.w = w
	if p.detail {
		return len(p.detailLines())
	}
	body, _ := p.listLines()
	return 1 + len(body)
}

// listView is the head line and the part of the checklist that fits,
// from the top unless the selected check would be cut off.
func (p doctorPanel) listView() []string {
	body, starts := p.listLines()
	rows := max(p.h-1, 0)
	from := 0
	if p.sel >= 0 && p.sel < len(starts) {
		end := len(body)
		if p.sel+1 < len(starts) {
			end = starts[p.sel+1]
		}
		from = min(max(end-rows, 0), starts[p.sel])
	}
	return append([]string{p.head()}, body[from:]...)
}

// head says what the run is doing, or how it ended.
func (p doctorPanel) head() string {
	st := p.st
	what := "every check"
	if p.quick {
		what = "quick checks"
	}
	switch p.phase {
	case doctorRunning:
		n := 0
		for _, r := range p.rows {
			if r.res != nil {
				n++
			}
		}
		return st.Muted.Render(fmt.Sprintf("%s · %d of %d done · x cancels", what, n, len(p.rows)))
	case doctorDone:
		s := p.summary
		tally := fmt.Sprintf("%d passed, %d warned, %d failed, %d skipped in %s", s.Passed, s.Warned, s.Failed, s.Skipped, doctor.FormatDuration(s.Duration))
		style := st.Value
		if !s.OK() {
			style = st.Error
		}
		return style.Render(tally) + st.Muted.Render(" · "+what+" · enter: details")
	case doctorCancelled:
		return st.Muted.Render(what + " · cancelled")
	case doctorFailed:
		return st.Error.Render("could not start: " + textsafe.Line(p.err, 2*p.w))
	}
	return st.Muted.Render("no run yet")
}

// listLines is the checklist below the head line, and the line each
// check starts at.
func (p doctorPanel) listLines() (lines []string, starts []int) {
	if p.phase == doctorIdle {
		return []string{
			p.st.Faint.Render("D: run every check against the current source (joins its room, publishes the demo)"),
			p.st.Faint.Render("c: the quick checks only (url, signal, webrtc)"),
		}, nil
	}
	for i, r := range p.rows {
		starts = append(starts, len(lines))
		marker := "  "
		if i == p.sel {
			marker = p.st.Cursor.Render("▸") + " "
		}
		lines = append(lines, marker+p.rowLine(r))
		if r.res != nil && r.res.State != doctor.Pass {
			for _, l := range r.res.ProblemLines() {
				lines = append(lines, p.wrap(l, problemIndent, problemIndent+7, p.st.Muted)...)
			}
		}
	}
	return lines, starts
}

// rowLine is a check in one line: its state, name, duration and summary.
func (p doctorPanel) rowLine(r doctorRow) string {
	st := p.st
	switch {
	case r.res != nil:
		return p.badge(r.res.State) + " " + pad(string(r.check), 9) + " " +
			fmt.Sprintf("%7s", r.res.Took()) + "  " + st.Value.Render(textsafe.Line(r.res.Summary, entryLineMax))
	case r.running:
		return st.BadgeInfo.Render("RUN ") + " " + pad(string(r.check), 9) + st.Muted.Render("          "+r.check.Title()+"…")
	case p.phase == doctorRunning:
		return st.Faint.Render("  ·    " + pad(string(r.check), 9) + "          waiting")
	}
	return st.Faint.Render("  —    " + pad(string(r.check), 9) + "          not run")
}

// badge is a check state in the width of every other.
func (p doctorPanel) badge(s doctor.State) string {
	switch s {
	case doctor.Pass:
		return p.st.BadgeGood.Render("PASS")
	case doctor.Warn:
		return p.st.BadgeWarn.Render("WARN")
	case doctor.Fail:
		return p.st.BadgeBad.Render("FAIL")
	}
	return p.st.Muted.Render(" " + pad(string(s), 4) + " ")
}

// detailLines is the selected check in full: its verdict, summary,
// problems and the facts behind them.
func (p doctorPanel) detailLines() []string {
	r := p.selected()
	if r == nil || r.res == nil {
		return []string{p.st.Muted.Render("esc: back")}
	}
	res := r.res
	out := []string{p.badge(res.State) + " " + p.st.PanelTitle.Render(res.Check.Title()) +
		p.st.Muted.Render(" · "+doctor.FormatDuration(res.Duration)+" · esc: back")}
	out = append(out, p.wrap(res.Summary, 0, 2, p.st.Value)...)
	for _, l := range res.ProblemLines() {
		out = append(out, p.wrap(l, 0, 7, p.st.Muted)...)
	}
	for _, l := range res.Details.Lines() {
		lead := len(l) - len(strings.TrimLeft(l, " "))
		out = append(out, p.wrap(strings.TrimLeft(l, " "), lead, lead+2, p.st.Value)...)
	}
	return out
}

func (p doctorPanel) maxScroll() int { return max(len(p.detailLines())-p.h, 0) }

// wrap makes s inert and wraps it to the panel's width: the first line
// indented by first cells, the others by rest.
func (p doctorPanel) wrap(s string, first, rest int, style lipgloss.Style) []string {
	s = textsafe.Line(s, 4*entryLineMax)
	head, more, _ := strings.Cut(ansi.Wrap(s, max(p.w-first, 10), ""), "\n")
	out := []string{strings.Repeat(" ", first) + style.Render(head)}
	// The other lines are narrower than the first: wrap what follows it
	// again at their width (should wrapping have altered the first line,
	// the first wrap stands).
	if tail, ok := strings.CutPrefix(s, head); ok {
		more = ansi.Wrap(strings.TrimLeft(tail, " "), max(p.w-rest, 10), "")
	}
	if more == "" {
		return out
	}
	for _, l := range strings.Split(more, "\n") {
		out = append(out, strings.Repeat(" ", rest)+style.Render(l))
	}
	return out
}
