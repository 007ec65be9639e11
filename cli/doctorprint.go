package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/lkdash/lkdash/doctor"
	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/room"
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
	fmt.Fprintf(&b, "%-4s  %-9s %8s  %s\n", res.State, res.Check, doctor.FormatDuration(res.Duration), clean(res.Summary))
	for _, pr := range res.Problems {
		label := "cause"
		if pr.State == doctor.Skip {
			label = "why"
		}
		if len(res.Problems) > 1 && pr.State != res.State {
			label = strings.ToLower(string(pr.State))
		}
		fmt.Fprintf(&b, "%s%-6s %s\n", detailIndent, label+":", clean(pr.Cause))
		if pr.Fix != "" {
			fmt.Fprintf(&b, "%s%-6s %s\n", detailIndent, "fix:", clean(pr.Fix))
		}
	}
	for _, line := range detailLines(res.Details) {
		fmt.Fprintf(&b, "%s%s\n", detailIndent, clean(line))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func clean(s string) string { return textsafe.Line(s, 2000) }

// detailLines renders the facts behind a result, a few lines per kind.
func detailLines(d doctor.Details) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if t := d.Token; t != nil {
		add("token: %s in room %s, signed by %s, expires %s", t.Identity, t.Room, t.Issuer, orNone(t.ExpiresAt))
		if t.Server != nil {
			add("  server: %s (%d): %s", acceptedWord(t.Server.Accepted), t.Server.Status, t.Server.Reason)
		}
		add("  lkdash: %s (signature %s)%s", validWord(t.Valid), t.Signature, listSuffix(t.Problems))
	}
	if c := d.Certificate; c != nil && c.Subject != "" {
		add("certificate of %s: %s, issued by %s, valid %s to %s, names %s", c.Address, c.Subject, c.Issuer,
			c.NotBefore, c.NotAfter, strings.Join(append(append([]string(nil), c.DNSNames...), c.IPs...), " "))
	}
	if s := d.Signal; s != nil {
		for _, is := range s.ICEServers {
			add("ICE server: %s", strings.Join(is.URLs, " "))
		}
	}
	if len(d.Candidates) > 0 {
		add("candidates the server offers:")
		for _, c := range d.Candidates {
			add("  %s", candidateLine(c))
		}
	}
	if p := d.Path; p != nil {
		add("path: %s, %s %s → %s %s (%s)", p.Summary, p.Local.Type, p.Local.Endpoint(), p.Remote.Type, p.Remote.Endpoint(), p.PeerConnection)
	}
	if len(d.ICEChecks) > 0 {
		add("connectivity checks:")
		for _, c := range d.ICEChecks {
			add("  %s %s → %s %s: %s, %d sent, %d answered", c.Local.Protocol, c.Local.Endpoint(), c.Remote.Protocol, c.Remote.Endpoint(),
				c.State, c.RequestsSent, c.ResponsesReceived)
		}
	}
	for _, p := range d.Protocols {
		out = append(out, protocolLine(p))
	}
	for _, t := range d.Tracks {
		add("%s %s: %d packets sent, %d received %s", t.Kind, t.Name, t.PacketsSent, t.PacketsReceived, t.Codec)
	}
	return out
}

func candidateLine(c room.Candidate) string {
	s := fmt.Sprintf("%-3s %-22s %s", c.Protocol, c.Endpoint(), c.Type)
	if c.TCPType != "" {
		s += " " + c.TCPType
	}
	switch c.Handling {
	case room.HandlingDropped:
		s += "  (dropped by --block)"
	case room.HandlingRedirected:
		s += "  (redirected to " + c.RedirectedTo + " by --block host)"
	}
	return s
}

func protocolLine(p doctor.ProtocolRun) string {
	if !p.Connected {
		return fmt.Sprintf("%s: did not connect: %s", p.Protocol, p.Error)
	}
	path := ""
	if p.Path != nil {
		path = ", path " + p.Path.Summary
	}
	return fmt.Sprintf("%s: %d packets in %.1f s, %.0f kbps, RTT %.1f ms, jitter %.1f ms, %d lost (%.1f%%)%s",
		p.Protocol, p.PacketsSent, p.Seconds, p.BitrateKbps, p.RTTMS, p.JitterMS, p.PacketsLost, p.LossPercent, path)
}

func acceptedWord(ok bool) string {
	if ok {
		return "accepted"
	}
	return "refused"
}

func validWord(ok bool) string {
	if ok {
		return "valid"
	}
	return "invalid"
}

func listSuffix(items []string) string {
	if len(items) == 0 {
		return ""
	}
	return ": " + strings.Join(items, "; ")
}

func orNone(s string) string {
	if s == "" {
		return "never"
	}
	return s
}
