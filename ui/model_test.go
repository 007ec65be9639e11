package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

func newFetchBackend(t testing.TB) *fakeBackend {
	tok := mintJWT(t, baseClaims(t0, 10*time.Minute))
	return &fakeBackend{
		resp:  tokens.Response{ServerURL: "ws://127.0.0.1:7880", ParticipantToken: tok},
		cache: CacheInfo{Enabled: true, Status: tokens.CacheMiss, HasEntry: true, ReuseUntil: t0.Add(9 * time.Minute)},
	}
}

// cursorTo moves the source cursor onto the field with id.
func cursorTo(t *testing.T, m Model, id fieldID) Model {
	t.Helper()
	return cursorToRow(t, m, func(f field) bool { return f.id == id })
}

// cursorToLabel moves the source cursor onto the row labelled label (the
// rows derived from the kind and grant tables have no id of their own).
func cursorToLabel(t *testing.T, m Model, label string) Model {
	t.Helper()
	return cursorToRow(t, m, func(f field) bool { return f.label == label })
}

func cursorToRow(t *testing.T, m Model, match func(field) bool) Model {
	t.Helper()
	for range 60 {
		m = send(t, m, keyMsg("up"))
	}
	for range 60 {
		if match(m.src.fields[m.src.cursor]) {
			return m
		}
		m = send(t, m, keyMsg("down"))
	}
	t.Fatal("field not reachable")
	return m
}

func isQuit(cmd tea.Cmd) bool { return hasMsg[tea.QuitMsg](cmd) }

// isInterrupt: the program ends as interrupted (exit status 130 in cli).
func isInterrupt(cmd tea.Cmd) bool { return hasMsg[tea.InterruptMsg](cmd) }

func hasMsg[T tea.Msg](cmd tea.Cmd) bool {
	for _, msg := range runCmd(cmd) {
		if _, ok := msg.(T); ok {
			return true
		}
	}
	return false
}

func TestKeyRouting(t *testing.T) {
	tests := []struct {
		name     string
		keys     []string
		wantQuit bool
		editing  bool
		room     string
	}{
		{"q in a field types q", []string{"enter", "q"}, false, true, "demoq"},
		{"f j l in a field are text", []string{"enter", "f", "j", "l", "?"}, false, true, "demofjl?"},
		{"esc leaves the field, then q quits", []string{"enter", "q", "esc", "q"}, true, false, "demoq"},
		{"q outside a field quits", []string{"q"}, true, false, "demo"},
		{"enter in a one-line field leaves it", []string{"enter", "x", "enter"}, false, false, "demox"},
		{"esc+q typed fast (alt+q) quits", []string{"enter", "x", "alt+q"}, true, false, "demox"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := cursorTo(t, testModel(t, newClock(), newFetchBackend(t), 160, 40), fRoom)
			var cmd tea.Cmd
			for _, k := range tt.keys {
				m, cmd = sendCmd(t, m, keyMsg(k))
			}
			if got := isQuit(cmd); got != tt.wantQuit {
				t.Errorf("quit = %v, want %v", got, tt.wantQuit)
			}
			if m.src.Capturing() != tt.editing {
				t.Errorf("editing = %v, want %v", m.src.Capturing(), tt.editing)
			}
			if m.src.opts.RoomName != tt.room {
				t.Errorf("room = %q, want %q", m.src.opts.RoomName, tt.room)
			}
		})
	}
}

func TestCtrlCQuitsFromAField(t *testing.T) {
	m := cursorTo(t, testModel(t, newClock(), newFetchBackend(t), 160, 40), fRoom)
	m = send(t, m, keyMsg("enter"))
	_, cmd := sendCmd(t, m, keyMsg("ctrl+c"))
	if !isInterrupt(cmd) {
		t.Fatal("ctrl+c in a field did not interrupt")
	}
}

func TestCtrlCLeavesTheRoom(t *testing.T) {
	b := newFetchBackend(t)
	b.sess = newFakeSession(b.resp)
	m := testModel(t, newClock(), b, 160, 40)
	m = joinNow(t, m)
	if m.join != joined {
		t.Fatalf("join state %v", m.join)
	}
	m, cmd := sendCmd(t, m, keyMsg("ctrl+c"))
	left := findMsg[leaveDoneMsg](t, cmd)
	if !b.sess.Left() {
		t.Fatal("Leave not called")
	}
	_, cmd = sendCmd(t, m, left)
	if !isInterrupt(cmd) || isQuit(cmd) {
		t.Fatal("no interrupt after leaving")
	}
}

