package ui

import (
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

// TestTabBarKeepsEveryKey: in the narrow layout every panel's number key
// stays on the tab bar, however long the titles, and the bar never wraps.
func TestTabBarKeepsEveryKey(t *testing.T) {
	for _, w := range []int{MinWidth, 80, 100} {
		b := newFetchBackend(t)
		b.sess = newFakeSession(b.resp)
		m := joinNow(t, fetched(t, testModel(t, newClock(), b, w, 24))) // the long titles: "Token (…)", "Roster (N)"
		for focus := range panelSlots {
			m.focus = focus
			bar := m.tabBar()
			if got := lipgloss.Width(bar); got > w {
				t.Errorf("width %d, focus %d: bar is %d wide: %q", w, focus, got, bar)
			}
			if strings.Contains(bar, "…") {
				t.Errorf("width %d, focus %d: bar was cut: %q", w, focus, bar)
			}
			for i := range panelSlots {
				if !strings.Contains(bar, strconv.Itoa(i+1)) {
					t.Errorf("width %d, focus %d: key %d missing from %q", w, focus, i+1, bar)
				}
			}
		}
	}
}
