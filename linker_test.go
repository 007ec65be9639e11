package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLinkerDropsUnusedMethods: nothing in lkdash reaches a reflect call
// that looks a method up by a name known only at run time. Executing a
// text/template is the usual one (cobra's usage and help templates use
// it); once the linker sees such a call it must keep every exported method
// of every type in the binary, which cost lkdash 10 MB of its 48.
func TestLinkerDropsUnusedMethods(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "build", "-ldflags=-dumpdep", "-o", filepath.Join(t.TempDir(), "lkdash"), ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%.2000s", err, out)
	}
	// -dumpdep prints "parent -> symbol" as the linker first marks each
	// reachable symbol, flagging with <ReflectMethod> those that make it
	// keep all methods.
	parent := map[string]string{}
	var culprits []string
	for line := range strings.Lines(string(out)) {
		from, to, ok := strings.Cut(strings.TrimSpace(line), " -> ")
		if !ok {
			continue
		}
		if strings.Contains(to, "<ReflectMethod>") {
			culprits = append(culprits, symbolName(to))
		}
		if to = symbolName(to); parent[to] == "" {
			parent[to] = symbolName(from)
		}
	}
	if len(out) < 1000 {
		t.Fatalf("go build -ldflags=-dumpdep printed no dependency dump:\n%s", out)
	}
	for _, c := range culprits {
		chain := []string{c}
		for s := parent[c]; s != "" && s != "_" && len(chain) < 30; s = parent[s] {
			chain = append(chain, s)
		}
		t.Errorf("%s calls reflect's Method or MethodByName with a run-time name, so the linker keeps every exported method; reached through:\n  %s",
			c, strings.Join(chain, "\n  "))
	}
}

// symbolName drops -dumpdep's flags (" <UsedInIface>") from a symbol.
func symbolName(s string) string {
	name, _, _ := strings.Cut(strings.TrimSpace(s), " <")
	return name
}
