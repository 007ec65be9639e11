package ui

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/room"
)

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := m.update(msg)
	m.refreshCache()
	return m, cmd
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
	case serverCheckedMsg:
		return m.onServerChecked(msg), nil
	case fetchDoneMsg:
		return m.onFetched(msg)
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
	case drillDoneMsg:
		if msg.err != nil {
			m.setStatus("drill failed: "+msg.err.Error(), true)
		}
		return m, nil
	case refreshDoneMsg:
		if msg.err != nil {
			m.setStatus("server refresh failed: "+msg.err.Error(), true)
		} else {
			m.setStatus("server refresh requested; watch for token_refreshed", false)
		}
		return m, nil
	case copiedMsg:
		if msg.err != nil {
			m.setStatus("copy failed: "+msg.err.Error(), true)
		} else {
			m.setStatus("copied "+msg.what+" via OSC 52 ("+itoa(msg.n)+" bytes)", false)
		}
		return m, nil
	case exportedMsg:
		if msg.err != nil {
			m.setStatus("export failed: "+msg.err.Error(), true)
		} else {
			m.setStatus("exported "+itoa(msg.n)+" events to "+msg.path, false)
		}
		return m, nil
	case devProgressMsg:
		if msg.closed {
			return m, nil
		}
		if msg.Build != nil {
			m.devBuild = msg.Build
		}
		if msg.Line != "" {
			m.devLine = msg.Line
			m.devBuild = nil // a line comes before and after a build, never during
			m.evs.add(newEntry(m.now(), entryProgress, "dev-server", msg.Line, nil, nil))
		}
		return m, waitDevProgress(m.cfg.DevProgress)
	case DevServerReadyMsg:
		m.devBuilding, m.devBuild = false, nil
		if msg.Err != nil {
			m.evs.add(newEntry(m.now(), entryError, "dev-server", msg.Err.Error(), nil, nil))
			m.setStatus("dev server failed: "+msg.Err.Error(), true)
			return m, nil
		}
		m.src.setEndpoint(msg.EndpointURL, msg.APIKey, msg.APISecret)
		m.managed = managedServer{url: msg.ServerURL, key: msg.APIKey, secret: msg.APISecret}
		m.evs.add(newEntry(m.now(), entryInfo, "dev-server", "ready: "+msg.EndpointURL, nil, nil))
		m.setStatus("dev server ready", false)
		caps := m.broadcast(m.agentCaps())
		if m.rejoinOnReady {
			m.rejoinOnReady, m.serverDied = false, false
			m, cmd := m.startJoin()
			return m, tea.Batch(caps, cmd)
		}
		if m.cfg.AutoFetch && m.src.Ready() {
			m, cmd := m.startFetch(false)
			return m, tea.Batch(caps, cmd)
		}
		return m, caps
	case createDispatchMsg, deleteDispatchMsg, dispatchDoneMsg, toggleStandInMsg, standInDoneMsg:
		return m.updateAgents(msg)
	}
	return m, nil
}

