package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/golang-jwt/jwt/v5"
	"github.com/muesli/termenv"

	"github.com/lkdash/lkdash/hooks"
	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/invite"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/styles"
	"github.com/lkdash/lkdash/tokens"
)

func init() {
	// Goldens and width checks must not depend on the terminal running tests.
	lipgloss.SetColorProfile(termenv.Ascii)
}

// t0 is the fake clock's start.
var t0 = time.Date(2026, 11, 29, 1, 37, 0, 0, time.UTC)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: t0} }
func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// mintJWT signs claims with the dev secret, like livekit-server --dev would.
func mintJWT(t testing.TB, claims map[string]any) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims(claims)).SignedString([]byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func baseClaims(iat time.Time, ttl time.Duration) map[string]any {
	return map[string]any{
		"iss": "devkey", "sub": "alice", "name": "Alice", "iat": iat.Unix(), "nbf": iat.Unix(), "exp": iat.Add(ttl).Unix(),
		"jti": "alice", "metadata": `{"role":"tester","level":3}`,
		"attributes": map[string]string{"team": "blue"},
		"video":      map[string]any{"room": "demo", "roomJoin": true, "canPublish": true, "canSubscribe": true},
	}
}

type fakeBackend struct {
	now     func() time.Time // stamps join progress; nil: t0
	clock   *fakeClock       // the test's clock, which RoomExists moves on
	mu      sync.Mutex
	resp    tokens.Response
	err     error
	cache   CacheInfo
	fetches []FetchRequest
	sess    *fakeSession
	joinErr error
	// lastJoin is the latest JoinRequest.
	lastJoin JoinRequest
	// check and checkErr answer CheckServer; checks records the requests.
	check    ServerCheck
	checkErr error
	checks   []ServerCheckRequest
	// rooms answers RoomExists in turn, the last one again and again;
	// lookups records the requests.
	rooms   []roomAnswer
	lookups []RoomLookupRequest
	// invite and inviteErr answer Invite; invites records the requests.
	invite    invite.Invite
	inviteErr error
	invites   []InviteRequest
	// hooks, when set, is the managed server's webhooks (WebhookBackend).
	hooks chan hooks.Delivery
}

// roomAnswer is one answer of the fake RoomService: the clock moves on by
// wait, then the room exists or not.
type roomAnswer struct {
	wait   time.Duration
	exists bool
}

func (b *fakeBackend) RoomExists(_ context.Context, req RoomLookupRequest) (bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lookups = append(b.lookups, req)
	if len(b.rooms) == 0 {
		return false, errors.New("no RoomService here")
	}
	a := b.rooms[0]
	if len(b.rooms) > 1 {
		b.rooms = b.rooms[1:]
	}
	if b.clock != nil {
		b.clock.Advance(a.wait)
	}
	return a.exists, nil
}

func (b *fakeBackend) Invite(_ context.Context, req InviteRequest) (invite.Invite, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.invites = append(b.invites, req)
	return b.invite, b.inviteErr
}

// Webhooks implements WebhookBackend.
func (b *fakeBackend) Webhooks() (string, <-chan hooks.Delivery) {
	if b.hooks == nil {
		return "", nil
	}
	return "http://127.0.0.1:41234/", b.hooks
}

func (b *fakeBackend) CheckServer(_ context.Context, req ServerCheckRequest) (ServerCheck, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.checks = append(b.checks, req)
	c := b.check
	if req.Token == "" {
		c.Verdict = nil
	}
	return c, b.checkErr
}

func (b *fakeBackend) Fetch(_ context.Context, req FetchRequest) (FetchResult, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.fetches = append(b.fetches, req)
	res := FetchResult{Response: b.resp, Cache: b.cache}
	if b.err == nil {
		res.Token, res.DecodeErr = tokens.Decode(b.resp.ParticipantToken)
	}
	return res, b.err
}

// Join hands out the fake session, which reports one join step and then
// Connected (or, with joinErr set, JoinFailed), as room.Connect does;
// events a test queued before the join follow, and a Connected among them
// stands in for the fake's own.
func (b *fakeBackend) Join(_ context.Context, req JoinRequest) (Session, error) {
	b.mu.Lock()
	b.lastJoin = req
	b.mu.Unlock()
	s := b.sess
	if s == nil {
		s = newFakeSession(b.resp)
	}
	at := t0
	if b.now != nil {
		at = b.now()
	}
	queued := drain(s.ch)
	s.ch <- room.JoinProgress{At: at, Step: room.StepConnecting, Detail: b.resp.ServerURL}
	if b.joinErr != nil {
		je, ok := b.joinErr.(*room.JoinError)
		if !ok {
			je = &room.JoinError{Reason: room.ReasonOther, Err: b.joinErr}
		}
		s.ch <- room.JoinFailed{At: at, Err: je}
		s.Leave()
		return s, nil
	}
	tok, _ := tokens.Decode(b.resp.ParticipantToken) // room.Connected carries the joined token
	if !slices.ContainsFunc(queued, func(ev room.Event) bool { _, ok := ev.(room.Connected); return ok }) {
		s.ch <- room.Connected{At: at, Room: "demo", Local: room.Participant{Identity: "alice"}, ServerURL: b.resp.ServerURL, Token: tok}
	}
	for _, ev := range queued {
		if c, ok := ev.(room.Connected); ok && c.Token == nil {
			c.Token = tok
			ev = c
		}
		s.ch <- ev
	}
	return s, nil
}

type fakeSession struct {
	mu       sync.Mutex
	ch       chan room.Event
	resp     tokens.Response
	left     bool
	refreshs int
	demo     bool
	autoSub  bool
	mediaErr error
	refused  error // PublishDemo publishes the tone alone and returns this
	drills   []room.Drill
	// path is what Path reports once setPath gave it one; before, ICE
	// has selected no pair. pathReads counts the calls.
	path      room.Path
	pathOK    bool
	pathReads int
	// after answers RoomAfterLeave; nil: the session has no key pair.
	after *room.RoomState
	// topics are the topics ReceiveTopic was asked for; rpc answers CallRPC.
	topics []string
	rpc    func(room.RPCCall) room.RPCResult
}

// emit queues an event as the real session's send calls do.
func (s *fakeSession) emit(ev room.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.left {
		s.ch <- ev
	}
}

func (s *fakeSession) SendText(_ context.Context, topic, text string) (room.TextStreamSent, error) {
	ev := room.TextStreamSent{At: t0, Topic: topic, StreamID: "TS_1", Size: len(text), Preview: room.Preview([]byte(text))}
	s.emit(ev)
	return ev, nil
}

func (s *fakeSession) SendFile(_ context.Context, topic, path string) (room.ByteStreamSent, error) {
	return room.ByteStreamSent{}, fmt.Errorf("room: sending %s: no such file", path)
}

func (s *fakeSession) CallRPC(_ context.Context, c room.RPCCall) (room.RPCResult, error) {
	res := room.RPCResult{At: t0, Destination: c.Destination, Method: c.Method, Size: len(c.Payload), OK: true,
		Response: c.Payload, Preview: room.Preview([]byte(c.Payload)), RTT: 12 * time.Millisecond}
	if s.rpc != nil {
		res = s.rpc(c)
	}
	s.emit(res)
	return res, nil
}

func (s *fakeSession) ReceiveTopic(topic string) error {
	s.mu.Lock()
	s.topics = append(s.topics, topic)
	s.mu.Unlock()
	return nil
}

func newFakeSession(resp tokens.Response) *fakeSession {
	return &fakeSession{ch: make(chan room.Event, 64), resp: resp}
}
func (s *fakeSession) Events() <-chan room.Event { return s.ch }
func (s *fakeSession) Response() tokens.Response { return s.resp }
func (s *fakeSession) TriggerRefresh(context.Context) error {
	s.mu.Lock()
	s.refreshs++
	s.mu.Unlock()
	return nil
}
func (s *fakeSession) PublishDemo() ([]room.Track, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mediaErr != nil {
		return nil, s.mediaErr
	}
	s.demo = true
	if s.refused != nil {
		return []room.Track{{SID: "TR_a", Name: room.DemoAudioName, Kind: "audio"}}, s.refused
	}
	return []room.Track{{SID: "TR_v", Name: room.DemoVideoName, Kind: "video"}, {SID: "TR_a", Name: room.DemoAudioName, Kind: "audio"}}, nil
}
func (s *fakeSession) UnpublishDemo() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.demo = false
	return s.mediaErr
}
func (s *fakeSession) SetAutoSubscribe(on bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.autoSub = on
	return s.mediaErr
}
func (s *fakeSession) Dropped() int64 { return 0 }
func (s *fakeSession) Drill(d room.Drill) error {
	s.mu.Lock()
	s.drills = append(s.drills, d)
	s.mu.Unlock()
	return nil
}

