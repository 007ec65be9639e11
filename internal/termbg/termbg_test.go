package termbg

import (
	"fmt"
	"testing"
)

func TestOSCLen(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		ok   bool
		what string
	}{
		{"\x1b]11;rgb:0/0/0\x07", 15, true, "BEL-terminated"},
		{"\x1b]11;rgb:0/0/0\x1b\\x", 16, true, "ST-terminated, more after"},
		{"\x1b", 0, true, "lone ESC: could be the start"},
		{"\x1b]11;rgb:00", 0, true, "cut short"},
		{"\x1b]11;rgb:0/0/0\x1b", 0, true, "cut inside ST"},
		{"\x1b[A", 0, false, "an arrow key"},
		{"\x1b]1\x03", 0, false, "alt+], 1, ctrl+c"},
		{"\x1b]11\x1bx", 0, false, "ESC not starting ST"},
		{"\x1b]" + string(make([]byte, 70)), 0, false, "control bytes"},
	} {
		if n, ok := oscLen([]byte(c.in)); n != c.n || ok != c.ok {
			t.Errorf("%s: oscLen(%q) = %d, %v; want %d, %v", c.what, c.in, n, ok, c.n, c.ok)
		}
	}
	long := "\x1b]" + fmt.Sprintf("%070d", 0)
	if n, ok := oscLen([]byte(long)); n != 0 || ok {
		t.Errorf("an unterminated sequence past maxReply is not a reply: %d, %v", n, ok)
	}
}

func TestStrip(t *testing.T) {
	var replies []string
	b := []byte("a\x1b]11;rgb:ffff/ffff/ffff\x1b\\b\x1b[Ac\x1b]10;rgb:0/0/0\x07d\x1b]11;rg")
	n, tail := strip(b, func(p string) { replies = append(replies, p) })
	if got := string(b[:n]); got != "ab\x1b[Acd\x1b]11;rg" || tail != 7 {
		t.Errorf("strip left %q, tail %d", got, tail)
	}
	if fmt.Sprint(replies) != "[11;rgb:ffff/ffff/ffff 10;rgb:0/0/0]" {
		t.Errorf("replies %q", replies)
	}
}

func TestBackground(t *testing.T) {
	for _, c := range []struct {
		payload  string
		dark, ok bool
	}{
		{"11;rgb:0000/0000/0000", true, true},
		{"11;rgb:ffff/ffff/ffff", false, true},
		{"11;rgb:1e1e/1e1e/2e2e", true, true},
		{"11;rgb:fdfd/f6f6/e3e3", false, true}, // solarized light
		{"11;rgba:ffff/ffff/ffff/ffff", false, true},
		{"11;#ffffff", false, true},
		{"10;rgb:ffff/ffff/ffff", false, false}, // the foreground
		{"11;?", false, false},
		{"11;", false, false},
	} {
		if dark, ok := background(c.payload); dark != c.dark || ok != c.ok {
			t.Errorf("background(%q) = %v, %v; want %v, %v", c.payload, dark, ok, c.dark, c.ok)
		}
	}
}
