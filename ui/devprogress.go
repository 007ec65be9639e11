package ui

import (
	"fmt"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/internal/textsafe"
)

// DevProgress is one update from the embedded dev server's start: a line
// for the event log, or how far the first-run build of livekit-server has
// come (shown as a bar, never logged).
type DevProgress struct {
	Line  string
	Build *devserver.BuildProgress
}

// devBarWidth is the build bar's width; the counts and times follow it.
const devBarWidth = 16

// devStatus is the header's dev-server part: the build bar with counts and
// times while building, else the last progress line.
func (m Model) devStatus() string {
	if p := m.devBuild; p != nil {
		bar := m.st.ProgressBar(devBarWidth, lipgloss.ColorProfile(), lipgloss.HasDarkBackground())
		return m.st.Muted.Render(" · building livekit-server ") + bar.ViewAs(p.Fraction()) + m.st.Muted.Render(" "+buildText(*p))
	}
	return m.st.Muted.Render(" · dev server: " + textsafe.Line(orDash(m.devLine), 60))
}

// buildText is the header's short form of p: "312/789 · 1m5s · ~2m20s left".
func buildText(p devserver.BuildProgress) string {
	elapsed := p.Elapsed.Round(time.Second).String()
	switch {
	case p.Total == 0:
		return "counting packages · " + elapsed
	case p.Done >= p.Total:
		return fmt.Sprintf("%d/%d · linking · %s", p.Done, p.Total, elapsed)
	case p.ETA > 0:
		return fmt.Sprintf("%d/%d · %s · ~%s left", p.Done, p.Total, elapsed, p.ETA.Round(time.Second))
	}
	return fmt.Sprintf("%d/%d · %s", p.Done, p.Total, elapsed)
}
