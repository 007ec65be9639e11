package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/styles"
)

// devModel is a dashboard waiting for the embedded dev server, sized w×h.
func devModel(t *testing.T, w, h int) Model {
	t.Helper()
	st := styles.New(styles.DefaultTheme(), false)
	m := New(Config{Spec: source.Spec{Kind: source.KindEndpoint}, Backend: newFetchBackend(t), Now: newClock().Now,
		Styles: &st, Output: &strings.Builder{}, DevProgress: make(chan DevProgress)})
	return send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
}

func buildMsg(done, total int, elapsed, eta time.Duration) devProgressMsg {
	return devProgressMsg{DevProgress: DevProgress{Build: &devserver.BuildProgress{Done: done, Total: total, Elapsed: elapsed, ETA: eta}}}
}

func lineMsg(s string) devProgressMsg { return devProgressMsg{DevProgress: DevProgress{Line: s}} }

// TestDevProgressUpdate: build progress moves the header's bar and never
// the event log, which gets one line at the start, one at the end and the
// ready line; the bar goes once the server is ready.
func TestDevProgressUpdate(t *testing.T) {
	steps := []struct {
		name   string
		msg    tea.Msg
		header []string // substrings of the first line
		absent []string
		events int
	}{
		{"start line", lineMsg("building livekit-server v1.13.5 with go install…"),
			[]string{"dev server: building livekit-server v1.13.5"}, nil, 1},
		{"counting", buildMsg(0, 0, 3*time.Second, 0), []string{"building livekit-server", "counting packages · 3s"}, []string{"dev server:"}, 1},
		{"first packages", buildMsg(12, 789, 15*time.Second, 0), []string{"12/789 · 15s"}, []string{"left"}, 1},
		{"with an ETA", buildMsg(312, 789, 65*time.Second, 140*time.Second), []string{"█", "░", "312/789 · 1m5s · ~2m20s left"}, nil, 1},
		{"linking", buildMsg(789, 789, 250*time.Second, 0), []string{"789/789 · linking · 4m10s"}, nil, 1},
		{"end line", lineMsg("built livekit-server v1.13.5 in 4m20s (789 packages compiled)"),
			[]string{"dev server: built livekit-server"}, []string{"█"}, 2},
		{"ready", DevServerReadyMsg{EndpointURL: "http://127.0.0.1:7890/token", APIKey: "devkey", APISecret: "secret"},
			[]string{"dev server ready"}, []string{"building", "built"}, 3},
		{"closed", devProgressMsg{closed: true}, nil, []string{"building"}, 3},
	}
	m := devModel(t, 160, 30)
	for _, s := range steps {
		m = send(t, m, s.msg)
		header, _, _ := strings.Cut(m.View(), "\n")
		for _, w := range s.header {
			if !strings.Contains(header, w) {
				t.Errorf("%s: header lacks %q: %q", s.name, w, header)
			}
		}
		for _, w := range s.absent {
			if strings.Contains(header, w) {
				t.Errorf("%s: header has %q: %q", s.name, w, header)
			}
		}
		if n := m.evs.Len(); n != s.events {
			t.Errorf("%s: %d events, want %d", s.name, n, s.events)
		}
	}
}

// TestGoldenDevBuild snapshots a frame mid-build at 100×30.
func TestGoldenDevBuild(t *testing.T) {
	m := devModel(t, 100, 30)
	m = send(t, m, lineMsg("building livekit-server v1.13.5 with go install (first run only, takes a few minutes)…"),
		buildMsg(312, 789, 65*time.Second, 140*time.Second))
	v := m.View()
	checkInert(t, v, 100, 30)
	golden.RequireEqual(t, []byte(v))
}