// DrillNode records d, as Drill does, and acts on node ND_one, the node
// the cluster tests put the room on.
func (s *fakeSession) DrillNode(d room.Drill, act func(node string) error) error {
	s.mu.Lock()
	s.drills = append(s.drills, d)
	s.mu.Unlock()
	return act("ND_one")
}
func (s *fakeSession) Path() (room.Path, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pathReads++
	return s.path, s.pathOK
}
func (s *fakeSession) setPath(p room.Path) {
	s.mu.Lock()
	s.path, s.pathOK = p, true
	s.mu.Unlock()
}
func (s *fakeSession) Leave() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.left {
		s.left = true
		close(s.ch)
	}
}

// APIURLs: a deployment of two nodes, the one the session is on first.
func (s *fakeSession) APIURLs() []string {
	return []string{"http://127.0.0.1:7881", "http://127.0.0.1:7880"}
}
func (s *fakeSession) RoomAfterLeave(context.Context) (room.RoomState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.after == nil {
		return room.RoomState{}, room.ErrNoCredentials
	}
	return *s.after, nil
}
func (s *fakeSession) Left() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.left
}

// testModel builds a dashboard on the fake backend, sized w×h.
func testModel(t testing.TB, clk *fakeClock, b *fakeBackend, w, h int) Model {
	t.Helper()
	st := styles.New(styles.DefaultTheme(), false)
	if b.now == nil {
		b.now = clk.Now
	}
	if b.clock == nil {
		b.clock = clk
	}
	m := New(Config{
		Spec:    source.Spec{Kind: source.KindEndpoint, Endpoint: "http://127.0.0.1:7890/token", APIKey: "devkey", APISecret: "secret"},
		Options: tokens.Options{RoomName: "demo", ParticipantIdentity: "alice"},
		Caching: true, Backend: b, Now: clk.Now, Styles: &st, Output: &strings.Builder{},
	})
	return send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
}

