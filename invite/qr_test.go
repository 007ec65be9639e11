package invite

import (
	"strings"
	"testing"

	"github.com/lkdash/lkdash/internal/qrtest"
)

// TestQRDecodesToTheLink draws a Meet link in every style, reads the
// characters back as a camera would see them and decodes the image.
func TestQRDecodesToTheLink(t *testing.T) {
	inv := Invite{ServerURL: "wss://demo.example.livekit.cloud", Token: "eyJhbGciOiJIUzI1NiJ9." + strings.Repeat("x", 300) + ".sig-_"}
	link := inv.MeetURL()
	qr, err := NewQR(link)
	if err != nil {
		t.Fatal(err)
	}
	for _, style := range []Style{Colored, ForDarkTerminal, ForLightTerminal} {
		drawn := qr.Render(style)
		mods, err := qrtest.Modules(drawn, style == ForDarkTerminal)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := qrtest.Decode(mods); err != nil || got != link {
			t.Errorf("style %d decodes to %q (%v), want %q", style, got, err, link)
		}
		plain := strings.ReplaceAll(strings.ReplaceAll(drawn, "\x1b[30;107m", ""), "\x1b[0m", "")
		width := len([]rune(strings.SplitN(plain, "\n", 2)[0]))
		lines := strings.Count(drawn, "\n")
		if lines*2 < width || lines*2 > width+1 {
			t.Errorf("style %d: %d lines for %d columns; half blocks should make it square", style, lines, width)
		}
	}
}
