package fake_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/state"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/faketest"
)

// seedEveryBucket fills org "demo" (the demo tenant) and org "acme"
// (through the API, with what the demo does not make: images, credential
// group assignments still pending) so that every bucket holds entries.
func seedEveryBucket(t *testing.T, c *faketest.Client) {
	t.Helper()
	seedState(t, c) // acme and beta credentials
	iss := c.CreateIssuer(t, "acme", "Acme")
	cred := c.CreateCredential(t, "acme", iss, "Cohort Badge", nil)
	faketest.SeedCredentialGroups(t, c, "acme")
	c.Must(t, 200, "POST", faketest.Base("acme")+"assignments/groups/", map[string]any{"credential_id": cred, "group_ids": []string{"cohort"}})
	c.Must(t, 200, "POST", faketest.Base("acme")+"assignments/users/", map[string]any{"credential_id": cred, "user_ids": []int{7}})
	c.Must(t, 200, "POST", faketest.Base("acme")+"images/", faketest.MultipartBody(t, "image", "logo.png", faketest.PNGBytes(t, 2, 2), "name", "Logo"))
	c.Must(t, 201, "POST", faketest.Base("acme")+"provider-config/", faketest.Accredible())
	c.Must(t, 201, "POST", faketest.Base("acme")+"external-mapping/", map[string]any{"credential_id": cred, "provider_name": "accredible"})
	c.Must(t, 201, "POST", "/api/ai-mentor/orgs/acme/users/ada/disclaimers/", map[string]any{"content": "Be kind", "scope": "platform"})
	c.Must(t, 200, "POST", "/api/reports/platforms/acme/new", map[string]any{"report_name": "my-chat-history"})
}

func exportOf(t *testing.T, c *faketest.Client, query string) state.State {
	t.Helper()
	var st state.State
	if err := json.Unmarshal(c.Must(t, 200, "GET", "/_fake/state"+query, nil).Raw, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// privateBuckets are the server's own buckets, no tenant's and not state
// (state.Schema.Private): spelled out here, so that another fails this
// test until it is named.
var privateBuckets = map[string]bool{"fake.settings": true}

// TestEveryBucketHasATenantScope fails when a domain package writes a
// bucket its TenantScopes does not cover: that bucket's entries would be
// missing from every per-tenant export. It walks the store itself, the
// server's runtime settings written too: the one bucket of no tenant is
// the server's settings, which no export holds.
func TestEveryBucketHasATenantScope(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithDemo(), fake.WithSeed(3))
	seedEveryBucket(t, c)
	c.Must(t, 200, "POST", "/_fake/scenarios/slow-network/activate", nil)
	c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": "1m"})
	scopes := moduleScopes()
	var buckets []string
	if err := c.Srv.Store().View(func(tx store.Tx) error { buckets = tx.Buckets(); return nil }); err != nil {
		t.Fatal(err)
	}
	st := exportOf(t, c, "")
	for _, b := range buckets {
		_, scoped := store.Resolve(scopes, b)
		_, exported := st.Buckets[b]
		switch {
		case privateBuckets[b] && exported:
			t.Errorf("bucket %q, the server's own, is exported", b)
		case !privateBuckets[b] && !scoped:
			t.Errorf("bucket %q has no tenant scope (a module's TenantScopes) and is not the server's own", b)
		}
	}
	if !slices.Contains(buckets, "fake.settings") || len(st.Buckets) < 40 {
		t.Errorf("only %d buckets seeded (settings: %v); the test no longer covers the store", len(st.Buckets), slices.Contains(buckets, "fake.settings"))
	}
}

// TestTenantStateExportImport: the per-tenant exports partition the whole
// store; importing one tenant's document restores that tenant and leaves
// the others as they were.
func TestTenantStateExportImport(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			// A frozen clock: the seeded group assignment must stay pending
			// (on a moving clock it is processed GroupAssignmentDelay later,
			// mid-test on a loaded machine, and acme's state would move).
			c := faketest.NewClient(t, fake.WithStore(open(t)), fake.WithDemo(), fake.WithSeed(3), fake.WithClockAt(time.Now()))
			seedEveryBucket(t, c)
			full := exportOf(t, c, "")

			// Every entry is exactly one tenant's.
			union := map[string]map[string]json.RawMessage{}
			for _, tenant := range []string{"acme", "beta", "demo"} {
				st := exportOf(t, c, "?tenant="+tenant)
				faketest.Equal(t, "tenant field", st.Tenant, tenant)
				faketest.Equal(t, tenant+" sequences", st.Sequences, full.Sequences)
				for b, items := range st.Buckets {
					if union[b] == nil {
						union[b] = map[string]json.RawMessage{}
					}
					for k, v := range items {
						if _, dup := union[b][k]; dup {
							t.Errorf("%s/%q is in two tenants' exports", b, k)
						}
						union[b][k] = v
					}
				}
			}
			if !reflect.DeepEqual(union, full.Buckets) {
				for b, items := range full.Buckets {
					for k := range items {
						if _, ok := union[b][k]; !ok {
							t.Errorf("%s/%q is in no tenant's export", b, k)
						}
					}
				}
				t.Fatal("the tenants' exports are not the whole store")
			}

			// Snapshot acme, change acme and demo, restore acme.
			acme := exportOf(t, c, "?tenant=acme")
			iss := c.CreateIssuer(t, "acme", "After the snapshot")
			c.CreateIssuer(t, "demo", "Demo, after the snapshot")
			demoBefore := exportOf(t, c, "?tenant=demo")
			res := c.Must(t, 200, "PUT", "/_fake/state", acme).Obj(t)
			faketest.Equal(t, "imported", res["imported"], any(true))
			c.Must(t, 404, "GET", faketest.Base("acme")+"issuers/"+iss, nil)
			after := exportOf(t, c, "?tenant=acme")
			faketest.Equal(t, "acme restored", after.Buckets, acme.Buckets)
			faketest.Equal(t, "demo untouched", exportOf(t, c, "?tenant=demo").Buckets, demoBefore.Buckets)
			// Sequences never go back: the issuer made after the snapshot
			// keeps its number, so a new one cannot reuse it.
			if got := exportOf(t, c, "").Sequences["cred.issuers"]; got <= acme.Sequences["cred.issuers"] {
				t.Errorf("cred.issuers sequence %d went back to the snapshot's %d", got, acme.Sequences["cred.issuers"])
			}
			// ?tenant= on PUT names the tenant of a document without one.
			acme.Tenant = ""
			c.Must(t, 200, "PUT", "/_fake/state?tenant=acme", acme)
			faketest.Equal(t, "acme restored by query", exportOf(t, c, "?tenant=acme").Buckets, after.Buckets)
		})
	}
}

