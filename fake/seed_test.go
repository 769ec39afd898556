package fake_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/seed"
	"github.com/iblfake/iblfake/internal/faketest"
)

// seedAt is when the seed tests' clock stands, so that every way of giving
// the same seed makes the same state, byte for byte.
var seedAt = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// seedYAML is the repository's example seed file.
const seedYAML = fixtureDir + "seed.yaml"

// seedGo is seed.yaml written as Go values.
func seedGo() seed.Data {
	return seed.Data{Tenants: []seed.Tenant{{
		Org: "acme",
		Users: []seed.User{
			{ID: 7, Username: "ada", Email: "ada@acme.test", Name: "Ada Lovelace"},
			{ID: 8, Username: "bob", Email: "bob@acme.test", Name: "Bob Babbage"},
			{ID: 9, Username: "carol", Email: "carol@acme.test", Admin: true},
		},
		Groups:  []seed.Group{{ID: 10, Key: "cohort-a", Name: "Cohort A", Members: []string{"ada", "bob"}}},
		Issuers: []seed.Issuer{{Name: "Acme Academy", Fields: map[string]any{"email": "badges@acme.test", "url": "https://acme.test"}}},
		Credentials: []seed.Credential{
			{Name: "Data Science", Issuer: "Acme Academy", Assign: seed.Assign{Users: []string{"carol"}}, Fields: map[string]any{
				"description": "Awarded for finishing Data Science 101.", "courses": []string{"course-v1:acme+DS101+2024"}}},
			{Name: "Team Player", Issuer: "Acme Academy"},
		},
		Assertions: []seed.Assertion{
			{Credential: "Data Science", Recipient: "ada", At: "-30d", Fields: map[string]any{"course": "course-v1:acme+DS101+2024"}},
			{Credential: "Data Science", Recipient: "bob", Revoked: true, RevocationReason: "Issued in error."},
			{Credential: "Team Player", RecipientObject: map[string]any{"identity": "guest@partner.test", "email": "guest@partner.test"}},
		},
		Licenses: []seed.License{
			{Kind: "user", Fields: map[string]any{"name": "Pilot licenses", "count": 10}, Seats: []seed.Seat{
				{User: "ada"}, {User: "bob", Fields: map[string]any{"fulfilled": true}}, {Fields: map[string]any{"email": "new.hire@acme.test"}}}},
			{Kind: "course", Fields: map[string]any{"course_id": "course-v1:acme+DS101+2024", "count": 25}, GroupSeats: []seed.GroupSeat{{Group: "Cohort A"}}},
		},
		Invitations: []seed.Invitation{
			{Kind: "platform", Fields: map[string]any{"email": "invitee@acme.test", "source": "admin"}},
			{Kind: "course", User: "ada", Fields: map[string]any{"course_id": "course-v1:acme+DS101+2024"}},
		},
		Resources: []seed.Resource{{Operation: "ai_mentor_orgs_users_mcp_servers_create",
			Body: map[string]any{"name": "Docs", "url": "https://mcp.acme.test"}}},
	}, {
		Org:     "globex",
		Issuers: []seed.Issuer{{Name: "Globex Institute"}},
	}}}
}

