package invite

import (
	"fmt"
	"strings"

	"github.com/yeqown/go-qrcode/v2"
)

// QuietZone is the light margin around a QR code, in modules, that the
// standard asks for (ISO/IEC 18004: four); scanners find codes with less
// less reliably.
const QuietZone = 4

// QRCode is a QR code ready to draw.
type QRCode struct {
	Modules [][]bool // rows of modules, true for dark, quiet zone included
}

// NewQR encodes text (byte mode, error correction L: a screen does not
// smudge, and a token-sized link then fits 90 columns) with
// github.com/yeqown/go-qrcode/v2.
func NewQR(text string) (QRCode, error) {
	qr, err := qrcode.NewWith(text, qrcode.WithEncodingMode(qrcode.EncModeByte),
		qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionLow))
	if err != nil {
		return QRCode{}, fmt.Errorf("invite: encoding the QR code: %w", err)
	}
	var grab matrixGrabber
	if err := qr.Save(&grab); err != nil {
		return QRCode{}, fmt.Errorf("invite: encoding the QR code: %w", err)
	}
	bits := grab.bits
	n := len(bits) + 2*QuietZone
	mods := make([][]bool, n)
	for y := range mods {
		mods[y] = make([]bool, n)
		if y >= QuietZone && y < n-QuietZone {
			copy(mods[y][QuietZone:], bits[y-QuietZone])
		}
	}
	return QRCode{Modules: mods}, nil
}

// matrixGrabber is a qrcode.Writer that keeps the modules.
type matrixGrabber struct{ bits [][]bool }

func (g *matrixGrabber) Write(m qrcode.Matrix) error { g.bits = m.Bitmap(); return nil }
func (g *matrixGrabber) Close() error                { return nil }

// Style says how a QR code is drawn on a terminal.
type Style int

// Styles. A scanner needs dark modules on a light ground; a terminal's
// own colours may be either way round.
const (
	// Colored sets black on bright white with ANSI colours: right on any
	// terminal that shows colours.
	Colored Style = iota
	// ForDarkTerminal draws without colours for light text on a dark
	// background: the light modules are the drawn ones.
	ForDarkTerminal
	// ForLightTerminal draws without colours for dark text on a light
	// background: the dark modules are the drawn ones.
	ForLightTerminal
)

// Half blocks put two modules in one character cell (top, bottom), so the
// code is as tall as it is wide on a terminal's 1:2 cells.
var halfBlocks = [2][2]string{{" ", "▄"}, {"▀", "█"}} // [top inked][bottom inked]

// Render draws the code with half blocks, one line per two rows of modules.
func (q QRCode) Render(style Style) string {
	var b strings.Builder
	n := len(q.Modules)
	for y := 0; y < n; y += 2 {
		if style == Colored {
			b.WriteString("\x1b[30;107m")
		}
		for x := 0; x < n; x++ {
			// Below an odd last row is more quiet zone: light.
			top, bottom := q.Modules[y][x], y+1 < n && q.Modules[y+1][x]
			if style == ForDarkTerminal { // ink the light modules
				top, bottom = !top, !bottom
			}
			b.WriteString(halfBlocks[b2i(top)][b2i(bottom)])
		}
		if style == Colored {
			b.WriteString("\x1b[0m")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func b2i(v bool) int {
	if v {
		return 1
	}
	return 0
}
