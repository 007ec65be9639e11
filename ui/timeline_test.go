package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/styles"
	"github.com/lkdash/lkdash/tokens"
)

// sessionTimeline replays a session the way livekit-server v1.13.5 runs
// one: a one-minute join token, a refresh right after the join that
// extends it to ten minutes, then one every five minutes, each again ten
// minutes long. After the first refresh a reconnect presents it.
func sessionTimeline(t *testing.T, refreshes int, noColor bool) (timeline, *fakeClock) {
	t.Helper()
	clk := newClock()
	st := styles.New(styles.DefaultTheme(), noColor)
	tl := newTimeline(&st, clk.Now)
	orig := decodeOrFail(t, mintJWT(t, baseClaims(t0, time.Minute)))
	tl.observe(room.Connected{At: t0.Add(time.Second), Token: orig})
	at := t0.Add(time.Second)
	for i := 1; i <= refreshes; i++ {
		tok := decodeOrFail(t, mintJWT(t, baseClaims(at, 10*time.Minute)))
		tl.observe(room.TokenRefreshed{At: at, Decoded: tok})
		if i == 1 {
			tl.observe(room.ReconnectAttempt{At: at.Add(2 * time.Minute), Attempt: 1, Accepted: true,
				Presented: room.TokenRef{Refresh: 1, ExpiresAt: tok.ExpiresAt}})
		}
		at = at.Add(refreshCadence)
	}
	if refreshes == 0 {
		clk.Advance(20 * time.Second)
	} else {
		clk.Advance(at.Add(-refreshCadence).Sub(t0) + 30*time.Second)
	}
	return tl, clk
}

func decodeOrFail(t *testing.T, raw string) *tokens.Token {
	t.Helper()
	tok, err := tokens.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestTimelineGolden snapshots the timeline at 80 and 120 columns with 0,
// 1 and 5 refreshes, and checks every line fits.
func TestTimelineGolden(t *testing.T) {
	for _, w := range []int{80, 120} {
		for _, n := range []int{0, 1, 5} {
			t.Run(fmt.Sprintf("%dcols_%drefreshes", w, n), func(t *testing.T) {
				tl, _ := sessionTimeline(t, n, false)
				tl.SetSize(w, 14)
				v := tl.View()
				for i, line := range strings.Split(v, "\n") {
					if lw := ansi.StringWidth(line); lw > w {
						t.Errorf("line %d is %d cells wide, over %d: %q", i, lw, w, line)
					}
				}
				golden.RequireEqual(t, []byte(v))
			})
		}
	}
}

// TestTimelineShowsTheExtension: a one-minute token extended to ten
// minutes by its first refresh reads as a short bar over a long one, the
// headline says how far the expiry moved, and the reconnect mark sits on
// the token it presented.
func TestTimelineShowsTheExtension(t *testing.T) {
	tl, _ := sessionTimeline(t, 1, true)
	tl.SetSize(80, 14)
	lines := strings.Split(tl.View(), "\n")
	var orig, ref string
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "original"):
			orig = l
		case strings.HasPrefix(l, "refresh #1"):
			ref = l
		}
	}
	if !strings.Contains(lines[0], "expiry moved +9m1s") {
		t.Errorf("headline %q", lines[0])
	}
	if strings.Count(ref, string(glyphValid)) < 4*strings.Count(orig, string(glyphValid)) {
		t.Errorf("the refreshed bar should be far longer than the original's:\n%s\n%s", orig, ref)
	}
	if !strings.Contains(ref, string(glyphReconnect)) || strings.Contains(orig, string(glyphReconnect)) {
		t.Errorf("the reconnect should be marked on refresh #1 only:\n%s\n%s", orig, ref)
	}
	if !strings.Contains(orig, "1m") || !strings.Contains(ref, "+9m1s") {
		t.Errorf("rows should note the original's lifetime and the refresh's change:\n%s\n%s", orig, ref)
	}
}

// TestTimelineZoomAndSmall: z zooms on the session; tiny sizes and no
// tokens give a short message, never a panic.
func TestTimelineZoomAndSmall(t *testing.T) {
	tl, _ := sessionTimeline(t, 5, false)
	tl.SetSize(80, 14)
	whole := tl.View()
	tl, _ = tl.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("z")})
	zoomed := tl.View()
	if whole == zoomed || !strings.Contains(zoomed, "zoomed") {
		t.Errorf("z should zoom on the session:\n%s", zoomed)
	}
	tl.SetSize(10, 2)
	if v := tl.View(); ansi.StringWidth(v) > 10 {
		t.Errorf("small view %q", v)
	}
	st := styles.New(styles.DefaultTheme(), true)
	empty := newTimeline(&st, time.Now)
	empty.SetSize(80, 10)
	if !strings.Contains(empty.View(), "No tokens yet") {
		t.Errorf("empty view %q", empty.View())
	}
}
