// Package termbg learns the terminal's background colour without making
// anything wait for it. The dashboard asks once Bubble Tea runs, draws its
// first frame in the default (dark) shades, and redraws in the right ones
// when the terminal answers; a terminal that never answers just keeps the
// default.
//
// The answer, an OSC 11 reply such as "\x1b]11;rgb:ffff/ffff/ffff\x1b\\",
// arrives on the same input as the user's keys, and Bubble Tea v1 does not
// recognise it: unfiltered, it reaches the model as alt+], a run of
// characters (typed into a focused field) and alt+\, or, split across two
// reads, as Escape and more characters. Input sits between the terminal
// and Bubble Tea and takes every OSC sequence out of what Bubble Tea
// reads, including one split across reads. Importing this package also
// keeps Bubble Tea from querying the terminal before main (see noprobe).
package termbg

import (
	"image/color"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/internal/noprobe"
)

func init() {
	// Bubble Tea's init, which this package's imports run first, is over.
	noprobe.Restore()
}

const (
	esc = 0x1b
	bel = 0x07
	// query asks for the background colour (xterm's OSC 11).
	query = "\x1b]11;?\x1b\\"
	// maxReply bounds an OSC reply; the longest background answer,
	// "\x1b]11;rgba:ffff/ffff/ffff/ffff\x1b\\", is 33 bytes. Longer is
	// not a reply.
	maxReply = 64
)

// oscLen looks at s, which starts with ESC, for an OSC sequence: ESC ],
// printable text, then BEL or ESC \. It returns the sequence's length and
// true when s holds all of it, 0 and true when s ends before the sequence
// could (only a prefix is there), and 0 and false when s is something else.
// A control character inside, ctrl+c say, means it is not a reply.
func oscLen(s []byte) (n int, ok bool) {
	if len(s) < 2 {
		return 0, true
	}
	if s[1] != ']' {
		return 0, false
	}
	for i := 2; i < len(s) && i < maxReply; i++ {
		switch c := s[i]; {
		case c == bel:
			return i + 1, true
		case c == esc:
			if i+1 == len(s) {
				return 0, true
			}
			if s[i+1] == '\\' {
				return i + 2, true
			}
			return 0, false
		case c < 0x20 || c == 0x7f:
			return 0, false
		}
	}
	if len(s) < maxReply {
		return 0, true
	}
	return 0, false
}

// strip removes every complete OSC sequence from b in place, passing each
// to reply, and returns the length of what is left and how many bytes at
// its end are an OSC sequence still arriving (a lone ESC included).
func strip(b []byte, reply func(payload string)) (n, tail int) {
	for r := 0; r < len(b); {
		if b[r] != esc {
			b[n] = b[r]
			n, r = n+1, r+1
			continue
		}
		l, ok := oscLen(b[r:])
		switch {
		case l > 0:
			end := r + l - 2 // before ESC \
			if b[r+l-1] == bel {
				end = r + l - 1
			}
			reply(string(b[r+2 : end]))
			r += l
		case ok: // the rest of b is the start of one
			tail = copy(b[n:], b[r:])
			return n + tail, tail
		default:
			b[n] = b[r]
			n, r = n+1, r+1
		}
	}
	return n, 0
}

// background reads an OSC 11 reply's payload ("11;rgb:…"): whether the
// colour is dark, judged as termenv judges (HSL lightness under one half).
func background(payload string) (dark, ok bool) {
	spec, found := strings.CutPrefix(payload, "11;")
	if !found {
		return false, false
	}
	c := ansi.XParseColor(spec)
	if c == nil {
		return false, false
	}
	return lightness(c) < 0.5, true
}

func lightness(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	hi, lo := max(r, g, b), min(r, g, b)
	return float64(hi+lo) / 2 / 0xffff
}
