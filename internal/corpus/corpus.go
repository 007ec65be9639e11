// Package corpus gives tests in every package the inputs they share, kept
// in the module's top-level testdata/: a token corpus (well-formed,
// malformed and hostile JWTs, made by corpus_test.go) and strings a server
// or a peer could use to attack a terminal.
package corpus

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Token is one file of testdata/tokens: Name is the file's name without
// ".jwt", Raw its content without the final newline.
type Token struct {
	Name, Raw string
}

// Tokens reads the token corpus, sorted by name.
func Tokens(tb testing.TB) []Token {
	tb.Helper()
	dir := filepath.Join(Dir(tb), "tokens")
	paths, err := filepath.Glob(filepath.Join(dir, "*.jwt"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no token corpus in %s: %v", dir, err)
	}
	sort.Strings(paths)
	out := make([]Token, 0, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, Token{Name: strings.TrimSuffix(filepath.Base(p), ".jwt"), Raw: strings.TrimSuffix(string(b), "\n")})
	}
	return out
}

// TokenNamed is the corpus token called name.
func TokenNamed(tb testing.TB, name string) string {
	tb.Helper()
	for _, t := range Tokens(tb) {
		if t.Name == name {
			return t.Raw
		}
	}
	tb.Fatalf("no token %q in the corpus", name)
	return ""
}

// Hostile reads testdata/hostile.json: terminal escape sequences and
// control characters (OSC 52 clipboard writes, screen clears, hyperlinks,
// C0/C1 controls, bidi overrides).
func Hostile(tb testing.TB) []string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(Dir(tb), "hostile.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	if err := json.Unmarshal(b, &out); err != nil {
		tb.Fatalf("hostile.json: %v", err)
	}
	return out
}

// Dir is the module's testdata directory, found from the test's working
// directory (its package's) by walking up to go.mod.
func Dir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "testdata")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}
