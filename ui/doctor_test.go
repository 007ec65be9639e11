package ui

import (
	"errors"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/doctor"
	"github.com/lkdash/lkdash/internal/source"
)

// startRun presses k and runs the command that asks the backend for the
// run, returning the model following it and the command waiting for its
// first update.
func startRun(t *testing.T, m Model, k string) (Model, tea.Cmd) {
	t.Helper()
	m, cmd := sendCmd(t, m, keyMsg(k))
	if cmd == nil {
		t.Fatalf("%s started nothing", k)
	}
	return sendCmd(t, m, findMsg[doctorStartedMsg](t, cmd))
}

// deliver feeds u to the run and applies the update the wait delivers.
func deliverDoctor(t *testing.T, m Model, wait tea.Cmd, ch chan DoctorUpdate, u DoctorUpdate) (Model, tea.Cmd) {
	t.Helper()
	ch <- u
	return sendCmd(t, m, findMsg[doctorUpdateMsg](t, wait))
}

// The checklist follows the run live: every check waiting, each one
// running as it starts and its verdict as it ends, then the tally; the
// run uses the dashboard's own source, options and keys.
func TestDoctorChecklistFollowsTheRun(t *testing.T) {
	b := newDoctorBackend(newFetchBackend(t), nil)
	m, wait := startRun(t, doctorModel(t, b, 100, 30), "D")
	req, _, ch := b.run(0)
	if req.Checks != nil || req.Spec.Endpoint != "http://127.0.0.1:7890/token" || req.Options.ParticipantIdentity != "alice" ||
		req.Keys.Explicit.APISecret != "secret" {
		t.Errorf("request = %+v, want every check on the dashboard's source, options and key pair", req)
	}
	if m.rankOf(pDoctor) != 0 {
		t.Error("starting a run does not bring the Doctor panel forward")
	}
	upd := healthyRun()
	steps := []struct {
		u    DoctorUpdate
		want []string
	}{
		{upd[0], []string{"every check · 0 of 7 done", "RUN ", "URL and proxy…", "waiting"}},
		{upd[1], []string{"1 of 7 done", "PASS  url", "23 ms", "WebSocket 101"}},
		{upd[2], []string{"RUN ", "Signal…"}},
		{upd[7], []string{"SKIP  turn", "why:   the server hands out no TURN server"}},
		{upd[len(upd)-1], []string{"6 passed, 0 warned, 0 failed, 1 skipped in 4.3 s", "enter: details"}},
	}
	for _, s := range steps {
		m, wait = deliverDoctor(t, m, wait, ch, s.u)
		v := m.doc.View()
		for _, w := range s.want {
			if !strings.Contains(v, w) {
				t.Errorf("after %+v the panel lacks %q:\n%s", s.u, w, v)
			}
		}
	}
	if !strings.Contains(m.status, "doctor: 6 passed") || m.statusErr {
		t.Errorf("status = %q (err %v)", m.status, m.statusErr)
	}
	close(ch)
	m = send(t, m, findMsg[doctorUpdateMsg](t, wait))
	if m.doctorCh != nil || m.doctorCancel != nil {
		t.Error("the finished run is still held")
	}
}

// c runs the quick checks only; a second run replaces the first: the
// first one's context is cancelled and what it still sends is dropped.
func TestDoctorSecondRunReplacesTheFirst(t *testing.T) {
	b := newDoctorBackend(newFetchBackend(t), nil)
	m, firstWait := startRun(t, doctorModel(t, b, 100, 30), "D")
	m, wait := startRun(t, m, "c")
	_, firstCtx, first := b.run(0)
	req, _, ch := b.run(1)
	if firstCtx.Err() == nil {
		t.Error("the first run goes on after the second started")
	}
	if !slices.Equal(req.Checks, doctor.QuickChecks()) {
		t.Errorf("c asked for %v", req.Checks)
	}
	if len(m.doc.rows) != 3 || !strings.Contains(m.doc.View(), "quick checks") {
		t.Errorf("the checklist is not the quick one:\n%s", m.doc.View())
	}
	m, _ = deliverDoctor(t, m, firstWait, first, DoctorUpdate{Result: &[]doctor.Result{webrtcFail()}[0]})
	if strings.Contains(m.doc.View(), "FAIL") {
		t.Errorf("a result of the replaced run reached the checklist:\n%s", m.doc.View())
	}
	m, _ = deliverDoctor(t, m, wait, ch, DoctorUpdate{Started: doctor.CheckURL})
	if !strings.Contains(m.doc.View(), "URL and proxy…") {
		t.Errorf("the second run's start is not shown:\n%s", m.doc.View())
	}
}

