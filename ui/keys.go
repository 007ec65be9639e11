package ui

import "github.com/charmbracelet/bubbles/key"

// keyMap is every binding of the dashboard. Bindings that cannot act right
// now are disabled (see Model.syncKeys), so help lists only what works.
type keyMap struct {
	Fetch, Refetch, Join, Leave, ServerRefresh key.Binding
	Copy, CopyJSON, Export, Original           key.Binding
	NextPanel, PrevPanel                       key.Binding
	Up, Down, PageUp, PageDown, Top, Bottom    key.Binding
	Edit, Toggle, KindPrev, KindNext, Done     key.Binding
	Filter, ClearFilter                        key.Binding
	Help, Quit, Interrupt                      key.Binding
}

func newKeyMap() keyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return keyMap{
		Fetch:         b("f", "fetch", "f"),
		Refetch:       b("r", "force refresh", "r"),
		Join:          b("j", "join", "j"),
		Leave:         b("l", "leave", "l"),
		ServerRefresh: b("u", "server refresh", "u"),
		Copy:          b("y", "copy token", "y"),
		CopyJSON:      b("Y", "copy JSON", "Y"),
		Export:        b("e", "export log", "e"),
		Original:      b("o", "original/refreshed", "o"),
		NextPanel:     b("tab", "next panel", "tab"),
		PrevPanel:     b("shift+tab", "prev panel", "shift+tab"),
		Up:            b("↑", "up", "up"),
		Down:          b("↓", "down", "down"),
		PageUp:        b("pgup", "page up", "pgup"),
		PageDown:      b("pgdn", "page down", "pgdown"),
		Top:           b("home", "oldest", "home"),
		Bottom:        b("end", "newest", "end"),
		Edit:          b("enter", "edit", "enter"),
		Toggle:        b("space", "toggle", " "),
		KindPrev:      b("←", "prev source", "left"),
		KindNext:      b("→", "next source", "right"),
		Done:          b("esc", "leave field", "esc"),
		Filter:        b("/", "filter", "/"),
		ClearFilter:   b("esc", "clear filter", "esc"),
		Help:          b("?", "help", "?"),
		Quit:          b("q", "quit", "q"),
		Interrupt:     b("ctrl+c", "quit", "ctrl+c"),
	}
}

// ShortHelp implements help.KeyMap.
func (k keyMap) ShortHelp() []key.Binding {
	// o (original/refreshed) is left to the token panel, which names it
	// next to the REFRESHED badge; the full help lists it.
	return []key.Binding{k.Done, k.Edit, k.Toggle, k.Fetch, k.Join, k.Leave, k.ServerRefresh, k.Filter, k.ClearFilter, k.NextPanel, k.Help, k.Quit}
}

// FullHelp implements help.KeyMap.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Fetch, k.Refetch, k.Join, k.Leave, k.ServerRefresh},
		{k.Copy, k.CopyJSON, k.Export, k.Original},
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Edit, k.Toggle, k.KindPrev, k.KindNext, k.Done, k.Filter, k.ClearFilter},
		{k.NextPanel, k.PrevPanel, k.Help, k.Quit, k.Interrupt},
	}
}
