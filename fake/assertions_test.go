package fake_test

import (
	"fmt"
	"testing"
	"time"
)

// public is the unauthenticated assertion URL.
func public(id string) string { return "/api/credentials/public/assertions/" + id + "/" }

func TestAssertionIssue(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	is := c.createIssuer(t, "acme", "Acme U")
	cred := c.createCredential(t, "acme", is, "Badge", map[string]any{"expires": map[string]any{"amount": 30, "duration": "days"}})

	r := c.must(t, 200, "POST", base("acme")+cred+"/assertions/", map[string]any{
		"recipient": map[string]any{"identity": "alice", "email": "alice@acme.example", "name": "Alice"},
		"course":    "course-v1:acme+PY101+2024", "metadata": map[string]any{"grade": "A"}, "narrative": "Well done",
	})
	got := r.obj(t)
	jsonEq(t, got["recipient"], `{"username": "alice", "email": "alice@acme.example", "name": "Alice"}`)
	jsonEq(t, got["course"], `{"course_id": "course-v1:acme+PY101+2024", "name": "PY101"}`)
	jsonEq(t, got["metadata"], `{"grade": "A"}`)
	equal(t, "program", got["program"], nil)
	equal(t, "narrative", got["narrative"], any("Well done"))
	equal(t, "revoked", got["revoked"], any(false))
	equal(t, "revocationReason", got["revocationReason"], nil)
	equal(t, "acceptance", got["acceptance"], any("Unaccepted"))
	equal(t, "credentialDetails.entityId", got["credentialDetails"].(map[string]any)["entityId"], any(cred))
	issued, err := time.Parse(time.RFC3339Nano, str(t, got, "issuedOn"))
	if err != nil {
		t.Fatalf("issuedOn: %v", err)
	}
	expires, err := time.Parse(time.RFC3339Nano, str(t, got, "expires"))
	if err != nil {
		t.Fatalf("expires: %v", err)
	}
	equal(t, "expires - issuedOn", expires.Sub(issued), 30*24*time.Hour)

	id := str(t, got, "entityId")
	again := c.must(t, 200, "GET", base("acme")+"assertions/"+id, nil)
	jsonEq(t, again.Body, string(r.Raw))

	t.Run("NoExpiry", func(t *testing.T) {
		forever := c.createCredential(t, "acme", is, "Forever", nil)
		a := c.must(t, 200, "POST", base("acme")+forever+"/assertions/", map[string]any{"recipient": map[string]any{"identity": "bob"}}).obj(t)
		equal(t, "expires", a["expires"], nil)
		equal(t, "course", a["course"], nil)
	})
	for _, tc := range []struct {
		name string
		body any
		want string
	}{
		{"NoRecipient", map[string]any{}, `{"recipient": ["This field is required."]}`},
		{"NoIdentity", map[string]any{"recipient": map[string]any{"email": "a@b.c"}}, `{"recipient": {"identity": ["This field is required."]}}`},
		{"BlankIdentity", map[string]any{"recipient": map[string]any{"identity": ""}}, `{"recipient": {"identity": ["This field may not be blank."]}}`},
		{"RecipientNotObject", map[string]any{"recipient": "alice"}, `{"recipient": ["Expected a dictionary of items but got type \"str\"."]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			jsonEq(t, c.must(t, 400, "POST", base("acme")+cred+"/assertions/", tc.body).Body, tc.want)
		})
	}
	t.Run("UnknownCredential", func(t *testing.T) {
		r := c.must(t, 404, "POST", base("acme")+"nope/assertions/", map[string]any{"recipient": map[string]any{"identity": "a"}})
		jsonEq(t, r.Body, `{"detail": "Not found."}`)
	})
}

func TestAssertionBulk(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	is := c.createIssuer(t, "acme", "Acme U")
	cred := c.createCredential(t, "acme", is, "Badge", nil)
	c.issue(t, "acme", cred, "alice", nil)
	revoked := c.issue(t, "acme", cred, "dave", nil)
	c.revoke(t, "acme", revoked, "mistake")

	r := c.must(t, 200, "POST", base("acme")+cred+"/assertions/bulk/", map[string]any{
		"users": []string{"alice", "bob", "carol", "bob", "dave"}, "course": "course-v1:acme+C+1",
	})
	// alice holds an active assertion, bob repeats; dave's was revoked.
	jsonEq(t, r.Body, `{"issued": ["bob", "carol", "dave"], "skipped": ["alice", "bob"]}`)
	env := c.must(t, 200, "GET", base("acme")+cred+"/assertions/?course=course-v1:acme%2BC%2B1", nil).obj(t)
	equal(t, "recipients of the course", field(usernames(page(t, env)), "username"), []string{"dave", "carol", "bob"})

	r = c.must(t, 200, "POST", base("acme")+cred+"/assertions/bulk/", map[string]any{"users": []string{"bob", "erin"}})
	jsonEq(t, r.Body, `{"issued": ["erin"], "skipped": ["bob"]}`)

	for _, tc := range []struct {
		name string
		body any
		want string
	}{
		{"NoUsers", map[string]any{}, `{"users": ["This field is required."]}`},
		{"EmptyUsers", map[string]any{"users": []string{}}, `{"users": ["This list may not be empty."]}`},
		{"UsersNotList", map[string]any{"users": "bob"}, `{"users": ["Expected a list of items but got type \"str\"."]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			jsonEq(t, c.must(t, 400, "POST", base("acme")+cred+"/assertions/bulk/", tc.body).Body, tc.want)
		})
	}
	c.must(t, 404, "POST", base("acme")+"nope/assertions/bulk/", map[string]any{"users": []string{"x"}})
}

