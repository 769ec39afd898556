package fake_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/journal"
	"github.com/iblfake/iblfake/internal/faketest"
)

// keyed starts a fake on each backend with keys a (orgA), b (orgB), two
// (orgA and orgB) and dm (a DM admin), and runs f with a client per key.
func keyed(t *testing.T, f func(t *testing.T, as func(key string) *faketest.Client)) {
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)), fake.WithAPIKey("a", "orgA"), fake.WithAPIKey("b", "orgB"),
				fake.WithAPIKey("two", "orgA", "orgB"), fake.WithAPIKey("dm", fake.DMAdmin))
			f(t, func(key string) *faketest.Client {
				k := *c
				k.Auth = "Token " + key
				return &k
			})
		})
	}
}

// TestTenantlessLongTailWritesBelongToTheKeysOrg: operations whose path and
// query name no tenant (the RBAC group, role and policy items) keep what a
// key bound to one org writes in that org; another org's key neither
// reads nor changes it, a body naming another org is a 403 for PUT and
// PATCH as for POST, and a key that may touch several orgs must name one.
func TestTenantlessLongTailWritesBelongToTheKeysOrg(t *testing.T) {
	t.Parallel()
	keyed(t, func(t *testing.T, as func(string) *faketest.Client) {
		a, b, two, dm := as("a"), as("b"), as("two"), as("dm")
		group := "/api/core/rbac/groups/"

		// A create names orgA in its body; the documented retrieve, which
		// names no tenant, is orgA's for key a.
		created := a.Must(t, 201, "POST", group, map[string]any{"name": "orgA payroll admins", "description": "SECRET-orgA", "platform_key": "orgA", "unique_id": "ga"}).Obj(t)
		id := jsonNumber(t, created["id"])
		got := a.Must(t, 200, "GET", group+id+"/", nil).Obj(t)
		if got["description"] != "SECRET-orgA" {
			t.Fatalf("key a reads its own group as %v, want its description", got)
		}
		// Key b, bound to orgB, addresses orgB: orgA's group is not there.
		if r := b.Do(t, "GET", group+id+"/", nil); strings.Contains(string(r.Raw), "SECRET-orgA") {
			t.Fatalf("key b read orgA's group: %d %s", r.Status, r.Raw)
		}
		// A write whose body names orgA is refused for key b, whatever
		// the method.
		for _, m := range []string{"PUT", "PATCH"} {
			r := b.Do(t, m, group+id+"/", map[string]any{"name": "x", "description": "written by orgB", "platform_key": "orgA"})
			if r.Status != 403 {
				t.Errorf("%s by key b naming orgA = %d %s, want 403", m, r.Status, r.Raw)
			}
		}
		// Key b's tenant-less PATCH of the same id writes orgB's, not orgA's.
		b.Do(t, "PATCH", group+id+"/", map[string]any{"description": "written by orgB"})
		if got := a.Must(t, 200, "GET", group+id+"/", nil).Obj(t); got["description"] != "SECRET-orgA" {
			t.Fatalf("orgA's group after key b's PATCH: %v", got)
		}
		// A key of several orgs, and a DM admin, must name the tenant.
		for _, k := range []*faketest.Client{two, dm} {
			r := k.Do(t, "GET", group+id+"/", nil)
			if r.Status != 400 {
				t.Fatalf("tenant-less read by a key of several orgs = %d %s, want 400", r.Status, r.Raw)
			}
			faketest.JSONEq(t, r.Body, `{"platform_key": ["This field is required."]}`)
			if got := k.Must(t, 200, "GET", group+id+"/?platform_key=orgA", nil).Obj(t); got["description"] != "SECRET-orgA" {
				t.Errorf("read naming orgA: %v", got)
			}
		}
		// Nothing is ever stored under the empty tenant.
		st := exportOf(t, dm, "")
		for key := range st.Buckets["synth.records"] {
			if strings.HasPrefix(key, "\x00") {
				t.Errorf("a record of the empty tenant: %q", key)
			}
		}
	})
}

