// Package styles holds lkdash's one theme and the one Styles struct built
// from it. No other package names a colour.
package styles

import "github.com/charmbracelet/lipgloss"

// Theme is the palette. Adaptive colours pick a shade for light or dark
// terminals, so the dashboard reads on both without a setting. Body text
// has no colour: it is drawn in the terminal's own foreground, which reads
// on its background even before the background is known.
type Theme struct {
	Muted, Faint    lipgloss.AdaptiveColor
	Accent          lipgloss.AdaptiveColor // focus, titles
	Good, Warn, Bad lipgloss.AdaptiveColor // lifetime bar, badges
	Refresh         lipgloss.AdaptiveColor // TokenRefreshed entries
	Border          lipgloss.AdaptiveColor
	BadgeText       lipgloss.AdaptiveColor // text on a coloured badge
	// QRInk and QRGround draw a QR code: scanners want dark modules on a
	// light ground whatever the terminal's background, so they do not
	// adapt. Basic ANSI colours, which every colour terminal has.
	QRInk, QRGround lipgloss.Color
}

// DefaultTheme is the palette lkdash ships with.
func DefaultTheme() Theme {
	return Theme{
		Muted:     lipgloss.AdaptiveColor{Light: "#59636e", Dark: "#9198a1"},
		Faint:     lipgloss.AdaptiveColor{Light: "#8c959f", Dark: "#5c636b"},
		Accent:    lipgloss.AdaptiveColor{Light: "#0969da", Dark: "#58a6ff"},
		Good:      lipgloss.AdaptiveColor{Light: "#1a7f37", Dark: "#3fb950"},
		Warn:      lipgloss.AdaptiveColor{Light: "#9a6700", Dark: "#d29922"},
		Bad:       lipgloss.AdaptiveColor{Light: "#cf222e", Dark: "#f85149"},
		Refresh:   lipgloss.AdaptiveColor{Light: "#8250df", Dark: "#bc8cff"},
		Border:    lipgloss.AdaptiveColor{Light: "#d1d9e0", Dark: "#3d444d"},
		BadgeText: lipgloss.AdaptiveColor{Light: "#ffffff", Dark: "#0d1117"},
		QRInk:     lipgloss.Color("0"),  // black
		QRGround:  lipgloss.Color("15"), // bright white
	}
}
