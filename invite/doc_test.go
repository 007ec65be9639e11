package invite

import (
	"testing"

	"github.com/lkdash/lkdash/internal/doccheck"
)

// invite is a library: every exported name says what it is for.
func TestExportedNamesDocumented(t *testing.T) {
	doccheck.Check(t, ".")
}