// TestTenantlessRequestsWithoutKeysAreTheDefaultTenants: with no keys
// bound, a request that names no tenant belongs to the default tenant
// (main), never to the empty one; WithDefaultTenant names another.
func TestTenantlessRequestsWithoutKeysAreTheDefaultTenants(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opts   []fake.Option
		tenant string
	}{{nil, "main"}, {[]fake.Option{fake.WithDefaultTenant("acme")}, "acme"}} {
		c := faketest.NewClient(t, tc.opts...)
		roles := "/api/core/rbac/roles/"
		mine := c.Must(t, 201, "POST", roles, map[string]any{"name": "Reviewer", "platform_key": tc.tenant}).Obj(t)
		other := c.Must(t, 201, "POST", roles, map[string]any{"name": "Elsewhere", "platform_key": "other"}).Obj(t)
		if got := c.Must(t, 200, "GET", roles+jsonNumber(t, mine["id"])+"/", nil).Obj(t); got["name"] != "Reviewer" {
			t.Errorf("tenant-less read of %s's role: %v", tc.tenant, got)
		}
		if r := c.Do(t, "GET", roles+jsonNumber(t, other["id"])+"/", nil); strings.Contains(string(r.Raw), "Elsewhere") {
			t.Errorf("tenant-less read found another tenant's role: %s", r.Raw)
		}
		if e := c.Srv.Journal().Entries(); e[len(e)-1].Tenant != tc.tenant {
			t.Errorf("journal tenant %q, want %q", e[len(e)-1].Tenant, tc.tenant)
		}
		st := exportOf(t, c, "")
		for key := range st.Buckets["synth.records"] {
			if strings.HasPrefix(key, "\x00") {
				t.Errorf("a record of the empty tenant: %q", key)
			}
		}
	}
}

// TestATenantPathParameterNamedKey: operations whose tenant is the path
// parameter {key} refuse a key bound to another org, as {org} does.
func TestATenantPathParameterNamedKey(t *testing.T) {
	t.Parallel()
	keyed(t, func(t *testing.T, as func(string) *faketest.Client) {
		if r := as("b").Do(t, "GET", "/api/reports/platforms/orgA/", nil); r.Status != 403 {
			t.Errorf("key b on orgA's {key} = %d %s, want 403", r.Status, r.Raw)
		}
		as("a").Must(t, 200, "GET", "/api/reports/platforms/orgA/", nil)
		if e := as("a").Srv.Journal().Entries(); e[len(e)-1].Tenant != "orgA" {
			t.Errorf("journal tenant %q, want orgA", e[len(e)-1].Tenant)
		}
	})
}

// TestAPercentEncodedOrgIsTheOrg: Django decodes the path before it routes,
// so org%41 is orgA, on modelled routes and the long tail alike.
func TestAPercentEncodedOrgIsTheOrg(t *testing.T) {
	t.Parallel()
	keyed(t, func(t *testing.T, as func(string) *faketest.Client) {
		a := as("a")
		a.Must(t, 200, "POST", "/api/credentials/orgs/orgA/users/admin/issuers/", map[string]any{"name": "Encoded"})
		list := a.Must(t, 200, "GET", "/api/credentials/orgs/org%41/users/admin/issuers/", nil)
		if !strings.Contains(string(list.Raw), "Encoded") {
			t.Errorf("orgA's issuers read as org%%41: %s", list.Raw)
		}
		for _, p := range []string{"/api/credentials/orgs/org%41/users/admin/issuers/", "/api/ai-bot/v1/bots/org%41/bot-commands/1/"} {
			if r := as("b").Do(t, "GET", p, nil); r.Status != 403 {
				t.Errorf("key b on %s = %d, want 403", p, r.Status)
			}
		}
		made := a.Must(t, 201, "POST", "/api/ai-bot/v1/bots/orgA/bot-commands/", map[string]any{"bot": 1, "command": "start", "mentor": 2}).Obj(t)
		got := a.Must(t, 200, "GET", "/api/ai-bot/v1/bots/org%41/bot-commands/"+jsonNumber(t, made["id"])+"/", nil).Obj(t)
		if got["command"] != "start" {
			t.Errorf("orgA's bot command read as org%%41: %v", got)
		}
		if e := a.Srv.Journal().Entries(); e[len(e)-1].Tenant != "orgA" {
			t.Errorf("journal tenant %q, want orgA", e[len(e)-1].Tenant)
		}
	})
}

