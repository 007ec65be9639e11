package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/doctor"
	"github.com/lkdash/lkdash/styles"
)

// doctorPanel is the checklist of a doctor run: each check as it starts
// and ends, with its verdict, duration, summary, cause and fix, and on
// enter the facts behind it. The root starts and cancels runs (through
// the backend) and hands the panel what they report.
type doctorPanel struct {
	st *styles.Styles

	phase   doctorPhase
	quick   bool
	rows    []doctorRow
	summary *doctor.Summary
	err     string // why the run could not start

	sel    int
	picked bool // the user moved the selection (else it follows the worst check)
	detail bool // the selected check's details are open
	scroll int  // first line of the details shown

	w, h int
}

// doctorPhase is where the latest run is.
type doctorPhase int

const (
	doctorIdle doctorPhase = iota // no run yet
	doctorRunning
	doctorDone
	doctorCancelled
	doctorFailed // the run could not start
)

// doctorRow is one check of the run.
type doctorRow struct {
	check   doctor.CheckName
	running bool
	res     *doctor.Result // nil until it ends
}

// doctorPlanMsg starts a new checklist: the checks about to run (nil:
// every one).
type doctorPlanMsg struct {
	checks []doctor.CheckName
	quick  bool
}

// doctorEndedMsg says the run is over: cancelled by the user, failed to
// start (err), or its stream ended.
type doctorEndedMsg struct {
	cancelled bool
	err       error
}

func newDoctorPanel(st *styles.Styles) doctorPanel { return doctorPanel{st: st} }

// SetSize sets the inner size (inside the border).
func (p *doctorPanel) SetSize(w, h int) { p.w, p.h = w, h }

// Title implements Panel.
func (p doctorPanel) Title() string { return "Doctor" }

// Capturing implements Panel: the panel has no text box.
func (p doctorPanel) Capturing() bool { return false }

// doctorKeys are the panel's bindings.
type doctorKeys struct {
	navKeys
	Details, Back, Cancel key.Binding
}

func (p doctorPanel) keys() doctorKeys {
	k := doctorKeys{
		navKeys: newNavKeys("top", "bottom"),
		Details: on(bind("enter", "details", "enter"), !p.detail && p.selected() != nil && p.selected().res != nil),
		Back:    on(bind("esc", "back", "esc"), p.detail),
		Cancel:  on(bind("x", "cancel run", "x"), p.phase == doctorRunning),
	}
	if p.detail {
		more := p.scroll < p.maxScroll()
		k.Up = on(k.Up, p.scroll > 0)
		k.Down = on(k.Down, more)
		k.PageUp, k.Top = on(k.PageUp, p.scroll > 0), on(k.Top, p.scroll > 0)
		k.PageDown, k.Bottom = on(k.PageDown, more), on(k.Bottom, more)
		return k
	}
	k.Up, k.Down = on(k.Up, p.sel > 0), on(k.Down, p.sel < len(p.rows)-1)
	k.Top, k.Bottom = on(k.Top, p.sel > 0), on(k.Bottom, p.sel < len(p.rows)-1)
	k.PageUp, k.PageDown = on(k.PageUp, false), on(k.PageDown, false)
	return k
}

// ShortHelp implements help.KeyMap.
func (p doctorPanel) ShortHelp() []key.Binding {
	k := p.keys()
	return []key.Binding{k.Details, k.Back, k.Cancel}
}

// FullHelp implements help.KeyMap.
func (p doctorPanel) FullHelp() [][]key.Binding {
	k := p.keys()
	return [][]key.Binding{k.list(), {k.Details, k.Back, k.Cancel}}
}

func (p doctorPanel) selected() *doctorRow {
	if p.sel < 0 || p.sel >= len(p.rows) {
		return nil
	}
	return &p.rows[p.sel]
}

// Update implements Panel.
func (p doctorPanel) Update(msg tea.Msg) (doctorPanel, tea.Cmd) {
	switch msg := msg.(type) {
	case doctorPlanMsg:
		checks := msg.checks
		if checks == nil {
			checks = doctor.Checks()
		}
		p = doctorPanel{st: p.st, w: p.w, h: p.h, phase: doctorRunning, quick: msg.quick}
		for _, c := range checks {
			p.rows = append(p.rows, doctorRow{check: c})
		}
	case DoctorUpdate:
		p.onUpdate(msg)
	case doctorEndedMsg:
		p.onEnded(msg)
	case tea.KeyMsg:
		return p.onKey(msg)
	}
	return p, nil
}

// onUpdate folds a check's start or end, or the summary, into the rows.
func (p *doctorPanel) onUpdate(up DoctorUpdate) {
	for i := range p.rows {
		r := &p.rows[i]
		switch {
		case up.Started != "" && r.check == up.Started:
			r.running = true
		case up.Result != nil && r.check == up.Result.Check:
			res := *up.Result
			r.running, r.res = false, &res
			if !p.picked && worse(res.State, p.selected()) {
				p.sel = i
			}
		}
	}
	if up.Summary != nil {
		s := *up.Summary
		p.summary, p.phase = &s, doctorDone
	}
}

// worse reports whether a check ending in s needs the user's eyes more
// than row r: a failure before a warning before the rest.
func worse(s doctor.State, r *doctorRow) bool {
	rank := map[doctor.State]int{doctor.Warn: 1, doctor.Fail: 2}
	if r == nil || r.res == nil {
		return rank[s] > 0
	}
	return rank[s] > rank[r.res.State]
}

func (p *doctorPanel) onEnded(msg doctorEndedMsg) {
	switch {
	case msg.err != nil:
		p.phase, p.err = doctorFailed, msg.err.Error()
	case msg.cancelled:
		p.phase = doctorCancelled
	case p.phase == doctorRunning: // the stream ended without a summary
		p.phase = doctorCancelled
	}
	for i := range p.rows {
		p.rows[i].running = false
	}
}

func (p doctorPanel) onKey(msg tea.KeyMsg) (doctorPanel, tea.Cmd) {
	k := p.keys()
	page := max(p.h-2, 1)
	switch {
	case key.Matches(msg, k.Cancel):
		return p, func() tea.Msg { return doctorCancelMsg{} }
	case key.Matches(msg, k.Details):
		p.detail, p.scroll = true, 0
	case key.Matches(msg, k.Back):
		p.detail = false
	case p.detail:
		switch {
		case key.Matches(msg, k.Up):
			p.scroll--
		case key.Matches(msg, k.Down):
			p.scroll++
		case key.Matches(msg, k.PageUp):
			p.scroll -= page
		case key.Matches(msg, k.PageDown):
			p.scroll += page
		case key.Matches(msg, k.Top):
			p.scroll = 0
		case key.Matches(msg, k.Bottom):
			p.scroll = p.maxScroll()
		}
		p.scroll = min(max(p.scroll, 0), p.maxScroll())
	case key.Matches(msg, k.Up):
		p.sel, p.picked = p.sel-1, true
	case key.Matches(msg, k.Down):
		p.sel, p.picked = p.sel+1, true
	case key.Matches(msg, k.Top):
		p.sel, p.picked = 0, true
	case key.Matches(msg, k.Bottom):
		p.sel, p.picked = len(p.rows)-1, true
	}
	return p, nil
}
