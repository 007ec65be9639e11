package doccheck

import (
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
