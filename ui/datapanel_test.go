package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/styles"
)

// dataEvents are one message event of every kind, a second apart from t0.
func dataEvents() []room.Event {
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	return []room.Event{
		room.DataReceived{At: at(1), Identity: "bob", Topic: "cursor", Text: `{"x":1}`, Size: 7, Preview: `{"x":1}`},
		room.DataSent{At: at(2), Topic: "cursor", Kind: room.DataReliable, Size: 5, Preview: "hello"},
		room.TextStreamReceived{At: at(3), Identity: "bob", Topic: room.TopicChat, StreamID: "TS_b", Text: "hi alice", Size: 8, Preview: "hi alice"},
		room.TextStreamSent{At: at(4), Topic: room.TopicChat, StreamID: "TS_a", Size: 5, Preview: "hello"},
		room.ByteStreamProgress{At: at(5), Identity: "bob", Topic: "files", StreamID: "BS_1", Name: "photo.jpg", Received: 409600, Total: 1048576},
		room.ByteStreamSent{At: at(6), Topic: "files", StreamID: "BS_2", Name: "notes.txt", Size: 2048, SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		room.StreamUnhandled{At: at(7), Kind: room.DataText, Topic: "notes", Count: 3},
		room.RPCResult{At: at(8), Destination: "bob", Method: "echo", Size: 4, OK: true, Response: "ping", Preview: "ping", RTT: 12 * time.Millisecond},
		room.RPCResult{At: at(9), Destination: "bob", Method: "Echo", Size: 4, RTT: 8 * time.Millisecond, Code: 1400, Error: "UNSUPPORTED_METHOD",
			Message: "Method not supported at destination", Cause: `"bob" has no handler for method "Echo": the SDK answers UNSUPPORTED_METHOD for every method its app did not register (names are case-sensitive)`},
		room.RPCRequest{At: at(10), Caller: "bob", Method: "echo", RequestID: "c0ffee00-1234", Size: 3, Preview: "hey", Response: 3, Handled: 400 * time.Microsecond},
		room.Transcription{At: at(11), Identity: "alice", Sender: "agent-AJ_1", TrackSID: "TR_a", Segment: "SG_1", Final: true, Text: "hello there", Preview: "hello there"},
		room.DataReceived{At: at(12), Identity: "mallory", Topic: "evil\x1b[2J", Text: "\x1b]0;pwned\x07ok", Size: 13, Preview: room.Preview([]byte("\x1b]0;pwned\x07ok"))},
	}
}

func newTestDataPanel(w, h int) dataPanel {
	st := styles.New(styles.DefaultTheme(), false)
	p := newDataPanel(&st, newClock().Now)
	p.SetSize(w, h)
	return p
}

// TestDataPanelRows: each kind of message is a row with its direction,
// peer, topic, kind, size and what it said or how it ended; hostile text
// is made inert.
func TestDataPanelRows(t *testing.T) {
	p := newTestDataPanel(130, 20)
	p, _ = p.Update(roomEventsMsg{evs: dataEvents()})
	v := p.View()
	checkInert(t, v, 130, 20)
	v = squeeze(v)
	for _, want := range []string{
		"01:37:01 ← bob",
		"cursor           packet   7 B      “{\"x\":1}”",
		"→ everyone",
		"reliable 5 B      “hello”",
		"lk.chat          text     8 B      “hi alice”",
		"files            bytes    400 KiB  receiving 39% of 1.0 MiB · photo.jpg",
		"sent · notes.txt · sha256 9f86d081884c…",
		"notes            text              dropped: no handler for this topic here (3 so far)",
		"echo             rpc      4 B      answered in 12 ms · “ping”",
		"UNSUPPORTED_METHOD (1400) after 8.0 ms: \"bob\" has no handler",
		"← bob",
		"“hey” · we answered in 0.4 ms",
		"← agent-AJ_1",
		"lk.transcription text     11 B     alice said: “hello there”",
		"12 messages · no handler here for notes ×3 · enter for details",
	} {
		if !strings.Contains(v, squeeze(want)) {
			t.Errorf("no %q in:\n%s", want, v)
		}
	}
}

// squeeze collapses runs of spaces, so expectations need not count the
// padding of columns.
func squeeze(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

// TestDataByteStreamInPlace: a byte stream is one row, from its first
// progress to the whole stream.
func TestDataByteStreamInPlace(t *testing.T) {
	p := newTestDataPanel(120, 10)
	base := room.ByteStreamProgress{At: t0, Identity: "bob", Topic: "files", StreamID: "BS_1", Name: "a.bin", Total: 1000}
	half := base
	half.Received = 500
	p, _ = p.Update(roomEventsMsg{evs: []room.Event{base, half}})
	if p.feed.len() != 1 || !strings.Contains(p.View(), "receiving 50% of 1000 B") {
		t.Fatalf("progress: %d rows\n%s", p.feed.len(), p.View())
	}
	p, _ = p.Update(roomEventsMsg{evs: []room.Event{room.ByteStreamReceived{At: t0, Identity: "bob", Topic: "files", StreamID: "BS_1", Name: "a.bin", Size: 1000, Total: 1000, SHA256: "ab"}}})
	if p.feed.len() != 1 || !strings.Contains(p.View(), "received whole · a.bin") {
		t.Fatalf("end: %d rows\n%s", p.feed.len(), p.View())
	}
}

// TestDataDetails: enter shows every field of the message, the text and
// the cause whole.
func TestDataDetails(t *testing.T) {
	p := newTestDataPanel(100, 40)
	p, _ = p.Update(roomEventsMsg{evs: dataEvents()[:9]})
	p, _ = p.Update(keyMsg("enter")) // the newest: the unsupported method
	v := p.View()
	for _, want := range []string{"type            rpc_result", "error_code      1400", "error           UNSUPPORTED_METHOD",
		"names are case-sensitive)", "destination     bob", "rtt_seconds     0.008"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q in:\n%s", want, v)
		}
	}
	p, _ = p.Update(keyMsg("esc"))
	if p.feed.detail {
		t.Error("esc should go back to the list")
	}
}

// joinedForData is a dashboard joined on the fake session with the Data
// panel focused.
func joinedForData(t *testing.T, w, h int) (Model, *fakeBackend) {
	t.Helper()
	b := newFetchBackend(t)
	b.sess = newFakeSession(b.resp)
	m := joinNow(t, testModel(t, newClock(), b, w, h))
	return send(t, m, keyMsg(pData.key())), b
}

// sendAndPump presses enter in the form and runs the send to its outcome.
func sendAndPump(t *testing.T, m Model) Model {
	t.Helper()
	m, cmd := sendCmd(t, m, keyMsg("enter"))
	return pump(t, m, cmd, func(msg tea.Msg) bool { _, ok := msg.(dataSendDoneMsg); return ok })
}

// TestSendForm: s opens the form, which has the keyboard (q types a q);
// enter sends a text on the topic, which is received from then on; the
// sent stream and the status line report it.
func TestSendForm(t *testing.T) {
	m, b := joinedForData(t, 100, 30)
	m = send(t, m, keyMsg("s"))
	if !m.data.Capturing() {
		t.Fatal("s should open the form")
	}
	m = send(t, m, keys("tab", "tab", "q", "u", "i", "t")...)
	if m.quitting {
		t.Fatal("typing q in the form quit")
	}
	m = sendAndPump(t, m)
	m = send(t, m, streamMsg{id: m.joinID, evs: drain(b.sess.ch)})
	v := m.View()
	for _, want := range []string{"sent 4 B of text on lk.chat", "→ everyone", "“quit”"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q in:\n%s", want, v)
		}
	}
	if !slices.Contains(b.sess.topics, room.TopicChat) {
		t.Errorf("the topic sent on should be received: %v", b.sess.topics)
	}
	// The next join receives it too, with the configured echo.
	m = send(t, m, keyMsg("esc"), keyMsg("l"))
	b.sess = nil
	m = joinNow(t, m)
	if !slices.Contains(b.lastJoin.Topics, room.TopicChat) {
		t.Errorf("the next join's topics: %v", b.lastJoin.Topics)
	}
}

