package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/internal/corpus"
	"github.com/lkdash/lkdash/tokens"
)

// hostile strings a token server or a peer could put in claims or events.
var hostile = []string{
	"\x1b]52;c;ZXZpbCBjbGlwYm9hcmQ=\x07",          // OSC 52: write the clipboard
	"\x1b[2J\x1b[H\x1b[31mred\x1b[0m",             // clear screen, colour
	"\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", // hyperlink
	"bell\x07 nul\x00 del\x7f c1\u009b31m",        // C0, DEL, C1 CSI
	"line1\nline2\r\nline3\ttab",
	strings.Repeat("A", 10*1024),
	strings.Repeat("界", 5000),
	"\u202eRTL override",
}

func hostileBackend(t testing.TB) *fakeBackend {
	c := baseClaims(t0, 10*time.Minute)
	c["sub"] = hostile[0] + hostile[6]
	c["name"] = hostile[1] + hostile[5]
	c["metadata"] = `{"x":"` + strings.ReplaceAll(hostile[0], "\x1b", `\u001b`) + `","big":"` + hostile[5] + `"}`
	c["attributes"] = map[string]string{hostile[2]: hostile[3], "k\nk": hostile[4], "big": hostile[6]}
	c["video"] = map[string]any{"room": hostile[1] + hostile[7], "roomJoin": true}
	c["roomConfig"] = map[string]any{"agents": []any{map[string]any{"agentName": hostile[0], "metadata": hostile[5]}}}
	c["iss"] = hostile[3]
	b := newFetchBackend(t)
	b.resp = tokens.Response{ServerURL: "ws://" + hostile[1], ParticipantToken: mintJWT(t, c)}
	return b
}

func TestHostileClaimsRenderInert(t *testing.T) {
	for _, sz := range [][2]int{{160, 40}, {100, 30}, {80, 24}, {60, 16}, {140, 60}} {
		m := fetched(t, testModel(t, newClock(), hostileBackend(t), sz[0], sz[1]))
		for _, h := range hostile {
			m = send(t, m, devProgressMsg{DevProgress: DevProgress{Line: h}})
		}
		m = send(t, m, keyMsg("tab")) // token panel: scroll through it all
		for range 40 {
			checkInert(t, m.View(), sz[0], sz[1])
			m = send(t, m, keyMsg("down"))
		}
		// an error carrying hostile text
		b := hostileBackend(t)
		b.err = errors.New(strings.Join(hostile, " "))
		m2 := fetched(t, testModel(t, newClock(), b, sz[0], sz[1]))
		checkInert(t, m2.View(), sz[0], sz[1])
	}
}

func checkInert(t *testing.T, v string, w, h int) {
	t.Helper()
	checkFrame(t, v, w, h)
	// With the Ascii profile the UI emits no escapes of its own, so any ESC,
	// BEL or C1 control in the frame came from hostile input.
	if i := strings.IndexFunc(v, func(r rune) bool {
		return r == 0x1b || r == 0x07 || r == 0 || r == '\r' || (r >= 0x80 && r <= 0x9f) || r == 0x7f
	}); i >= 0 {
		t.Fatalf("%dx%d: control character in view at %d: %q", w, h, i, v[max(i-20, 0):min(i+20, len(v))])
	}
}

func TestTooSmallThenGrow(t *testing.T) {
	m := testModel(t, newClock(), newFetchBackend(t), 40, 10)
	m = send(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	checkFrame(t, m.View(), 100, 30)
	if !strings.Contains(m.View(), "Source") {
		t.Fatal("no dashboard after growing")
	}
}

// TestCorpusTokensRenderInert: every token of the shared corpus (the
// malformed ones as fetch results that do not decode) renders inert at
// every size, and the hostile strings as room text too.
func TestCorpusTokensRenderInert(t *testing.T) {
	for _, c := range corpus.Tokens(t) {
		for _, sz := range [][2]int{{160, 40}, {80, 24}, {60, 16}} {
			b := newFetchBackend(t)
			b.resp.ParticipantToken = c.Raw
			m := fetched(t, testModel(t, newClock(), b, sz[0], sz[1]))
			for _, h := range corpus.Hostile(t) {
				m = send(t, m, devProgressMsg{DevProgress: DevProgress{Line: h}})
			}
			checkInert(t, m.View(), sz[0], sz[1])
		}
	}
}
