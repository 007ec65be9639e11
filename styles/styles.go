package styles

import (
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Level grades how close a token is to expiry; the lifetime bar and the
// countdown take their colour from it.
type Level int

const (
	LevelGood Level = iota // more than half the lifetime left
	LevelWarn
	LevelBad // under 10 % or under a minute, or expired
)

// Styles is every style the UI uses, built once from a Theme and passed down.
type Styles struct {
	NoColor bool

	Title, Status, Error, Muted, Faint, Label, Value lipgloss.Style
	// Warn is text to heed that is not an error: a media path through
	// TCP or a TURN relay.
	Warn      lipgloss.Style
	Key, Help lipgloss.Style

	BorderLine, BorderFocused lipgloss.Style // panel frame lines
	PanelTitle                lipgloss.Style
	Cursor                    lipgloss.Style // selected row in a form
	FieldError                lipgloss.Style

	BadgeGood, BadgeWarn, BadgeBad, BadgeInfo lipgloss.Style
	Level                                     [3]lipgloss.Style // text per Level
	BarEmpty                                  lipgloss.Style

	// progressFull and progressEmpty colour ProgressBar.
	progressFull, progressEmpty lipgloss.AdaptiveColor

	EventTime, EventType, EventText lipgloss.Style
	Refresh, RefreshDetail          lipgloss.Style // TokenRefreshed entries
	FlagOn, FlagOff                 lipgloss.Style
	// QR draws a QR code's lines: dark modules on a light ground (none
	// under NO_COLOR: the code is then drawn in the terminal's colours).
	QR lipgloss.Style
}

// BackgroundFromEnv reads the terminal's background from COLORFGBG, which
// rxvt, Konsole, iTerm2 and others set to "fg;bg" or "fg;default;bg" in
// ANSI colour numbers: a background of 0-6 or 8 is dark, 7 or 9-15 light.
// ok is false when it is unset or unreadable ("default", say).
func BackgroundFromEnv() (dark, ok bool) { return parseColorFGBG(os.Getenv("COLORFGBG")) }

func parseColorFGBG(v string) (dark, ok bool) {
	parts := strings.Split(v, ";")
	if len(parts) < 2 || len(parts) > 3 {
		return false, false
	}
	bg, err := strconv.Atoi(parts[len(parts)-1])
	if err != nil || bg < 0 || bg > 15 {
		return false, false
	}
	return bg <= 6 || bg == 8, true
}

// SetBackground says which shade of each theme colour to draw: the dark
// one on a dark background. lipgloss would otherwise ask the terminal,
// and wait up to five seconds for an answer that may never come.
func SetBackground(dark bool) { lipgloss.SetHasDarkBackground(dark) }

// NoColorFromEnv reports whether the NO_COLOR convention (no-color.org) asks
// for a colourless UI: any non-empty value counts.
func NoColorFromEnv() bool { return os.Getenv("NO_COLOR") != "" }

// Default builds the Styles for DefaultTheme, honouring NO_COLOR.
func Default() Styles { return New(DefaultTheme(), NoColorFromEnv()) }

// New builds Styles from t. With noColor every colour is dropped and
// emphasis falls back to bold, underline and reverse, which read on any
// terminal.
func New(t Theme, noColor bool) Styles {
	fg := func(c lipgloss.AdaptiveColor) lipgloss.Style {
		if noColor {
			return lipgloss.NewStyle()
		}
		return lipgloss.NewStyle().Foreground(c)
	}
	badge := func(c lipgloss.AdaptiveColor) lipgloss.Style {
		s := lipgloss.NewStyle().Bold(true).Padding(0, 1)
		if noColor {
			return s.Reverse(true)
		}
		return s.Foreground(t.BadgeText).Background(c)
	}
	s := Styles{NoColor: noColor}
	s.Title = fg(t.Accent).Bold(true)
	s.Status = fg(t.Muted)
	s.Error = fg(t.Bad).Bold(true)
	s.Warn = fg(t.Warn)
	s.Muted = fg(t.Muted)
	s.Faint = fg(t.Faint)
	s.Label = fg(t.Muted)
	s.Value = lipgloss.NewStyle()
	s.Key = fg(t.Accent)
	s.Help = fg(t.Muted)
	s.BorderLine = fg(t.Border)
	s.BorderFocused = fg(t.Accent)
	s.PanelTitle = fg(t.Accent).Bold(true)
	s.Cursor = fg(t.Accent).Bold(true)
	s.FieldError = fg(t.Bad)
	s.BadgeGood = badge(t.Good)
	s.BadgeWarn = badge(t.Warn)
	s.BadgeBad = badge(t.Bad)
	s.BadgeInfo = badge(t.Accent)
	s.Level = [3]lipgloss.Style{fg(t.Good), fg(t.Warn), fg(t.Bad).Bold(true)}
	s.BarEmpty = fg(t.Faint)
	if !noColor {
		s.progressFull, s.progressEmpty = t.Accent, t.Faint
	}
	s.EventTime = fg(t.Faint)
	s.EventType = fg(t.Accent)
	s.EventText = lipgloss.NewStyle()
	s.Refresh = fg(t.Refresh).Bold(true)
	s.RefreshDetail = fg(t.Refresh)
	s.FlagOn = fg(t.Good)
	s.FlagOff = fg(t.Faint)
	s.QR = lipgloss.NewStyle()
	if !noColor {
		s.QR = s.QR.Foreground(t.QRInk).Background(t.QRGround)
	}
	if noColor {
		s.Refresh = s.Refresh.Underline(true)
		s.Cursor = s.Cursor.Reverse(true)
		s.Warn = s.Warn.Underline(true)
	}
	return s
}

// Border returns the style and border for a panel frame; the focused panel
// gets a heavier line so focus shows even without colour.
func (s Styles) Border(focused bool) (lipgloss.Style, lipgloss.Border) {
	if focused {
		return s.BorderFocused, lipgloss.ThickBorder()
	}
	return s.BorderLine, lipgloss.RoundedBorder()
}

// ProgressBar is a bubbles progress bar width cells wide, without the
// percentage, in the theme's colours (none under NO_COLOR): bubbles takes
// colour strings rendered for a profile, not lipgloss styles, so the caller
// says which profile and background the bar is drawn for.
func (s Styles) ProgressBar(width int, profile termenv.Profile, darkBackground bool) progress.Model {
	pick := func(c lipgloss.AdaptiveColor) string {
		if darkBackground {
			return c.Dark
		}
		return c.Light
	}
	if s.NoColor {
		profile = termenv.Ascii
	}
	bar := progress.New(progress.WithWidth(width), progress.WithoutPercentage(), progress.WithColorProfile(profile),
		progress.WithSolidFill(pick(s.progressFull)))
	bar.EmptyColor = pick(s.progressEmpty)
	return bar
}
