// Package ui is lkdash's Bubble Tea dashboard: a source form, a token panel
// and a room event log. It does no I/O itself: fetching and joining go
// through Backend, everything else through tea.Cmd closures.
package ui

import (
	"context"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/styles"
	"github.com/lkdash/lkdash/tokens"
)

// Config is everything New needs. Only Backend is required.
type Config struct {
	Spec    tokens.Spec    // initial source settings
	Options tokens.Options // initial request options
	Caching bool
	// Keys are the key pairs that may judge fetched tokens (see
	// tokens.SignerKeys); nil means Spec's pair was given explicitly.
	// A pair typed into the form is always explicit.
	Keys    *tokens.SignerKeys
	Backend Backend
	// Now is the clock for countdowns and validity (nil: time.Now).
	Now func() time.Time
	// AutoFetch fetches at startup when the preset spec is complete.
	AutoFetch bool
	// DevProgress, when set, streams embedded dev-server progress lines; the
	// sender closes it when done and then sends a DevServerReadyMsg.
	DevProgress <-chan string
	// Output is where OSC 52 clipboard sequences go (nil: os.Stdout, the
	// terminal Bubble Tea draws on).
	Output io.Writer
	// Styles overrides styles.Default() (NO_COLOR-aware).
	Styles *styles.Styles
	// ExportDir is where "e" writes the log ("" = current directory).
	ExportDir string
	Log       *slog.Logger // nil: discard
}

type focus int

const (
	focusSource focus = iota
	focusToken
	focusLog
	numFocus
)

type joinState int

const (
	notJoined joinState = iota
	joining
	joined
)

// Model is the root model. Keys go to a focused text box first, then to
// the global bindings, then to the focused panel; ticks and stream messages
// go to their owner.
type Model struct {
	cfg    Config
	now    func() time.Time
	log    *slog.Logger
	out    io.Writer
	tmux   bool
	ctx    context.Context
	cancel context.CancelFunc

	st   *styles.Styles
	keys *keyMap
	help help.Model

	w, h  int
	focus focus

	src sourcePanel
	tok tokenPanel
	evs eventLog

	fetchSeq int
	fetching bool

	join       joinState
	joinID     int // identifies the current join/session; stale messages carry an older id
	sess       Session
	joinCancel context.CancelFunc

	tickGen int // current countdown tick chain; see tickMsg
	ticking bool

	devBuilding bool
	devLine     string

	cache viewCache

	status    string
	statusErr bool
	quitting  bool
}

// New builds the dashboard.
func New(cfg Config) Model {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Backend == nil {
		cfg.Backend = noBackend{}
	}
	if cfg.Output == nil {
		cfg.Output = os.Stdout
	}
	st := cfg.Styles
	if st == nil {
		d := styles.Default()
		st = &d
	}
	keys := newKeyMap()
	h := help.New()
	h.Styles.ShortKey, h.Styles.FullKey = st.Key, st.Key
	h.Styles.ShortDesc, h.Styles.FullDesc = st.Help, st.Help
	h.Styles.ShortSeparator, h.Styles.FullSeparator = st.Faint, st.Faint
	ctx, cancel := context.WithCancel(context.Background())
	m := Model{
		cfg: cfg, now: cfg.Now, log: cfg.Log, out: cfg.Output,
		tmux: os.Getenv("TMUX") != "", ctx: ctx, cancel: cancel,
		st: st, keys: &keys, help: h,
		src:         newSourcePanel(st, &keys, cfg.Spec, cfg.Options, cfg.Caching),
		tok:         tokenPanel{st: st, keys: &keys},
		evs:         newEventLog(st, &keys),
		devBuilding: cfg.DevProgress != nil,
	}
	m.syncKeys()
	m.refreshCache()
	return m
}

// Init starts the dev-server progress stream and the auto-fetch.
func (m Model) Init() tea.Cmd {
	var cmds []tea.Cmd
	if m.cfg.DevProgress != nil {
		cmds = append(cmds, waitDevProgress(m.cfg.DevProgress))
	}
	if m.cfg.AutoFetch && m.cfg.DevProgress == nil && m.src.Ready() {
		cmds = append(cmds, func() tea.Msg { return autoFetchMsg{} })
	}
	return tea.Batch(cmds...)
}

// autoFetchMsg asks the model to fetch once Init has run (Init cannot
// change the model).
type autoFetchMsg struct{}

// syncKeys enables exactly the bindings that can act now.
func (m *Model) syncKeys() {
	k := m.keys
	cur := m.tok.current()
	hasToken := cur != nil && cur.resp.ParticipantToken != ""
	editing := m.src.Editing() || m.evs.Typing()
	spec := m.src.spec
	global := !editing
	k.Fetch.SetEnabled(global && m.src.Ready() && !m.fetching)
	k.Refetch.SetEnabled(global && m.src.Ready() && !m.fetching)
	k.Join.SetEnabled(global && m.src.Ready() && m.join == notJoined)
	k.Leave.SetEnabled(global && m.join != notJoined)
	k.ServerRefresh.SetEnabled(global && m.join == joined && spec.APIKey != "" && spec.APISecret != "")
	k.Copy.SetEnabled(global && hasToken)
	k.CopyJSON.SetEnabled(global && cur != nil && cur.tok != nil)
	k.Export.SetEnabled(global && m.evs.Len() > 0)
	k.Original.SetEnabled(global && m.tok.refreshed != nil)
	for _, b := range []*key.Binding{&k.NextPanel, &k.PrevPanel, &k.Help, &k.Quit} {
		b.SetEnabled(global)
	}
	srcNav := global && m.focus == focusSource
	var row field
	if srcNav {
		row = m.src.fields[m.src.cursor]
	}
	k.Edit.SetEnabled(srcNav && (row.typ == typeText || row.typ == typeArea))
	k.Toggle.SetEnabled(srcNav && (row.typ == typeToggle || row.typ == typeKind))
	k.KindPrev.SetEnabled(srcNav && row.typ == typeKind)
	k.KindNext.SetEnabled(srcNav && row.typ == typeKind)
	k.Done.SetEnabled(m.src.Editing())
	logNav := global && m.focus == focusLog
	k.Filter.SetEnabled(logNav)
	k.ClearFilter.SetEnabled(m.evs.Typing() || (logNav && m.evs.filter != ""))
	k.Up.SetEnabled(global)
	k.Down.SetEnabled(global)
	for _, b := range []*key.Binding{&k.PageUp, &k.PageDown, &k.Top, &k.Bottom} {
		b.SetEnabled(logNav)
	}
}
