package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/styles"
)

func newTestRoster(w, h int) rosterPanel {
	st := styles.New(styles.DefaultTheme(), false)
	r := newRosterPanel(&st, newClock().Now)
	r.SetSize(w, h)
	return r
}

// rosterEvents is a room: alice (us), then bob, carol, agent-1.
func rosterEvents() []tea.Msg {
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	return []tea.Msg{
		evMsg(room.Connected{At: at(0), Local: room.Participant{Identity: "alice", Name: "Alice", Kind: room.KindStandard},
			Participants: []room.Participant{{Identity: "bob", Name: "Bob", Kind: room.KindStandard}}}),
		evMsg(room.ParticipantJoined{At: at(1), Participant: room.Participant{Identity: "carol", Name: "Carol Smith", Kind: room.KindStandard}}),
		evMsg(room.ParticipantJoined{At: at(2), Participant: room.Participant{Identity: "agent-1", Name: "Helper", Kind: room.KindAgent}}),
	}
}

func rosterKey(s string) tea.Msg { return keyMsg(s) }

// agentTurn is agent-1 starting to speak and its transcription.
func agentTurn() []tea.Msg {
	at := t0.Add(4 * time.Second)
	return []tea.Msg{
		evMsg(room.AttributesChanged{At: at, Identity: "agent-1", Changed: map[string]string{room.AttrAgentState: "speaking"}}),
		evMsg(room.AgentStateChanged{At: at, Identity: "agent-1", Old: room.AgentListening, New: room.AgentSpeaking}),
		evMsg(room.Transcription{At: at, Identity: "agent-1", Sender: "agent-1", Final: true, Text: "hello there", Preview: "hello there"}),
	}
}

func TestRosterUpdate(t *testing.T) {
	left := func(id, reason string) tea.Msg {
		return evMsg(room.ParticipantLeft{Participant: room.Participant{Identity: id}, Reason: reason})
	}
	tests := []struct {
		name     string
		msgs     []tea.Msg
		ids      []string // rows, in order
		selected string
		detail   string
		title    string
		view     []string // substrings of View
		notView  []string
	}{
		{name: "local first, then join order", ids: []string{"alice", "bob", "carol", "agent-1"}, selected: "alice", title: "Roster (4)"},
		{name: "filter by name", msgs: []tea.Msg{rosterKey("/"), rosterKey("s"), rosterKey("m")},
			ids: []string{"carol"}, selected: "carol", title: "Roster (1/4)", view: []string{"/sm", "Carol Smith"}},
		{name: "filter by identity, kept with enter", msgs: []tea.Msg{rosterKey("/"), rosterKey("A"), rosterKey("g"), rosterKey("enter")},
			ids: []string{"agent-1"}, selected: "agent-1", title: "Roster (1/4)"},
		{name: "esc clears the filter", msgs: []tea.Msg{rosterKey("/"), rosterKey("b"), rosterKey("enter"), rosterKey("esc")},
			ids: []string{"alice", "bob", "carol", "agent-1"}, selected: "bob", title: "Roster (4)"},
		{name: "no match", msgs: []tea.Msg{rosterKey("/"), rosterKey("z")}, ids: []string{}, title: "Roster (0/4)", view: []string{"no participant matches"}},
		{name: "selection moves and opens details", msgs: []tea.Msg{rosterKey("down"), rosterKey("down"), rosterKey("enter")},
			ids: []string{"alice", "bob", "carol", "agent-1"}, selected: "carol", detail: "carol", view: []string{"Carol Smith", "participant_joined"}},
		{name: "selection follows its participant when one before leaves",
			msgs: []tea.Msg{rosterKey("down"), rosterKey("down"), left("bob", "leave requested by user")},
			ids:  []string{"alice", "carol", "agent-1"}, selected: "carol", title: "Roster (3)"},
		{name: "selected participant leaves: the next one is selected",
			msgs: []tea.Msg{rosterKey("down"), left("bob", "")},
			ids:  []string{"alice", "carol", "agent-1"}, selected: "carol"},
		{name: "last row leaves while selected",
			msgs: []tea.Msg{rosterKey("end"), left("agent-1", "")},
			ids:  []string{"alice", "bob", "carol"}, selected: "carol"},
		{name: "participant leaves while their details are shown",
			msgs: []tea.Msg{rosterKey("down"), rosterKey("enter"), left("bob", "removed from the room")},
			ids:  []string{"alice", "carol", "agent-1"}, detail: "bob", selected: "carol",
			view: []string{"LEFT", "removed from the room", "participant_left"}},
		{name: "back from a departed participant's details",
			msgs: []tea.Msg{rosterKey("down"), rosterKey("enter"), left("bob", "x"), rosterKey("esc")},
			ids:  []string{"alice", "carol", "agent-1"}, selected: "carol", notView: []string{"LEFT"}},
		{name: "name change", msgs: []tea.Msg{evMsg(room.NameChanged{Identity: "bob", Old: "Bob", New: "Robert"})},
			ids: []string{"alice", "bob", "carol", "agent-1"}, selected: "alice", view: []string{"Robert"}, notView: []string{"Bob "}},
		{name: "name change is found by the filter", msgs: []tea.Msg{evMsg(room.NameChanged{Identity: "bob", New: "Robert"}), rosterKey("/"), rosterKey("r"), rosterKey("o"), rosterKey("b"), rosterKey("e")},
			ids: []string{"bob"}, selected: "bob"},
		{name: "kind change", msgs: []tea.Msg{evMsg(room.KindChanged{Identity: "carol", Old: room.KindStandard, New: room.KindSIP}), rosterKey("down"), rosterKey("down"), rosterKey("enter")},
			ids: []string{"alice", "bob", "carol", "agent-1"}, selected: "carol", detail: "carol", view: []string{"kind        sip", "kind_changed"}},
		{name: "an agent's state, live, in place of its kind", msgs: agentTurn()[:2],
			ids: []string{"alice", "bob", "carol", "agent-1"}, selected: "alice", view: []string{"agent-1                  Helper             speaking"}},
		{name: "an agent's state and what it said, in its details", msgs: append(agentTurn(), rosterKey("end"), rosterKey("enter")),
			ids: []string{"alice", "bob", "carol", "agent-1"}, selected: "agent-1", detail: "agent-1",
			view: []string{"agent state speaking since 01:37:04 (was listening)", "last said   “hello there”", "transcription", "agent_state"}},
		{name: "the session ends", msgs: []tea.Msg{sessionOverMsg{}}, ids: []string{}, title: "Roster (0)", view: []string{"nobody here yet"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestRoster(90, 20)
			for _, msg := range append(rosterEvents(), tt.msgs...) {
				r, _ = r.Update(msg)
			}
			if got := strings.Join(r.ids, ","); got != strings.Join(tt.ids, ",") {
				t.Errorf("rows %s, want %s", got, strings.Join(tt.ids, ","))
			}
			if r.selected() != tt.selected {
				t.Errorf("selected %q, want %q", r.selected(), tt.selected)
			}
			if r.detail != tt.detail {
				t.Errorf("details of %q, want %q", r.detail, tt.detail)
			}
			if tt.title != "" && r.Title() != tt.title {
				t.Errorf("title %q, want %q", r.Title(), tt.title)
			}
			v := r.View()
			checkFrame(t, v, 90, 20)
			wantText(t, v, tt.view, tt.notView)
		})
	}
}

