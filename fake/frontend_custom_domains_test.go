package fake_test

import (
	"fmt"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
)

// TestCustomDomainsAreTheTenants replays the vendor's TenantProvider
// lookup (GET /api/custom-domains/?domain=HOST, which takes
// custom_domains[0].platform_key as the tenant) around the data layer's
// create and delete, on every backend: a tenant with none answers an
// empty list (read as "no custom domain"), a created domain is found by
// its host (case-insensitively) and not by another, a host is registered
// once per tenant, a delete removes it, and an unknown id is DRF's 404
// (FIDELITY.md, "custom domains").
func TestCustomDomainsAreTheTenants(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)), fake.WithSeed(7), fake.WithAPIKey("key-acme", "acme"))
			c.Auth = "Token key-acme"
			lookup := func(t *testing.T, query string) []any {
				t.Helper()
				got, ok := c.Must(t, 200, "GET", "/api/custom-domains/"+query, nil).Obj(t)["custom_domains"].([]any)
				if !ok {
					t.Fatalf("GET /api/custom-domains/%s: no custom_domains array", query)
				}
				return got
			}
			faketest.Equal(t, "domains before any", len(lookup(t, "?domain=localhost")), 0)
			faketest.Equal(t, "the platform's before any", len(lookup(t, "?platform_key=acme")), 0)

			made := c.Must(t, 200, "POST", "/api/custom-domains/create/", map[string]any{
				"platform_key": "acme", "custom_domain": "learn.acme.test", "spa": "mentorai", "registered_with_dns_pro": true,
			}).Obj(t)
			d, _ := made["custom_domain"].(map[string]any)
			faketest.Equal(t, "created domain", d["custom_domain"], any("learn.acme.test"))
			faketest.Equal(t, "its platform", d["platform_key"], any("acme"))
			faketest.Equal(t, "its spa", d["spa"], any("mentorai"))
			faketest.Equal(t, "dns pro", d["registered_with_dns_pro"], any(true))
			id := jsonNum(d["id"])
			c.Must(t, 200, "POST", "/api/custom-domains/create/", map[string]any{
				"platform_key": "acme", "custom_domain": "skills.acme.test", "spa": "skillsai",
			})

			found := lookup(t, "?domain=LEARN.acme.test")
			faketest.Equal(t, "found by its host", len(found), 1)
			faketest.Equal(t, "the host's platform", found[0].(map[string]any)["platform_key"], any("acme"))
			faketest.Equal(t, "another host", len(lookup(t, "?domain=localhost")), 0)
			faketest.Equal(t, "the platform's", len(lookup(t, "?platform_key=acme")), 2)

			// A host is registered once; a bad body is DRF's field 400.
			faketest.JSONEq(t, c.Must(t, 400, "POST", "/api/custom-domains/create/", map[string]any{
				"platform_key": "acme", "custom_domain": "Learn.Acme.test", "spa": "mentorai",
			}).Body, `{"custom_domain": ["custom domain with this custom domain already exists."]}`)
			c.Must(t, 400, "POST", "/api/custom-domains/create/", map[string]any{"platform_key": "acme", "custom_domain": "x.acme.test", "spa": "lms"})
			c.Must(t, 400, "POST", "/api/custom-domains/create/", map[string]any{"platform_key": "acme", "spa": "mentorai"})
			faketest.JSONEq(t, c.Must(t, 400, "POST", "/api/custom-domains/create/", map[string]any{
				"platform_key": "acme", "custom_domain": "  ", "spa": "mentorai",
			}).Body, `{"custom_domain": ["This field may not be blank."]}`)

			c.Must(t, 204, "DELETE", "/api/custom-domains/"+id+"/delete/", nil)
			faketest.Equal(t, "after delete", len(lookup(t, "?domain=learn.acme.test")), 0)
			faketest.Equal(t, "the other stays", len(lookup(t, "?platform_key=acme")), 1)
			faketest.JSONEq(t, c.Must(t, 404, "DELETE", "/api/custom-domains/"+id+"/delete/", nil).Body, `{"detail": "Not found."}`)
			c.Must(t, 404, "DELETE", "/api/custom-domains/999999/delete/", nil)
		})
	}
}