func TestTenantStateImportRefusals(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	seedState(t, c)
	before := exportOf(t, c, "")
	acme := exportOf(t, c, "?tenant=acme")
	beta := exportOf(t, c, "?tenant=beta")

	// An entry of another tenant.
	mixed := acme
	mixed.Buckets = maps.Clone(acme.Buckets)
	mixed.Buckets["cred.issuers"] = maps.Clone(acme.Buckets["cred.issuers"])
	maps.Copy(mixed.Buckets["cred.issuers"], beta.Buckets["cred.issuers"])
	r := c.Must(t, 400, "PUT", "/_fake/state", mixed).Obj(t)
	if msg := jsonOf(t, r["buckets"]); !contains(msg, `is not tenant \"acme\"'s`) {
		t.Errorf("refusal %s does not say whose entry it is", msg)
	}
	// An index entry whose entity the document lacks.
	dangling := acme
	dangling.Buckets = maps.Clone(acme.Buckets)
	delete(dangling.Buckets, "cred.credentials")
	r = c.Must(t, 400, "PUT", "/_fake/state", dangling).Obj(t)
	if msg := jsonOf(t, r["buckets"]); !contains(msg, "which the document does not hold") {
		t.Errorf("refusal %s does not name the missing entity", msg)
	}
	// An entry under a key another tenant holds (its value made acme's).
	stolen := acme
	stolen.Buckets = maps.Clone(acme.Buckets)
	stolen.Buckets["cred.issuers"] = maps.Clone(acme.Buckets["cred.issuers"])
	stolen.Buckets["cred.issuers_by_tenant"] = maps.Clone(acme.Buckets["cred.issuers_by_tenant"])
	for k, v := range beta.Buckets["cred.issuers"] {
		var obj map[string]any
		if err := json.Unmarshal(v, &obj); err != nil {
			t.Fatal(err)
		}
		obj["tenant"] = "acme"
		stolen.Buckets["cred.issuers"][k] = json.RawMessage(jsonOf(t, obj))
		// With its index entry, as an export of acme would hold it.
		stolen.Buckets["cred.issuers_by_tenant"][fmt.Sprintf("acme\x00%016x", int(obj["seq"].(float64)))] = json.RawMessage(jsonOf(t, k))
	}
	r = c.Must(t, 400, "PUT", "/_fake/state", stolen).Obj(t)
	if msg := jsonOf(t, r["buckets"]); !contains(msg, "another tenant's entry") {
		t.Errorf("refusal %s does not say the key is another tenant's", msg)
	}
	// A bucket that is no tenant's, and a tenant mismatch.
	odd := acme
	odd.Buckets = map[string]map[string]json.RawMessage{"scratch": {"k": json.RawMessage(`"v"`)}}
	c.Must(t, 400, "PUT", "/_fake/state", odd)
	r = c.Must(t, 400, "PUT", "/_fake/state?tenant=beta", acme).Obj(t)
	faketest.Equal(t, "mismatch", jsonOf(t, r), `{"tenant":["The document is tenant \"acme\"'s, not \"beta\"'s."]}`)

	faketest.Equal(t, "nothing changed", exportOf(t, c, "").Buckets, before.Buckets)
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
