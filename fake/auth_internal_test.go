package fake

import (
	"testing"

	"github.com/iblfake/iblfake/spec"
)

// TestDMAdminOnlyNamesOperations: every id in dmAdminOnly is an operation
// of the document, so a typo cannot silently leave one open.
func TestDMAdminOnlyNamesOperations(t *testing.T) {
	t.Parallel()
	ops := map[string]bool{}
	for _, op := range spec.MustLoad().Operations() {
		ops[op.Op.OperationID] = true
	}
	for id := range dmAdminOnly {
		if !ops[id] {
			t.Errorf("dmAdminOnly names %q, which is not an operation of the document", id)
		}
	}
}
