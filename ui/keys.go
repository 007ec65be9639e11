package ui

import (
	"slices"

	"github.com/charmbracelet/bubbles/key"
)

// bind builds a binding shown in help as help/desc.
func bind(help, desc string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

// on returns b enabled or disabled: key maps are built per call from the
// state, so a binding is enabled exactly when it can act and help lists
// only what works now.
func on(b key.Binding, enabled bool) key.Binding {
	b.SetEnabled(enabled)
	return b
}

// globalKeys are the root's own bindings; each panel has its own key map.
type globalKeys struct {
	Fetch, Refetch, Join, Leave, ServerRefresh key.Binding
	Demo, AutoSubscribe                        key.Binding
	Copy, CopyJSON, Export, Original, Ask      key.Binding
	NextPanel, PrevPanel, GoPanel              key.Binding
	Help, Quit, Interrupt                      key.Binding
	Drill, RestartServer, Invite               key.Binding
	Doctor, DoctorQuick                        key.Binding
}

var globalBindings = globalKeys{
	Fetch:         bind("f", "fetch", "f"),
	Refetch:       bind("r", "force refresh", "r"),
	Join:          bind("j", "join", "j"),
	Leave:         bind("l", "leave", "l"),
	ServerRefresh: bind("u", "server refresh", "u"),
	Demo:          bind("p", "publish demo", "p"),
	AutoSubscribe: bind("a", "auto-subscribe", "a"),
	Copy:          bind("y", "copy token", "y"),
	CopyJSON:      bind("Y", "copy JSON", "Y"),
	Export:        bind("e", "export log", "e"),
	Original:      bind("o", "original/refreshed", "o"),
	Ask:           bind("v", "ask the server", "v"),
	NextPanel:     bind("tab", "next panel", "tab"),
	PrevPanel:     bind("shift+tab", "prev panel", "shift+tab"),
	GoPanel:       bind(panelKeysHelp(), "go to panel", "1", "2", "3", "4", "5", "6", "7", "8", "9", "0"),
	Help:          bind("?", "help", "?"),
	Quit:          bind("q", "quit", "q"),
	Interrupt:     bind("ctrl+c", "leave and quit (130)", "ctrl+c"),
	Drill:         bind("d", "reconnect drill", "d"),
	RestartServer: bind("R", "restart server + rejoin", "R"),
	Doctor:        bind("D", "doctor", "D"),
	DoctorQuick:   bind("c", "quick checks", "c"),
	Invite:        bind("i", "invite someone", "i"),
}

// panelKeysHelp names the number keys of the panels there are: "1-8",
// or "1-9,0" for ten.
func panelKeysHelp() string {
	if numPanels < 10 {
		return "1-" + (numPanels - 1).key()
	}
	return "1-9,0"
}

// keys returns the root's bindings, enabled for the current state. While
// the focused panel captures text, only ctrl+c acts.
func (m Model) keys() globalKeys {
	k := globalBindings
	free := !m.focused().Capturing()
	ready := m.src.Ready()
	_, decodable := m.src.DecodeOnly()
	tc := m.tok.caps()
	spec := m.src.Spec()
	k.Fetch = on(k.Fetch, free && (ready || decodable) && !m.fetching)
	if decodable {
		k.Fetch.SetHelp("f", "decode")
	}
	k.Refetch = on(k.Refetch, free && ready && !m.fetching)
	k.Join = on(k.Join, free && ready && m.join == notJoined)
	k.Leave = on(k.Leave, free && m.join != notJoined)
	k.ServerRefresh = on(k.ServerRefresh, free && m.join == joined && spec.APIKey != "" && spec.APISecret != "")
	k.Demo = on(k.Demo, free && m.join == joined && !m.media.busy)
	if m.media.demo {
		k.Demo.SetHelp("p", "unpublish demo")
	}
	k.AutoSubscribe = on(k.AutoSubscribe, free && !m.media.busy)
	if m.media.autoSub {
		k.AutoSubscribe.SetHelp("a", "stop subscribing")
	}
	k.Copy = on(k.Copy, free && tc.raw)
	k.CopyJSON = on(k.CopyJSON, free && tc.decoded)
	k.Export = on(k.Export, free && m.evs.Len() > 0)
	k.Original = on(k.Original, free && tc.refreshed)
	k.Ask = on(k.Ask, free && tc.askable)
	k.Drill = on(k.Drill, free && m.join == joined)
	k.Doctor = on(k.Doctor, free && m.canDoctor())
	k.DoctorQuick = on(k.DoctorQuick, free && m.canDoctor())
	k.RestartServer = on(k.RestartServer, free && m.serverDied && m.cfg.DevServer != nil && m.join == notJoined && !m.devBuilding)
	k.Invite = on(k.Invite, free && m.canInvite())
	for _, b := range []*key.Binding{&k.NextPanel, &k.PrevPanel, &k.GoPanel, &k.Help, &k.Quit} {
		b.SetEnabled(free)
	}
	shadow(m.focused(), &k.Fetch, &k.Refetch, &k.Join, &k.Leave, &k.ServerRefresh, &k.Demo, &k.AutoSubscribe,
		&k.Copy, &k.CopyJSON, &k.Export, &k.Original, &k.Ask, &k.NextPanel, &k.PrevPanel, &k.GoPanel,
		&k.Help, &k.Quit, &k.Drill, &k.RestartServer, &k.Doctor, &k.DoctorQuick, &k.Invite)
	return k
}

// shadow disables the root's bindings that share a key with an enabled
// binding of the focused panel: the key then reaches the panel, and help
// lists it once (the Room panel's "y" copies the invite link, not the
// token).
func shadow(p panelView, bs ...*key.Binding) {
	taken := map[string]bool{}
	for _, group := range p.FullHelp() {
		for _, b := range group {
			if b.Enabled() {
				for _, k := range b.Keys() {
					taken[k] = true
				}
			}
		}
	}
	for _, b := range bs {
		if slices.ContainsFunc(b.Keys(), func(k string) bool { return taken[k] }) {
			b.SetEnabled(false)
		}
	}
}

// helpKeys is the help bar's key map: the focused panel's bindings first,
// then the root's.
type helpKeys struct {
	panel  panelView
	global globalKeys
}

// ShortHelp implements help.KeyMap.
func (h helpKeys) ShortHelp() []key.Binding {
	g := h.global
	return append(h.panel.ShortHelp(), g.RestartServer, g.Fetch, g.Join, g.Leave, g.ServerRefresh, g.Drill, g.Doctor, g.NextPanel, g.Help, g.Quit)
}

// FullHelp implements help.KeyMap.
func (h helpKeys) FullHelp() [][]key.Binding {
	g := h.global
	return append(h.panel.FullHelp(),
		[]key.Binding{g.Fetch, g.Refetch, g.Join, g.Leave, g.ServerRefresh, g.Drill, g.RestartServer},
		[]key.Binding{g.Demo, g.AutoSubscribe, g.Doctor, g.DoctorQuick, g.Invite},
		[]key.Binding{g.Copy, g.CopyJSON, g.Export, g.Original, g.Ask},
		[]key.Binding{g.NextPanel, g.PrevPanel, g.GoPanel, g.Help, g.Quit, g.Interrupt},
	)
}

// navKeys are the scrolling bindings several panels share.
type navKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

func newNavKeys(top, bottom string) navKeys {
	return navKeys{
		Up:       bind("↑", "up", "up"),
		Down:     bind("↓", "down", "down"),
		PageUp:   bind("pgup", "page up", "pgup"),
		PageDown: bind("pgdn", "page down", "pgdown"),
		Top:      bind("home", top, "home"),
		Bottom:   bind("end", bottom, "end"),
	}
}

func (n navKeys) list() []key.Binding {
	return []key.Binding{n.Up, n.Down, n.PageUp, n.PageDown, n.Top, n.Bottom}
}