// usernames returns the recipients of assertions.
func usernames(items []map[string]any) []map[string]any {
	out := make([]map[string]any, len(items))
	for i, it := range items {
		out[i] = it["recipient"].(map[string]any)
	}
	return out
}

func TestAssertionRevoke(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	is := c.createIssuer(t, "acme", "Acme U")
	cred := c.createCredential(t, "acme", is, "Badge", nil)
	id := c.issue(t, "acme", cred, "alice", nil)
	path := base("acme") + "assertions/" + id

	for _, tc := range []struct {
		name string
		body any
		want string
	}{
		{"NoReason", map[string]any{"revoked": true}, `{"revocationReason": ["This field is required."]}`},
		{"BlankReason", map[string]any{"revoked": true, "revocationReason": ""}, `{"revocationReason": ["This field is required."]}`},
		{"NullReason", map[string]any{"revoked": true, "revocationReason": nil}, `{"revocationReason": ["This field is required."]}`},
		{"RevokedNotBool", map[string]any{"revoked": "soon"}, `{"revoked": ["Must be a valid boolean."]}`},
		{"BadAcceptance", map[string]any{"acceptance": "Maybe"}, `{"acceptance": ["\"Maybe\" is not a valid choice."]}`},
	} {
		t.Run(tc.name, func(t *testing.T) { jsonEq(t, c.must(t, 400, "PUT", path, tc.body).Body, tc.want) })
	}
	equal(t, "revoked after failed revokes", c.must(t, 200, "GET", path, nil).obj(t)["revoked"], any(false))

	got := c.must(t, 200, "PUT", path, map[string]any{"acceptance": "Accepted", "narrative": "n"}).obj(t)
	equal(t, "acceptance", got["acceptance"], any("Accepted"))
	equal(t, "narrative", got["narrative"], any("n"))

	got = c.must(t, 200, "PUT", path, map[string]any{"revoked": true, "revocationReason": "Plagiarism"}).obj(t)
	equal(t, "revoked", got["revoked"], any(true))
	equal(t, "revocationReason", got["revocationReason"], any("Plagiarism"))
	// An authenticated read still answers a revoked assertion.
	got = c.must(t, 200, "GET", path, nil).obj(t)
	equal(t, "revoked on GET", got["revoked"], any(true))

	jsonEq(t, c.must(t, 400, "PUT", path, map[string]any{"revoked": false}).Body, `{"revoked": ["A revoked assertion cannot be restored."]}`)
	c.must(t, 404, "PUT", base("acme")+"assertions/nope", map[string]any{"revoked": true, "revocationReason": "x"})
}

func TestAssertionOtherOrg(t *testing.T) {
	t.Parallel()
	c := newClient(t, withKeys()...)
	c.auth = "Api-Token key-other"
	is := c.createIssuer(t, "other", "Other U")
	cred := c.createCredential(t, "other", is, "Badge", nil)
	id := c.issue(t, "other", cred, "alice", nil)
	c.auth = "Api-Token key-acme"
	jsonEq(t, c.must(t, 404, "GET", base("acme")+"assertions/"+id, nil).Body, `{"detail": "Not found."}`)
	c.must(t, 404, "PUT", base("acme")+"assertions/"+id, map[string]any{"revoked": true, "revocationReason": "x"})
	c.must(t, 404, "GET", base("acme")+cred+"/assertions/", nil)
	c.must(t, 404, "POST", base("acme")+cred+"/assertions/", map[string]any{"recipient": map[string]any{"identity": "bob"}})
	env := c.must(t, 200, "GET", "/api/credentials/orgs/acme/users/alice/assertions/", nil).obj(t)
	equal(t, "alice's acme assertions", len(page(t, env)), 0)
}