// TestSendFormRPC: ←/→ on the first row picks an RPC call; the call
// shows as under way until its result comes, which names the outcome.
func TestSendFormRPC(t *testing.T) {
	m, b := joinedForData(t, 100, 30)
	m = send(t, m, keyMsg("s"), keyMsg("right"), keyMsg("right"))
	if m.data.form.kind != sendRPC {
		t.Fatalf("kind %v, want rpc", m.data.form.kind)
	}
	m = send(t, m, keyMsg("tab"), keyMsg("b"), keyMsg("o"), keyMsg("b"), keyMsg("tab"), keyMsg("tab"), keyMsg("p"))
	m, cmd := sendCmd(t, m, keyMsg("enter"))
	m, cmd = sendCmd(t, m, cmd()) // the form's request reaches the root
	if v := m.View(); !strings.Contains(v, "… calling bob echo") {
		t.Errorf("the call should show as under way:\n%s", v)
	}
	m = send(t, m, cmd())
	m = send(t, m, streamMsg{id: m.joinID, evs: drain(b.sess.ch)})
	v := m.View()
	for _, want := range []string{"rpc bob echo: answered in 12 ms", "answered in 12 ms · “p”"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q in:\n%s", want, v)
		}
	}
	if strings.Contains(v, "… calling") {
		t.Errorf("the call is over:\n%s", v)
	}
}

// TestSendOutcomeOfAnEndedSession: the outcome of a send from a session
// that is over is dropped.
func TestSendOutcomeOfAnEndedSession(t *testing.T) {
	m, _ := joinedForData(t, 100, 30)
	m = send(t, m, keys("s", "tab", "tab", "x")...)
	m, cmd := sendCmd(t, m, keyMsg("enter"))
	m, send1 := sendCmd(t, m, cmd())
	m = send(t, m, keyMsg("esc"), keyMsg("l"))
	status := m.status
	m = send(t, m, send1())
	if m.status != status {
		t.Errorf("a stale outcome changed the status: %q → %q", status, m.status)
	}
}

// TestDataDoesNotStealFocus: incoming messages leave the tab the user
// picked in front; a send brings the Data panel forward.
func TestDataDoesNotStealFocus(t *testing.T) {
	m, _ := joinedForData(t, 80, 24)
	m = send(t, m, keyMsg(pRoster.key()))
	m = send(t, m, streamMsg{id: m.joinID, evs: dataEvents()})
	if m.focus != pRoster || !strings.Contains(m.View(), "[4 Roster") {
		t.Fatalf("incoming data took the focus:\n%s", m.View())
	}
	m = send(t, m, dataSendMsg{req: sendRequest{seq: 1, kind: sendText, topic: "chat", body: "hi"}})
	if m.rankOf(pData) != 0 {
		t.Errorf("a send should bring the Data panel forward (rank %d)", m.rankOf(pData))
	}
}
