package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/styles"
)

// TestWrappedItemsHang: a warning or error wrapped over several lines
// keeps its later lines under its text, not under its mark; an indented
// line keeps its indent; a panel too narrow to hang wraps the whole text.
func TestWrappedItemsHang(t *testing.T) {
	st := styles.New(styles.DefaultTheme(), false)
	tp := newTokenPanel(&st, time.Now, clipboard{})
	for _, tc := range []struct {
		w          int
		text, hang string
	}{
		{30, "! signature not checked: signed by API key devkey", "  "},
		{30, "✗ token is expired: exp was two hours before now", "  "},
		{30, "  the server's clock is ahead of this machine by 3 s", "  "},
		{30, "server not asked: connection refused by 127.0.0.1", ""},
		{3, "! no room", ""},
	} {
		tp.w = tc.w
		lines := tp.wrapped(st.Muted, tc.text)
		if len(lines) < 2 {
			t.Fatalf("%q at %d: %d line(s), want it wrapped", tc.text, tc.w, len(lines))
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > tc.w {
				t.Errorf("%q at %d: line %q is %d wide", tc.text, tc.w, ansi.Strip(l), w)
			}
		}
		for _, l := range lines[1:] {
			plain := ansi.Strip(l)
			if !strings.HasPrefix(plain, tc.hang) || (tc.hang == "" && strings.HasPrefix(plain, " ")) {
				t.Errorf("%q at %d: later line %q, want it to hang by %d", tc.text, tc.w, plain, len(tc.hang))
			}
		}
	}
}
