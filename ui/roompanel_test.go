package ui

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/room"
)

// demoRoom is the room as livekit-server v1.13.5 describes it by default,
// with metadata; lastOne: only an agent is there besides us.
func demoRoom(lastOne bool) room.RoomState {
	st := room.RoomState{At: t0.Add(time.Second), Name: "demo", SID: "RM_h7Xq2", CreatedAt: t0.Add(-time.Minute),
		Metadata: `{"topic":"standup","owner":"alice"}`, Participants: 3, Publishers: 1,
		EmptyTimeoutSeconds: 300, DepartureTimeoutSeconds: 20, MaxParticipants: 0,
		EnabledCodecs: []string{"audio/opus", "audio/red", "video/VP8", "video/H264", "video/VP9", "video/AV1"}}
	if lastOne {
		st.Participants, st.Publishers, st.LastOne = 2, 0, true
		closes := 20
		st.ClosesAfterLeaveSeconds = &closes
	}
	return st
}

// roomBackend joins demoRoom. After we leave, the server first still
// lists it, 10 s later too, and 11 s after that no more: it closed 21 s
// after we left, as a 20 s departure timeout checked once a second does.
func roomBackend(t *testing.T, lastOne bool) *fakeBackend {
	b := newFetchBackend(t)
	s := newFakeSession(b.resp)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	others := []room.Participant{{Identity: "agent-7", Name: "Helper", Kind: room.KindAgent, JoinedAt: at(-60)}}
	if !lastOne {
		others = append(others, room.Participant{Identity: "bob", Name: "Bob", Kind: room.KindStandard, JoinedAt: at(-30)})
	}
	s.ch <- room.Connected{At: at(1), Room: "demo", Local: room.Participant{Identity: "alice", Name: "Alice", JoinedAt: at(1)},
		ServerURL: "ws://127.0.0.1:7880", Participants: others}
	s.ch <- demoRoom(lastOne)
	after := demoRoom(lastOne)
	exists := true
	after.Left, after.Exists = true, &exists
	s.after = &after
	b.sess = s
	b.rooms = []roomAnswer{{wait: 10 * time.Second, exists: true}, {wait: 11 * time.Second, exists: false}}
	return b
}

// words is lines as one line of words, as wrapping leaves them.
func words(lines []string) string { return strings.Join(strings.Fields(strings.Join(lines, " ")), " ") }

func isRoomGone(msg tea.Msg) bool {
	a, ok := msg.(roomAnswerMsg)
	return ok && !a.exists && a.err == nil && !a.gaveUp
}

// TestRoomPanel: the panel shows the room as the server describes it,
// follows its changes, and says when it closes after we leave.
func TestRoomPanel(t *testing.T) {
	b := roomBackend(t, false)
	m := send(t, joinedRoster(t, b, 100, 40), keyMsg("8"))
	v := m.View()
	for _, want := range []string{"RM_h7Xq2", "01:36:00 (1m ago)", "3 (you included) · 1 publishing", `"topic": "standup"`,
		"300 s · while nobody has joined", "departure_timeout", "20 s", "max_participants  no limit",
		"video/VP8", "Someone else keeps the room open", "i invites someone"} {
		if !strings.Contains(v, want) {
			t.Errorf("the Room panel lacks %q:\n%s", want, v)
		}
	}
	if got, want := m.room.Want(98), len(m.room.lines()); got != want {
		t.Errorf("Want = %d, the panel has %d lines", got, want)
	}
	// bob leaves: we are the last one; the metadata changes.
	last := demoRoom(true)
	last.Metadata = "plain words"
	m = send(t, m, streamMsg{id: m.joinID, evs: []room.Event{last}})
	v = words(m.room.lines())
	for _, want := range []string{"this room closes 20 s after you leave (agents and recorders do not keep it open)", "plain words"} {
		if !strings.Contains(v, want) {
			t.Errorf("after bob left, the Room panel lacks %q:\n%s", want, v)
		}
	}
}

