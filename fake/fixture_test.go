package fake_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/state"
	"github.com/iblfake/iblfake/internal/faketest"
)

var updateFixtures = flag.Bool("update-fixtures", false, "rewrite testdata/fixtures/small.yaml from the HTTP API")

// fixtureDir holds the fixtures the repository ships.
const fixtureDir = "../testdata/fixtures/"

// smallHeader opens small.yaml.
const smallHeader = "# A small realistic tenant (org acme), made through the HTTP API by\n" +
	"# TestFixtureSmallIsCurrent and exported; regenerate with\n" +
	"#   go test ./fake/ -run TestFixtureSmallIsCurrent -update-fixtures\n"

// smallTenant builds the small fixture's tenant through the HTTP API: two
// issuers, three credentials, five assertions (one revoked), a user license
// with two seats taken and two invitations, on dates in January 2026.
func smallTenant(t *testing.T) *faketest.Client {
	t.Helper()
	jan := func(d, h int) time.Time { return time.Date(2026, 1, d, h, 0, 0, 0, time.UTC) }
	c := faketest.NewClient(t, fake.WithSeed(2026), fake.WithClockAt(jan(5, 9)))
	clock := c.Srv.Clock()
	uni := c.CreateIssuer(t, "acme", "Acme University")
	academy := c.CreateIssuer(t, "acme", "Acme Skills Academy")
	clock.SetNow(jan(6, 10))
	py := c.CreateCredential(t, "acme", uni, "Python Foundations Certificate", map[string]any{
		"description": "Awarded for completing Python Foundations (PY101).", "credentialType": "certificate",
		"courses": []any{map[string]any{"course_id": "course-v1:acme+PY101+2026_T1", "name": "Python Foundations"}}, "tags": []string{"python"}})
	ds := c.CreateCredential(t, "acme", uni, "Data Science Professional Certificate", map[string]any{
		"credentialType": "program certificate", "programs": []any{"program-v1:acme+DATA+2026"}})
	cpr := c.CreateCredential(t, "acme", academy, "CPR and First Aid", map[string]any{
		"credentialType": "badge", "expires": map[string]any{"amount": 90, "duration": "days"}})
	for i, who := range []string{"ada.lovelace", "alan.turing", "grace.hopper"} {
		clock.SetNow(jan(10+i, 14))
		c.Issue(t, "acme", py, who, map[string]any{"course": "course-v1:acme+PY101+2026_T1",
			"recipient": map[string]any{"identity": who, "email": who + "@example.com"}})
	}
	clock.SetNow(jan(20, 11))
	c.Issue(t, "acme", ds, "ada.lovelace", map[string]any{"program": "program-v1:acme+DATA+2026"})
	wrong := c.Issue(t, "acme", cpr, "alan.turing", nil)
	clock.SetNow(jan(21, 8))
	c.Revoke(t, "acme", wrong, "Issued in error.")
	c.SeedGroups(t, "acme", map[string]any{"users": []any{
		map[string]any{"user_id": 1, "username": "ada.lovelace", "email": "ada.lovelace@example.com", "name": "Ada Lovelace"},
		map[string]any{"user_id": 2, "username": "alan.turing", "email": "alan.turing@example.com", "name": "Alan Turing"},
	}, "groups": []any{}})
	lid := faketest.ID(t, c.CreateLicense(t, "user", "acme", map[string]any{"name": "Pilot seats", "count": 5}))
	c.Must(t, 200, "POST", faketest.LicBase+"user/assignment/", map[string]any{"license_id": lid, "user_id": 1, "fulfilled": true})
	c.Must(t, 200, "POST", faketest.LicBase+"user/assignment/", map[string]any{"license_id": lid, "email": "new.hire@example.com"})
	c.Must(t, 200, "POST", faketest.InvBase+"platform/", map[string]any{"platform_key": "acme", "email": "katherine.johnson@example.com", "source": "admin"})
	c.Must(t, 200, "POST", faketest.InvBase+"platform/", map[string]any{"platform_key": "acme", "email": "old.invite@example.com",
		"expired": jan(15, 0).Format(time.RFC3339)})
	return c
}

