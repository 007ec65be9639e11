package ui

import (
	"context"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/doctor"
	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/tokens"
)

// DoctorBackend is a Backend that can run lkdash doctor's connection
// checks; the dashboard offers the Doctor panel's runs only with one.
type DoctorBackend interface {
	// Doctor starts the checks req names and returns at once. The channel
	// carries each check's start and end, then the run's summary, and is
	// closed after it; it never waits for a reader. Cancelling ctx ends
	// the check in progress and skips the rest. The error is for a run
	// that cannot start (no usable source).
	Doctor(ctx context.Context, req DoctorRequest) (<-chan DoctorUpdate, error)
}

// DoctorRequest is one doctor run as the user asked for it: the source
// the dashboard would fetch or join with, and the checks.
type DoctorRequest struct {
	Spec    source.Spec
	Options tokens.Options
	// Keys judge the token, as they judge a fetched one.
	Keys source.SignerKeys
	// Checks to run; nil runs them all.
	Checks []doctor.CheckName
}

// DoctorUpdate is one step of a run: exactly one field is set.
type DoctorUpdate struct {
	Started doctor.CheckName // a check began
	Result  *doctor.Result   // a check ended
	Summary *doctor.Summary  // the run ended; the last update
}

// doctorStartedMsg carries the stream of run id, or why it could not start.
type doctorStartedMsg struct {
	id  int
	ch  <-chan DoctorUpdate
	err error
}

// doctorUpdateMsg is run id's next update; closed when its stream is.
type doctorUpdateMsg struct {
	id     int
	up     DoctorUpdate
	closed bool
}

// doctorCancelMsg is the Doctor panel asking the root to stop the run.
type doctorCancelMsg struct{}

// canDoctor reports whether a run can start now.
func (m Model) canDoctor() bool {
	_, ok := m.cfg.Backend.(DoctorBackend)
	return ok && m.src.Ready()
}

// startDoctor runs the checks against the current source, every one or
// the quick ones; a run still going is cancelled and its results dropped.
func (m Model) startDoctor(quick bool) (Model, tea.Cmd) {
	db, ok := m.cfg.Backend.(DoctorBackend)
	if !ok || !m.src.Ready() {
		return m, nil
	}
	if m.doctorCancel != nil {
		m.doctorCancel()
	}
	m.doctorID++
	ctx, cancel := context.WithCancel(m.ctx)
	m.doctorCancel = cancel
	req := DoctorRequest{Spec: m.src.Spec(), Options: m.src.Options(), Keys: m.signerKeys()}
	if quick {
		req.Checks = doctor.QuickChecks()
	}
	// The doctor joins the room with the source's tokens: asked for our own
	// identity while we are in the room, it would take our place there.
	if m.join != notJoined && req.Options.ParticipantIdentity != "" {
		req.Options.ParticipantIdentity += "-doctor"
	}
	m.bringForward(pDoctor)
	what := "every check"
	if quick {
		what = "the quick checks"
	}
	m.setStatus("doctor: running "+what+"…", false)
	plan := m.send(pDoctor, doctorPlanMsg{checks: req.Checks, quick: quick})
	id := m.doctorID
	return m, tea.Batch(plan, func() tea.Msg {
		ch, err := db.Doctor(ctx, req)
		return doctorStartedMsg{id: id, ch: ch, err: err}
	})
}

// waitDoctor delivers run id's next update.
func waitDoctor(ch <-chan DoctorUpdate, id int) tea.Cmd {
	return func() tea.Msg {
		up, ok := <-ch
		return doctorUpdateMsg{id: id, up: up, closed: !ok}
	}
}

// updateDoctor follows the current run; a replaced or cancelled run's
// messages are dropped (its stream is buffered: nobody needs to drain it).
func (m Model) updateDoctor(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case doctorStartedMsg:
		if msg.id != m.doctorID {
			return m, nil
		}
		if msg.err != nil {
			m.endDoctor()
			m.setStatus("doctor: "+msg.err.Error(), true)
			return m, m.send(pDoctor, doctorEndedMsg{err: msg.err})
		}
		m.doctorCh = msg.ch
		return m, waitDoctor(msg.ch, msg.id)
	case doctorUpdateMsg:
		if msg.id != m.doctorID {
			return m, nil
		}
		if msg.closed {
			m.endDoctor()
			return m, m.send(pDoctor, doctorEndedMsg{})
		}
		if s := msg.up.Summary; s != nil {
			m.doctorSummary(*s)
		}
		return m, tea.Batch(m.send(pDoctor, msg.up), waitDoctor(m.doctorCh, msg.id))
	case doctorCancelMsg:
		if m.doctorCancel == nil {
			return m, nil
		}
		m.endDoctor()
		m.setStatus("doctor: cancelled", false)
		return m, m.send(pDoctor, doctorEndedMsg{cancelled: true})
	}
	return m, nil
}

// endDoctor lets go of the current run: its context, and (by a new id)
// anything it still sends.
func (m *Model) endDoctor() {
	if m.doctorCancel != nil {
		m.doctorCancel()
	}
	m.doctorCancel, m.doctorCh = nil, nil
	m.doctorID++
}

// doctorSummary puts the run's outcome in the status line and the log.
func (m *Model) doctorSummary(s doctor.Summary) {
	text := fmt.Sprintf("doctor: %d passed, %d warned, %d failed, %d skipped in %s",
		s.Passed, s.Warned, s.Failed, s.Skipped, doctor.FormatDuration(s.Duration))
	m.setStatus(text, !s.OK())
	kind := entryInfo
	if !s.OK() {
		kind = entryError
	}
	m.note(kind, "doctor", text[len("doctor: "):])
}