// x (with the panel focused) cancels the run: its context ends, the
// checks not done say so, and nothing it sends later counts.
func TestDoctorCancel(t *testing.T) {
	b := newDoctorBackend(newFetchBackend(t), nil)
	m, wait := startRun(t, doctorModel(t, b, 100, 30), "c")
	_, ctx, ch := b.run(0)
	m, wait = deliverDoctor(t, m, wait, ch, DoctorUpdate{Result: &[]doctor.Result{urlPass()}[0]})
	if m.doc.Capturing() || !m.doc.keys().Cancel.Enabled() {
		t.Fatal("cancel is not offered while running")
	}
	m = send(t, m, keyMsg("7"))
	if h := m.help.View(m.helpKeys()); !strings.HasPrefix(h, "enter details • x cancel run") {
		t.Errorf("the help bar does not lead with details and cancel: %q", h)
	}
	m, cmd := sendCmd(t, m, keyMsg("x"))
	m = send(t, m, findMsg[doctorCancelMsg](t, cmd))
	if ctx.Err() == nil {
		t.Error("the run's context is still live")
	}
	v := m.doc.View()
	if !strings.Contains(v, "cancelled") || !strings.Contains(v, "PASS  url") || !strings.Contains(v, "not run") {
		t.Errorf("after cancel:\n%s", v)
	}
	if m.doc.keys().Cancel.Enabled() {
		t.Error("cancel still offered")
	}
	m, _ = deliverDoctor(t, m, wait, ch, DoctorUpdate{Result: &[]doctor.Result{webrtcFail()}[0]})
	if strings.Contains(m.doc.View(), "FAIL") {
		t.Error("a result after cancel reached the checklist")
	}
}

// enter opens the selected check's facts; the arrows scroll them and esc
// goes back. Enter is offered only on a check that ended.
func TestDoctorDetails(t *testing.T) {
	b := newDoctorBackend(newFetchBackend(t), nil)
	m, wait := startRun(t, doctorModel(t, b, 100, 30), "D")
	_, _, ch := b.run(0)
	m = send(t, m, keyMsg("7"))
	if m.doc.keys().Details.Enabled() {
		t.Error("enter offered before any check ended")
	}
	for _, u := range failingRun() {
		m, wait = deliverDoctor(t, m, wait, ch, u)
	}
	if m.doc.selected().check != doctor.CheckWebRTC {
		t.Fatalf("the selection is on %s, not on the failure", m.doc.selected().check)
	}
	m = send(t, m, keyMsg("enter"))
	v := m.doc.View()
	for _, w := range []string{"FAIL", "WebRTC", "esc: back", "cause: the server advertises udp 127.0.0.1:7882",
		"candidates the server offers:", "redirected to 127.0.0.1:51344", "connectivity checks:", "failed, 8 sent, 0 answered"} {
		if !strings.Contains(v, w) {
			t.Errorf("details lack %q:\n%s", w, v)
		}
	}
	m.doc.SetSize(100, 5) // too short for them: they scroll
	if !m.doc.keys().Down.Enabled() || m.doc.keys().Up.Enabled() {
		t.Error("scroll keys wrong at the top of long details")
	}
	m.doc, _ = m.doc.Update(keyMsg("end"))
	if !strings.Contains(m.doc.View(), "0 answered") || !m.doc.keys().Up.Enabled() {
		t.Errorf("end does not reach the last line:\n%s", m.doc.View())
	}
	m.doc.SetSize(100, 26)
	m = send(t, m, keyMsg("esc"))
	if m.doc.detail || !strings.Contains(m.doc.View(), "PASS  url") {
		t.Errorf("esc does not go back to the list:\n%s", m.doc.View())
	}
	m = send(t, m, keyMsg("up"), keyMsg("up"))
	if m.doc.selected().check != doctor.CheckURL {
		t.Errorf("up twice from webrtc selects %s", m.doc.selected().check)
	}
}

