// Package ui is lkdash's Bubble Tea dashboard: the source form, the token,
// the room's event log, roster and agents, the token timeline and the
// doctor's checklist, each a panel (see Panel) laid out for the terminal's
// size (see grid). It does no I/O itself: fetching, joining and the
// doctor go through Backend, everything else through tea.Cmd closures.
package ui

import (
	"context"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/hooks"
	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/styles"
	"github.com/lkdash/lkdash/tokens"
)

// Config is everything New needs. Only Backend is required.
type Config struct {
	Spec    source.Spec    // initial source settings
	Options tokens.Options // initial request options
	Caching bool
	// Keys are the key pairs that may judge fetched tokens (see
	// source.SignerKeys); nil means Spec's pair was given explicitly.
	// A pair typed into the form is always explicit.
	Keys    *source.SignerKeys
	Backend Backend
	// Now is the clock for countdowns and validity (nil: time.Now).
	Now func() time.Time
	// AutoFetch fetches at startup when the preset spec is complete, and
	// decodes a literal token that lacks only its server URL.
	AutoFetch bool
	// DevProgress, when set, streams embedded dev-server progress; the
	// sender closes it when done and then sends a DevServerReadyMsg.
	DevProgress <-chan DevProgress
	// DevServer, when set, is the managed server the dashboard started; it
	// enables restarting it after it died.
	DevServer DevServer
	// Output is where OSC 52 clipboard sequences go (nil: os.Stdout, the
	// terminal Bubble Tea draws on).
	Output io.Writer
	// Styles overrides styles.Default() (NO_COLOR-aware).
	Styles *styles.Styles
	// ExportDir is where "e" writes the log ("" = current directory).
	ExportDir string
	// Topics are stream topics every session receives besides
	// room.DefaultTopics (topics sent on from the Data panel join them).
	Topics []string
	// RPCEcho are methods every session answers with the request's payload.
	RPCEcho []string
	Log     *slog.Logger // nil: discard
}

type joinState int

const (
	notJoined joinState = iota
	joining
	joined
)

// Model is the root model. Keys go to a panel capturing text first, then
// to the root's bindings, then to the focused panel; room events go to
// every panel; ticks and stream messages go to their owner.
type Model struct {
	cfg    Config
	now    func() time.Time
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc

	st   *styles.Styles
	help help.Model

	w, h  int
	focus panelID
	// recent orders the panels by when the user's actions last filled or
	// picked them, latest first: a cell shows its most recent panel, and
	// the most recent get the space they want first.
	recent [numPanels]panelID
	sizes  [numPanels][2]int // each panel's inner width and height, as last set

	src    sourcePanel
	tok    tokenPanel
	evs    eventLog
	roster rosterPanel
	agents agentsPanel
	tl     timeline
	doc    doctorPanel
	room   roomPanel
	hooks  webhooksPanel
	data   dataPanel

	hookCh <-chan hooks.Delivery // the managed server's webhooks, once followed
	topics []string              // stream topics sent on, received from the next join on

	managed        managedServer      // zero until the managed server is up
	standIns       map[string]bool    // stand-ins running or starting, by agent name
	standInHandles map[string]StandIn // the running ones

	drillPick     bool // the drill key was pressed; a digit picks one
	serverDied    bool // the managed server died under the session
	rejoinOnReady bool // join once the restarted server is ready

	fetchSeq int
	fetching bool

	join       joinState
	joinID     int // identifies the current join/session; stale messages carry an older id
	media      mediaState
	sess       Session
	joinCancel context.CancelFunc
	// roomName and localIdentity are the joined room and who we are in
	// it, from Connected; an invite is for that room, another identity.
	roomName, localIdentity string
	inviteSeq               int // the latest invite asked for
	// watch follows the room after we left it; its gen drops answers
	// about an earlier leave.
	watch roomWatch

	// path is the media path of the session, as last read (see pathMsg);
	// pathNone says the last reading found none; pathSeq drops a reading
	// that a newer one superseded.
	path     *room.Path
	pathNone bool
	pathSeq  int
	// place is where our participant is: the node hosting the room and
	// the address that took the last dial.
	place placement

	// The doctor run in progress: its id (stale updates carry an older
	// one), its stream, and how to cancel it.
	doctorID     int
	doctorCh     <-chan DoctorUpdate
	doctorCancel context.CancelFunc

	tickGen int // current countdown tick chain; see tickMsg
	ticking bool

	devBuilding bool
	devLine     string
	devBuild    *devserver.BuildProgress // while livekit-server is being built

	cache viewCache

	status      string
	statusErr   bool
	quitting    bool
	interrupted bool // quitting by ctrl+c: exit as interrupted
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
	h := help.New()
	h.Styles.ShortKey, h.Styles.FullKey = st.Key, st.Key
	h.Styles.ShortDesc, h.Styles.FullDesc = st.Help, st.Help
	h.Styles.ShortSeparator, h.Styles.FullSeparator = st.Faint, st.Faint
	ctx, cancel := context.WithCancel(context.Background())
	clip := clipboard{out: cfg.Output, tmux: os.Getenv("TMUX") != ""}
	m := Model{
		cfg: cfg, now: cfg.Now, log: cfg.Log, ctx: ctx, cancel: cancel,
		st: st, help: h,
		src:    newSourcePanel(st, cfg.Spec, cfg.Options, cfg.Caching),
		tok:    newTokenPanel(st, cfg.Now, clip),
		evs:    newEventLog(st),
		roster: newRosterPanel(st, cfg.Now),
		agents: newAgentsPanel(st),
		tl:     newTimeline(st, cfg.Now),
		doc:    newDoctorPanel(st),
		room:   newRoomPanel(st, cfg.Now, clip),
		hooks:  newWebhooksPanel(st, hookSourceFor(cfg)),
		data:   newDataPanel(st, cfg.Now),

		standIns:       map[string]bool{},
		standInHandles: map[string]StandIn{},
		devBuilding:    cfg.DevProgress != nil,
	}
	for i := range m.recent {
		m.recent[i] = panelID(i)
	}
	m.refreshCache()
	return m
}

// Init starts the dev-server progress stream and the auto-fetch.
func (m Model) Init() tea.Cmd {
	var cmds []tea.Cmd
	if m.cfg.DevProgress != nil {
		cmds = append(cmds, waitDevProgress(m.cfg.DevProgress))
	}
	if m.cfg.AutoFetch && m.cfg.DevProgress == nil && m.canShowToken() {
		cmds = append(cmds, func() tea.Msg { return autoFetchMsg{} })
	}
	return tea.Batch(cmds...)
}

// hookSourceFor is where webhooks will come from: the managed server,
// when the dashboard starts one.
func hookSourceFor(cfg Config) hookSource {
	if cfg.DevProgress != nil {
		return hooksStarting
	}
	return hooksNone
}

// canShowToken reports whether a fetch (or, for a literal token with no
// server URL, a decode) has something to show.
func (m Model) canShowToken() bool {
	_, decodable := m.src.DecodeOnly()
	return m.src.Ready() || decodable
}

// autoFetchMsg asks the model to fetch once Init has run (Init cannot
// change the model).
type autoFetchMsg struct{}
