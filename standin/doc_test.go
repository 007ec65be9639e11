package standin

import (
	"strings"
	"testing"

	"github.com/lkdash/lkdash/internal/doccheck"
)

// standin is a library: every exported name says what it is for.
func TestExportedNamesDocumented(t *testing.T) {
	missing, err := doccheck.Undocumented(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) > 0 {
		t.Errorf("exported names without a doc comment; add one that says what each is for:\n%s", strings.Join(missing, "\n"))
	}
}
