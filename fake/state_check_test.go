package fake_test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/catalog"
	"github.com/iblfake/iblfake/internal/credentials"
	"github.com/iblfake/iblfake/internal/faketest"
	"github.com/iblfake/iblfake/internal/longtail"
	"github.com/iblfake/iblfake/internal/reports"
	"github.com/iblfake/iblfake/internal/urlconf"
	"github.com/iblfake/iblfake/spec"
)

// declaredIndexes are the modules' index declarations (api.Indexer).
func declaredIndexes() []api.Index {
	ix := append(credentials.New(nil).Indexes(), catalog.New(nil).Indexes()...)
	return append(ix, longTail().Indexes()...)
}

// moduleScopes are the modules' tenant scopes.
func moduleScopes() []store.Scope {
	sc := append(credentials.New(nil).TenantScopes(), catalog.New(nil).TenantScopes()...)
	sc = append(sc, reports.New(nil, reports.Options{}).TenantScopes()...)
	return append(sc, longTail().TenantScopes()...)
}

// longTail is a long-tail module over the served document, for its
// declarations.
func longTail() *longtail.Module {
	sp, err := spec.LoadRequests()
	if err != nil {
		panic(err)
	}
	urls, err := urlconf.Of(sp)
	if err != nil {
		panic(err)
	}
	tail, err := longtail.New(&api.Deps{}, urls, longtail.Options{})
	if err != nil {
		panic(err)
	}
	return tail
}

// indexed reports whether bucket is an index bucket or an indexed entity
// bucket of a declaration: removing one of its entries breaks an index.
func indexed(bucket string) bool {
	for _, ix := range declaredIndexes() {
		for _, name := range []string{ix.Bucket, ix.Of} {
			if bucket == name || strings.HasSuffix(name, ".") && strings.HasPrefix(bucket, name) {
				return true
			}
		}
	}
	return false
}

// TestDeclaredIndexesMatchTheWritePath: the state every handler wrote (the
// demo tenant and every bucket seeded) passes the check built from the
// modules' declared indexes, so an export always imports; and removing
// any one entry of an indexed bucket, entity or index, is refused naming
// it, so the declarations cover every index the handlers keep. Every
// bucket whose scope follows another's entries (Ref, KeyRef: an index or
// data kept beside an entity) must be declared as an index.
func TestDeclaredIndexesMatchTheWritePath(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)), fake.WithDemo(), fake.WithSeed(5))
			seedEveryBucket(t, c)
			full := exportOf(t, c, "")
			c.Must(t, 200, "PUT", "/_fake/state", full) // the handlers' own state imports
			for _, tenant := range []string{"acme", "demo"} {
				c.Must(t, 200, "PUT", "/_fake/state", exportOf(t, c, "?tenant="+tenant))
			}
			scopes := moduleScopes()
			refused := 0
			for _, b := range slices.Sorted(maps.Keys(full.Buckets)) {
				if sc, ok := store.Resolve(scopes, b); ok && (sc.Ref != "" || sc.KeyRef != "") && !indexed(b) {
					t.Errorf("bucket %q follows %s%s's entries but no module declares it an index", b, sc.Ref, sc.KeyRef)
				}
				k := slices.Sorted(maps.Keys(full.Buckets[b]))[0]
				cut := full
				cut.Buckets = maps.Clone(full.Buckets)
				cut.Buckets[b] = maps.Clone(full.Buckets[b])
				delete(cut.Buckets[b], k)
				r := c.Do(t, "PUT", "/_fake/state", cut)
				switch {
				case indexed(b) && r.Status != 400:
					t.Errorf("without %s/%q: PUT /_fake/state = %d, want 400", b, k, r.Status)
				case indexed(b):
					refused++
				case r.Status != 200:
					t.Errorf("without %s/%q (no index): PUT /_fake/state = %d %s", b, k, r.Status, r.Raw)
				}
				if r.Status == 200 {
					c.Must(t, 200, "PUT", "/_fake/state", full)
				}
			}
			if refused < 25 {
				t.Errorf("%d buckets' entries are checked; the seeded state no longer covers the indexes", refused)
			}
		})
	}
}

