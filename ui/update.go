package ui

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := m.update(msg)
	m.refreshCache()
	return m, cmd
}

// outcome is a message that reports how something the user asked for went;
// the header's status line says it.
type outcome interface {
	status() (text string, isErr bool)
}

func (m Model) update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.SetSize(msg.Width, msg.Height)
		return m, nil
	case tea.KeyMsg:
		return m.handleKey(msg)
	case tickMsg:
		return m.onTick(msg)
	case autoFetchMsg, fetchRequestMsg:
		return m.startFetch(false)
	case fetchDoneMsg:
		return m.onFetched(msg)
	case serverCheckRequestMsg:
		return m, serverCheckCmd(m.ctx, m.cfg.Backend, msg.req, msg.seq)
	case serverCheckedMsg:
		return m, m.send(pToken, msg)
	case joinStartedMsg:
		return m.onJoinStarted(msg)
	case streamMsg:
		return m.onStream(msg)
	case leaveDoneMsg:
		if m.quitting {
			return m, m.exit()
		}
		return m, nil
	case mediaDoneMsg:
		return m.onMediaDone(msg)
	case devProgressMsg:
		return m.onDevProgress(msg)
	case DevServerReadyMsg:
		return m.onDevServerReady(msg)
	case createDispatchMsg, deleteDispatchMsg, toggleStandInMsg, standInDoneMsg:
		return m.updateAgents(msg)
	case doctorStartedMsg, doctorUpdateMsg, doctorCancelMsg:
		return m.updateDoctor(msg)
	case pathMsg:
		return m.onPath(msg)
	case inviteDoneMsg:
		return m.onInviteDone(msg)
	case roomAfterLeaveMsg:
		return m.onRoomAfterLeave(msg)
	case roomPollMsg:
		return m.onRoomPoll(msg)
	case roomAnswerMsg:
		return m.onRoomAnswer(msg)
	case webhooksMsg:
		return m.onWebhooks(msg)
	case dataSendMsg:
		return m.startSend(msg.req)
	case dataSendDoneMsg:
		return m.onSendDone(msg)
	case outcome:
		if text, isErr := msg.status(); text != "" {
			m.setStatus(text, isErr)
		}
		return m, nil
	}
	return m, nil
}

func (m *Model) setStatus(s string, isErr bool) { m.status, m.statusErr = s, isErr }

// note adds one of lkdash's own lines (not a room event) to the event log.
func (m *Model) note(kind entryKind, typ, text string) {
	m.send(pEvents, noteMsg{newEntry(m.now(), kind, typ, text, nil, nil)})
}

func (m Model) handleKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	k := m.keys()
	// ctrl+c always quits, even from inside a field.
	if key.Matches(msg, k.Interrupt) {
		m.interrupted = true
		return m.quit()
	}
	// Terminals deliver esc followed quickly by a key as one alt+key
	// (lkdash binds no alt keys): treat it as esc, then the key, so
	// "esc q" typed fast still leaves the field and quits.
	if msg.Alt && msg.Type == tea.KeyRunes {
		m, escCmd := m.handleKey(tea.KeyMsg{Type: tea.KeyEsc})
		msg.Alt = false
		m, cmd := m.handleKey(msg)
		return m, tea.Batch(escCmd, cmd)
	}
	if m.drillPick {
		return m.pickDrill(msg)
	}
	// A panel capturing text gets every key before the root's bindings
	// (which are all disabled meanwhile).
	if m, cmd, ok := m.globalKey(msg, k); ok {
		return m, cmd
	}
	return m, m.send(m.focus, msg)
}

