package fake_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/state"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/faketest"
)

// seedState fills org "acme" and org "beta" through the vendor API,
// including deletions (so sequences run ahead of the keys) and a revocation.
func seedState(t *testing.T, c *faketest.Client) (cred string) {
	t.Helper()
	iss := c.CreateIssuer(t, "acme", "Acme <University> & Co")
	cred = c.CreateCredential(t, "acme", iss, "Data Science", map[string]any{"courses": []string{"course-v1:acme+DS1+2024"}})
	gone := c.CreateCredential(t, "acme", iss, "Dropped", nil)
	c.Must(t, 200, "DELETE", faketest.Base("acme")+gone, nil)
	for i := 0; i < 3; i++ {
		c.Issue(t, "acme", cred, fmt.Sprintf("user%d", i), nil)
	}
	a := c.Issue(t, "acme", cred, "leaver", nil)
	c.Revoke(t, "acme", a, "left the program")
	biss := c.CreateIssuer(t, "beta", "Beta")
	c.CreateCredential(t, "beta", biss, "Beta badge", nil)
	return cred
}

func TestStateExportResetImport(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)))
			cred := seedState(t, c)
			detail := c.Must(t, 200, "GET", faketest.Base("acme")+cred, nil).Raw
			list := c.Must(t, 200, "GET", faketest.Base("acme")+cred+"/assertions/?include_revoked=true", nil).Raw

			exported := c.Must(t, 200, "GET", "/_fake/state", nil).Raw
			var st state.State
			if err := json.Unmarshal(exported, &st); err != nil {
				t.Fatal(err)
			}
			faketest.Equal(t, "format", st.Format, state.Format)
			if st.Sequences["cred.credentials"] != 3 {
				t.Errorf("sequences[cred.credentials]=%d, want 3 (one deleted)", st.Sequences["cred.credentials"])
			}
			if n := len(st.Buckets["cred.assertions"]); n != 4 {
				t.Errorf("%d assertions exported, want 4", n)
			}

			c.Must(t, 200, "POST", "/_fake/reset", nil)
			faketest.Equal(t, "state after reset", string(c.Must(t, 200, "GET", "/_fake/state", nil).Raw),
				`{"format":"iblfake-state/1","buckets":{},"sequences":{}}`)
			c.Must(t, 404, "GET", faketest.Base("acme")+cred, nil)

			r := c.Must(t, 200, "PUT", "/_fake/state", faketest.RawBody{ContentType: "application/json", Data: string(exported)})
			faketest.JSONEq(t, r.Body, fmt.Sprintf(`{"imported":true,"buckets":%d,"keys":%d}`, len(st.Buckets), countKeys(st)))

			if again := c.Must(t, 200, "GET", "/_fake/state", nil).Raw; !bytes.Equal(again, exported) {
				t.Fatalf("export after import differs:\n got %s\nwant %s", again, exported)
			}
			faketest.Equal(t, "credential after import", string(c.Must(t, 200, "GET", faketest.Base("acme")+cred, nil).Raw), string(detail))
			faketest.Equal(t, "assertion list after import",
				string(c.Must(t, 200, "GET", faketest.Base("acme")+cred+"/assertions/?include_revoked=true", nil).Raw), string(list))

			// Sequences came back too: a new assertion neither collides with
			// nor hides an imported one.
			c.Issue(t, "acme", cred, "newcomer", nil)
			env := c.Must(t, 200, "GET", faketest.Base("acme")+cred+"/assertions/?include_revoked=true", nil).Obj(t)
			if n := env["count"]; n != float64(5) {
				t.Errorf("count after a new assertion=%v, want 5", n)
			}

			// Importing over existing state replaces all of it, sequences too.
			c.Must(t, 200, "PUT", "/_fake/state", faketest.RawBody{ContentType: "application/json", Data: string(exported)})
			if again := c.Must(t, 200, "GET", "/_fake/state", nil).Raw; !bytes.Equal(again, exported) {
				t.Fatalf("export after import over existing state differs:\n got %s\nwant %s", again, exported)
			}
		})
	}
}