func (m *Model) setStatus(s string, isErr bool) { m.status, m.statusErr = s, isErr }

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
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.SetSize(m.w, m.h) // the help's height changed
		return m, nil
	case key.Matches(msg, k.NextPanel):
		m.focus = (m.focus + 1) % len(panelSlots)
		return m, nil
	case key.Matches(msg, k.PrevPanel):
		m.focus = (m.focus + len(panelSlots) - 1) % len(panelSlots)
		return m, nil
	case key.Matches(msg, k.GoPanel):
		if n := int(msg.Runes[0] - '1'); n < len(panelSlots) {
			m.focus = n
		}
		return m, nil
	case key.Matches(msg, k.Fetch):
		return m.startFetch(false)
	case key.Matches(msg, k.Refetch):
		return m.startFetch(true)
	case key.Matches(msg, k.Join):
		return m.startJoin()
	case key.Matches(msg, k.Leave):
		return m.leave()
	case key.Matches(msg, k.ServerRefresh):
		m.setStatus("asking the server for a new token…", false)
		return m, triggerRefresh(m.ctx, m.sess)
	case key.Matches(msg, k.Demo):
		return m.toggleDemo()
	case key.Matches(msg, k.AutoSubscribe):
		return m.toggleAutoSubscribe()
	case key.Matches(msg, k.Copy):
		return m, m.copyCmd("token", m.tok.current().resp.ParticipantToken)
	case key.Matches(msg, k.CopyJSON):
		return m, m.copyReport()
	case key.Matches(msg, k.Export):
		return m, exportLog(m.cfg.ExportDir, m.now(), m.evs.snapshot())
	case key.Matches(msg, k.Original):
		m.tok.flip()
		return m, nil
	case key.Matches(msg, k.Ask):
		return m.checkServer(true)
	case key.Matches(msg, k.Drill):
		m.drillPick = true
		m.setStatus(drillPrompt(), false)
		return m, nil
	case key.Matches(msg, k.RestartServer):
		m.rejoinOnReady, m.devBuilding = true, true
		m.setStatus("restarting the local livekit-server…", false)
		return m, restartServerCmd(m.ctx, m.cfg.DevServer)
	}
	return m, panelSlots[m.focus].update(&m, msg)
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

func (m Model) startFetch(force bool) (Model, tea.Cmd) {
	if !m.src.Ready() || m.fetching {
		return m, nil
	}
	m.fetching = true
	m.fetchSeq++
	m.tok.setBusy("fetching…")
	req := FetchRequest{Spec: m.src.Spec(), Options: m.src.Options(), Caching: m.src.Caching(), Force: force}
	return m, fetchCmd(m.ctx, m.cfg.Backend, req, m.fetchSeq, m.now)
}

// signerKeys are the key pairs that may judge a token from the current
// source: the form's pair when it was given for it (typed, preset
// explicitly, from the managed server) or when it mints; the saved ones
// only for the tokens they can have signed.
func (m Model) signerKeys() source.SignerKeys {
	var k source.SignerKeys
	if m.cfg.Keys != nil {
		k = *m.cfg.Keys
	}
	s := m.src.Spec()
	if m.cfg.Keys == nil || m.src.KeysGiven() || s.Mints() {
		k.Explicit = s.CheckConfig()
	}
	return k
}

func (m Model) onFetched(msg fetchDoneMsg) (Model, tea.Cmd) {
	if msg.seq != m.fetchSeq {
		return m, nil // superseded
	}
	m.fetching = false
	m.tok.setBusy("")
	if msg.err != nil {
		m.log.Info("fetch failed", "err", msg.err)
		m.tok.setError("fetch", msg.err)
		m.setStatus("fetch failed", true)
		return m, nil
	}
	cache := msg.result.Cache
	m.log.Debug("fetched", "cache", cache.Status, "decoded", msg.result.Token != nil) // never the token itself
	res := msg.result
	m.tok.setToken(&shownToken{tok: res.Token, decodeErr: res.DecodeErr, resp: res.Response, cache: &cache, origin: "fetched", at: msg.at})
	check, _ := m.signerKeys().For(res.Token, res.Response.ServerURL)
	m.tok.setCheck(check)
	m.setStatus("fetched", false)
	m, probe := m.checkServer(false)
	return m, tea.Batch(m.startTick(), probe)
}

func (m Model) startJoin() (Model, tea.Cmd) {
	if !m.src.Ready() || m.join != notJoined {
		return m, nil
	}
	m.join = joining
	m.joinID++
	ctx, cancel := context.WithCancel(m.ctx)
	m.joinCancel = cancel
	req := JoinRequest{Spec: m.src.Spec(), Options: m.src.Options(), Caching: m.src.Caching(), AutoSubscribe: m.media.autoSub}
	m.evs.add(newEntry(m.now(), entryProgress, "join", "joining…", nil, nil))
	m.setStatus("joining…", false)
	return m, joinCmd(ctx, m.cfg.Backend, req, m.joinID)
}

