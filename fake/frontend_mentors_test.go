package fake_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
)

// TestTheMentorSearchListsTheTenantsMentors: the search service's mentor
// list (the data layer's getMentors, which the vendor's MentorProvider
// picks the default mentor from) lists the mentors the tenant keeps, made
// through the mentors' own create, of every user, and nothing made up;
// query searches, order_by/order_direction order, limit/offset page,
// unique_id filters; a mentor deleted is gone from it; another tenant's
// key lists none of them, and cannot name them (FIDELITY.md, "long-tail
// lists of a kind"). On every backend.
func TestTheMentorSearchListsTheTenantsMentors(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)), fake.WithSeed(7),
				fake.WithAPIKey("key-acme", "acme"), fake.WithAPIKey("key-globex", "globex"))
			c.Auth = "Token key-acme"
			search := func(t *testing.T, org, query string) map[string]any {
				t.Helper()
				return c.Must(t, 200, "GET", "/api/search/orgs/"+org+"/users/ada/mentors/"+query, nil).Obj(t)
			}
			names := func(t *testing.T, page map[string]any) []string {
				t.Helper()
				var out []string
				for _, m := range results(t, page) {
					out = append(out, faketest.Str(t, m, "name"))
				}
				return out
			}
			faketest.Equal(t, "mentors before any", len(results(t, search(t, "acme", ""))), 0)

			made := map[string]string{} // name -> unique_id
			for i, m := range []struct{ user, name, created string }{
				{"ada", "Algebra Mentor", "2026-01-01T00:00:00Z"},
				{"ada", "Biology Mentor", "2026-02-01T00:00:00Z"},
				{"grace", "Chemistry Mentor", "2026-03-01T00:00:00Z"},
			} {
				got := c.Must(t, 201, "POST", "/api/ai-mentor/orgs/acme/users/"+m.user+"/", map[string]any{
					"name": m.name, "slug": strings.ToLower(strings.ReplaceAll(m.name, " ", "-")), "platform": "acme",
					"created_by": m.user, "metadata": map[string]any{"default": i == 0},
				}).Obj(t)
				made[m.name] = faketest.Str(t, got, "unique_id")
			}

			all := search(t, "acme", "?limit=10&order_by=name&order_direction=asc")
			faketest.Equal(t, "count", all["count"], any(float64(3)))
			if got := names(t, all); !slices.Equal(got, []string{"Algebra Mentor", "Biology Mentor", "Chemistry Mentor"}) {
				t.Errorf("mentors by name = %v", got)
			}
			for _, m := range results(t, all) {
				faketest.Equal(t, "unique_id of "+faketest.Str(t, m, "name"), m["unique_id"], any(made[faketest.Str(t, m, "name")]))
			}
			if got := names(t, search(t, "acme", "?order_by=name")); !slices.Equal(got, []string{"Chemistry Mentor", "Biology Mentor", "Algebra Mentor"}) {
				t.Errorf("mentors by name, desc by default = %v", got)
			}
			if got := names(t, search(t, "acme", "?query=biology")); !slices.Equal(got, []string{"Biology Mentor"}) {
				t.Errorf("query biology = %v", got)
			}
			if got := names(t, search(t, "acme", "?unique_id="+url.QueryEscape(made["Chemistry Mentor"]))); !slices.Equal(got, []string{"Chemistry Mentor"}) {
				t.Errorf("unique_id filter = %v", got)
			}
			page := search(t, "acme", "?limit=2&offset=2&order_by=name&order_direction=asc")
			if got := names(t, page); !slices.Equal(got, []string{"Chemistry Mentor"}) {
				t.Errorf("second page = %v", got)
			}
			faketest.Equal(t, "second page count", page["count"], any(float64(3)))

			// Deleted through the mentors' own item path: gone.
			c.Must(t, 204, "DELETE", "/api/ai-mentor/orgs/acme/users/ada/Biology%20Mentor/", nil)
			if got := names(t, search(t, "acme", "?order_by=name&order_direction=asc")); !slices.Equal(got, []string{"Algebra Mentor", "Chemistry Mentor"}) {
				t.Errorf("after delete = %v", got)
			}

			// Another tenant: none of acme's, by its own org or by naming acme.
			c.Auth = "Token key-globex"
			faketest.Equal(t, "globex's mentors", len(results(t, search(t, "globex", ""))), 0)
			c.Must(t, 403, "GET", "/api/search/orgs/acme/users/ada/mentors/", nil)
			c.Must(t, 403, "GET", "/api/search/mentors/?tenant=acme", nil)
			faketest.Equal(t, "globex's public search", len(results(t, c.Must(t, 200, "GET", "/api/search/mentors/", nil).Obj(t))), 0)
		})
	}
}

// TestTheDemoMentorsAreListed: the demo's mentors (the school's assistant,
// the default, and one for each subject) are what getMentors lists, with
// the metadata MentorProvider reads (metadata.default on exactly one).
func TestTheDemoMentorsAreListed(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithDemo(), fake.WithSeed(42))
	page := c.Must(t, 200, "GET", "/api/search/orgs/demo/users/admin/mentors/?limit=50&tenant=demo", nil).Obj(t)
	got := results(t, page)
	if len(got) < 2 {
		t.Fatalf("demo mentors listed = %d, want the seeded ones", len(got))
	}
	defaults := 0
	for _, m := range got {
		if md, _ := m["metadata"].(map[string]any); md["default"] == true {
			defaults++
			if !strings.HasSuffix(faketest.Str(t, m, "name"), " Assistant") {
				t.Errorf("the default mentor is %q, want the school's assistant", m["name"])
			}
		}
	}
	faketest.Equal(t, "default mentors", defaults, 1)
	faketest.Equal(t, "count", page["count"], any(float64(len(got))))
}

// TestThePromptSearchListsTheTenantsPrompts: the search service's prompt
// list lists the prompts the tenant made, filtered by the fields it is
// given (category, created_by), searched by query; another tenant's key
// sees none (FIDELITY.md, "long-tail lists of a kind").
func TestThePromptSearchListsTheTenantsPrompts(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithSeed(7), fake.WithAPIKey("key-acme", "acme"), fake.WithAPIKey("key-globex", "globex"))
	c.Auth = "Token key-acme"
	for _, p := range []map[string]any{
		{"prompt": "Explain photosynthesis simply.", "category": "biology", "title": "Photosynthesis", "platform": 1},
		{"prompt": "Quiz me on the periodic table.", "category": "chemistry", "title": "Periodic table", "platform": 1},
	} {
		c.Must(t, 201, "POST", "/api/ai-prompt/orgs/acme/users/ada/prompt/", p)
	}
	list := func(t *testing.T, key, org, query string) []map[string]any {
		t.Helper()
		c.Auth = key
		return results(t, c.Must(t, 200, "GET", "/api/search/orgs/"+org+"/users/ada/prompts/"+query, nil).Obj(t))
	}
	faketest.Equal(t, "acme's prompts", len(list(t, "Token key-acme", "acme", "")), 2)
	got := list(t, "Token key-acme", "acme", "?category=chemistry")
	if len(got) != 1 || got[0]["prompt"] != "Quiz me on the periodic table." {
		t.Errorf("category chemistry = %v", got)
	}
	faketest.Equal(t, "query photosynthesis", len(list(t, "Token key-acme", "acme", "?query=photosynthesis")), 1)
	faketest.Equal(t, "globex's prompts", len(list(t, "Token key-globex", "globex", "")), 0)
}