// TestASeedFileMakesItsEntities: seed.yaml, applied through the handlers,
// makes every kind of entity a seed names, each where the API shows it,
// on both stores; and the same seed given as bytes, from an fs.FS (as
// //go:embed gives it) or as Go values makes the same state byte for byte.
func TestASeedFileMakesItsEntities(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)), fake.WithFixture(seedYAML), fake.WithSeed(7), fake.WithClockAt(seedAt))
			b := faketest.Base("acme")
			issuers := faketest.Page(t, c.Must(t, 200, "GET", b+"issuers/", nil).Result(t))
			faketest.Equal(t, "issuers", faketest.Field(issuers, "name"), []string{"Acme Academy"})
			creds := faketest.Page(t, c.Must(t, 200, "GET", b, nil).Result(t))
			faketest.Equal(t, "credentials", len(creds), 2)
			ada := faketest.Page(t, c.Must(t, 200, "GET", "/api/credentials/orgs/acme/users/ada/assertions/", nil).Obj(t))
			faketest.Equal(t, "ada's assertions", len(ada), 1)
			issued := ada[0]["issuedOn"].(string)
			if !strings.HasPrefix(issued, seedAt.AddDate(0, 0, -30).Format(time.DateOnly)) {
				t.Errorf("ada's assertion was issued %s, want 30 days before %s (at: -30d)", issued, seedAt)
			}
			faketest.Equal(t, "bob's active assertions", len(faketest.Page(t, c.Must(t, 200, "GET", "/api/credentials/orgs/acme/users/bob/assertions/", nil).Obj(t))), 0)
			assigned := c.Must(t, 200, "GET", b+"assignments/users/", nil).Result(t)
			faketest.Equal(t, "assignments", assigned["count"], any(float64(1)))
			lic := c.Must(t, 200, "GET", "/api/catalog/licenses/user/?platform_key=acme", nil).Obj(t)["results"].([]any)[0].(map[string]any)
			faketest.Equal(t, "seats used", lic["usage_count"], any(float64(3)))
			course := c.Must(t, 200, "GET", "/api/catalog/licenses/course/?platform_key=acme", nil).Obj(t)["results"].([]any)[0].(map[string]any)
			faketest.Equal(t, "group seats used", course["usage_count"], any(float64(2)))
			invs := c.Must(t, 200, "GET", "/api/catalog/invitations/course/?platform_key=acme", nil).Obj(t)["results"].([]any)
			faketest.Equal(t, "course invitations", len(invs), 1)
			dir := c.Must(t, 200, "GET", "/_fake/credential-groups?org=acme", nil).Obj(t)
			faketest.Equal(t, "credential directory users", len(dir["users"].([]any)), 3)
			faketest.Equal(t, "globex issuers", len(faketest.Page(t, c.Must(t, 200, "GET", faketest.Base("globex")+"issuers/", nil).Result(t))), 1)
			st := exportOf(t, c, "")
			if len(st.Buckets["longtail.records"]) != 1 {
				t.Errorf("the long-tail resource left %d records, want 1", len(st.Buckets["longtail.records"]))
			}
		})
	}
	data, err := os.ReadFile(seedYAML)
	if err != nil {
		t.Fatal(err)
	}
	base := []fake.Option{fake.WithSeed(7), fake.WithClockAt(seedAt)}
	want := exportJSON(t, faketest.NewClient(t, append(base, fake.WithFixture(seedYAML))...).Srv.Server)
	for name, opt := range map[string]fake.Option{
		"bytes":  fake.WithFixtureBytes("seed.yaml", data),
		"fs":     fake.WithFixtureFS(fstest.MapFS{"testdata/seed.yaml": {Data: data}}, "testdata/seed.yaml"),
		"values": fake.WithSeedData(seedGo()),
	} {
		got := exportJSON(t, faketest.NewClient(t, append(base, opt)...).Srv.Server)
		if string(got) != string(want) {
			t.Errorf("the seed given as %s made another state than the file:\n%s\nwant\n%s", name, got, want)
		}
	}
}