// onJoinStarted follows the session Backend.Join started; its events say
// how the join goes (see onConnected, joinFailed).
func (m Model) onJoinStarted(msg joinStartedMsg) (Model, tea.Cmd) {
	if msg.id != m.joinID || m.join != joining || m.quitting {
		if msg.sess != nil { // a join nobody waits for any more
			return m, leaveCmd(msg.sess)
		}
		return m, nil
	}
	if msg.err != nil {
		return m.joinFailed(msg.err), nil
	}
	m.sess = msg.sess
	return m, waitEvent(msg.sess, msg.id)
}

// joinFailed shows why the join did not happen.
func (m Model) joinFailed(err error) Model {
	m.log.Info("join failed", "err", err)
	m.join, m.sess = notJoined, nil
	m.evs.add(newEntry(m.now(), entryError, "join_failed", err.Error(), nil, nil))
	m.tok.setError("join", err)
	m.setStatus("join failed", true)
	return m
}

// onConnected shows the joined token and starts what follows a join.
func (m Model) onConnected(c room.Connected) (Model, tea.Cmd) {
	m.join = joined
	resp := m.sess.Response()
	m.tok.setToken(&shownToken{tok: c.Token, resp: resp, origin: "joined", at: m.now()})
	check, _ := m.signerKeys().For(c.Token, resp.ServerURL)
	m.tok.setCheck(check)
	m.tl.start(c.Token, m.now(), time.Time{})
	m.setStatus("connected to "+resp.ServerURL, false)
	m, probe := m.checkServer(false)
	return m, tea.Batch(m.startTick(), probe, m.broadcast(m.agentCaps()))
}

// onStream hands the session's next events to the panels, after the
// root's own part: the join's outcome, countdown ticks, the header.
func (m Model) onStream(msg streamMsg) (Model, tea.Cmd) {
	if msg.id != m.joinID || m.sess == nil {
		return m, nil
	}
	var cmds []tea.Cmd
	for _, ev := range msg.evs {
		switch e := ev.(type) {
		case room.Connected:
			var cmd tea.Cmd
			m, cmd = m.onConnected(e)
			cmds = append(cmds, cmd)
		case room.JoinFailed:
			return m.joinFailed(e.Err), nil // the stream ends with it
		case room.TokenRefreshed:
			cmds = append(cmds, m.startTick())
		}
		m.connectionStatus(ev)
	}
	cmds = append(cmds, m.broadcast(roomEventsMsg{evs: msg.evs}))
	m.evs.setDropped(m.sess.Dropped())
	if msg.closed {
		m.join, m.sess = notJoined, nil
		m.media.sessionEnded()
		m.evs.add(newEntry(m.now(), entryInfo, "session", "event stream ended", nil, nil))
		if !m.statusErr {
			m.setStatus("left the room", false)
		}
		return m, tea.Batch(append(cmds, m.broadcast(sessionOverMsg{}))...)
	}
	return m, tea.Batch(append(cmds, waitEvent(m.sess, msg.id))...)
}

func (m Model) leave() (Model, tea.Cmd) {
	if m.join == notJoined {
		return m, nil
	}
	if m.joinCancel != nil {
		m.joinCancel()
	}
	sess := m.sess
	m.join, m.sess = notJoined, nil
	m.media.sessionEnded()
	m.joinID++ // anything still arriving from that session is stale
	m.evs.add(newEntry(m.now(), entryInfo, "leave", "left the room", nil, nil))
	m.setStatus("left the room", false)
	left := m.broadcast(sessionOverMsg{})
	if sess == nil {
		return m, left
	}
	return m, tea.Batch(left, leaveCmd(sess))
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
