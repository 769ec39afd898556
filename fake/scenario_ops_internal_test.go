package fake

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/iblfake/iblfake/scenarios"
	"github.com/iblfake/iblfake/spec"
)

// TestBuiltinScenariosNameServedOperations: the built-in pack is added to
// every engine before the server's operations are known, so it is checked
// here, against the served document, as user scenarios are at load; and
// the operations a scenario may name are the modelled ones and the long
// tail, all of them.
func TestBuiltinScenariosNameServedOperations(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ops := scenarios.NewOperations(s.servedOperations())
	tail, err := spec.LongTailIndex()
	if err != nil {
		t.Fatal(err)
	}
	if modelled := len(s.spec.Operations()); len(tail) == 0 || ops.Len() != modelled+len(tail) {
		t.Fatalf("%d operations a scenario may name, want the %d modelled plus the %d of the long tail", ops.Len(), modelled, len(tail))
	}
	files, _ := filepath.Glob("../scenarios/builtin/*.yaml")
	if len(files) == 0 {
		t.Fatal("no built-in scenario files found")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := scenarios.Parse(f, data)
		if err != nil {
			t.Fatal(err)
		}
		if err := scenarios.CheckOperations(sc, ops); err != nil {
			t.Errorf("built-in %s: %v", filepath.Base(f), err)
		}
	}
}
