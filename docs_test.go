package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// lifecycleDoc is the token lifecycle reference; every statement in it
// cites the test that proves it.
const lifecycleDoc = "docs/token-lifecycle.md"

// citedTest matches a test name in backticks: `TestName`.
var citedTest = regexp.MustCompile("`(Test[A-Za-z0-9_]+)`")

// TestTokenLifecycleDocCitesRealTests fails when docs/token-lifecycle.md
// cites a test that no *_test.go file in the repository declares, or when
// one of its statements (a list item) cites none.
func TestTokenLifecycleDocCitesRealTests(t *testing.T) {
	b, err := os.ReadFile(lifecycleDoc)
	if err != nil {
		t.Fatalf("the token lifecycle reference must exist: %v", err)
	}
	declared := declaredTests(t, ".")
	cited := citedTest.FindAllStringSubmatch(string(b), -1)
	if len(cited) == 0 {
		t.Fatalf("%s cites no test", lifecycleDoc)
	}
	for _, m := range cited {
		if !declared[m[1]] {
			t.Errorf("%s cites `%s`, which no *_test.go file declares: write the test or fix the citation", lifecycleDoc, m[1])
		}
	}
	for i, item := range listItems(string(b)) {
		if !strings.Contains(item, "proved by `Test") {
			t.Errorf("%s, statement %d cites no test (want \"(proved by `TestName`)\"): %q", lifecycleDoc, i+1, item)
		}
	}
}

// declaredTests lists the Test functions of every _test.go file under root.
func declaredTests(t *testing.T, root string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && fd.Recv == nil && strings.HasPrefix(fd.Name.Name, "Test") {
				out[fd.Name.Name] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// listItems returns the markdown list items ("- …" with their continuation
// lines), each joined into one line.
func listItems(doc string) []string {
	var items []string
	cur := -1
	for _, line := range strings.Split(doc, "\n") {
		switch {
		case strings.HasPrefix(line, "- "):
			items = append(items, strings.TrimPrefix(line, "- "))
			cur = len(items) - 1
		case cur >= 0 && strings.HasPrefix(line, "  ") && strings.TrimSpace(line) != "":
			items[cur] += " " + strings.TrimSpace(line)
		default:
			cur = -1
		}
	}
	return items
}
