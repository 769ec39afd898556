package longtail

import (
	"testing"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/urlconf"
	"github.com/iblfake/iblfake/spec"
)

// TestHandWrittenOperationsAreTheDocuments: every operationId the long
// tail answers by hand (the catalog searches, the item actions) names an
// operation of the document, and every action's collection is a family
// the inference finds, so a typo fails here rather than leaving the
// operation synthesized.
func TestHandWrittenOperationsAreTheDocuments(t *testing.T) {
	m := newTestModule(t, Options{})
	ids := map[string]bool{}
	for _, op := range m.urls.Operations() {
		ids[op.ID] = true
	}
	for id := range catalogSearchOps {
		if !ids[id] {
			t.Errorf("catalogSearchOps names %s, which the document has not", id)
		}
	}
	for id := range m.hand {
		if !ids[id] {
			t.Errorf("the hand-written operation %s is not the document's", id)
		}
	}
}

// newTestModule is a long-tail module over the served document and an
// empty memory store, for the package's own tests.
func newTestModule(t *testing.T, o Options) *Module {
	t.Helper()
	sp, err := spec.LoadRequests()
	if err != nil {
		t.Fatal(err)
	}
	urls, err := urlconf.Of(sp)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(&api.Deps{Store: store.NewMemory(), Clock: &api.Clock{}, IDs: api.NewIDs(1)}, urls, o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
