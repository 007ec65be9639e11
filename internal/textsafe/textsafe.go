// Package textsafe turns untrusted text (JWT claims, participant names and
// metadata, server messages) into inert printable text before it reaches a
// terminal. A token's "name" claim is attacker-controlled: printed raw it
// could clear the screen (ESC[2J), write the clipboard (OSC 52), retitle the
// window, or reorder what the reader sees (bidi overrides).
package textsafe

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

const (
	esc = 0x1b
	bel = 0x07
	// C1 controls as runes (UTF-8 encoded text can carry them as U+0080–U+009F).
	c1DCS = 0x90
	c1SOS = 0x98
	c1CSI = 0x9b
	c1ST  = 0x9c
	c1OSC = 0x9d
	c1PM  = 0x9e
	c1APC = 0x9f
)

// Clean returns s with every escape sequence (CSI, OSC, DCS, SOS, PM, APC and
// two-byte ESC sequences, in 7-bit and C1 forms) removed along with its
// payload, every other C0/C1 control character removed, tabs turned into a
// space, invalid UTF-8 replaced by U+FFFD and bidi embedding, override,
// isolate and mark characters removed. Newlines are kept.
func Clean(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune(utf8.RuneError)
			i += size
		case r == esc:
			i = skipEscape(s, i+1)
		case r == c1CSI:
			i = skipCSI(s, i+size)
		case r == c1OSC || r == c1DCS || r == c1SOS || r == c1PM || r == c1APC:
			i = skipString(s, i+size)
		case r == '\n':
			b.WriteByte('\n')
			i += size
		case r == '\t':
			b.WriteByte(' ')
			i += size
		case isControl(r) || isBidi(r):
			i += size
		default:
			b.WriteString(s[i : i+size])
			i += size
		}
	}
	return b.String()
}

// Line is Clean for a single line of a layout: newlines become spaces and
// the result is cut to at most width terminal cells, ending in "…" when cut.
// A width <= 0 gives "".
func Line(s string, width int) string {
	if width <= 0 {
		return ""
	}
	s = strings.ReplaceAll(Clean(s), "\n", " ")
	if ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// isPlain is the fast path: printable ASCII plus newline needs no copy.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 0x20 && c != '\n') || c >= 0x7f {
			return false
		}
	}
	return true
}

func isControl(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f)
}

// isBidi reports the explicit directional formatting characters that can
// make displayed text read differently from its logical order
// (LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI) and the invisible
// direction marks (LRM, RLM, ALM), the set the "Trojan Source" paper lists.
func isBidi(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x200e || r == 0x200f || r == 0x061c
}

// skipEscape skips what follows an ESC at s[i:] and returns the index after
// the sequence. An unfinished sequence swallows the rest of the string: it
// is safer to lose a tail than to emit half a sequence.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_':
		return skipString(s, i+1)
	}
	// nF sequences: intermediates 0x20–0x2F, then one final byte 0x30–0x7E.
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipCSI skips parameter (0x30–0x3F) and intermediate (0x20–0x2F) bytes and
// the final byte (0x40–0x7E). Any other byte ends the sequence without being
// consumed, so a stray control inside it is still handled by Clean.
func skipCSI(s string, i int) int {
	for i < len(s) {
		c := s[i]
		switch {
		case c >= 0x20 && c <= 0x3f:
			i++
		case c >= 0x40 && c <= 0x7e:
			return i + 1
		default:
			return i
		}
	}
	return i
}

// skipString skips an OSC/DCS/SOS/PM/APC payload up to and including its
// terminator: BEL, ESC \ or the C1 ST (U+009C). A bare ESC not followed by
// '\' also ends it (xterm aborts the string there) but is left for Clean to
// strip as the next sequence.
func skipString(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == bel:
			return i + 1
		case s[i] == esc:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i
		case strings.HasPrefix(s[i:], string(rune(c1ST))):
			return i + len(string(rune(c1ST)))
		}
		i++
	}
	return i
}