// TestSeedErrorsNameTheLine: every mistake in a seed is refused at
// start-up naming the file, the line and what is wrong, before anything
// is made: an unknown key (the seed's own or a vendor body's), a
// reference to an entity the seed does not declare, a kind or operation
// there is not, a bad time; and a create the fake refuses names the line
// of the field its refusal names.
func TestSeedErrorsNameTheLine(t *testing.T) {
	t.Parallel()
	const head = "format: iblfake-seed/1\ntenants:\n  acme:\n"
	for _, tc := range []struct{ name, doc, want string }{
		{"TopKey", "format: iblfake-seed/1\ntenant:\n  acme: {}\n", `s.yaml:2: unknown key "tenant"; did you mean "tenants"?`},
		{"TenantKey", head + "    isuers: []\n", `s.yaml:4: tenant acme: unknown key "isuers"; did you mean "issuers"?`},
		{"BodyKey", head + "    issuers:\n      - name: Acme\n        descripton: x\n",
			`s.yaml:6: tenant acme: issuer "Acme": unknown key "descripton" for an issuer`},
		{"Issuer", head + "    issuers: [{name: Acme Academy}]\n    credentials:\n      - {name: DS, issuer: Acme Acadmy}\n",
			`s.yaml:6: tenant acme: credential "DS": issuer "Acme Acadmy" is not declared in tenant acme; did you mean "Acme Academy"?`},
		{"Recipient", head + "    users: [{username: ada}]\n    issuers: [{name: A}]\n    credentials: [{name: DS, issuer: A}]\n    assertions:\n      - credential: DS\n        recipient: adda\n",
			`s.yaml:9: tenant acme: assertion 1: recipient "adda" is not declared in tenant acme's users; did you mean "ada"?`},
		{"Credential", head + "    users: [{username: ada}]\n    assertions:\n      - {credential: DS, recipient: ada}\n",
			`s.yaml:6: tenant acme: assertion 1: credential "DS" is not declared in tenant acme (it declares none)`},
		{"Group", head + "    licenses:\n      - kind: user\n        groups: [Cohort]\n",
			`s.yaml:6: tenant acme: license 1: group seat 1: group "Cohort" is not declared in tenant acme's groups (it declares none)`},
		{"Member", head + "    users: [{username: ada}]\n    groups:\n      - {name: G, members: [ada, bob]}\n",
			`s.yaml:6: tenant acme: group "G": member "bob" is not declared`},
		{"Kind", head + "    licenses:\n      - {kind: seat, count: 3}\n", `s.yaml:5: tenant acme: license 1: kind "seat" is none of platform, course, program, user`},
		{"Operation", head + "    resources:\n      - {operation: ai_mentor_orgs_users_mcp_server_create}\n",
			`s.yaml:5: tenant acme: resource 1: operation "ai_mentor_orgs_users_mcp_server_create" is not an operation of the served document; did you mean ai_mentor_orgs_users_mcp_servers_create`},
		{"ResourceBody", head + "    resources:\n      - operation: ai_mentor_orgs_users_mcp_servers_create\n        body: {nmae: x}\n",
			`s.yaml:6: tenant acme: resource 1: body: ai_mentor_orgs_users_mcp_servers_create does not take "nmae"; did you mean "name"?`},
		{"At", head + "    issuers:\n      - {name: A, at: yesterday}\n", `s.yaml:5: tenant acme: issuer "A": at: "yesterday" is neither a time`},
		{"Duplicate", head + "    issuers:\n      - {name: A}\n      - {name: A}\n", `s.yaml:6: tenant acme: issuer "A": another issuer of acme has this name`},
		{"TenantField", head + "    licenses:\n      - {kind: user, platform_key: other}\n", `s.yaml:5: tenant acme: license 1: platform_key: the seed fills it (the tenant's); leave it out`},
		{"Refused", head + "    licenses:\n      - kind: user\n        name: Pilot\n        count: many\n",
			`s.yaml:7: tenant acme: license 1 ("Pilot"): the fake refused it (POST /api/catalog/licenses/user/create/, 400): count: A valid integer is required.`},
		{"Format", "format: iblfake-sead/1\n", `s.yaml:1: format: want "iblfake-state/1" (a state export) or "iblfake-seed/1" (a seed file)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "s.yaml")
			if err := os.WriteFile(path, []byte(tc.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := fake.New(fake.WithFixture(path))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New = %v\nwant an error containing %s", err, tc.want)
			}
		})
	}
	// Go values are named "seed data" and by position.
	_, err := fake.New(fake.WithSeedData(seed.Data{Tenants: []seed.Tenant{{Org: "acme",
		Credentials: []seed.Credential{{Name: "DS", Issuer: "Nobody"}}}}}))
	if want := `fixture seed data: tenant acme: credential "DS": issuer "Nobody" is not declared in tenant acme (it declares none)`; err == nil || err.Error() != want {
		t.Fatalf("New = %v, want %s", err, want)
	}
}

// TestPutStateTakesASeed: PUT /_fake/state takes a seed document as a
// fixture is one: the state it describes replaces the store (the same
// state a fake started from it holds), or, with ?tenant=, that tenant's
// part replaces that tenant; a mistake is a 400 naming the body's line.
func TestPutStateTakesASeed(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(seedYAML)
	if err != nil {
		t.Fatal(err)
	}
	opts := []fake.Option{fake.WithSeed(7), fake.WithClockAt(seedAt)}
	want := exportOf(t, faketest.NewClient(t, append(opts, fake.WithFixture(seedYAML))...), "")
	c := faketest.NewClient(t, opts...)
	c.CreateIssuer(t, "initech", "Replaced by the seed")
	c.Must(t, 200, "PUT", "/_fake/state", faketest.RawBody{ContentType: "application/yaml", Data: string(data)})
	faketest.Equal(t, "state after PUT", exportOf(t, c, "").Buckets, want.Buckets)

	c.CreateIssuer(t, "acme", "Kept")
	c.CreateIssuer(t, "globex", "Replaced")
	acme := exportOf(t, c, "?tenant=acme")
	c.Must(t, 200, "PUT", "/_fake/state?tenant=globex", faketest.RawBody{ContentType: "application/yaml", Data: string(data)})
	faketest.Equal(t, "globex", len(faketest.Page(t, c.Must(t, 200, "GET", faketest.Base("globex")+"issuers/", nil).Result(t))), 1)
	faketest.Equal(t, "acme untouched", exportOf(t, c, "?tenant=acme").Buckets, acme.Buckets)

	r := c.Must(t, 400, "PUT", "/_fake/state", faketest.RawBody{ContentType: "application/json",
		Data: `{"format": "iblfake-seed/1", "tenants": {"acme": {"credentials": [{"name": "DS", "issuer": "Nobody"}]}}}`})
	faketest.JSONEq(t, r.Body, `{"detail": "request body:1: tenant acme: credential \"DS\": issuer \"Nobody\" is not declared in tenant acme (it declares none)"}`)
}