// send applies msgs in order and returns the model.
func send(t testing.TB, m Model, msgs ...tea.Msg) Model {
	t.Helper()
	for _, msg := range msgs {
		nm, _ := m.Update(msg)
		m = nm.(Model)
	}
	return m
}

// sendCmd applies msg and returns the command.
func sendCmd(t testing.TB, m Model, msg tea.Msg) (Model, tea.Cmd) {
	t.Helper()
	nm, cmd := m.Update(msg)
	return nm.(Model), cmd
}

func keyMsg(s string) tea.KeyMsg {
	switch s {
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "alt+q":
		return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}, Alt: true}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

func keys(ss ...string) []tea.Msg {
	var out []tea.Msg
	for _, s := range ss {
		out = append(out, keyMsg(s))
	}
	return out
}

// fetched runs a fetch to completion on the fake backend.
func fetched(t testing.TB, m Model) Model {
	t.Helper()
	m, cmd := sendCmd(t, m, keyMsg("f"))
	if cmd == nil {
		t.Fatal("f produced no command")
	}
	return send(t, m, findMsg[fetchDoneMsg](t, cmd))
}

// findMsg runs cmd (expanding batches) and returns the first T message.
func findMsg[T tea.Msg](t testing.TB, cmd tea.Cmd) T {
	t.Helper()
	var zero T
	for _, msg := range runCmd(cmd) {
		if v, ok := msg.(T); ok {
			return v
		}
	}
	t.Fatalf("no %T among the command's messages", zero)
	return zero
}

// runCmd runs cmd and any batch inside it, skipping ticks (which sleep).
func runCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(1500 * time.Millisecond):
		return nil // a tick or a wait on a quiet channel
	}
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, runCmd(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

// pump is a tiny Bubble Tea loop: it runs cmd and every command Update
// returns, feeding their messages back through Update, until stop says so
// for a message just applied. Ticks are dropped (they would sleep).
func pump(t testing.TB, m Model, cmd tea.Cmd, stop func(tea.Msg) bool) Model {
	t.Helper()
	return pumpWatch(t, m, cmd, func(_ Model, msg tea.Msg) bool { return stop(msg) })
}

// pumpWatch is pump whose stop also sees the model, so a test can look at
// it (and act) between messages of one flow.
func pumpWatch(t testing.TB, m Model, cmd tea.Cmd, stop func(Model, tea.Msg) bool) Model {
	t.Helper()
	msgs := make(chan tea.Msg, 64)
	var launch func(tea.Cmd)
	launch = func(c tea.Cmd) {
		if c == nil {
			return
		}
		go func() {
			msg := c()
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, c := range b {
					launch(c)
				}
				return
			}
			msgs <- msg
		}()
	}
	launch(cmd)
	deadline := time.After(5 * time.Second)
	for {
		select {
		case msg := <-msgs:
			if _, ok := msg.(tickMsg); ok {
				continue
			}
			var c tea.Cmd
			m, c = sendCmd(t, m, msg)
			if stop(m, msg) {
				return m
			}
			launch(c)
		case <-deadline:
			t.Fatal("pump: timed out")
			return m
		}
	}
}

// isJoinOutcome is the message that tells the root whether the join
// worked: the session's Connected or JoinFailed.
func isJoinOutcome(msg tea.Msg) bool {
	sm, ok := msg.(streamMsg)
	if !ok {
		return false
	}
	for _, ev := range sm.evs {
		switch ev.(type) {
		case room.Connected, room.JoinFailed:
			return true
		}
	}
	return false
}

// joinNow presses j and runs the join to its outcome.
func joinNow(t testing.TB, m Model) Model {
	t.Helper()
	m, cmd := sendCmd(t, m, keyMsg("j"))
	return pump(t, m, cmd, isJoinOutcome)
}

// joinedRoster joins the fake room and applies every event queued.
func joinedRoster(t *testing.T, b *fakeBackend, w, h int) Model {
	t.Helper()
	m := joinNow(t, fetched(t, testModel(t, newClock(), b, w, h)))
	return send(t, m, streamMsg{id: m.joinID, evs: drain(b.sess.ch)})
}

// wantText checks that text holds every string of want and none of not.
func wantText(t testing.TB, text string, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("lacks %q:\n%s", w, text)
		}
	}
	for _, w := range not {
		if strings.Contains(text, w) {
			t.Errorf("holds %q:\n%s", w, text)
		}
	}
}
