package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/lkdash/lkdash/doctor"
	"github.com/lkdash/lkdash/internal/textsafe"
)

// doctorCheckLine is one `doctor --json` line per check.
type doctorCheckLine struct {
	Type string `json:"type"` // "check"
	doctor.Result
	DurationMS float64 `json:"duration_ms"`
}

// doctorSummaryLine is the last `doctor --json` line.
type doctorSummaryLine struct {
	Type       string  `json:"type"` // "summary"
	OK         bool    `json:"ok"`
	Passed     int     `json:"passed"`
	Warned     int     `json:"warned"`
	Failed     int     `json:"failed"`
	Skipped    int     `json:"skipped"`
	DurationMS float64 `json:"duration_ms"`
}

// doctorPrinter writes results as they come, as text or JSON lines; the
// first write error sticks.
type doctorPrinter struct {
	w      io.Writer
	asJSON bool
	err    error
}

func newDoctorPrinter(w io.Writer, asJSON bool) *doctorPrinter {
	return &doctorPrinter{w: w, asJSON: asJSON}
}

func (p *doctorPrinter) result(res doctor.Result) {
	if p.err != nil {
		return
	}
	if p.asJSON {
		p.err = writeLine(p.w, doctorCheckLine{Type: "check", Result: res, DurationMS: millis(res.Duration.Seconds())})
		return
	}
	p.err = printDoctorCheck(p.w, res)
}

func (p *doctorPrinter) summary(s doctor.Summary) error {
	if p.err != nil {
		return p.err
	}
	if p.asJSON {
		return writeLine(p.w, doctorSummaryLine{Type: "summary", OK: s.OK(), Passed: s.Passed, Warned: s.Warned,
			Failed: s.Failed, Skipped: s.Skipped, DurationMS: millis(s.Duration.Seconds())})
	}
	_, err := fmt.Fprintf(p.w, "%d passed, %d warned, %d failed, %d skipped in %s\n",
		s.Passed, s.Warned, s.Failed, s.Skipped, doctor.FormatDuration(s.Duration))
	return err
}

func millis(sec float64) float64 { return float64(int64(sec*10000)) / 10 }

func writeLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// detailIndent lines up causes and details under the summary.
const detailIndent = "      "

// printDoctorCheck writes one check: "STATE check duration summary", its
// problems, then its details. Everything from the network is made inert.
func printDoctorCheck(w io.Writer, res doctor.Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%-4s  %-9s %8s  %s\n", res.State, res.Check, res.Took(), clean(res.Summary))
	for _, line := range append(res.ProblemLines(), res.Details.Lines()...) {
		fmt.Fprintf(&b, "%s%s\n", detailIndent, clean(line))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func clean(s string) string { return textsafe.Line(s, 2000) }
