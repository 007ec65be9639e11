package cli

import (
	"bytes"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/lkdash/lkdash/internal/lktest"
	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/tokens"
	"github.com/lkdash/lkdash/ui"
)

// TestDashboardRoomCloses runs the dashboard on the live backend against
// a server whose rooms close 3 s after the last participant leaves: the
// Room panel shows the server's settings, "i" gets an invite minted with
// the key pair, and after leaving the panel says when the room closed,
// asked of the server's RoomService, close to what it predicted.
func TestDashboardRoomCloses(t *testing.T) {
	t.Parallel()
	srv := lktest.DedicatedWith(t, "room: {departure_timeout: 3}")
	m := ui.New(ui.Config{
		Spec:    source.Spec{Kind: source.KindMint, ServerURL: srv.URL, APIKey: srv.APIKey, APISecret: srv.APISecret, Grants: tokens.DefaultGrants()},
		Options: tokens.Options{RoomName: "closing", ParticipantIdentity: "host"},
		Backend: newBackend(nil), Output: io.Discard,
	})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(160, 45))
	wait := func(what string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(time.Minute), teatest.WithCheckInterval(50*time.Millisecond))
	}
	key := func(k string) { tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}) }
	key("j")
	wait("· joined")
	key("8")
	wait("departure_timeout 3 s")
	key("i")
	wait("INVITE")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	wait("meet.livekit.io")
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	key("l")
	wait("The room closed")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	v := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).View()
	// The panel wraps its sentences: read it as words.
	got := regexp.MustCompile(`The room closed (\d+) s after you left \(departure_timeout 3 s\)`).FindStringSubmatch(panelWords(v))
	if got == nil {
		t.Fatalf("no verdict on the Room panel:\n%s", v)
	}
	// livekit-server counts whole seconds and looks once a second: a room
	// closes up to a second early or a couple of seconds late.
	if n, _ := strconv.Atoi(got[1]); n < 2 || n > 6 {
		t.Errorf("the room closed %d s after leaving; its departure_timeout is 3 s", n)
	}
	t.Logf("%s", got[0])
}

// panelWords is the text of a frame's right-hand boxes as one line of
// words: what a wrapped sentence says.
func panelWords(frame string) string {
	var parts []string
	for _, l := range strings.Split(frame, "\n") {
		if i := strings.Index(l, "┃"); i >= 0 {
			parts = append(parts, strings.Trim(l[i:], "┃"))
		}
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}
