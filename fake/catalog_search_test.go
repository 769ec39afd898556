package fake_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/internal/faketest"
)

// searchTenant gives org a credential tied to a named course and program
// and a course invitation to a course no credential names, and returns
// the catalog the search should list for it.
func searchTenant(t *testing.T, c *faketest.Client, org string) {
	t.Helper()
	issuer := c.CreateIssuer(t, org, "Academy")
	c.CreateCredential(t, org, issuer, "Data", map[string]any{
		"courses":  []any{map[string]any{"course_id": "course-v1:" + org + "+DS101+2026", "name": "Data Science Foundations"}},
		"programs": []any{map[string]any{"program_id": "program-v1:" + org + "+DSCERT+2026", "name": "Data Science Certificate"}},
	})
	c.Must(t, 200, "POST", "/api/catalog/invitations/course/", map[string]any{
		"platform_key": org, "course_id": "course-v1:" + org + "+ML202+2026", "email": "ada@" + org + ".test"})
}

// searched returns a catalog search's results as "type key name" lines.
func searched(t *testing.T, c *faketest.Client, path string) ([]string, map[string]any) {
	t.Helper()
	env := c.Must(t, 200, "GET", path, nil).Obj(t)
	var out []string
	for _, r := range env["results"].([]any) {
		r := r.(map[string]any)
		d := r["data"].(map[string]any)
		key := d["course_id"]
		if r["type"] == "program" {
			key = d["program_key"]
		}
		out = append(out, strings.Join([]string{r["type"].(string), key.(string), d["name"].(string)}, " "))
	}
	return out, env
}

// TestCatalogSearchListsTheTenantsCatalog: the personalized catalog and
// the catalog search answer the tenant's courses and programs with the
// names its credentials give them (else their codes), as the vendor's
// pickers read them ({type, data}); the blank query the pickers send
// before anything is typed is no query; content, query, limit and offset
// narrow and page them.
func TestCatalogSearchListsTheTenantsCatalog(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	searchTenant(t, c, "acme")
	c.CreateCredential(t, "globex", c.CreateIssuer(t, "globex", "G"), "Other", map[string]any{"courses": []string{"course-v1:globex+XX1+2026"}})

	courses := []string{"course course-v1:acme+DS101+2026 Data Science Foundations", "course course-v1:acme+ML202+2026 ML202"}
	program := "program acme+DSCERT Data Science Certificate"
	for _, base := range []string{"/api/search/personalized-catalog/admin/", "/api/search/catalog/"} {
		got, env := searched(t, c, base+"?content=courses&query=&return_facet=false&tenant=acme")
		faketest.Equal(t, base+" courses", strings.Join(got, "; "), strings.Join(courses, "; "))
		faketest.Equal(t, base+" count", env["count"], any(float64(2)))
		got, _ = searched(t, c, base+"?content=programs&query=&tenant=acme")
		faketest.Equal(t, base+" programs", strings.Join(got, "; "), program)
		got, _ = searched(t, c, base+"?tenant=acme")
		faketest.Equal(t, base+" everything", len(got), 3)
		got, _ = searched(t, c, base+"?tenant=acme&query=SCIENCE")
		faketest.Equal(t, base+" query", strings.Join(got, "; "), courses[0]+"; "+program)
		got, _ = searched(t, c, base+"?tenant=acme&query=data+ml202")
		faketest.Equal(t, base+" every word", len(got), 0)
		got, env = searched(t, c, base+"?tenant=acme&content=courses&limit=1")
		faketest.Equal(t, base+" page 1", strings.Join(got, "; "), courses[0])
		next, err := url.Parse(env["next"].(string))
		if err != nil || next.Query().Get("offset") != "1" || next.Host != strings.TrimPrefix(c.Srv.URL, "http://") {
			t.Errorf("%s next = %v, want the fake's URL with offset=1", base, env["next"])
		}
		got, env = searched(t, c, next.RequestURI())
		faketest.Equal(t, base+" page 2", strings.Join(got, "; "), courses[1])
		faketest.Equal(t, base+" previous", env["previous"] != nil, true)
	}
	// The catalog's course listing shows the same names.
	var names []string
	for _, it := range c.Must(t, 200, "GET", "/api/catalog/courses/?org=acme", nil).Arr(t) {
		names = append(names, it.(map[string]any)["name"].(string))
	}
	slices.Sort(names)
	faketest.Equal(t, "course listing names", strings.Join(names, ", "), "Data Science Foundations, ML202")
	// Another tenant sees its own.
	got, _ := searched(t, c, "/api/search/catalog/?tenant=globex")
	faketest.Equal(t, "globex", strings.Join(got, "; "), "course course-v1:globex+XX1+2026 XX1")
}

// TestCatalogSearchIsPublic: both searches are public in the document
// (no security requirement), as the vendor's public catalog is: they need
// no key, answer the platform the tenant parameter names, or the default
// tenant for a request naming none (a key's org is not read: a public
// operation authenticates nobody), and carry catalog entries only (keys
// and names, no users, emails or invitations).
func TestCatalogSearchIsPublic(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, faketest.WithKeys()...)
	c.Auth = "Api-Token key-dm"
	searchTenant(t, c, "acme")
	searchTenant(t, c, "other")
	c.Auth = ""
	got, _ := searched(t, c, "/api/search/personalized-catalog/bob/?content=courses&query=&tenant=other")
	faketest.Equal(t, "other's courses", strings.Join(got, "; "), "course course-v1:other+DS101+2026 Data Science Foundations; course course-v1:other+ML202+2026 ML202")
	got, _ = searched(t, c, "/api/search/catalog/")
	faketest.Equal(t, "the default tenant's (main)", len(got), 0)
	c.Auth = "Token key-other"
	r := c.Must(t, 200, "GET", "/api/search/catalog/?tenant=acme", nil)
	if strings.Contains(string(r.Raw), "@") {
		t.Errorf("the catalog search answered more than the catalog: %s", r.Raw)
	}
}

// TestBlankSearchQueryIsNoQuery: the search service's optional query sent
// empty is absent, as the vendor's pickers send it; elsewhere a blank
// query is still DRF's "may not be blank".
func TestBlankSearchQueryIsNoQuery(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	c.Must(t, 200, "GET", "/api/search/personalized-catalog/admin/?query=", nil)
	c.Must(t, 200, "GET", "/api/search/mentors/?query=", nil)
	r := c.Must(t, 400, "GET", "/api/catalog/licenses/user/?platform_key=acme&query=", nil)
	faketest.JSONEq(t, r.Body, `{"query": ["This field may not be blank."]}`)
}