func TestFocusCycles(t *testing.T) {
	m := testModel(t, newClock(), newFetchBackend(t), 160, 40)
	want := []panelID{pToken, pEvents, pRoster, pAgents, pTimeline, pDoctor, pRoom, pWebhooks, pData, pSource}
	for _, w := range want {
		m = send(t, m, keyMsg("tab"))
		if m.focus != w {
			t.Fatalf("focus %v, want %v", m.focus, w)
		}
	}
	m = send(t, m, keyMsg("shift+tab"))
	if m.focus != pData {
		t.Fatalf("shift+tab: focus %v", m.focus)
	}
	// In a field, tab moves to the next field instead of the next panel.
	m = send(t, cursorTo(t, send(t, m, keyMsg("tab")), fRoom), keyMsg("enter"), keyMsg("tab"))
	if m.focus != pSource || m.src.fields[m.src.cursor].id != fIdentity || !m.src.Capturing() {
		t.Fatalf("tab in field: focus %v field %v editing %v", m.focus, m.src.fields[m.src.cursor].id, m.src.Capturing())
	}
}

func TestCountdownAndLevels(t *testing.T) {
	clk := newClock()
	m := fetched(t, testModel(t, clk, newFetchBackend(t), 160, 40))
	steps := []struct {
		advance time.Duration
		want    string
	}{
		{0, "expires in 10m of 10m"},
		{4*time.Minute + 30*time.Second, "expires in 5m30s"},
		{5 * time.Minute, "expires in 30s"},
		{31 * time.Second, "EXPIRED 1s ago"},
	}
	for _, s := range steps {
		clk.Advance(s.advance)
		if v := m.View(); !strings.Contains(v, s.want) {
			t.Fatalf("after %v: %q not in\n%s", s.advance, s.want, v)
		}
	}
	tot := 10 * time.Minute
	for _, c := range []struct {
		left time.Duration
		want int
	}{{6 * time.Minute, 0}, {4 * time.Minute, 1}, {59 * time.Second, 2}, {50 * time.Second, 2}, {-time.Second, 2}} {
		if got := int(level(c.left, tot)); got != c.want {
			t.Errorf("level(%v) = %d, want %d", c.left, got, c.want)
		}
	}
	if level(90*time.Second, time.Hour) != 2 { // under 10 %
		t.Error("90s of 1h should be bad")
	}
}

func TestTickGeneration(t *testing.T) {
	clk := newClock()
	m := testModel(t, clk, newFetchBackend(t), 160, 40)
	if _, cmd := sendCmd(t, m, tickMsg{gen: m.tickGen}); cmd != nil {
		t.Fatal("a tick with no token shown re-armed")
	}
	m = fetched(t, m)
	gen := m.tickGen
	if _, cmd := sendCmd(t, m, tickMsg{gen: gen}); cmd == nil {
		t.Fatal("current tick did not re-arm")
	}
	m = fetched(t, m) // a new token starts a new chain
	if m.tickGen == gen {
		t.Fatal("fetch did not start a new tick generation")
	}
	if _, cmd := sendCmd(t, m, tickMsg{gen: gen}); cmd != nil {
		t.Fatal("stale tick re-armed")
	}
	if _, cmd := sendCmd(t, m, tickMsg{gen: m.tickGen}); cmd == nil {
		t.Fatal("new chain's tick did not re-arm")
	}
}