// The filter box has the keyboard: j, q and f are text, not join/quit/fetch.
func TestRosterFilterSwallowsGlobalKeys(t *testing.T) {
	b := newFetchBackend(t)
	b.sess = newFakeSession(b.resp)
	m := joinNow(t, testModel(t, newClock(), b, 160, 40))
	m = send(t, m, streamMsg{id: m.joinID, evs: []room.Event{room.Connected{Local: room.Participant{Identity: "alice"}}}})
	m, cmd := sendCmd(t, m, keyMsg("4"))
	if m.focus != pRoster {
		t.Fatalf("4 focused panel %d", m.focus)
	}
	for _, k := range []string{"/", "j", "q", "f"} {
		m, cmd = sendCmd(t, m, keyMsg(k))
	}
	if isQuit(cmd) || m.roster.filter != "jqf" || m.fetching {
		t.Fatalf("filter %q, fetching %v", m.roster.filter, m.fetching)
	}
	if !strings.Contains(m.View(), "Roster (0/1)") {
		t.Fatalf("title not filtered:\n%s", m.View())
	}
}

// Hostile participant strings reach the screen inert.
func TestRosterHostileParticipant(t *testing.T) {
	r := newTestRoster(90, 20)
	p := room.Participant{Identity: hostile[0], Name: hostile[2], Kind: room.ParticipantKind(hostile[1]), Metadata: `{"x":"` + strings.ReplaceAll(hostile[3], "\x1b", `\u001b`) + `"}`,
		Attributes: map[string]string{hostile[4]: hostile[5]}, Tracks: []room.Track{{SID: hostile[6], Name: hostile[7], Kind: "audio"}}}
	r, _ = r.Update(evMsg(room.Connected{Local: room.Participant{Identity: "alice"}, Participants: []room.Participant{p}}))
	checkInert(t, r.View(), 90, 20)
	r, _ = r.Update(keyMsg("down"))
	r, _ = r.Update(keyMsg("enter"))
	for range 10 {
		checkInert(t, r.View(), 90, 20)
		r, _ = r.Update(keyMsg("down"))
	}
}

