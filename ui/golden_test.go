package ui

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/styles"
	"github.com/lkdash/lkdash/tokens"
)

// Golden snapshots of whole frames (Ascii profile, see init in
// helpers_test.go; fake clock; fake backend). Update with
// `go test ./ui -run Golden -update`.

// goldenSizes are the terminals every layout golden is taken at: the
// stacked layout with the token alone on top (80×24), with the form beside
// it (100×30), and every panel on screen (120×36, 160×45).
var goldenSizes = [][2]int{{80, 24}, {100, 30}, {120, 36}, {160, 45}}

func runGolden(t *testing.T, b *fakeBackend, waitFor string, msgs ...tea.Msg) {
	t.Helper()
	runGoldenAt(t, 160, 40, b, waitFor, msgs...)
}

// waitScreen among a golden's messages waits until the screen shows it
// before the next message is sent.
type waitScreen string

func runGoldenAt(t *testing.T, w, h int, b *fakeBackend, waitFor string, msgs ...tea.Msg) {
	t.Helper()
	clk := newClock()
	clk.Advance(10 * time.Second) // after every event below, so none is "in the future"
	goldenFrame(t, testModel(t, clk, b, w, h), w, h, waitFor, msgs...)
}

// goldenFrame runs m in a test program at w×h, sends msgs, waits for
// waitFor on screen and compares the final frame with the golden file.
func goldenFrame(t *testing.T, m Model, w, h int, waitFor string, msgs ...tea.Msg) {
	t.Helper()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	for _, msg := range msgs {
		if w, ok := msg.(waitScreen); ok {
			teatest.WaitFor(t, tm.Output(), func(out []byte) bool { return bytes.Contains(out, []byte(w)) },
				teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
			continue
		}
		tm.Send(msg)
	}
	if waitFor != "" {
		teatest.WaitFor(t, tm.Output(), func(out []byte) bool { return bytes.Contains(out, []byte(waitFor)) },
			teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	v := fm.View()
	checkInert(t, v, w, h)
	golden.RequireEqual(t, []byte(v))
}

// presetModel is `lkdash --url … --token …`: a literal source, fetched at
// start without a key pressed.
func presetModel(t *testing.T, clk *fakeClock, b *fakeBackend, w, h int) Model {
	t.Helper()
	st := styles.New(styles.DefaultTheme(), false)
	b.now, b.clock = clk.Now, clk
	m := New(Config{
		Spec:    source.Spec{Kind: source.KindLiteral, ServerURL: b.resp.ServerURL, Token: b.resp.ParticipantToken},
		Caching: true, Backend: b, Now: clk.Now, Styles: &st, Output: &strings.Builder{}, AutoFetch: true,
	})
	return send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
}

// TestGoldenLayouts: each size's first screen with a preset token (the
// decoded token, its identity and countdown, with no key pressed), and
// the same dashboard once joined into a busy room (the room's panels grow,
// the event log in front).
func TestGoldenLayouts(t *testing.T) {
	for _, sz := range goldenSizes {
		w, h := sz[0], sz[1]
		t.Run(fmt.Sprintf("%dx%d/preset", w, h), func(t *testing.T) {
			clk := newClock()
			clk.Advance(10 * time.Second)
			goldenFrame(t, presetModel(t, clk, newFetchBackend(t), w, h), w, h, "identity")
		})
		t.Run(fmt.Sprintf("%dx%d/joined", w, h), func(t *testing.T) {
			clk := newClock()
			clk.Advance(10 * time.Second)
			goldenFrame(t, presetModel(t, clk, rosterBackend(t), w, h), w, h, "active_speakers", waitScreen("identity"), keyMsg("j"))
		})
	}
}

func TestGoldenEmpty(t *testing.T) {
	runGolden(t, newFetchBackend(t), "")
}

func TestGoldenTokenRefreshed(t *testing.T) {
	runGolden(t, joinedBackend(t, true), "token_refreshed", keyMsg("j"))
}

func TestGoldenError(t *testing.T) {
	b := newFetchBackend(t)
	b.err = errors.New(`POST http://127.0.0.1:7890/token: HTTP 502 Bad Gateway: "<html><body>upstream down</body></html>"`)
	runGolden(t, b, "FAILED", keyMsg("f"))
}

func TestGoldenSmallTerminal(t *testing.T) {
	m := testModel(t, newClock(), newFetchBackend(t), 50, 12)
	v := m.View()
	if !strings.Contains(strings.ReplaceAll(v, "\n", " "), "needs at least 60×16") {
		t.Fatalf("small terminal view:\n%s", v)
	}
}

// joinedBackend has a session whose event channel already holds events.
func joinedBackend(t *testing.T, refresh bool) *fakeBackend {
	b := newFetchBackend(t)
	s := newFakeSession(b.resp)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	s.ch <- room.Connected{At: at(1), Room: "demo", Local: room.Participant{Identity: "alice", Name: "Alice", Kind: room.KindStandard, JoinedAt: at(1)},
		ServerVersion: "1.13.5", ServerURL: "ws://127.0.0.1:7880",
		Participants: []room.Participant{{Identity: "agent-7", Name: "Helper", Kind: room.KindAgent, JoinedAt: at(-60)}}}
	s.ch <- room.ParticipantJoined{At: at(3), Participant: room.Participant{Identity: "bob", Name: "Bob", Kind: room.KindStandard, JoinedAt: at(3)}}
	s.ch <- room.TrackPublished{At: at(4), Identity: "bob", Track: room.Track{SID: "TR_1", Kind: "audio", Source: "MICROPHONE"}}
	s.ch <- room.MetadataChanged{At: at(6), Identity: "alice", Local: true, Old: "", New: `{"role":"host"}`}
	if refresh {
		c := baseClaims(t0.Add(7*time.Second), 5*time.Minute)
		c["metadata"] = `{"role":"host"}`
		raw := mintJWT(t, c)
		dec, err := tokens.Decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		old, _ := tokens.Decode(b.resp.ParticipantToken)
		s.ch <- room.TokenRefreshed{At: at(7), Token: raw, Decoded: dec, Diff: tokens.Diff(old, dec)}
	}
	b.sess = s
	return b
}

func TestGoldenJoinedWithEvents(t *testing.T) {
	runGolden(t, joinedBackend(t, false), "metadata_changed", keyMsg("j"), keyMsg("tab"), keyMsg("tab"))
}

// rosterBackend: a joined room with people of every kind, tracks, quality
// and a speaker.
func rosterBackend(t *testing.T) *fakeBackend {
	b := joinedBackend(t, false)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	s := b.sess
	s.ch <- room.ParticipantJoined{At: at(5), Participant: room.Participant{Identity: "+15550100", Name: "Phone caller", Kind: room.KindSIP, JoinedAt: at(5),
		Metadata: `{"trunk":"main","caller":"+15550100"}`, Attributes: map[string]string{"sip.callStatus": "active"},
		Permissions: &room.Permissions{CanSubscribe: true, CanPublish: true}}}
	s.ch <- room.ParticipantJoined{At: at(6), Participant: room.Participant{Identity: "EG_recorder", Kind: room.KindEgress, JoinedAt: at(6)}}
	s.ch <- room.TrackPublished{At: at(7), Identity: "bob", Track: room.Track{SID: "TR_2", Kind: "video", Source: "CAMERA", MimeType: "video/VP8", Simulcast: true,
		Layers: []room.Layer{{Quality: "LOW", Width: 320, Height: 180}, {Quality: "HIGH", Width: 1280, Height: 720}}}}
	s.ch <- room.TrackMuted{At: at(8), Identity: "bob", Track: room.Track{SID: "TR_1", Kind: "audio", Source: "MICROPHONE", Muted: true}}
	s.ch <- room.ConnectionQuality{At: at(8), Qualities: map[string]string{"alice": "excellent", "bob": "good", "+15550100": "poor"}}
	s.ch <- room.ActiveSpeakers{At: at(9), Identities: []string{"+15550100"}}
	return b
}

func TestGoldenRosterWide(t *testing.T) {
	runGolden(t, rosterBackend(t), "active_speakers", keyMsg("j"), keyMsg("4"))
}

// Narrow: the roster alone, filtered by name ("ph": Phone caller).
func TestGoldenRosterNarrowFiltered(t *testing.T) {
	runGoldenAt(t, 80, 24, rosterBackend(t), "/ph", append([]tea.Msg{keyMsg("j"), keyMsg("4"), waitScreen("EG_recorder"), keyMsg("/")}, keys("p", "h")...)...)
}

// Details of the SIP caller: pretty metadata, attributes, permissions,
// history.
func TestGoldenRosterDetails(t *testing.T) {
	runGoldenAt(t, 100, 30, rosterBackend(t), "history", keyMsg("j"), keyMsg("4"), waitScreen("EG_recorder"), keyMsg("down"), keyMsg("down"), keyMsg("down"), keyMsg("enter"))
}

// The Doctor panel after a whole run: every check passing but TURN
// (the managed server hands out none), and a server whose addresses
// cannot be reached (the selection follows the failure); and the
// failing WebRTC check's details.
func TestGoldenDoctor(t *testing.T) {
	runs := map[string]func() []DoctorUpdate{"healthy": healthyRun, "failing": failingRun}
	for _, name := range []string{"healthy", "failing"} {
		for _, sz := range [][2]int{{100, 30}, {160, 45}} {
			w, h := sz[0], sz[1]
			t.Run(fmt.Sprintf("%s/%dx%d", name, w, h), func(t *testing.T) {
				b := newDoctorBackend(newFetchBackend(t), runs[name]())
				goldenFrame(t, doctorModel(t, b, w, h), w, h, "skipped in", keyMsg("D"))
			})
		}
	}
	t.Run("details/100x30", func(t *testing.T) {
		b := newDoctorBackend(newFetchBackend(t), failingRun())
		goldenFrame(t, doctorModel(t, b, 100, 30), 100, 30, "connectivity checks",
			keyMsg("D"), waitScreen("skipped in"), keyMsg("7"), keyMsg("enter"))
	})
}

// doctorModel is the dashboard on a backend that runs the doctor.
func doctorModel(t *testing.T, b *doctorBackend, w, h int) Model {
	t.Helper()
	clk := newClock()
	st := styles.New(styles.DefaultTheme(), false)
	b.now = clk.Now
	m := New(Config{
		Spec:    source.Spec{Kind: source.KindEndpoint, Endpoint: "http://127.0.0.1:7890/token", APIKey: "devkey", APISecret: "secret"},
		Options: tokens.Options{RoomName: "demo", ParticipantIdentity: "alice"},
		Caching: true, Backend: b, Now: clk.Now, Styles: &st, Output: &strings.Builder{},
	})
	return send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
}

// TestGoldenTokenWithoutURL is `lkdash --token X` with no server URL
// anywhere: the token is decoded at once with no key pressed, the form
// says a URL is needed to join, and neither the fetch nor a pressed j
// reaches the backend.
func TestGoldenTokenWithoutURL(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {100, 30}} {
		w, h := sz[0], sz[1]
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			clk := newClock()
			clk.Advance(10 * time.Second)
			b := newFetchBackend(t)
			b.now, b.clock = clk.Now, clk
			st := styles.New(styles.DefaultTheme(), false)
			m := send(t, New(Config{
				Spec:    source.Spec{Kind: source.KindLiteral, Token: b.resp.ParticipantToken},
				Caching: true, Backend: b, Now: clk.Now, Styles: &st, Output: &strings.Builder{}, AutoFetch: true,
			}), tea.WindowSizeMsg{Width: w, Height: h})
			goldenFrame(t, m, w, h, "", waitScreen("identity"), keyMsg("j"))
			b.mu.Lock()
			defer b.mu.Unlock()
			if len(b.fetches) != 0 || b.lastJoin.Spec.Kind != "" {
				t.Fatalf("a literal token without a URL reached the backend: %d fetches, join %+v", len(b.fetches), b.lastJoin.Spec)
			}
		})
	}
}
