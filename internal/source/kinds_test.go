package source_test

import (
	"context"
	"strings"
	"testing"

	"github.com/lkdash/lkdash/internal/kindtest"
	"github.com/lkdash/lkdash/internal/source"
)

// TestEveryKind walks the kind table: each kind is fully described, says
// what it needs when empty, accepts a working example and builds a source
// that fetches a real token from it.
func TestEveryKind(t *testing.T) {
	kinds := source.Kinds()
	if len(kinds) == 0 {
		t.Fatal("no kinds")
	}
	if got, want := len(source.KindNames()), len(kinds); got != want {
		t.Fatalf("%d names for %d kinds", got, want)
	}
	seen := map[source.Kind]bool{}
	for _, d := range kinds {
		t.Run(string(d.Kind), func(t *testing.T) {
			if seen[d.Kind] {
				t.Fatalf("kind %q listed twice", d.Kind)
			}
			seen[d.Kind] = true
			if d.Summary == "" || d.Build == nil || len(d.Fields) == 0 {
				t.Fatalf("incomplete: summary %q, build %v, %d fields", d.Summary, d.Build != nil, len(d.Fields))
			}
			if err := source.CheckKind(d.Kind); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(source.KindList(), string(d.Kind)) {
				t.Errorf("kind list %q lacks it", source.KindList())
			}
			if len(d.ImpliedBy) == 0 {
				t.Error("nothing implies it: it can only be picked with --source")
			}
			for _, n := range d.ImpliedBy {
				if !d.Shows(n) {
					t.Errorf("implied by %q, which is not one of its fields", n)
				}
			}
			example := kindtest.Spec(t, d.Kind)
			var required []string
			for _, f := range d.Fields {
				if f.Name == "" || f.Label == "" || f.Usage == "" || f.Get == nil || f.Set == nil {
					t.Errorf("field %+v is incomplete", f.Name)
					continue
				}
				if f.Required {
					required = append(required, f.Label+" is required")
				}
				// The text a form or flag holds sets the same value again.
				var round source.Spec
				if err := f.Set(&round, f.Get(example)); err != nil || f.Get(round) != f.Get(example) {
					t.Errorf("%s: %q does not round-trip: %q, %v", f.Name, f.Get(example), f.Get(round), err)
				}
				if err := f.Parse(f.Get(example)); err != nil {
					t.Errorf("%s: the example's value is refused: %v", f.Name, err)
				}
			}
			if len(required) == 0 {
				t.Fatal("no required field: an empty spec would pass")
			}
			err := source.Spec{Kind: d.Kind}.Validate()
			if err == nil {
				t.Fatal("an empty spec validates")
			}
			for _, w := range required {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("empty spec error %q lacks %q", err, w)
				}
			}
			src, err := example.Build()
			if err != nil {
				t.Fatalf("the example does not build: %v", err)
			}
			r, err := src.Fetch(context.Background(), kindtest.Options())
			if err != nil {
				t.Fatalf("fetch: %v", err)
			}
			kindtest.CheckResponse(t, r)
		})
	}
}

// TestSharedFieldsAgree: a field used by several kinds (the server URL, the
// timeout) is one flag, so every use must describe it the same way.
func TestSharedFieldsAgree(t *testing.T) {
	byName := map[string]source.Field{}
	for _, d := range source.Kinds() {
		for _, f := range d.Fields {
			prev, ok := byName[f.Name]
			if !ok {
				byName[f.Name] = f
				continue
			}
			if prev.Label != f.Label || prev.Usage != f.Usage || prev.Env != f.Env || prev.Default != f.Default ||
				prev.Secret != f.Secret || prev.Lines != f.Lines || prev.List != f.List || prev.Duration != f.Duration {
				t.Errorf("field %q is described differently by %s", f.Name, d.Kind)
			}
		}
	}
	if got := len(source.SettingFields()); got < len(byName) {
		t.Errorf("SettingFields has %d fields, the kinds use %d", got, len(byName))
	}
}

func TestFieldParse(t *testing.T) {
	var timeout, header, url source.Field
	for _, f := range source.SettingFields() {
		switch f.Name {
		case "timeout":
			timeout = f
		case "header":
			header = f
		case "url":
			url = f
		}
	}
	tests := []struct {
		f       source.Field
		in, err string
	}{
		{timeout, "", ""},
		{timeout, "5s", ""},
		{timeout, "soon", "not a duration"},
		{timeout, "-1s", "must not be negative"},
		{header, "A: 1\nB: 2", ""},
		{header, "A: 1\nbroken", "header line 2: missing ':'"},
		{header, "X: a\x00hunter2", "control character"},
		{url, "wss://a.example", ""},
		{url, "ws://127.0.0.1:1, ws://127.0.0.1:2\nws://127.0.0.1:3", ""},
		{url, "ftp://a", "scheme must be"},
		{url, "ws://a, ftp://b", "URL 2: scheme must be"},
	}
	for _, tt := range tests {
		err := tt.f.Parse(tt.in)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%s %q: %v", tt.f.Name, tt.in, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s %q: err = %v, want %q", tt.f.Name, tt.in, err, tt.err)
		case err != nil && strings.Contains(err.Error(), "hunter2"):
			t.Errorf("error shows a header value: %v", err)
		}
	}
}