// globalKey runs the root's binding for msg, if one matches.
func (m Model) globalKey(msg tea.KeyMsg, k globalKeys) (Model, tea.Cmd, bool) {
	switch {
	case key.Matches(msg, k.Quit):
		m, cmd := m.quit()
		return m, cmd, true
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
	case key.Matches(msg, k.NextPanel):
		m.setFocus((m.focus + 1) % numPanels)
	case key.Matches(msg, k.PrevPanel):
		m.setFocus((m.focus + numPanels - 1) % numPanels)
	case key.Matches(msg, k.GoPanel):
		if id, ok := panelForKey(msg.Runes[0]); ok {
			m.setFocus(id)
		}
	case key.Matches(msg, k.Fetch), key.Matches(msg, k.Refetch):
		m, cmd := m.startFetch(key.Matches(msg, k.Refetch))
		return m, cmd, true
	case key.Matches(msg, k.Join):
		m, cmd := m.startJoin()
		return m, cmd, true
	case key.Matches(msg, k.Leave):
		m, cmd := m.leave()
		return m, cmd, true
	case key.Matches(msg, k.ServerRefresh):
		m.setStatus("asking the server for a new token…", false)
		return m, triggerRefresh(m.ctx, m.sess), true
	case key.Matches(msg, k.Demo):
		m, cmd := m.toggleDemo()
		return m, cmd, true
	case key.Matches(msg, k.AutoSubscribe):
		m, cmd := m.toggleAutoSubscribe()
		return m, cmd, true
	case key.Matches(msg, k.Copy), key.Matches(msg, k.CopyJSON):
		return m, m.send(pToken, tokenCopyMsg{report: key.Matches(msg, k.CopyJSON)}), true
	case key.Matches(msg, k.Export):
		return m, exportLog(m.cfg.ExportDir, m.now(), m.evs.snapshot()), true
	case key.Matches(msg, k.Original):
		return m, m.send(pToken, tokenFlipMsg{}), true
	case key.Matches(msg, k.Ask):
		return m, m.send(pToken, tokenAskMsg{}), true
	case key.Matches(msg, k.Invite):
		m, cmd := m.startInvite()
		return m, cmd, true
	case key.Matches(msg, k.Drill):
		m.drillPick = true
		// The prompt follows "lkdash · joined · " in the title line.
		m.setStatus(drillPrompt(m.drills(), m.w-lipgloss.Width("lkdash · joined · ")), false)
	case key.Matches(msg, k.Doctor), key.Matches(msg, k.DoctorQuick):
		m, cmd := m.startDoctor(key.Matches(msg, k.DoctorQuick))
		return m, cmd, true
	case key.Matches(msg, k.RestartServer):
		m.rejoinOnReady, m.devBuilding = true, true
		m.setStatus("restarting the local livekit-server…", false)
		return m, restartServerCmd(m.ctx, m.cfg.DevServer), true
	default:
		return m, nil, false
	}
	return m, nil, true
}

// quit leaves the room (in a command: Leave talks to the server) and quits
// once it returned.
func (m Model) quit() (Model, tea.Cmd) {
	if m.quitting {
		return m, m.exit() // a second ctrl+c does not wait for Leave
	}
	m.quitting = true
	m.cancel()
	if m.joinCancel != nil {
		m.joinCancel()
	}
	if m.sess != nil {
		return m, leaveCmd(m.sess)
	}
	return m, m.exit()
}

// exit ends the program: ctrl+c as an interrupt (the shell's status 130),
// q as a normal quit.
func (m Model) exit() tea.Cmd {
	if m.interrupted {
		return tea.Interrupt
	}
	return tea.Quit
}

// startTick starts a new countdown tick chain; bumping the generation
// kills any chain already running.
func (m *Model) startTick() tea.Cmd {
	m.tickGen++
	m.ticking = true
	return tickCmd(m.tickGen)
}

func (m Model) onTick(msg tickMsg) (Model, tea.Cmd) {
	if msg.gen != m.tickGen || !m.ticking {
		return m, nil // stale chain: dies here
	}
	if m.tok.current() == nil {
		m.ticking = false // nothing counts down: sleep until the next token
		return m, nil
	}
	return m, tickCmd(m.tickGen)
}

func tickCmd(gen int) tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg{gen: gen, at: t} })
}