// The run keys act only when they can: with a backend that runs the
// doctor and a complete source. A run that cannot start says why.
func TestDoctorKeysAndStartErrors(t *testing.T) {
	plain := testModel(t, newClock(), newFetchBackend(t), 120, 40)
	if plain.keys().Doctor.Enabled() {
		t.Error("D offered by a backend that cannot run the doctor")
	}
	if _, cmd := sendCmd(t, plain, keyMsg("D")); cmd != nil {
		t.Error("D did something without a doctor backend")
	}
	b := newDoctorBackend(newFetchBackend(t), nil)
	b.err = errors.New("endpoint: missing URL")
	m := doctorModel(t, b, 100, 30)
	if !m.keys().Doctor.Enabled() || !m.keys().DoctorQuick.Enabled() {
		t.Fatal("D and c not offered")
	}
	m.help.ShowAll = true
	if h := m.help.View(m.helpKeys()); !strings.Contains(h, "D doctor") || !strings.Contains(h, "c quick checks") {
		t.Errorf("? does not list the doctor's keys:\n%s", h)
	}
	m.help.ShowAll = false
	m, _ = startRun(t, m, "D")
	if !strings.Contains(m.doc.View(), "could not start: endpoint: missing URL") || !m.statusErr {
		t.Errorf("a run that cannot start:\n%s\nstatus %q", m.doc.View(), m.status)
	}
	m.src = newSourcePanel(m.st, source.Spec{Kind: source.KindEndpoint}, m.src.Options(), true)
	if m.keys().Doctor.Enabled() {
		t.Error("D offered with an incomplete source")
	}
}

// While the dashboard is in the room, the doctor asks for an identity of
// its own: with ours, its join would take our place.
func TestDoctorKeepsOutOfOurSeat(t *testing.T) {
	b := newDoctorBackend(newFetchBackend(t), nil)
	m := joinNow(t, doctorModel(t, b, 100, 30))
	startRun(t, m, "c")
	if req, _, _ := b.run(0); req.Options.ParticipantIdentity != "alice-doctor" {
		t.Errorf("joined as alice, the doctor asks for %q", req.Options.ParticipantIdentity)
	}
}

// What the server says reaches the checklist inert.
func TestDoctorHostileResult(t *testing.T) {
	b := newDoctorBackend(newFetchBackend(t), nil)
	m, wait := startRun(t, doctorModel(t, b, 100, 30), "c")
	_, _, ch := b.run(0)
	evil := doctor.Result{Check: doctor.CheckURL, State: doctor.Fail, Summary: "\x1b]52;c;aGk=\x07proxy \x1b[31msays\x9b2J no",
		Problems: []doctor.Problem{{State: doctor.Fail, Cause: "body \x1b[2Jwiped", Fix: "\x07bell"}}}
	m, _ = deliverDoctor(t, m, wait, ch, DoctorUpdate{Result: &evil})
	checkInert(t, m.View(), 100, 30)
	m = send(t, m, keyMsg("7"), keyMsg("enter"))
	checkInert(t, m.View(), 100, 30)
	if !strings.Contains(m.View(), "proxy says") {
		t.Errorf("the summary is lost:\n%s", m.View())
	}
}
