package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/room"
)

// DevServer is the managed livekit-server the dashboard started itself.
type DevServer interface {
	// Restart starts it again after it died and reports, like the first
	// start, where its token endpoint now is.
	Restart(ctx context.Context) DevServerReadyMsg
}

// drillDoneMsg reports that a drill could not be started.
type drillDoneMsg struct{ err error }

func restartServerCmd(ctx context.Context, ds DevServer) tea.Cmd {
	return func() tea.Msg { return ds.Restart(ctx) }
}

// drillPrompt lists the drills by the digit that runs them, in width
// cells: by name when they fit, else in short, so every choice shows.
func drillPrompt(drills []room.Drill, width int) string {
	list := func(name func(room.Drill) string) string {
		var parts []string
		for i, d := range drills {
			parts = append(parts, fmt.Sprintf("%d %s", i+1, name(d)))
		}
		return strings.Join(parts, " ")
	}
	full := "drill: " + list(func(d room.Drill) string { return string(d) }) + " · esc cancels"
	if ansi.StringWidth(full) <= width {
		return full
	}
	if short := "drill: " + list(shortDrill) + " · esc"; ansi.StringWidth(short) <= width {
		return short
	}
	return list(shortDrill) // the digits are what matter
}

// shortDrills are the drills' names in a narrow prompt.
var shortDrills = map[room.Drill]string{
	room.DrillSignalReconnect: "signal", room.DrillFullReconnect: "full", room.DrillServerLeave: "leave",
	room.DrillMigration: "migrate", room.DrillNodeFailure: "node-fail", room.DrillKillNode: "kill", room.DrillStopNode: "stop",
}

// shortDrill is a drill's name in a narrow prompt.
func shortDrill(d room.Drill) string {
	if s, ok := shortDrills[d]; ok {
		return s
	}
	return string(d)
}

// pickDrill runs the drill whose digit was typed after the drill key; any
// other key cancels.
func (m Model) pickDrill(k tea.KeyMsg) (Model, tea.Cmd) {
	m.drillPick = false
	drills := m.drills()
	if s := k.String(); len(s) == 1 && s[0] >= '1' && int(s[0]-'1') < len(drills) {
		d := drills[s[0]-'1']
		m.setStatus("drill "+string(d)+" triggered; watch for drill_result", false)
		return m, drillCmd(m.sess, m.cfg.Backend, d)
	}
	m.setStatus("drill cancelled", false)
	return m, nil
}

// lifecycleEntry words the lifecycle events for the log; ok is false for
// other events.
func lifecycleEntry(ev room.Event) (*logEntry, bool) {
	switch e := ev.(type) {
	case room.JoinProgress:
		return newEntry(e.At, entryProgress, "progress", e.String(), nil, e), true
	case room.ReconnectAttempt:
		text := fmt.Sprintf("#%d after %s (%s) presented %s", e.Attempt, e.Elapsed.Round(10*time.Millisecond), e.Mode, tokenName(e.Presented))
		kind := entryEvent
		switch {
		case e.Accepted:
			text += ": accepted"
		case e.Status == 0:
			text += ": unreachable: " + e.Error
			kind = entryError
		default:
			text += fmt.Sprintf(": refused %d: %s", e.Status, e.Error)
			kind = entryError
		}
		return newEntry(e.At, kind, e.Type(), text, nil, e), true
	case room.Disconnected:
		if len(e.Detail) == 0 {
			return nil, false
		}
		detail := e.Detail
		if len(detail) > entryDetailMax-1 {
			detail = detail[len(detail)-(entryDetailMax-1):]
		}
		return newEntry(e.At, entryError, e.Type(), e.Reason, detail, e), true
	}
	return nil, false
}

func tokenName(r room.TokenRef) string {
	if r.ExpiresAt.IsZero() {
		return r.Label()
	}
	return r.Label() + " (exp " + r.ExpiresAt.Local().Format("15:04:05") + ")"
}

// connectionStatus keeps the header on the connection's state while it is
// in trouble: each reconnect attempt as it happens, then how it ended.
func (m *Model) connectionStatus(ev room.Event) {
	switch e := ev.(type) {
	case room.Reconnecting:
		m.setStatus("connection lost; reconnecting…", true)
	case room.ReconnectAttempt:
		if e.Accepted {
			m.setStatus(fmt.Sprintf("reconnect attempt %d after %s accepted", e.Attempt, e.Elapsed.Round(100*time.Millisecond)), false)
		} else {
			m.setStatus(fmt.Sprintf("reconnect attempt %d failed after %s; the SDK retries", e.Attempt, e.Elapsed.Round(100*time.Millisecond)), true)
		}
	case room.Reconnected:
		m.setStatus("reconnected", false)
	case room.DrillResult:
		m.setStatus(drillOutcome(e, m.managed.names, true), e.Outcome != room.DrillRecovered)
	case room.Disconnected:
		m.setStatus("disconnected: "+e.Reason, true)
		if e.Code == devserver.DisconnectCode && m.cfg.DevServer != nil {
			m.serverDied = true
			m.setStatus("the local livekit-server died; R restarts it and rejoins (the event log says why)", true)
		}
	}
}
