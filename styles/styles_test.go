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
	for name, s := range map[string]lipgloss.Style{"error": plain.Error, "badge": plain.BadgeBad, "level": plain.Level[LevelBad], "border": plain.BorderFocused, "warn": plain.Warn} {
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

func TestParseColorFGBG(t *testing.T) {
	for _, c := range []struct {
		in       string
		dark, ok bool
	}{
		{"15;0", true, true}, {"0;15", false, true}, {"7;8", true, true}, {"0;7", false, true},
		{"12;default;0", true, true}, {"0;default;11", false, true}, {"0;6", true, true}, {"0;9", false, true},
		{"", false, false}, {"15", false, false}, {"15;default", false, false}, {"0;16", false, false},
		{"0;-1", false, false}, {"a;b;c;d", false, false}, {"0;1;2;3", false, false},
	} {
		dark, ok := parseColorFGBG(c.in)
		if dark != c.dark || ok != c.ok {
			t.Errorf("parseColorFGBG(%q) = %v, %v; want %v, %v", c.in, dark, ok, c.dark, c.ok)
		}
	}
}
