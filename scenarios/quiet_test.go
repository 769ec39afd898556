package scenarios

import (
	"math/rand/v2"
	"testing"
)

// TestQuietNeverHidesAMatch holds Quiet to Match: over random requests
// (seeded) against rules keyed on operation patterns, methods, paths,
// tenants, params and entity fields, in both phases and with the built-in
// scenarios on, a request Quiet calls quiet is one Match answers nil for.
// It also checks that Quiet says quiet often enough to matter.
func TestQuietNeverHidesAMatch(t *testing.T) {
	e := mustEngine(t, true, `name: q
rules:
  - name: by-op
    match: {operation: credentials_orgs_users_retrieve}
    respond: {status: 503}
  - name: by-glob
    match: {operation: "catalog_*_create"}
    respond: {status: 500}
  - name: by-method-path
    match: {method: DELETE, path: "/api/credentials/orgs/{org}/users/{user}/"}
    respond: {status: 409}
  - name: by-tenant
    match: {operation: "issuers_*", tenant: acme}
    respond: {status: 429}
  - name: by-param
    match: {operation: "*_update", params: {entity_id: x}}
    respond: {status: 404}
  - name: by-entity
    match: {operation: "*_retrieve_2", when: {revoked: true}}
    respond: {status: 404}
`)
	for _, n := range DefaultOn {
		if err := e.Activate(n); err != nil {
			t.Fatal(err)
		}
	}
	ops := []string{"credentials_orgs_users_retrieve", "catalog_licenses_create", "catalog_x_update",
		"issuers_list", "credentials_orgs_users_retrieve_2", "credentials_public_assertions_retrieve", "other"}
	methods := []string{"GET", "POST", "PUT", "DELETE"}
	paths := []string{"/api/credentials/orgs/acme/users/admin/", "/api/catalog/x/", "/api/credentials/public/assertions/a/"}
	rng := rand.New(rand.NewPCG(15, 5))
	quiet, matched := 0, 0
	for range 20000 {
		r := &Request{
			Operation: ops[rng.IntN(len(ops))], Method: methods[rng.IntN(len(methods))], Path: paths[rng.IntN(len(paths))],
			Tenant: []string{"acme", "beta"}[rng.IntN(2)],
		}
		param := []string{"x", "y"}[rng.IntN(2)]
		r.Param = func(string) (string, bool) { return param, true }
		revoked := rng.IntN(2) == 0
		r.Entity = func() (map[string]any, bool) { return map[string]any{"revoked": revoked}, true }
		for _, phase := range []Phase{BeforeAuth, AfterAuth} {
			q := e.Quiet(phase, r.Operation, r.Method, r.Path)
			d := e.Match(r, phase)
			if d != nil {
				matched++
			}
			if q {
				quiet++
				if d != nil {
					t.Fatalf("%+v in phase %v: Quiet, but Match answers %s/%s", r, phase, d.Scenario, d.Rule)
				}
			}
		}
	}
	if quiet < 5000 || matched < 5000 {
		t.Fatalf("quiet %d, matched %d of 40000: the test draws too few of one kind", quiet, matched)
	}
}