// exportJSON is the server's state as compact JSON.
func exportJSON(t *testing.T, s *fake.Server) []byte {
	t.Helper()
	st, err := s.ExportState()
	if err != nil {
		t.Fatalf("ExportState: %v", err)
	}
	js, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func TestFixtureSmallIsCurrent(t *testing.T) {
	t.Parallel()
	c := smallTenant(t)
	st, err := c.Srv.ExportState()
	if err != nil {
		t.Fatal(err)
	}
	y, err := state.MarshalYAML(st)
	if err != nil {
		t.Fatalf("MarshalFixtureYAML: %v", err)
	}
	want := append([]byte(smallHeader), y...)
	path := fixtureDir + "small.yaml"
	if *updateFixtures {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is not what the HTTP API makes today; rerun with -update-fixtures and review the diff", path)
	}
}

func TestFixtureLoad(t *testing.T) {
	t.Parallel()
	t.Run("Empty", func(t *testing.T) {
		c := faketest.NewClient(t, fake.WithFixture(fixtureDir+"empty.yaml"))
		faketest.Equal(t, "state", string(exportJSON(t, c.Srv.Server)), `{"format":"iblfake-state/1","buckets":{},"sequences":{}}`)
	})
	t.Run("Small", func(t *testing.T) {
		c := faketest.NewClient(t, fake.WithFixture(fixtureDir+"small.yaml"))
		// The tenant works through the API as if it had been made there.
		faketest.Equal(t, "issuers", c.Must(t, 200, "GET", faketest.Base("acme")+"issuers/", nil).Result(t)["count"], any(2.0))
		faketest.Equal(t, "credentials", c.Must(t, 200, "GET", faketest.Base("acme"), nil).Result(t)["count"], any(3.0))
		env := c.Must(t, 200, "GET", faketest.UserBase("acme", "alan.turing")+"assertions/?include_revoked=true&include_expired=true", nil).Obj(t)
		revoked := 0
		for _, a := range faketest.Page(t, env) {
			if a["revoked"] == true {
				revoked++
				c.Must(t, 404, "GET", faketest.Public(a["entityId"].(string)), nil)
			}
		}
		faketest.Equal(t, "revoked assertions of alan.turing", revoked, 1)
		// New ids and index keys continue after the imported ones.
		is := c.CreateIssuer(t, "acme", "Third Issuer")
		faketest.Equal(t, "issuers", c.Must(t, 200, "GET", faketest.Base("acme")+"issuers/", nil).Result(t)["count"], any(3.0))
		c.Must(t, 200, "GET", faketest.Base("acme")+"issuers/"+is, nil)
	})
	t.Run("RoundTrip", func(t *testing.T) {
		// export -> YAML -> fixture -> export is the identity.
		src := smallTenant(t)
		want := exportJSON(t, src.Srv.Server)
		st, _ := src.Srv.ExportState()
		y, err := state.MarshalYAML(st)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "snap.yaml")
		if err := os.WriteFile(path, y, 0o644); err != nil {
			t.Fatal(err)
		}
		dst := faketest.NewClient(t, fake.WithFixture(path))
		if got := exportJSON(t, dst.Srv.Server); !bytes.Equal(got, want) {
			t.Fatalf("state after the YAML round trip differs:\n got %.300s\nwant %.300s", got, want)
		}
		// JSON (the export as it is) is a fixture too.
		jsPath := filepath.Join(t.TempDir(), "snap.json")
		if err := os.WriteFile(jsPath, want, 0o644); err != nil {
			t.Fatal(err)
		}
		if got := exportJSON(t, faketest.NewClient(t, fake.WithFixture(jsPath)).Srv.Server); !bytes.Equal(got, want) {
			t.Fatal("state after loading the JSON export as a fixture differs")
		}
	})
}

func TestFixtureMalformed(t *testing.T) {
	t.Parallel()
	_, err := fake.New(fake.WithFixture(fixtureDir + "malformed.yaml"))
	var fe *state.FixtureError
	if !errors.As(err, &fe) {
		t.Fatalf("New = %v, want a *state.FixtureError", err)
	}
	faketest.Equal(t, "line", fe.Line, 8)
	faketest.Equal(t, "field", fe.Field, "buckets.cred.issuers.Hn2xv5b0Sg6b3e2sVq0xQw")
	faketest.Equal(t, "reason", fe.Reason, "a value must be a mapping, a sequence or a string, got null")
	if !strings.Contains(err.Error(), "malformed.yaml:8: ") {
		t.Errorf("error %q does not name the file and line", err)
	}

	for _, tc := range []struct {
		name, doc   string
		line        int
		field, text string
	}{
		{"Syntax", "format: iblfake-state/1\nbuckets:\n\tb: {}\n", 3, "", "found character that cannot start any token"},
		{"Empty", "", 1, "", "the file is empty"},
		{"NoFormat", "buckets: {}\n", 1, "format", "missing"},
		{"WrongFormat", "format: iblfake-state/2\n", 1, "format", `want "iblfake-state/1"`},
		{"UnknownField", "format: iblfake-state/1\nbucket: {}\n", 2, "bucket", "unknown field"},
		{"BucketNotMapping", "format: iblfake-state/1\nbuckets:\n  cred.issuers: [1, 2]\n", 3, "buckets.cred.issuers", "want a mapping"},
		{"ValueNumber", "format: iblfake-state/1\nbuckets:\n  b:\n    k: 3\n", 4, "buckets.b.k", "got int 3"},
		{"DuplicateKey", "format: iblfake-state/1\nbuckets:\n  b:\n    k: x\n    k: y\n", 5, "buckets.b", `key "k" is given twice`},
		{"ComplexKey", "format: iblfake-state/1\nbuckets:\n  b:\n    k: {? [a]: 1}\n", 4, "buckets.b.k", "a key must be a scalar"},
		{"Infinity", "format: iblfake-state/1\nbuckets:\n  b:\n    k: {n: .inf}\n", 4, "buckets.b.k.n", "not a number JSON can hold"},
		{"JSONValueNumber", "{\"format\": \"iblfake-state/1\",\n \"buckets\": {\"b\": {\n  \"k\": 3}}}", 3, "buckets.b.k", "got int 3"},
		{"JSONUnknownField", "{\"format\": \"iblfake-state/1\",\n \"bucket\": {}}", 2, "bucket", "unknown field"},
		{"NegativeSequence", "format: iblfake-state/1\nsequences:\n  b: -1\n", 3, "sequences.b", "non-negative integer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := state.ParseFixture("t.yaml", []byte(tc.doc))
			var fe *state.FixtureError
			if !errors.As(err, &fe) {
				t.Fatalf("ParseFixture = %v, want a *state.FixtureError", err)
			}
			if fe.Line != tc.line || fe.Field != tc.field || !strings.Contains(fe.Reason, tc.text) {
				t.Fatalf("error = line %d field %q reason %q, want line %d field %q reason containing %q",
					fe.Line, fe.Field, fe.Reason, tc.line, tc.field, tc.text)
			}
		})
	}
}

