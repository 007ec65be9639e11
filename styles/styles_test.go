package styles

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

func TestNoColorDropsColours(t *testing.T) {
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.TrueColor)
	lipgloss.SetDefaultRenderer(r)
	t.Cleanup(func() { lipgloss.SetDefaultRenderer(lipgloss.NewRenderer(nil)) })

	colour := New(DefaultTheme(), false)
	if out := colour.Error.Render("x"); !strings.Contains(out, "38;2;") {
		t.Fatalf("colour styles emit no colour: %q", out)
	}
	plain := New(DefaultTheme(), true)
	for name, s := range map[string]lipgloss.Style{"error": plain.Error, "badge": plain.BadgeBad, "level": plain.Level[LevelBad], "border": plain.BorderFocused} {
		if out := s.Render("x"); strings.Contains(out, "38;") || strings.Contains(out, "48;") {
			t.Errorf("NO_COLOR %s style emits colour: %q", name, out)
		}
	}
	// Badges stay distinguishable without colour.
	if out := plain.BadgeBad.Render("x"); !strings.Contains(out, "\x1b[") {
		t.Errorf("NO_COLOR badge has no emphasis: %q", out)
	}
}

func TestNoColorFromEnv(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	if !NoColorFromEnv() || !Default().NoColor {
		t.Fatal("NO_COLOR=1 ignored")
	}
	t.Setenv("NO_COLOR", "")
	if NoColorFromEnv() {
		t.Fatal("empty NO_COLOR counted")
	}
}