// TestRoomAfterLeave: leaving a room we were the last one in counts down
// its departure timeout and asks the server, through the backend, until
// the room is gone; without the key pair it only counts down; a room
// still listed well past its timeout stops the asking.
func TestRoomAfterLeave(t *testing.T) {
	t.Run("asks until gone", func(t *testing.T) {
		clk := newClock()
		b := roomBackend(t, true)
		m := joinNow(t, fetched(t, testModel(t, clk, b, 100, 40)))
		m = send(t, m, streamMsg{id: m.joinID, evs: drain(b.sess.ch)}, keyMsg("8"))
		m, cmd := sendCmd(t, m, keyMsg("l"))
		clk.Advance(5 * time.Second)
		if v := words(m.room.lines()); !strings.Contains(v, "You left 5s ago: the room closes in 15 s (departure_timeout 20 s).") {
			t.Errorf("no countdown:\n%s", v)
		}
		m = pump(t, m, cmd, isRoomGone)
		if v := words(m.room.lines()); !strings.Contains(v, "The room closed 26 s after you left (departure_timeout 20 s).") {
			t.Errorf("no verdict:\n%s", v)
		}
		// The session's nodes, the one it was on first: a node that died
		// with the session leaves the question to the others.
		want := RoomLookupRequest{ServerURLs: []string{"http://127.0.0.1:7881", "http://127.0.0.1:7880"},
			APIKey: "devkey", APISecret: "secret", Name: "demo", SID: "RM_h7Xq2"}
		if len(b.lookups) != 2 || !reflect.DeepEqual(b.lookups[0], want) {
			t.Errorf("lookups = %+v, want 2 of %+v", b.lookups, want)
		}
	})
	t.Run("no key", func(t *testing.T) {
		clk := newClock()
		b := roomBackend(t, true)
		m := testModel(t, clk, b, 100, 40)
		m = cursorToLabel(t, m, "API key")
		m = send(t, m, keyMsg("enter"), tea.KeyMsg{Type: tea.KeyCtrlU}, keyMsg("esc"))
		m = joinNow(t, fetched(t, m))
		m = send(t, m, streamMsg{id: m.joinID, evs: drain(b.sess.ch)}, keyMsg("8"), keyMsg("l"))
		clk.Advance(25 * time.Second)
		v := words(m.room.lines())
		for _, want := range []string{"By its departure_timeout the room closed about 5s ago.", "With the API key and secret, lkdash asks"} {
			if !strings.Contains(v, want) {
				t.Errorf("without the key pair, the panel lacks %q:\n%s", want, v)
			}
		}
		if len(b.lookups) != 0 {
			t.Errorf("asked the server without a key pair: %+v", b.lookups)
		}
	})
	t.Run("gives up", func(t *testing.T) {
		clk := newClock()
		b := roomBackend(t, true)
		b.rooms = []roomAnswer{{wait: time.Minute, exists: true}}
		m := joinNow(t, fetched(t, testModel(t, clk, b, 100, 40)))
		m = send(t, m, streamMsg{id: m.joinID, evs: drain(b.sess.ch)}, keyMsg("8"))
		m, cmd := sendCmd(t, m, keyMsg("l"))
		m = pump(t, m, cmd, func(msg tea.Msg) bool { a, ok := msg.(roomAnswerMsg); return ok && a.exists })
		if v := words(m.room.lines()); !strings.Contains(v, "lkdash stopped asking") {
			t.Errorf("still asking a minute after a 20 s departure timeout:\n%s", v)
		}
	})
}

// TestRoomPanelInert: what the server says of the room reaches the screen
// inert.
func TestRoomPanelInert(t *testing.T) {
	b := roomBackend(t, false)
	m := send(t, joinedRoster(t, b, 100, 40), keyMsg("8"))
	st := demoRoom(false)
	st.Name, st.SID, st.Metadata = hostile[0]+hostile[1], hostile[3], `{"x":"`+strings.ReplaceAll(hostile[2], "\x1b", `\u001b`)+`","y":"`+hostile[6]+`"}`
	st.EnabledCodecs = append(st.EnabledCodecs, hostile[7], hostile[5])
	for _, sz := range [][2]int{{100, 40}, {160, 45}, {60, 16}} {
		m = send(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]}, streamMsg{id: m.joinID, evs: []room.Event{st}})
		checkInert(t, m.View(), sz[0], sz[1])
	}
}

// Goldens: the Room panel joined (others keep the room open), as the
// last one in the room, and after leaving it.
func TestGoldenRoom(t *testing.T) {
	for _, sz := range [][2]int{{100, 30}, {160, 45}} {
		for _, c := range []struct {
			name    string
			lastOne bool
			waitFor string
			keys    []tea.Msg
		}{
			{"joined", false, "Someone else keeps", nil},
			{"last-one", true, "You are the last one here", nil},
			{"left", true, "The room closed 21 s after you left", []tea.Msg{waitScreen("departure_timeout"), keyMsg("l")}},
		} {
			t.Run(fmt.Sprintf("%s/%dx%d", c.name, sz[0], sz[1]), func(t *testing.T) {
				msgs := append([]tea.Msg{keyMsg("j"), keyMsg("8")}, c.keys...)
				runGoldenAt(t, sz[0], sz[1], roomBackend(t, c.lastOne), c.waitFor, msgs...)
			})
		}
	}
}
