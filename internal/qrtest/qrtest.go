// Package qrtest reads a QR code drawn on a terminal with half blocks back
// the way a phone's camera sees it, and decodes it with ZXing: the tests
// of package invite and of the dashboard prove with it that what they draw
// carries the link. Only tests import it.
package qrtest

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

// Modules reads drawn (lines of half blocks; colour sequences are
// ignored) back into rows of modules, true for dark. lightInk says the
// drawn blocks are light (light text on a dark terminal); else they are
// the dark modules.
func Modules(drawn string, lightInk bool) ([][]bool, error) {
	var rows [][]bool
	for _, line := range strings.Split(strings.TrimSuffix(ansi.Strip(drawn), "\n"), "\n") {
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
				return nil, fmt.Errorf("qrtest: %q is no half block", r)
			}
			top = append(top, tInk != lightInk)
			bottom = append(bottom, bInk != lightInk)
		}
		rows = append(rows, top, bottom)
	}
	if len(rows) == 0 || len(rows[0]) == 0 {
		return nil, errors.New("qrtest: nothing drawn")
	}
	return rows, nil
}

// Decode scales modules into an image, 4 pixels a module, and reads it
// with ZXing's QR code reader.
func Decode(mods [][]bool) (string, error) {
	const px = 4
	h, w := len(mods), len(mods[0])
	img := image.NewGray(image.Rect(0, 0, w*px, h*px))
	for y := range h * px {
		for x := range w * px {
			c := color.Gray{Y: 255}
			if x/px < len(mods[y/px]) && mods[y/px][x/px] {
				c = color.Gray{Y: 0}
			}
			img.SetGray(x, y, c)
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		return "", fmt.Errorf("qrtest: the drawn code does not decode: %w", err)
	}
	return res.GetText(), nil
}