func TestPublicAssertion(t *testing.T) {
	t.Parallel()
	c := newClient(t, withKeys()...)
	c.auth = "Api-Token key-acme"
	is := c.createIssuer(t, "acme", "Acme U")
	cred := c.createCredential(t, "acme", is, "Badge", nil)
	id := c.issue(t, "acme", cred, "alice", nil)
	authed := c.must(t, 200, "GET", base("acme")+"assertions/"+id, nil)

	c.auth = "" // the public endpoint needs no key
	r := c.must(t, 200, "GET", public(id), nil)
	jsonEq(t, r.Body, string(authed.Raw))
	c.must(t, 200, "GET", public(id), nil, "Authorization", "Api-Token unknown-key")

	r = c.must(t, 404, "GET", public("nope"), nil)
	equal(t, "unknown: body", string(r.Raw), "")

	c.auth = "Api-Token key-acme"
	c.revoke(t, "acme", id, "Plagiarism")
	c.auth = ""
	r = c.must(t, 404, "GET", public(id), nil)
	jsonEq(t, r.Body, `{"detail": "This assertion has been revoked.", "revocationReason": "Plagiarism"}`)
}

// assertionFixture is an org "acme" with two credentials and assertions of
// alice in every state, plus one in org "main".
type assertionFixture struct {
	c                                  *client
	cred, cred2                        string
	active, revoked, expiring, course2 string
	mainActive                         string
}

func newAssertionFixture(t *testing.T) *assertionFixture {
	t.Helper()
	c := newClient(t, withKeys()...)
	c.auth = "Api-Token key-main"
	t.Cleanup(func() { c.srv.Clock().SetOffset(0) })
	f := &assertionFixture{c: c}
	is := c.createIssuer(t, "acme", "Acme U")
	f.cred = c.createCredential(t, "acme", is, "Badge", nil)
	f.cred2 = c.createCredential(t, "acme", is, "Short", map[string]any{"expires": map[string]any{"amount": 1, "duration": "weeks"}})
	// Issued one second apart, so newest-first order is unambiguous.
	step := func() { c.srv.Clock().SetOffset(c.srv.Clock().Offset() + time.Second) }
	f.active = c.issue(t, "acme", f.cred, "alice", map[string]any{"course": "course-v1:acme+A+1"})
	step()
	f.revoked = c.issue(t, "acme", f.cred, "alice", map[string]any{"course": "course-v1:acme+A+1"})
	c.revoke(t, "acme", f.revoked, "mistake")
	step()
	f.expiring = c.issue(t, "acme", f.cred2, "alice", nil)
	step()
	f.course2 = c.issue(t, "acme", f.cred, "alice", map[string]any{"course": "course-v1:acme+B+1"})
	step()
	mainIs := c.createIssuer(t, "main", "Main U")
	mainCred := c.createCredential(t, "main", mainIs, "Main badge", nil)
	f.mainActive = c.issue(t, "main", mainCred, "alice", nil)
	c.issue(t, "acme", f.cred, "bob", nil)
	return f
}

func (f *assertionFixture) list(t *testing.T, path string) []string {
	t.Helper()
	return field(page(t, f.c.must(t, 200, "GET", path, nil).obj(t)), "entityId")
}

func TestUserAssertionList(t *testing.T) {
	t.Parallel()
	f := newAssertionFixture(t)
	path := "/api/credentials/orgs/acme/users/alice/assertions/"
	for _, tc := range []struct {
		name, query string
		expired     bool // after the weekly credential expired
		want        []string
	}{
		{"Default", "", false, []string{f.mainActive, f.course2, f.expiring, f.active}},
		{"ExcludeMain", "?exclude_main_tenant_assertions=true", false, []string{f.course2, f.expiring, f.active}},
		{"IncludeRevoked", "?include_revoked=true&exclude_main_tenant_assertions=1", false, []string{f.course2, f.expiring, f.revoked, f.active}},
		{"Course", "?course=course-v1:acme%2BA%2B1", false, []string{f.active}},
		{"CourseWithRevoked", "?course=course-v1:acme%2BA%2B1&include_revoked=True", false, []string{f.revoked, f.active}},
		{"Expired", "?exclude_main_tenant_assertions=true", true, []string{f.course2, f.active}},
		{"IncludeExpired", "?exclude_main_tenant_assertions=true&include_expired=true", true, []string{f.course2, f.expiring, f.active}},
		{"FalseIsFalse", "?exclude_main_tenant_assertions=false&include_revoked=false", false, []string{f.mainActive, f.course2, f.expiring, f.active}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			off := f.c.srv.Clock().Offset()
			if tc.expired {
				f.c.srv.Clock().SetOffset(8 * 24 * time.Hour)
				defer f.c.srv.Clock().SetOffset(off)
			}
			equal(t, "entityIds", f.list(t, path+tc.query), tc.want)
		})
	}
	t.Run("KeyWithoutMain", func(t *testing.T) {
		f.c.auth = "Api-Token key-acme"
		defer func() { f.c.auth = "Api-Token key-main" }()
		equal(t, "entityIds", f.list(t, path), []string{f.course2, f.expiring, f.active})
	})
	t.Run("MainItself", func(t *testing.T) {
		equal(t, "entityIds", f.list(t, "/api/credentials/orgs/main/users/alice/assertions/"), []string{f.mainActive})
	})
	t.Run("UnknownUser", func(t *testing.T) {
		env := f.c.must(t, 200, "GET", "/api/credentials/orgs/acme/users/nobody/assertions/", nil).obj(t)
		jsonEq(t, env, `{"next": null, "previous": null, "count": 0, "num_pages": 1, "page_number": 1, "max_page_size": 1000, "data": []}`)
	})
}