func rosterOf(n int) rosterPanel {
	r := newTestRoster(56, 17)
	evs := []room.Participant{}
	for i := range n - 1 {
		evs = append(evs, room.Participant{Identity: fmt.Sprintf("user-%03d", i), Name: fmt.Sprintf("User %d", i), Kind: room.KindStandard,
			JoinedAt: t0, Tracks: []room.Track{{SID: "TR_a", Kind: "audio"}, {SID: "TR_v", Kind: "video", Source: "CAMERA"}}})
	}
	r, _ = r.Update(evMsg(room.Connected{Local: room.Participant{Identity: "alice"}, Participants: evs}))
	return r
}

// BenchmarkRosterView reports View with 500 participants against 10; the
// table renders only the rows around the cursor, so the ratio stays near 1.
func BenchmarkRosterView(b *testing.B) {
	small, large := rosterOf(10), rosterOf(500)
	large, _ = large.Update(keyMsg("end")) // a cursor deep in the list
	run := func(r rosterPanel) time.Duration {
		start := time.Now()
		for range 2000 {
			_ = r.View()
		}
		return time.Since(start)
	}
	var s, l time.Duration
	for b.Loop() {
		s += run(small)
		l += run(large)
	}
	b.ReportMetric(float64(l)/float64(s), "ratio500/10")
	b.ReportMetric(float64(l.Nanoseconds())/float64(b.N*2000), "ns/view500")
}

// BenchmarkRosterApply500 is one event (a rename) on a 500-row roster:
// apply, re-filter and rebuild the visible table.
func BenchmarkRosterApply500(b *testing.B) {
	r := rosterOf(500)
	for i := 0; b.Loop(); i++ {
		r, _ = r.Update(evMsg(room.NameChanged{Identity: "user-250", New: fmt.Sprintf("n%d", i)}))
	}
}

func evMsg(evs ...room.Event) roomEventsMsg { return roomEventsMsg{evs: evs} }

// BenchmarkBurstUpdate is the dashboard absorbing one message carrying 300
// participant_joined events (how the server batches a burst), Update and
// View.
func BenchmarkBurstUpdate(b *testing.B) {
	b.ReportAllocs()
	evs := make([]room.Event, 300)
	for i := range evs {
		evs[i] = room.ParticipantJoined{At: t0, Participant: room.Participant{Identity: fmt.Sprintf("load-%03d", i), Kind: room.KindStandard, JoinedAt: t0,
			SID: "PA_x", Permissions: &room.Permissions{CanSubscribe: true, CanPublish: true, CanPublishData: true}}}
	}
	fb := newFetchBackend(b)
	fb.sess = newFakeSession(fb.resp)
	base := joinNow(b, testModel(b, newClock(), fb, 160, 40))
	base = send(b, base, streamMsg{id: base.joinID, evs: []room.Event{room.Connected{Local: room.Participant{Identity: "watcher"}}}})
	for b.Loop() {
		b.StopTimer()
		m := base
		m.roster.people = room.NewRoster()
		m.roster.people.Apply(room.Connected{Local: room.Participant{Identity: "watcher"}})
		b.StartTimer()
		m = send(b, m, streamMsg{id: m.joinID, evs: evs})
		_ = m.View()
	}
}

// TestRosterResizeChangesColumns: narrowing the terminal drops columns
// (join time, then tracks) with rows on screen, in the list and in the
// details, without a panic or a garbled frame.
func TestRosterResizeChangesColumns(t *testing.T) {
	b := rosterBackend(t)
	m := joinNow(t, testModel(t, newClock(), b, 160, 40))
	m = send(t, m, streamMsg{id: m.joinID, evs: drain(b.sess.ch)})
	if m.roster.people.Len() != 5 {
		t.Fatalf("roster has %d", m.roster.people.Len())
	}
	m = send(t, m, keyMsg("4"))
	for _, details := range []bool{false, true} {
		if details {
			m = send(t, m, keyMsg("down"), keyMsg("enter"))
		}
		for _, sz := range [][2]int{{120, 34}, {200, 60}, {100, 30}, {80, 24}, {60, 16}, {121, 17}, {160, 40}} {
			m = send(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			checkInert(t, m.View(), sz[0], sz[1])
		}
	}
}

// drain takes what is queued on ch.
func drain(ch chan room.Event) []room.Event {
	var evs []room.Event
	for {
		select {
		case ev := <-ch:
			evs = append(evs, ev)
		default:
			return evs
		}
	}
}
