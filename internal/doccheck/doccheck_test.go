package doccheck

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestUndocumented(t *testing.T) {
	got, err := Undocumented("testdata/sample")
	if err != nil {
		t.Fatal(err)
	}
	var whats []string
	for _, g := range got {
		if !strings.HasPrefix(g, "testdata/sample/sample.go:") {
			t.Errorf("position missing in %q", g)
		}
		whats = append(whats, g[strings.LastIndex(g, ": ")+2:])
	}
	want := []string{"field Documented.Bare", "field Documented.A", "field Documented.B", "type Bare",
		"const Lonely", "var Loose", "func G", "method Documented.N"}
	slices.Sort(whats)
	slices.Sort(want)
	if !slices.Equal(whats, want) {
		t.Errorf("Undocumented =\n %v\nwant\n %v", whats, want)
	}
	if _, err := Undocumented("testdata/none"); err == nil {
		t.Error("a missing directory should be an error")
	}
}

// recorder stands in for a test so Check's failures can be read.
type recorder struct {
	testing.TB
	errs, fatals []string
}

func (r *recorder) Helper()                      {}
func (r *recorder) Errorf(f string, args ...any) { r.errs = append(r.errs, fmt.Sprintf(f, args...)) }
func (r *recorder) Fatal(args ...any)            { r.fatals = append(r.fatals, fmt.Sprint(args...)) }

func TestCheck(t *testing.T) {
	var r recorder
	Check(&r, "testdata/sample")
	if len(r.errs) != 1 || len(r.fatals) != 0 || !strings.Contains(r.errs[0], "func G") || !strings.Contains(r.errs[0], "type Bare") {
		t.Errorf("sample: errors %q, fatals %q; want one error listing func G and type Bare", r.errs, r.fatals)
	}

	r = recorder{}
	Check(&r, ".")
	if len(r.errs)+len(r.fatals) != 0 {
		t.Errorf("doccheck itself: errors %q, fatals %q; want none", r.errs, r.fatals)
	}

	r = recorder{}
	Check(&r, "testdata/none")
	if len(r.fatals) != 1 {
		t.Errorf("missing directory: fatals %q; want one", r.fatals)
	}
}