func TestResize(t *testing.T) {
	clk := newClock()
	m := fetched(t, testModel(t, clk, newFetchBackend(t), 160, 40))
	for _, sz := range [][2]int{{80, 24}, {100, 30}, {160, 50}, {60, 16}, {200, 16}} {
		m = send(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		checkFrame(t, m.View(), sz[0], sz[1])
	}
	for _, sz := range [][2]int{{59, 30}, {100, 15}, {20, 5}} {
		m = send(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		v := m.View()
		if !strings.Contains(strings.ReplaceAll(v, "\n", " "), "needs") {
			t.Errorf("%v: no too-small message:\n%s", sz, v)
		}
		checkFrame(t, v, sz[0], sz[1])
	}
	// full help grows the footer; the frame still fits.
	m = send(t, m, tea.WindowSizeMsg{Width: 100, Height: 30}, keyMsg("?"))
	checkFrame(t, m.View(), 100, 30)
}

// checkFrame fails unless view is exactly h lines of at most w cells.
func checkFrame(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > h {
		t.Errorf("%dx%d: %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw > w {
			t.Errorf("%dx%d: line %d is %d wide: %q", w, h, i, lw, l)
		}
	}
}

func TestValidationAsYouType(t *testing.T) {
	m := cursorToLabel(t, testModel(t, newClock(), newFetchBackend(t), 160, 40), "Endpoint")
	m = send(t, m, keyMsg("enter"))
	m = send(t, m, tea.KeyMsg{Type: tea.KeyCtrlU}) // clear
	m = send(t, m, keys("f", "t", "p", ":", "/", "/", "x")...)
	if !strings.Contains(m.View(), "scheme must be http/https") {
		t.Fatalf("no URL error shown:\n%s", m.View())
	}
	if m.src.Ready() {
		t.Fatal("bad URL but ready")
	}
	m = send(t, m, keyMsg("esc"))
	if m.keys().Fetch.Enabled() {
		t.Fatal("fetch enabled with a bad URL")
	}
	// a bad attribute line names its line
	m = cursorTo(t, m, fAttributes)
	m = send(t, m, keyMsg("enter"))
	m = send(t, m, keys("a", "=", "1", "enter", "n", "o", "p", "e")...)
	if !strings.Contains(m.View(), "line 2") {
		t.Fatalf("no attribute error shown:\n%s", m.View())
	}
	// a bad duration
	m = send(t, m, keyMsg("esc"))
	m = cursorToLabel(t, m, "Timeout")
	m = send(t, m, keyMsg("enter"), keyMsg("x"), keyMsg("esc"))
	if !strings.Contains(m.View(), "not a duration") {
		t.Fatalf("no duration error shown:\n%s", m.View())
	}
}

func TestFetchErrorShown(t *testing.T) {
	b := newFetchBackend(t)
	b.err = errors.New(`POST http://127.0.0.1:7890/token: 500 Internal Server Error: "boom"`)
	m := fetched(t, testModel(t, newClock(), b, 160, 40))
	if v := m.View(); !strings.Contains(v, "FETCH FAILED") || !strings.Contains(v, "500") {
		t.Fatalf("error not shown:\n%s", v)
	}
}

func TestForceRefreshAndCachingFlag(t *testing.T) {
	b := newFetchBackend(t)
	m := fetched(t, testModel(t, newClock(), b, 160, 40))
	m, cmd := sendCmd(t, m, keyMsg("r"))
	send(t, m, findMsg[fetchDoneMsg](t, cmd))
	if len(b.fetches) != 2 || b.fetches[0].Force || !b.fetches[1].Force || !b.fetches[1].Caching {
		t.Fatalf("fetches %+v", b.fetches)
	}
}

func TestTokenRefreshedSwitchesAndToggles(t *testing.T) {
	b := newFetchBackend(t)
	b.sess = newFakeSession(b.resp)
	clk := newClock()
	m := testModel(t, clk, b, 160, 40)
	m = joinNow(t, m)
	if !strings.Contains(m.evs.nth(1).text, "connecting to") {
		t.Fatalf("join progress not logged: %q", m.evs.nth(1).text)
	}
	newTok := mintJWT(t, baseClaims(t0.Add(time.Minute), 5*time.Minute))
	dec, err := tokens.Decode(newTok)
	if err != nil {
		t.Fatal(err)
	}
	ev := room.TokenRefreshed{Token: newTok, Decoded: dec, Diff: tokens.TokenDiff{LifetimeChange: -4 * time.Minute}}
	m = send(t, m, streamMsg{id: m.joinID, evs: []room.Event{ev}})
	if m.tok.current().origin != "refreshed" {
		t.Fatal("token panel did not switch to the refreshed token")
	}
	if !m.keys().Original.Enabled() {
		t.Fatal("o not enabled")
	}
	m = send(t, m, keyMsg("o"))
	if m.tok.current().origin != "joined" {
		t.Fatal("o did not toggle back")
	}
	if !m.keys().ServerRefresh.Enabled() {
		t.Fatal("u not enabled while joined with key/secret")
	}
	m, cmd := sendCmd(t, m, keyMsg("u"))
	findMsg[refreshDoneMsg](t, cmd)
	if b.sess.refreshs != 1 {
		t.Fatal("TriggerRefresh not called")
	}
	// leaving makes further events of that session stale; with the key
	// pair it then asks whether the room still exists
	m, cmd = sendCmd(t, m, keyMsg("l"))
	findMsg[roomAfterLeaveMsg](t, cmd)
	if !b.sess.Left() {
		t.Fatal("Leave not called")
	}
	if m.join != notJoined || m.keys().Leave.Enabled() {
		t.Fatal("still joined after l")
	}
}

func TestBindingsDisabledWhenNotApplicable(t *testing.T) {
	m := testModel(t, newClock(), newFetchBackend(t), 160, 40)
	k := m.keys()
	for name, b := range map[string]bool{"leave": k.Leave.Enabled(), "server refresh": k.ServerRefresh.Enabled(),
		"copy": k.Copy.Enabled(), "export": k.Export.Enabled(), "original": k.Original.Enabled()} {
		if b {
			t.Errorf("%s enabled on an idle dashboard", name)
		}
	}
	if !k.Fetch.Enabled() || !k.Join.Enabled() {
		t.Error("fetch/join disabled on a ready form")
	}
	if strings.Contains(m.help.View(m.helpKeys()), "leave") {
		t.Error("help lists leave")
	}
}

func TestCopyWritesOSC52(t *testing.T) {
	b := newFetchBackend(t)
	m := fetched(t, testModel(t, newClock(), b, 160, 40))
	out := m.tok.clip.out.(*strings.Builder)
	_, cmd := sendCmd(t, m, keyMsg("y"))
	msg := findMsg[copiedMsg](t, cmd)
	if msg.err != nil || !strings.HasPrefix(out.String(), "\x1b]52;c;") {
		t.Fatalf("copy: %v %q", msg.err, out.String())
	}
}

func TestDevServerReadyPreselectsEndpoint(t *testing.T) {
	ch := make(chan DevProgress, 2)
	ch <- DevProgress{Line: "building livekit-server v1.13.5…"}
	close(ch)
	b := newFetchBackend(t)
	m := New(Config{Spec: source.Spec{Kind: source.KindLiteral}, Backend: b, Now: newClock().Now, DevProgress: ch, AutoFetch: true})
	m = send(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	for _, msg := range runCmd(m.Init()) {
		m = send(t, m, msg)
	}
	if !strings.Contains(m.View(), "building livekit-server") {
		t.Fatalf("progress not shown:\n%s", m.View())
	}
	m, cmd := sendCmd(t, m, DevServerReadyMsg{EndpointURL: "http://127.0.0.1:7890/token", APIKey: "devkey", APISecret: "secret"})
	if m.src.kind != source.KindEndpoint || m.src.spec.Endpoint != "http://127.0.0.1:7890/token" {
		t.Fatalf("endpoint not preselected: %+v", m.src.spec)
	}
	findMsg[fetchDoneMsg](t, cmd) // AutoFetch fires once the server is ready
}

// TestDevServerReadyFillsTheServerURL: the managed server's URL (its
// nodes', for a cluster) is in the form, so switching to a literal token
// or to minting here needs nothing typed.
func TestDevServerReadyFillsTheServerURL(t *testing.T) {
	m := New(Config{Spec: source.Spec{Kind: source.KindLiteral}, Backend: newFetchBackend(t), Now: newClock().Now})
	m = send(t, m, tea.WindowSizeMsg{Width: 100, Height: 30}, DevServerReadyMsg{EndpointURL: "http://127.0.0.1:7890/token",
		ServerURL: "ws://127.0.0.1:7880", APIKey: "devkey", APISecret: "secret",
		Nodes: []ManagedNode{{ID: "ND_1", URL: "ws://127.0.0.1:7880"}, {ID: "ND_2", URL: "ws://127.0.0.1:7980"}}})
	for i := 0; i < 10 && m.src.kind != source.KindMint; i++ {
		m = send(t, m, keyMsg("left"))
	}
	if !m.src.Ready() || m.src.spec.ServerURL != "ws://127.0.0.1:7880" || len(m.src.spec.FailoverURLs) != 1 || m.src.spec.FailoverURLs[0] != "ws://127.0.0.1:7980" {
		t.Fatalf("mint after the managed server came up: ready %v, spec %+v", m.src.Ready(), m.src.spec)
	}
}

func TestFilterInputSwallowsGlobalKeys(t *testing.T) {
	m := testModel(t, newClock(), newFetchBackend(t), 160, 40)
	m = send(t, m, keyMsg("tab"), keyMsg("tab")) // event log
	m = send(t, m, keyMsg("/"))
	var cmd tea.Cmd
	for _, k := range []string{"q", "j", "f"} {
		m, cmd = sendCmd(t, m, keyMsg(k))
		if isQuit(cmd) || m.join != notJoined || m.fetching {
			t.Fatalf("%q in the filter acted globally", k)
		}
	}
	if m.evs.filter != "qjf" {
		t.Fatalf("filter %q", m.evs.filter)
	}
	m = send(t, m, keyMsg("esc"))
	if _, cmd = sendCmd(t, m, keyMsg("q")); !isQuit(cmd) {
		t.Fatal("q after esc did not quit")
	}
}

func TestCopyDecodeJSON(t *testing.T) {
	m := fetched(t, testModel(t, newClock(), newFetchBackend(t), 160, 40))
	out := m.tok.clip.out.(*strings.Builder)
	_, cmd := sendCmd(t, m, keyMsg("Y"))
	if msg := findMsg[copiedMsg](t, cmd); msg.err != nil || msg.what != "decode JSON" {
		t.Fatalf("%+v", msg)
	}
	if !strings.HasPrefix(out.String(), "\x1b]52;c;") || !strings.HasSuffix(out.String(), "\a") {
		t.Fatalf("not an OSC 52 sequence: %q", out.String())
	}
}

func TestJoinErrorShown(t *testing.T) {
	b := newFetchBackend(t)
	b.joinErr = errors.New("unauthorized: invalid API key")
	m := joinNow(t, testModel(t, newClock(), b, 160, 40))
	v := m.View()
	if m.join != notJoined || !strings.Contains(v, "JOIN FAILED") || !strings.Contains(v, "invalid API key") {
		t.Fatalf("join error not shown:\n%s", v)
	}
}

func TestSecretNeverRendered(t *testing.T) {
	m := cursorToLabel(t, testModel(t, newClock(), newFetchBackend(t), 160, 40), "API secret")
	if v := m.View(); !strings.Contains(v, "API secret  ••••••••") {
		t.Fatalf("preset secret not masked:\n%s", v)
	}
	m = send(t, m, keyMsg("enter"), tea.KeyMsg{Type: tea.KeyCtrlU})
	m = send(t, m, keys("h", "u", "n", "t", "e", "r", "2")...)
	if v := m.View(); strings.Contains(v, "hunter2") {
		t.Fatalf("secret visible while editing:\n%s", v)
	}
	m = send(t, m, keyMsg("esc"))
	if v := m.View(); strings.Contains(v, "hunter2") {
		t.Fatalf("secret visible:\n%s", v)
	}
	if m.src.spec.APISecret != "hunter2" {
		t.Fatalf("secret not taken: %q", m.src.spec.APISecret)
	}
}

func TestKindSelectorAndMintGrants(t *testing.T) {
	m := testModel(t, newClock(), newFetchBackend(t), 160, 40)
	// cursor starts on the kind row: → cycles endpoint → sandbox → command → mint
	m = send(t, m, keyMsg("right"), keyMsg("right"), keyMsg("right"))
	if m.src.kind != source.KindMint {
		t.Fatalf("kind %s", m.src.kind)
	}
	if !strings.Contains(m.View(), "+admin") || !strings.Contains(m.View(), "TTL") {
		t.Fatalf("mint fields missing:\n%s", m.View())
	}
	if !m.src.spec.Grants.RoomJoin || m.src.spec.Grants.RoomAdmin {
		t.Fatalf("default grants wrong: %+v", m.src.spec.Grants)
	}
	m = cursorToLabel(t, m, "+admin")
	m = send(t, m, keyMsg("space"))
	if !m.src.spec.Grants.RoomAdmin {
		t.Fatal("space did not toggle the grant")
	}
	m = cursorTo(t, m, fKind)
	m = send(t, m, keyMsg("left"), keyMsg("left"), keyMsg("left"), keyMsg("left"))
	if m.src.kind != source.KindLiteral || strings.Contains(m.src.View(), "Room ") {
		t.Fatalf("literal: kind %s, options shown:\n%s", m.src.kind, m.View())
	}
}

func TestNilBackendIsAnErrorNotAPanic(t *testing.T) {
	m := New(Config{Spec: source.Spec{Kind: source.KindLiteral, ServerURL: "ws://x", Token: "t"}, Now: newClock().Now})
	m = fetched(t, send(t, m, tea.WindowSizeMsg{Width: 160, Height: 40}))
	if !strings.Contains(m.View(), "no backend configured") {
		t.Fatalf("no error shown:\n%s", m.View())
	}
}
