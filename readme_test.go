package main

import (
	"bytes"
	"context"
	"go/format"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/tokens"
)

// TestReadmeGoProgram copies the README's "Use from Go" program verbatim
// into a fresh module that requires lkdash (replaced by this checkout),
// builds it offline from the module cache the repo's own build filled, and
// runs it against a real livekit-server.
func TestReadmeGoProgram(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	src := readmeGoBlock(t, string(readme), "## Use from Go")
	if formatted, err := format.Source([]byte(src)); err != nil {
		t.Fatalf("the README's Go program does not parse: %v", err)
	} else if !bytes.Equal(formatted, []byte(src)) {
		t.Errorf("the README's Go program is not gofmt-formatted; format it as:\n%s", formatted)
	}

	repo, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	goMod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goSum, err := os.ReadFile("go.sum")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// lkdash's own requirements, copied, make the module complete as `go
	// mod tidy` would: without them go loads the whole module graph, and
	// needs go.mod files of old versions (go 1.16 modules are not pruned)
	// that a fresh module cache does not hold.
	mod := "module readmeprogram\n\n" + goDirective(t, string(goMod)) + "\n\n" +
		"require github.com/lkdash/lkdash v0.0.0\n\n" + requireBlocks(string(goMod)) +
		"replace github.com/lkdash/lkdash => " + repo + "\n"
	for name, data := range map[string][]byte{"go.mod": []byte(mod), "go.sum": goSum, "main.go": []byte(src)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "program"), ".")
	cmd.Dir = dir
	// -mod=mod lets go complete the new module's requirements from lkdash's
	// go.mod; GOPROXY=off keeps it to the module cache, which `go test`
	// already filled for the repo.
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the README's Go program does not build in a fresh module: %v\n%s\nprogram:\n%s", err, out, src)
	}

	// Run it as the README says: against a token endpoint for a real
	// server, until the server's first refreshed token.
	srv, err := devserver.Start(context.Background(), devserver.Config{LogDir: t.TempDir()})
	if err != nil {
		t.Fatalf("cannot start livekit-server: %v", err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	endpoint := httptest.NewServer(tokens.NewHandler(tokens.HandlerConfig{ServerURL: srv.URL,
		APIKey: srv.APIKey, APISecret: srv.APISecret, Log: slog.New(slog.DiscardHandler)}))
	defer endpoint.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run := exec.CommandContext(ctx, filepath.Join(dir, "program"))
	run.Env = append(os.Environ(), "TOKEN_ENDPOINT="+endpoint.URL)
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("the README's program failed: %v\n%s", err, out)
	}
	for _, want := range []string{"token for go-watcher at " + srv.URL, `{"type":"connected",`, `{"type":"token_refreshed",`, "refreshed: lifetime"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the README's program should print %q:\n%s", want, out)
		}
	}
}

// readmeGoBlock returns the first ```go block after heading.
func readmeGoBlock(t *testing.T, readme, heading string) string {
	t.Helper()
	i := strings.Index(readme, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("README.md has no %q section", heading)
	}
	rest := readme[i:]
	start := strings.Index(rest, "\n```go\n")
	if next := strings.Index(rest[1:], "\n## "); start < 0 || (next >= 0 && start > next+1) {
		t.Fatalf("README.md's %q section has no ```go block", heading)
	}
	rest = rest[start+len("\n```go\n"):]
	end := strings.Index(rest, "\n```\n")
	if end < 0 {
		t.Fatal("README.md: the ```go block is not closed")
	}
	return rest[:end+1]
}

// goDirective is the repo's go line, so the program builds with the same
// language version.
// requireBlocks is every require directive of a go.mod, as written.
func requireBlocks(goMod string) string {
	var b strings.Builder
	in := false
	for _, line := range strings.Split(goMod, "\n") {
		switch {
		case strings.HasPrefix(line, "require ("):
			in = true
		case strings.HasPrefix(line, "require "):
			b.WriteString(line + "\n\n")
			continue
		}
		if in {
			b.WriteString(line + "\n")
			if line == ")" {
				in = false
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}

func goDirective(t *testing.T, goMod string) string {
	t.Helper()
	for _, line := range strings.Split(goMod, "\n") {
		if strings.HasPrefix(line, "go ") {
			return line
		}
	}
	t.Fatal("go.mod has no go directive")
	return ""
}
