package longtail

import (
	"fmt"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake/store"
)

// testShape is a family's shape with search, ordering and filters on
// "scope" and "active", over items with those fields and a title.
func testShape() *shape {
	item := openapi3.NewObjectSchema().
		WithProperty("id", openapi3.NewIntegerSchema()).
		WithProperty("title", openapi3.NewStringSchema()).
		WithProperty("scope", openapi3.NewStringSchema()).
		WithProperty("rank", openapi3.NewFloat64Schema()).
		WithProperty("active", openapi3.NewBoolSchema())
	return &shape{ok: true, idField: "id", item: item.NewRef(),
		list: listShape{search: true, ordering: true, filters: map[string]string{"scope": "scope", "active": "active"}}}
}

// testView stores n items in a memory store's collection and reads its view.
func testView(t *testing.T, m *Module, st store.Backend, key string, n int) *view {
	t.Helper()
	if err := st.Update(func(tx store.Tx) error {
		for i := range n {
			obj := map[string]any{"id": float64(i + 1), "title": fmt.Sprintf("Item %02d", i), "scope": []string{"a", "b", "c"}[i%3],
				"rank": float64(n - i), "active": i%2 == 0}
			if i == 4 {
				obj["rank"] = nil
			}
			if _, err := putItem(tx, key, fmt.Sprint(i+1), "", obj); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return viewOf(t, m, st, key)
}

func viewOf(t *testing.T, m *Module, st store.Backend, key string) *view {
	t.Helper()
	var v *view
	if err := st.View(func(tx store.Tx) (err error) { v, err = m.collection(tx, key, testShape()); return err }); err != nil {
		t.Fatal(err)
	}
	return v
}

func ids(items []*item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.id)
	}
	return out
}

// TestASelectionFiltersOrdersAndPages: filters by value (booleans as DRF
// reads them), search, and orderings (descending, nulls first, numbers
// numerically, ties in creation order) select what a full scan would,
// counted and paged without copying the collection out.
func TestASelectionFiltersOrdersAndPages(t *testing.T) {
	st := store.NewMemory()
	m := &Module{}
	key := collectionKey("acme", "/things/")
	v := testView(t, m, st, key, 12)
	for _, tc := range []struct {
		q     map[string][]string
		want  []string
		start int
		end   int
	}{
		{q: map[string][]string{}, want: []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"}},
		{q: map[string][]string{"scope": {"b"}}, want: []string{"2", "5", "8", "11"}},
		{q: map[string][]string{"scope": {"b"}, "active": {"True"}}, want: []string{"5", "11"}},
		{q: map[string][]string{"active": {"0"}, "ordering": {"-title"}}, want: []string{"12", "10", "8", "6", "4", "2"}},
		{q: map[string][]string{"ordering": {"rank"}}, want: []string{"5", "12", "11", "10", "9", "8", "7", "6", "4", "3", "2", "1"}},
		{q: map[string][]string{"ordering": {"scope,-id"}}, want: []string{"10", "7", "4", "1", "11", "8", "5", "2", "12", "9", "6", "3"}},
		{q: map[string][]string{"ordering": {"nonsense"}, "search": {"item 1"}}, want: []string{"2", "11", "12"}},
		{q: map[string][]string{"ordering": {"-id"}, "scope": {"a"}}, want: []string{"7", "4"}, start: 1, end: 3},
	} {
		sel := selectItems(v, testShape(), tc.q)
		want := tc.want
		if tc.end > 0 {
			want = []string{"7", "4"}
		}
		start, end := tc.start, tc.end
		if end == 0 {
			end = sel.count()
		}
		if tc.end == 0 && sel.count() != len(tc.want) {
			t.Errorf("%v: count %d, want %d", tc.q, sel.count(), len(tc.want))
		}
		if got := ids(sel.slice(start, end)); !slices.Equal(got, want) {
			t.Errorf("%v [%d:%d]: %v, want %v", tc.q, start, end, got, want)
		}
	}
}

// TestAViewAfterAWriteKeepsTheUnchangedItems: a write moves the
// collection's revision on; the next view decodes only the item written
// and keeps the others (and what they have rendered), and its columns and
// orderings are the new items'.
func TestAViewAfterAWriteKeepsTheUnchangedItems(t *testing.T) {
	st := store.NewMemory()
	m := &Module{}
	key := collectionKey("acme", "/things/")
	before := testView(t, m, st, key, 5)
	if got := ids(selectItems(before, testShape(), map[string][]string{"scope": {"a"}}).slice(0, 5)); !slices.Equal(got, []string{"1", "4"}) {
		t.Fatalf("before: %v", got)
	}
	if err := st.Update(func(tx store.Tx) error {
		_, err := putItem(tx, key, "2", before.byID["2"].place, map[string]any{"id": 2.0, "title": "Item 01", "scope": "a", "rank": 4.0, "active": false})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	after := viewOf(t, m, st, key)
	if after == before {
		t.Fatal("the view was not rebuilt after a write")
	}
	for _, id := range []string{"1", "3", "4", "5"} {
		if after.byID[id] != before.byID[id] {
			t.Errorf("item %s was decoded again though its bytes did not change", id)
		}
	}
	if after.byID["2"] == before.byID["2"] {
		t.Error("the written item is the old one")
	}
	if got := ids(selectItems(after, testShape(), map[string][]string{"scope": {"a"}}).slice(0, 5)); !slices.Equal(got, []string{"1", "2", "4"}) {
		t.Errorf("after: %v, want 1 2 4", got)
	}
}
