package hooks

import (
	"testing"

	"github.com/lkdash/lkdash/internal/doccheck"
)

// hooks is a library: every exported name says what it is for.
func TestExportedNamesDocumented(t *testing.T) {
	doccheck.Check(t, ".")
}