// TestStateAcrossBackends moves a memory fake's state into a bbolt one.
func TestStateAcrossBackends(t *testing.T) {
	t.Parallel()
	mem := faketest.NewClient(t)
	cred := seedState(t, mem)
	exported := mem.Must(t, 200, "GET", "/_fake/state", nil).Raw

	disk := faketest.NewClient(t, fake.WithStore(faketest.Backends["bolt"](t)))
	disk.Must(t, 200, "PUT", "/_fake/state", faketest.RawBody{ContentType: "application/json", Data: string(exported)})
	if got := disk.Must(t, 200, "GET", "/_fake/state", nil).Raw; !bytes.Equal(got, exported) {
		t.Fatalf("bolt export differs from memory export:\n got %s\nwant %s", got, exported)
	}
	faketest.Equal(t, "credential", string(disk.Must(t, 200, "GET", faketest.Base("acme")+cred, nil).Raw),
		string(mem.Must(t, 200, "GET", faketest.Base("acme")+cred, nil).Raw))
}

func TestStateImportRefusals(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)))
			seedState(t, c)
			before := c.Must(t, 200, "GET", "/_fake/state", nil).Raw
			for _, tc := range []struct{ name, body, want string }{
				{"NotJSON", `{"buckets":`, `{"detail":"JSON parse error - unexpected EOF"}`},
				{"UnknownField", `{"bucket":{}}`, `{"detail":"JSON parse error - json: unknown field \"bucket\""}`},
				{"OtherFormat", `{"format":"iblfake-state/9","buckets":{}}`,
					`{"format":["\"iblfake-state/9\" is not \"iblfake-state/1\"."]}`},
				{"NumberValue", `{"buckets":{"b":{"k":1}}}`,
					`{"buckets":["b/\"k\": a value must be a JSON object, array or string"]}`},
				{"EmptyKey", `{"buckets":{"b":{"":"v"}}}`, `{"buckets":["Bucket \"b\" has an empty key."]}`},
			} {
				r := c.Must(t, 400, "PUT", "/_fake/state", faketest.RawBody{ContentType: "application/json", Data: tc.body})
				if string(r.Raw) != tc.want {
					t.Errorf("%s: body=%s, want %s", tc.name, r.Raw, tc.want)
				}
			}
			if after := c.Must(t, 200, "GET", "/_fake/state", nil).Raw; !bytes.Equal(after, before) {
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
	c := faketest.NewClient(t, fake.WithStore(b))
	// cred.directory is a bucket a module keeps (the credentials directory) whose
	// values no index derives from, so any value imports.
	body := `{"buckets":{"cred.directory":{"a\u0000001":"id-1","obj":{"k":[1,"<&>"]},"quoted":"\"s\"","num":"42","sp":"{ \"a\": 1 }"}},"sequences":{"cred.directory":7}}`
	c.Must(t, 200, "PUT", "/_fake/state", faketest.RawBody{ContentType: "application/json", Data: body})
	want := map[string]string{"a\x00001": "id-1", "obj": `{"k":[1,"<&>"]}`, "quoted": `"s"`, "num": "42", "sp": `{ "a": 1 }`}
	if err := b.View(func(tx store.Tx) error {
		for k, v := range want {
			if got := string(tx.Get("cred.directory", k)); got != v {
				t.Errorf("stored %q=%q, want %q", k, got, v)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	faketest.Equal(t, "export", string(c.Must(t, 200, "GET", "/_fake/state", nil).Raw),
		`{"format":"iblfake-state/1","buckets":{"cred.directory":{"a\u0000001":"id-1","num":"42","obj":{"k":[1,"<&>"]},"quoted":"\"s\"","sp":"{ \"a\": 1 }"}},"sequences":{"cred.directory":7}}`)
}

func countKeys(st state.State) int {
	n := 0
	for _, items := range st.Buckets {
		n += len(items)
	}
	return n
}