func TestFixtureMerge(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, doc string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// cred.directory: a bucket a module keeps, whose values no index
	// derives from.
	a := write("a.yaml", "format: iblfake-state/1\nbuckets:\n  cred.directory: {k1: \"one\"}\nsequences: {cred.directory: 4}\n")
	b := write("b.json", `{"format": "iblfake-state/1", "buckets": {"cred.directory": {"k2": {"n": 1}}}, "sequences": {"cred.directory": 9}}`)
	c := faketest.NewClient(t, fake.WithFixture(a), fake.WithFixture(b))
	faketest.Equal(t, "state", string(exportJSON(t, c.Srv.Server)),
		`{"format":"iblfake-state/1","buckets":{"cred.directory":{"k1":"one","k2":{"n":1}}},"sequences":{"cred.directory":9}}`)

	clash := write("c.yaml", "format: iblfake-state/1\nbuckets:\n  cred.directory: {k1: \"two\"}\n")
	_, err := fake.New(fake.WithFixture(a), fake.WithFixture(clash))
	if err == nil || !strings.Contains(err.Error(), "c.yaml") || !strings.Contains(err.Error(), "a.yaml") {
		t.Fatalf("New = %v, want an error naming both files", err)
	}
}

func TestFixtureKeepsAFilledStore(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	c.CreateIssuer(t, "acme", "Already here")
	before := exportJSON(t, c.Srv.Server)
	s, err := fake.New(fake.WithStore(c.Srv.Store()), fake.WithFixture(fixtureDir+"small.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := exportJSON(t, s); !bytes.Equal(got, before) {
		t.Fatal("a fixture replaced a store that already held state")
	}
	if _, err := fake.New(fake.WithStore(c.Srv.Store()), fake.WithFixture(fixtureDir+"malformed.yaml")); err == nil {
		t.Fatal("a malformed fixture was accepted over a filled store")
	}
}

func TestFixtureProgress(t *testing.T) {
	t.Parallel()
	const n = 25000
	var doc strings.Builder
	doc.WriteString("format: iblfake-state/1\nbuckets:\n  cred.directory:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&doc, "    k%06d: {id: %d, name: entity %d}\n", i, i, i)
	}
	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, []byte(doc.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	start := time.Now()
	s, err := fake.New(fake.WithFixture(path), fake.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d entries loaded in %v", n, time.Since(start))
	for _, want := range []string{`msg="loading fixture"`, "entries=10000", "entries=20000", `msg="fixtures loaded"`, "entries=25000"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log does not show %q:\n%s", want, logs.String())
		}
	}
	st, _ := s.ExportState()
	faketest.Equal(t, "entries", len(st.Buckets["cred.directory"]), n)
	faketest.Equal(t, "an entity", string(st.Buckets["cred.directory"]["k012345"]), `{"id":12345,"name":"entity 12345"}`)
}

func TestSeededIDsDoNotRepeatOverAFilledStore(t *testing.T) {
	t.Parallel()
	// A --db file reopened with the same --seed, or a fixture made by a
	// fake with that seed: the generator must not hand out stored ids again.
	first := faketest.NewClient(t, fake.WithSeed(9))
	a := first.CreateIssuer(t, "acme", "First")
	srv, err := fake.New(fake.WithSeed(9), fake.WithStore(first.Srv.Store()))
	if err != nil {
		t.Fatal(err)
	}
	rec := httptestDo(t, srv, "POST", faketest.Base("acme")+"issuers/", `{"name": "Second"}`)
	var out struct {
		Result struct {
			EntityID string `json:"entityId"`
		} `json:"result"`
	}
	if err := json.Unmarshal(rec, &out); err != nil {
		t.Fatal(err)
	}
	if out.Result.EntityID == a {
		t.Fatalf("the reopened store's generator repeated id %s", a)
	}
	faketest.Equal(t, "issuers", first.Must(t, 200, "GET", faketest.Base("acme")+"issuers/", nil).Result(t)["count"], any(2.0))
}

// httptestDo sends one JSON request to s's handler in-process and returns
// the body of its 200 answer.
func httptestDo(t *testing.T, s *fake.Server, method, path, body string) []byte {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", faketest.DefaultAuth)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}
