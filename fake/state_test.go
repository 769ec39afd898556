package fake_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/state"
	"github.com/iblfake/iblfake/fake/store"
)

// backends are the store backends every state test runs on.
var backends = map[string]func(t *testing.T) store.Backend{
	"memory": func(*testing.T) store.Backend { return store.NewMemory() },
	"bolt": func(t *testing.T) store.Backend {
		b, err := store.OpenBolt(filepath.Join(t.TempDir(), "state.db"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	},
}

// seedState fills org "acme" and org "beta" through the vendor API,
// including deletions (so sequences run ahead of the keys) and a revocation.
func seedState(t *testing.T, c *client) (cred string) {
	t.Helper()
	iss := c.createIssuer(t, "acme", "Acme <University> & Co")
	cred = c.createCredential(t, "acme", iss, "Data Science", map[string]any{"courses": []string{"course-v1:acme+DS1+2024"}})
	gone := c.createCredential(t, "acme", iss, "Dropped", nil)
	c.must(t, 200, "DELETE", base("acme")+gone, nil)
	for i := 0; i < 3; i++ {
		c.issue(t, "acme", cred, fmt.Sprintf("user%d", i), nil)
	}
	a := c.issue(t, "acme", cred, "leaver", nil)
	c.revoke(t, "acme", a, "left the program")
	biss := c.createIssuer(t, "beta", "Beta")
	c.createCredential(t, "beta", biss, "Beta badge", nil)
	return cred
}

func TestStateExportResetImport(t *testing.T) {
	t.Parallel()
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			c := newClient(t, fake.WithStore(open(t)))
			cred := seedState(t, c)
			detail := c.must(t, 200, "GET", base("acme")+cred, nil).Raw
			list := c.must(t, 200, "GET", base("acme")+cred+"/assertions/?include_revoked=true", nil).Raw

			exported := c.must(t, 200, "GET", "/_fake/state", nil).Raw
			var st state.State
			if err := json.Unmarshal(exported, &st); err != nil {
				t.Fatal(err)
			}
			equal(t, "format", st.Format, state.Format)
			if st.Sequences["cred.credentials"] != 3 {
				t.Errorf("sequences[cred.credentials]=%d, want 3 (one deleted)", st.Sequences["cred.credentials"])
			}
			if n := len(st.Buckets["cred.assertions"]); n != 4 {
				t.Errorf("%d assertions exported, want 4", n)
			}

			c.must(t, 200, "POST", "/_fake/reset", nil)
			equal(t, "state after reset", string(c.must(t, 200, "GET", "/_fake/state", nil).Raw),
				`{"format":"iblfake-state/1","buckets":{},"sequences":{}}`)
			c.must(t, 404, "GET", base("acme")+cred, nil)

			r := c.must(t, 200, "PUT", "/_fake/state", rawBody{contentType: "application/json", data: string(exported)})
			jsonEq(t, r.Body, fmt.Sprintf(`{"imported":true,"buckets":%d,"keys":%d}`, len(st.Buckets), countKeys(st)))

			if again := c.must(t, 200, "GET", "/_fake/state", nil).Raw; !bytes.Equal(again, exported) {
				t.Fatalf("export after import differs:\n got %s\nwant %s", again, exported)
			}
			equal(t, "credential after import", string(c.must(t, 200, "GET", base("acme")+cred, nil).Raw), string(detail))
			equal(t, "assertion list after import",
				string(c.must(t, 200, "GET", base("acme")+cred+"/assertions/?include_revoked=true", nil).Raw), string(list))

			// Sequences came back too: a new assertion neither collides with
			// nor hides an imported one.
			c.issue(t, "acme", cred, "newcomer", nil)
			env := c.must(t, 200, "GET", base("acme")+cred+"/assertions/?include_revoked=true", nil).obj(t)
			if n := env["count"]; n != float64(5) {
				t.Errorf("count after a new assertion=%v, want 5", n)
			}

			// Importing over existing state replaces all of it, sequences too.
			c.must(t, 200, "PUT", "/_fake/state", rawBody{contentType: "application/json", data: string(exported)})
			if again := c.must(t, 200, "GET", "/_fake/state", nil).Raw; !bytes.Equal(again, exported) {
				t.Fatalf("export after import over existing state differs:\n got %s\nwant %s", again, exported)
			}
		})
	}
}