// TestDeletingAnIDNoCreateMadeStoresNothing: DRF looks the row up before it
// destroys it, so a DELETE of an id the tenant never created is its 404
// and writes nothing; a long-tail path id is an identifier of at most 255
// characters.
func TestDeletingAnIDNoCreateMadeStoresNothing(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)))
			base := "/api/ai-bot/v1/bots/acme/bot-commands/"
			history := "/api/ai-analytics/orgs/acme/users/u1/chat-history/"
			for _, p := range []string{base + "7/", history + "never-made/"} {
				r := c.Do(t, "DELETE", p, nil)
				if r.Status != 404 {
					t.Fatalf("DELETE %s = %d %s, want 404", p, r.Status, r.Raw)
				}
				faketest.JSONEq(t, r.Body, `{"detail": "Not found."}`)
			}
			long := strings.Repeat("z", 256)
			r := c.Do(t, "DELETE", history+long+"/", nil)
			if r.Status != 400 || !strings.Contains(string(r.Raw), "Ensure this field has no more than 255 characters.") {
				t.Fatalf("DELETE of a 256-character id = %d %s, want 400 on the parameter", r.Status, r.Raw)
			}
			if st := exportOf(t, c, ""); len(st.Buckets["synth.records"]) != 0 {
				t.Fatalf("stored %d records for deletes of ids nobody made", len(st.Buckets["synth.records"]))
			}
			// A created one is deleted once, then gone.
			created := c.Must(t, 201, "POST", base, map[string]any{"bot": 1, "command": "start", "mentor": 2}).Obj(t)
			id := jsonNumber(t, created["id"])
			c.Must(t, 204, "DELETE", base+id+"/", nil)
			c.Must(t, 404, "DELETE", base+id+"/", nil)
		})
	}
}

// TestASynthesizedPagePastTheLastIsDRFs404: a page number past the last
// page, up to the int maximum, is PageNumberPagination's 404, never a page
// of negative ids.
func TestASynthesizedPagePastTheLastIsDRFs404(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	for _, page := range []string{"3", "9223372036854775807", "4611686018427387904"} {
		r := c.Do(t, "GET", "/api/ai-media/orgs/acme/users/alice/veo/videos/?page_size=100&page="+page, nil)
		if r.Status != 404 {
			t.Fatalf("page %s = %d %.200s, want 404", page, r.Status, r.Raw)
		}
		faketest.JSONEq(t, r.Body, `{"detail": "Invalid page."}`)
	}
	c.Must(t, 200, "GET", "/api/ai-media/orgs/acme/users/alice/veo/videos/?page_size=100&page=1", nil)
}

// jsonNumber is a JSON id as a path segment.
func jsonNumber(t *testing.T, v any) string {
	t.Helper()
	switch n := v.(type) {
	case float64:
		return strconv.FormatFloat(n, 'f', -1, 64)
	case string:
		return n
	}
	t.Fatalf("id %v is neither a number nor a string", v)
	return ""
}

// TestTheJournalKeepsBoundedQueries: a request with a 300 KiB query is
// journaled with the first MaxEntryText bytes of it.
func TestTheJournalKeepsBoundedQueries(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	q := strings.Repeat("a", 300<<10)
	c.Do(t, "GET", "/api/core/heartbeat/celery-beat/?x="+q, nil)
	e := c.Srv.Journal().Entries()
	if last := e[len(e)-1]; len(last.Query) > journal.MaxEntryText || !strings.HasPrefix(last.Query, "x=aaa") {
		t.Fatalf("journal kept %d bytes of the query", len(last.Query))
	}
}
