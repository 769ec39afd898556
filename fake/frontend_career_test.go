package fake_test

import (
	"fmt"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
)

// TestCareerListsKeepTheirEntries drives a user's education as the
// vendor's career tabs do (DL career api-slice.ts: GET the list, POST an
// entry, PUT and DELETE `?id=`), on every backend: the list is an array
// of what was written, per user and per tenant (FIDELITY.md, "long-tail
// lists without an item path").
func TestCareerListsKeepTheirEntries(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)), fake.WithSeed(5),
				fake.WithAPIKey("key-acme", "acme"), fake.WithAPIKey("key-globex", "globex"))
			c.Auth = "Token key-acme"
			base := "/api/career/orgs/acme/education/users/alice/"
			list := func(t *testing.T, c *faketest.Client, path string) []any {
				t.Helper()
				return c.Must(t, 200, "GET", path, nil).Arr(t)
			}
			if got := list(t, c, base); len(got) != 0 {
				t.Fatalf("a new user's education = %v, want none", got)
			}
			var ids []int
			for _, degree := range []string{"BSc Statistics", "MSc Data Science"} {
				e := c.Must(t, 200, "POST", base, map[string]any{"degree": degree, "field_of_study": "Data", "start_date": "2019-09-01", "institution_id": 1}).Obj(t)
				faketest.Equal(t, "created degree", e["degree"], any(degree))
				ids = append(ids, faketest.ID(t, e))
			}
			got := list(t, c, base)
			faketest.Equal(t, "entries", len(got), 2)
			upd := c.Must(t, 200, "PUT", fmt.Sprintf("%s?id=%d", base, ids[0]), map[string]any{"degree": "BSc Statistics (Hons)", "start_date": "2019-09-01", "institution_id": 1}).Obj(t)
			faketest.Equal(t, "updated degree", upd["degree"], any("BSc Statistics (Hons)"))
			faketest.Equal(t, "updated id", faketest.ID(t, upd), ids[0])
			c.Must(t, 204, "DELETE", fmt.Sprintf("%s?id=%d", base, ids[1]), nil)
			got = list(t, c, base)
			faketest.Equal(t, "entries after delete", len(got), 1)
			e, _ := got[0].(map[string]any)
			faketest.Equal(t, "kept degree", e["degree"], any("BSc Statistics (Hons)"))

			// The entry is named by the query; without it, or naming none, DRF's 404.
			c.Must(t, 404, "PUT", base, map[string]any{"degree": "x", "start_date": "2019-09-01", "institution_id": 1})
			c.Must(t, 404, "DELETE", fmt.Sprintf("%s?id=%d", base, ids[1]), nil)
			// Another user's list and another tenant's are their own.
			if got := list(t, c, "/api/career/orgs/acme/education/users/bob/"); len(got) != 0 {
				t.Errorf("bob's education = %v, want none", got)
			}
			c.Auth = "Token key-globex"
			if got := list(t, c, "/api/career/orgs/globex/education/users/alice/"); len(got) != 0 {
				t.Errorf("globex's alice = %v, want none", got)
			}
			c.Must(t, 403, "GET", base, nil)
		})
	}
}