// TestStateAcrossBackends moves a memory fake's state into a bbolt one.
func TestStateAcrossBackends(t *testing.T) {
	t.Parallel()
	mem := newClient(t)
	cred := seedState(t, mem)
	exported := mem.must(t, 200, "GET", "/_fake/state", nil).Raw

	disk := newClient(t, fake.WithStore(backends["bolt"](t)))
	disk.must(t, 200, "PUT", "/_fake/state", rawBody{contentType: "application/json", data: string(exported)})
	if got := disk.must(t, 200, "GET", "/_fake/state", nil).Raw; !bytes.Equal(got, exported) {
		t.Fatalf("bolt export differs from memory export:\n got %s\nwant %s", got, exported)
	}
	equal(t, "credential", string(disk.must(t, 200, "GET", base("acme")+cred, nil).Raw),
		string(mem.must(t, 200, "GET", base("acme")+cred, nil).Raw))
}

func TestStateImportRefusals(t *testing.T) {
	t.Parallel()
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			c := newClient(t, fake.WithStore(open(t)))
			seedState(t, c)
			before := c.must(t, 200, "GET", "/_fake/state", nil).Raw
			for _, tc := range []struct{ name, body, want string }{
				{"NotJSON", `{"buckets":`, `{"detail":"JSON parse error - unexpected EOF"}`},
				{"UnknownField", `{"bucket":{}}`, `{"detail":"JSON parse error - json: unknown field \"bucket\""}`},
				{"OtherFormat", `{"format":"iblfake-state/9","buckets":{}}`,
					`{"format":["\"iblfake-state/9\" is not \"iblfake-state/1\"."]}`},
				{"NumberValue", `{"buckets":{"b":{"k":1}}}`,
					`{"buckets":["b/\"k\": a value must be a JSON object, array or string"]}`},
				{"EmptyKey", `{"buckets":{"b":{"":"v"}}}`, `{"buckets":["Bucket \"b\" has an empty key."]}`},
			} {
				r := c.must(t, 400, "PUT", "/_fake/state", rawBody{contentType: "application/json", data: tc.body})
				if string(r.Raw) != tc.want {
					t.Errorf("%s: body=%s, want %s", tc.name, r.Raw, tc.want)
				}
			}
			if after := c.must(t, 200, "GET", "/_fake/state", nil).Raw; !bytes.Equal(after, before) {
				t.Errorf("a refused import changed the state")
			}
		})
	}
}

// TestStateValueEncoding: index values (plain strings) travel as JSON
// strings, entities as JSON, and JSON-looking strings keep their bytes.
func TestStateValueEncoding(t *testing.T) {
	t.Parallel()
	b := store.NewMemory()
	c := newClient(t, fake.WithStore(b))
	body := `{"buckets":{"x":{"a\u0000001":"id-1","obj":{"k":[1,"<&>"]},"quoted":"\"s\"","num":"42","sp":"{ \"a\": 1 }"}},"sequences":{"x":7}}`
	c.must(t, 200, "PUT", "/_fake/state", rawBody{contentType: "application/json", data: body})
	want := map[string]string{"a\x00001": "id-1", "obj": `{"k":[1,"<&>"]}`, "quoted": `"s"`, "num": "42", "sp": `{ "a": 1 }`}
	if err := b.View(func(tx store.Tx) error {
		for k, v := range want {
			if got := string(tx.Get("x", k)); got != v {
				t.Errorf("stored %q=%q, want %q", k, got, v)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	equal(t, "export", string(c.must(t, 200, "GET", "/_fake/state", nil).Raw),
		`{"format":"iblfake-state/1","buckets":{"x":{"a\u0000001":"id-1","num":"42","obj":{"k":[1,"<&>"]},"quoted":"\"s\"","sp":"{ \"a\": 1 }"}},"sequences":{"x":7}}`)
}

func countKeys(st state.State) int {
	n := 0
	for _, items := range st.Buckets {
		n += len(items)
	}
	return n
}
