package textsafe

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "hello world", "hello world"},
		{"unicode kept", "héllo 世界 🎉", "héllo 世界 🎉"},
		{"newline kept", "a\nb", "a\nb"},
		{"tab to space", "a\tb", "a b"},
		{"carriage return", "a\rb", "ab"},
		{"clear screen", "x\x1b[2Jy", "xy"},
		{"sgr colour", "\x1b[31;1mred\x1b[0m", "red"},
		{"csi private", "\x1b[?1049hz", "z"},
		{"osc 52 bel", "a\x1b]52;c;aGVsbG8=\x07b", "ab"},
		{"osc 52 st", "a\x1b]52;c;aGVsbG8=\x1b\\b", "ab"},
		{"osc title", "\x1b]0;pwned\x07ok", "ok"},
		{"osc 8 link", "\x1b]8;;https://evil\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"osc unterminated", "a\x1b]52;c;aGVsbG8=", "a"},
		{"dcs", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
		{"apc", "a\x1b_Gf=100;AAAA\x1b\\b", "ab"},
		{"pm and sos", "a\x1b^pm\x1b\\b\x1bXsos\x1b\\c", "abc"},
		{"bel", "ding\x07!", "ding!"},
		{"nul and del", "a\x00b\x7fc", "abc"},
		{"two-byte escape", "a\x1bcb\x1b7c\x1b(Bd", "abcd"},
		{"trailing esc", "abc\x1b", "abc"},
		{"c1 csi", "a\u009b2Jb", "ab"},
		{"c1 osc", "a\u009d52;c;eA==\u009cb", "ab"},
		{"c1 other", "a\u0085b\u0090c", "ab"},
		{"invalid utf8", "a\xffb\xc3", "a\ufffdb\ufffd"},
		{"raw c1 byte is invalid utf8", "a\x9b2Jb", "a\ufffd2Jb"},
		{"bidi override", "abc\u202egnp.exe", "abcgnp.exe"},
		{"bidi isolates", "\u2066a\u2067b\u2068c\u2069", "abc"},
		{"bidi embeddings", "\u202aa\u202bb\u202cc\u202d", "abc"},
		{"bidi marks", "a\u200eb\u200fc\u061cd", "abcd"},
		{"arabic and hebrew kept", "שלום مرحبا", "שלום مرحبا"},
		{"osc aborted by csi", "a\x1b]0;t\x1b[2Jb", "ab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLine(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		width int
		want  string
	}{
		{"fits", "hello", 10, "hello"},
		{"exact", "hello", 5, "hello"},
		{"truncated", "hello world", 8, "hello w…"},
		{"newlines to spaces", "a\nb\nc", 10, "a b c"},
		{"wide runes", "世界世界", 5, "世界…"},
		{"zero width", "abc", 0, ""},
		{"negative width", "abc", -1, ""},
		{"one cell", "abc", 1, "…"},
		{"escapes do not count", "\x1b[31mred\x1b[0m", 3, "red"},
		{"hostile", "\x1b]52;c;eA==\x07\x1b[2Jname\u202e", 20, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Line(tt.in, tt.width)
			if got != tt.want {
				t.Errorf("Line(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
			}
			if tt.width > 0 && ansi.StringWidth(got) > tt.width {
				t.Errorf("Line(%q, %d) is %d cells wide", tt.in, tt.width, ansi.StringWidth(got))
			}
		})
	}
}

// inert reports whether s can be written to a terminal without effect
// beyond printing: no controls except newline, no bidi formatting, valid UTF-8.
func inert(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if (isControl(r) && r != '\n') || isBidi(r) {
			return false
		}
	}
	return true
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[2J", "\x1b]52;c;eA==\x07", "\u202e", "\xff\x1b", "a\u009b1;2m", "\x1bP\x1b\\"} {
		f.Add(s, 10)
	}
	f.Fuzz(func(t *testing.T, s string, width int) {
		c := Clean(s)
		if !inert(c) {
			t.Fatalf("Clean(%q) = %q is not inert", s, c)
		}
		if Clean(c) != c {
			t.Fatalf("Clean is not idempotent on %q", s)
		}
		width %= 200
		l := Line(s, width)
		if !inert(l) || strings.Contains(l, "\n") {
			t.Fatalf("Line(%q) = %q is not one inert line", s, l)
		}
		if width > 0 && ansi.StringWidth(l) > width {
			t.Fatalf("Line(%q, %d) = %q is %d cells", s, width, l, ansi.StringWidth(l))
		}
	})
}

func BenchmarkClean(b *testing.B) {
	plain := strings.Repeat("participant name ", 8)
	hostile := strings.Repeat("a\x1b[31mb\x1b]52;c;eA==\x07\u202ec", 8)
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			Clean(plain)
		}
	})
	b.Run("hostile", func(b *testing.B) {
		for b.Loop() {
			Clean(hostile)
		}
	})
}