// TestAHandWrittenDumpIsRefused: the newcomer's fixture (an issuer without
// its index entry) and a typo'd bucket loaded "successfully" and showed
// nothing; now both are refused at start-up naming the file, the line and
// the key, and by PUT /_fake/state naming the key.
func TestAHandWrittenDumpIsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct{ name, doc, want string }{
		{"NoIndex", `format: iblfake-state/1
buckets:
  cred.issuers:
    Hn2x:
      entity_id: Hn2x
      tenant: acme
      seq: 1
      name: Acme Academy
sequences: {cred.issuers: 1}
`, `mine.yaml:4: buckets.cred.issuers.Hn2x: has no entry in cred.issuers_by_tenant (want key "acme\x000000000000000001")`},
		{"Typo", `format: iblfake-state/1
buckets:
  cred.isuers:
    Hn2x: {entity_id: Hn2x}
`, `mine.yaml:3: buckets.cred.isuers: no module keeps a bucket of this name, so nothing would ever read it; did you mean cred.issuers?`},
		{"TypoSequence", "format: iblfake-state/1\nbuckets: {}\nsequences:\n  cred.isuers: 3\n",
			`mine.yaml:4: sequences.cred.isuers: no module keeps a bucket`},
		{"WrongKey", `format: iblfake-state/1
buckets:
  cred.issuers:
    other: {entity_id: Hn2x, tenant: acme, seq: 1}
  cred.issuers_by_tenant:
    "acme\0000000000000000001": Hn2x
`, `mine.yaml:4: buckets.cred.issuers.other: not an entity this bucket can hold: it is stored under "other", but its id is "Hn2x"`},
		{"Dangling", `{"format": "iblfake-state/1", "buckets": {"cred.issuers_by_tenant": {"acme\u00000000000000000001": "Hn2x"}}}`,
			`mine.yaml:1: buckets.cred.issuers_by_tenant."acme\x000000000000000001": an index entry for no entity of cred.issuers`},
		{"Settings", "format: iblfake-state/1\nbuckets:\n  fake.settings: {clock: {}}\n",
			`mine.yaml:3: buckets.fake.settings: the fake's own bucket`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name, "mine.yaml")
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(tc.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := fake.New(fake.WithFixture(path))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New = %v\nwant an error containing %s", err, tc.want)
			}
			// The same document over PUT /_fake/state (YAML as a fixture is).
			c := faketest.NewClient(t)
			r := c.Must(t, 400, "PUT", "/_fake/state", faketest.RawBody{ContentType: "application/yaml", Data: tc.doc})
			_, field, _ := strings.Cut(tc.want, ": ")
			field, _, _ = strings.Cut(field, ": ")
			if !strings.Contains(string(r.Raw), jsonString(field)) {
				t.Errorf("PUT /_fake/state = %s, want it to name %s", r.Raw, field)
			}
		})
	}
}

// jsonString is s as it appears inside a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// TestPutStateTakesAFixture: PUT /_fake/state reads the YAML a fixture is,
// by its Content-Type or sniffed (no Content-Type), into the same state
// --fixture loads; the newcomer's curl of small.yaml was a JSON parse error.
func TestPutStateTakesAFixture(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile(fixtureDir + "small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := exportOf(t, faketest.NewClient(t, fake.WithFixture(fixtureDir+"small.yaml")), "")
	for _, ct := range []string{"application/yaml", "application/x-yaml", ""} {
		c := faketest.NewClient(t)
		c.Must(t, 200, "PUT", "/_fake/state", faketest.RawBody{ContentType: ct, Data: string(doc)})
		faketest.Equal(t, "state from a "+ct+" body", exportOf(t, c, ""), want)
	}
	// A YAML error names the body's line.
	c := faketest.NewClient(t)
	r := c.Must(t, 400, "PUT", "/_fake/state", faketest.RawBody{ContentType: "application/yaml", Data: "format: iblfake-state/1\nbuckets:\n  cred.issuers: 7\n"})
	faketest.Equal(t, "refusal", string(r.Raw), `{"detail":"request body:3: buckets.cred.issuers: want a mapping, got int 7"}`)
}
