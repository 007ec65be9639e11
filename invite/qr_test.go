package invite

import (
	"image"
	"image/color"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

// modulesOf reads a rendered code back into modules (true for dark), the
// way a camera sees the terminal: which halves are inked, and whether ink
// is dark (colours, light terminal) or light (dark terminal).
func modulesOf(t *testing.T, drawn string, style Style) [][]bool {
	t.Helper()
	drawn = strings.ReplaceAll(strings.ReplaceAll(drawn, "\x1b[30;107m", ""), "\x1b[0m", "")
	var rows [][]bool
	for _, line := range strings.Split(strings.TrimSuffix(drawn, "\n"), "\n") {
		var top, bottom []bool
		for _, r := range line {
			var tInk, bInk bool
			switch r {
			case ' ':
			case '▀':
				tInk = true
			case '▄':
				bInk = true
			case '█':
				tInk, bInk = true, true
			default:
				t.Fatalf("unexpected character %q in the drawn code", r)
			}
			dark := style != ForDarkTerminal // ink is dark unless the terminal draws light on dark
			top = append(top, tInk == dark)
			bottom = append(bottom, bInk == dark)
		}
		rows = append(rows, top, bottom)
	}
	return rows
}

// decode scales modules into an image and reads it with ZXing's decoder.
func decode(t *testing.T, mods [][]bool) string {
	t.Helper()
	const px = 4
	h, w := len(mods), len(mods[0])
	img := image.NewGray(image.Rect(0, 0, w*px, h*px))
	for y := range h * px {
		for x := range w * px {
			c := color.Gray{Y: 255}
			if mods[y/px][x/px] {
				c = color.Gray{Y: 0}
			}
			img.SetGray(x, y, c)
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		t.Fatalf("the drawn code does not decode: %v", err)
	}
	return res.GetText()
}

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
		if got := decode(t, modulesOf(t, drawn, style)); got != link {
			t.Errorf("style %d decodes to %q, want %q", style, got, link)
		}
		plain := strings.ReplaceAll(strings.ReplaceAll(drawn, "\x1b[30;107m", ""), "\x1b[0m", "")
		width := len([]rune(strings.SplitN(plain, "\n", 2)[0]))
		lines := strings.Count(drawn, "\n")
		if lines*2 < width || lines*2 > width+1 {
			t.Errorf("style %d: %d lines for %d columns; half blocks should make it square", style, lines, width)
		}
	}
}