func TestCredentialAssertionList(t *testing.T) {
	t.Parallel()
	f := newAssertionFixture(t)
	path := base("acme") + f.cred + "/assertions/"
	bob := f.list(t, path)[0]
	for _, tc := range []struct {
		name, query string
		want        []string
	}{
		{"Default", "", []string{bob, f.course2, f.active}},
		{"IncludeRevoked", "?include_revoked=true", []string{bob, f.course2, f.revoked, f.active}},
		{"Course", "?course=course-v1:acme%2BB%2B1", []string{f.course2}},
	} {
		t.Run(tc.name, func(t *testing.T) { equal(t, "entityIds", f.list(t, path+tc.query), tc.want) })
	}
	t.Run("Expiry", func(t *testing.T) {
		p2 := base("acme") + f.cred2 + "/assertions/"
		equal(t, "before expiry", f.list(t, p2), []string{f.expiring})
		f.c.srv.Clock().SetOffset(8 * 24 * time.Hour)
		defer f.c.srv.Clock().SetOffset(0)
		equal(t, "after expiry", f.list(t, p2), []string{})
		equal(t, "include_expired", f.list(t, p2+"?include_expired=1"), []string{f.expiring})
	})
	t.Run("UnknownCredential", func(t *testing.T) {
		jsonEq(t, f.c.must(t, 404, "GET", base("acme")+"nope/assertions/", nil).Body, `{"detail": "Not found."}`)
	})
}

func TestAssertionListPaging(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	is := c.createIssuer(t, "acme", "Acme U")
	cred := c.createCredential(t, "acme", is, "Badge", nil)
	users := make([]string, 105)
	for i := range users {
		users[i] = fmt.Sprintf("user%03d", i)
	}
	r := c.must(t, 200, "POST", base("acme")+cred+"/assertions/bulk/", map[string]any{"users": users})
	equal(t, "issued", len(r.obj(t)["issued"].([]any)), 105)

	path := base("acme") + cred + "/assertions/"
	url := c.srv.URL + path
	for _, tc := range []struct {
		name, query    string
		n, num         int
		next, previous any
	}{
		{"Default", "", 10, 11, url + "?page=2", nil},
		// Pages of up to 1000, as the document and the wallet say, not
		// SKILL-C's 100 (FIDELITY.md, C3).
		{"Large", "?page_size=500", 105, 1, nil, nil},
		{"Clamped", "?page_size=5000", 105, 1, nil, nil},
		{"LargeLast", "?page_size=100&page=2", 5, 2, nil, url + "?page_size=100"},
		{"Middle", "?page=5&page_size=20", 20, 6, url + "?page=6&page_size=20", url + "?page=4&page_size=20"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := c.must(t, 200, "GET", path+tc.query, nil).obj(t)
			equal(t, "len(data)", len(page(t, env)), tc.n)
			equal(t, "num_pages", env["num_pages"], any(float64(tc.num)))
			equal(t, "count", env["count"], any(105.0))
			equal(t, "max_page_size", env["max_page_size"], any(1000.0))
			equal(t, "next", env["next"], tc.next)
			equal(t, "previous", env["previous"], tc.previous)
		})
	}
	for _, q := range []string{"?page=12", "?page_size=100&page=3", "?page=x"} {
		t.Run("Invalid"+q, func(t *testing.T) {
			jsonEq(t, c.must(t, 404, "GET", path+q, nil).Body, `{"detail": "Invalid page."}`)
			jsonEq(t, c.must(t, 404, "GET", "/api/credentials/orgs/acme/users/user000/assertions/"+q, nil).Body, `{"detail": "Invalid page."}`)
		})
	}
}