// TestCustomDomainsStayInTheirTenant: one tenant's custom domains are
// never another's, by any route: not in its lookup by host, not in its
// list, not deletable by its key (DRF's 404, and the domain stays), and a
// create for another platform is refused with the key's 403. The lookup
// is public: an anonymous one answers the tenant it names (else the
// default tenant's), and a key sent is held to its orgs.
func TestCustomDomainsStayInTheirTenant(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)), fake.WithSeed(7),
				fake.WithAPIKey("key-acme", "acme"), fake.WithAPIKey("key-globex", "globex"))
			c.Auth = "Token key-acme"
			d, _ := c.Must(t, 200, "POST", "/api/custom-domains/create/", map[string]any{
				"platform_key": "acme", "custom_domain": "learn.acme.test", "spa": "skillsai",
			}).Obj(t)["custom_domain"].(map[string]any)
			id := jsonNum(d["id"])

			c.Auth = "Token key-globex"
			for _, q := range []string{"?domain=learn.acme.test", "", "?platform_key=globex"} {
				got, _ := c.Must(t, 200, "GET", "/api/custom-domains/"+q, nil).Obj(t)["custom_domains"].([]any)
				faketest.Equal(t, "globex sees of acme's "+q, len(got), 0)
			}
			c.Must(t, 403, "GET", "/api/custom-domains/?platform_key=acme", nil)
			c.Must(t, 404, "DELETE", "/api/custom-domains/"+id+"/delete/", nil)
			c.Must(t, 403, "POST", "/api/custom-domains/create/", map[string]any{
				"platform_key": "acme", "custom_domain": "evil.acme.test", "spa": "skillsai",
			})
			// globex may register the same host for itself: its own record.
			c.Must(t, 200, "POST", "/api/custom-domains/create/", map[string]any{
				"platform_key": "globex", "custom_domain": "learn.acme.test", "spa": "skillsai",
			})

			// Anonymous, as a page looks its host up before sign-in: the
			// lookup is public, of the tenant it names (else the default
			// tenant's), and an invalid key sent is refused.
			c.Auth = ""
			anon := func(t *testing.T, q string) []any {
				t.Helper()
				got, _ := c.Must(t, 200, "GET", "/api/custom-domains/"+q, nil).Obj(t)["custom_domains"].([]any)
				return got
			}
			faketest.Equal(t, "anonymous, by host alone", len(anon(t, "?domain=learn.acme.test")), 0)
			faketest.Equal(t, "anonymous, naming acme", len(anon(t, "?domain=learn.acme.test&platform_key=acme")), 1)
			c.Auth = "Token no-such-key"
			c.Must(t, 401, "GET", "/api/custom-domains/?domain=learn.acme.test", nil)

			c.Auth = "Token key-acme"
			got, _ := c.Must(t, 200, "GET", "/api/custom-domains/?domain=learn.acme.test", nil).Obj(t)["custom_domains"].([]any)
			faketest.Equal(t, "acme's, after globex's attempts", len(got), 1)
			faketest.Equal(t, "still acme's", got[0].(map[string]any)["platform_key"], any("acme"))
			faketest.Equal(t, "the same id", jsonNum(got[0].(map[string]any)["id"]), id)
		})
	}
}

// TestCustomDomainsUnboundKeysByPlatformKey: with no key bound, the
// lookup belongs to the platform_key it names, else to the default
// tenant, so a domain created for one platform is not found for another.
func TestCustomDomainsUnboundKeysByPlatformKey(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithSeed(7))
	c.Auth = "Token any"
	c.Must(t, 200, "POST", "/api/custom-domains/create/", map[string]any{
		"platform_key": "acme", "custom_domain": "learn.acme.test", "spa": "skillsai",
	})
	for q, want := range map[string]int{
		"?domain=learn.acme.test&platform_key=acme":   1,
		"?domain=learn.acme.test&platform_key=globex": 0,
		"?domain=learn.acme.test":                     0, // the default tenant's
	} {
		got, _ := c.Must(t, 200, "GET", "/api/custom-domains/"+q, nil).Obj(t)["custom_domains"].([]any)
		faketest.Equal(t, fmt.Sprintf("lookup %s", q), len(got), want)
	}
}
