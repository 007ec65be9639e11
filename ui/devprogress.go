package ui

import (
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/internal/source"
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

// onDevProgress shows the managed server's start as it goes.
func (m Model) onDevProgress(msg devProgressMsg) (Model, tea.Cmd) {
	if msg.closed {
		return m, nil
	}
	if msg.Build != nil {
		m.devBuild = msg.Build
	}
	if msg.Line != "" {
		m.devLine = msg.Line
		m.devBuild = nil // a line comes before and after a build, never during
		m.note(entryProgress, "dev-server", msg.Line)
	}
	return m, waitDevProgress(m.cfg.DevProgress)
}

// onDevServerReady points the source at the managed server's token
// endpoint, then does what waited for it: a rejoin after a restart, or the
// preset's fetch.
func (m Model) onDevServerReady(msg DevServerReadyMsg) (Model, tea.Cmd) {
	m.devBuilding, m.devBuild = false, nil
	if msg.Err != nil {
		m.note(entryError, "dev-server", msg.Err.Error())
		m.setStatus("dev server failed: "+msg.Err.Error(), true)
		if m.hookCh != nil { // a restart failed; the receiver lives on
			return m, nil
		}
		return m, m.send(pWebhooks, hookSourceMsg{source: hooksFailed})
	}
	// The server's own URL (its nodes', for a cluster) fills the form's
	// Server URL too, so switching to a literal token or to minting here
	// needs nothing typed.
	spec := source.Spec{Kind: source.KindEndpoint, Endpoint: msg.EndpointURL, ServerURL: msg.ServerURL, APIKey: msg.APIKey, APISecret: msg.APISecret}
	for _, n := range msg.Nodes {
		if n.URL != "" && n.URL != msg.ServerURL {
			spec.FailoverURLs = append(spec.FailoverURLs, n.URL)
		}
	}
	m.send(pSource, presetMsg{spec})
	m.managed = managedServer{url: msg.ServerURL, key: msg.APIKey, secret: msg.APISecret, nodes: msg.Nodes, names: newNodeNames(msg.Nodes)}
	m.note(entryInfo, "dev-server", "ready: "+msg.EndpointURL)
	m.setStatus("dev server ready", false)
	caps := tea.Batch(m.broadcast(m.agentCaps()), m.listenWebhooks(), m.broadcast(clusterMsg{m.managed.names}))
	if m.rejoinOnReady {
		m.rejoinOnReady, m.serverDied = false, false
		m, cmd := m.startJoin()
		return m, tea.Batch(caps, cmd)
	}
	if m.cfg.AutoFetch && m.canShowToken() {
		m, cmd := m.startFetch(false)
		return m, tea.Batch(caps, cmd)
	}
	return m, caps
}
