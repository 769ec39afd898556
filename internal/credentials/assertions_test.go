package credentials_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
)

func TestAssertionIssue(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	is := c.CreateIssuer(t, "acme", "Acme U")
	cred := c.CreateCredential(t, "acme", is, "Badge", map[string]any{"expires": map[string]any{"amount": 30, "duration": "days"}})

	r := c.Must(t, 200, "POST", faketest.Base("acme")+cred+"/assertions/", map[string]any{
		"recipient": map[string]any{"identity": "alice", "email": "alice@acme.example", "name": "Alice"},
		"course":    "course-v1:acme+PY101+2024", "metadata": map[string]any{"grade": "A"}, "narrative": "Well done",
	})
	got := r.Obj(t)
	faketest.JSONEq(t, got["recipient"], `{"username": "alice", "email": "alice@acme.example", "name": "Alice"}`)
	faketest.JSONEq(t, got["course"], `{"course_id": "course-v1:acme+PY101+2024", "name": "PY101"}`)
	faketest.JSONEq(t, got["metadata"], `{"grade": "A"}`)
	faketest.Equal(t, "program", got["program"], nil)
	faketest.Equal(t, "narrative", got["narrative"], any("Well done"))
	faketest.Equal(t, "revoked", got["revoked"], any(false))
	faketest.Equal(t, "revocationReason", got["revocationReason"], nil)
	faketest.Equal(t, "acceptance", got["acceptance"], any("Unaccepted"))
	faketest.Equal(t, "credentialDetails.entityId", got["credentialDetails"].(map[string]any)["entityId"], any(cred))
	issued, err := time.Parse(time.RFC3339Nano, faketest.Str(t, got, "issuedOn"))
	if err != nil {
		t.Fatalf("issuedOn: %v", err)
	}
	expires, err := time.Parse(time.RFC3339Nano, faketest.Str(t, got, "expires"))
	if err != nil {
		t.Fatalf("expires: %v", err)
	}
	faketest.Equal(t, "expires - issuedOn", expires.Sub(issued), 30*24*time.Hour)

	id := faketest.Str(t, got, "entityId")
	again := c.Must(t, 200, "GET", faketest.Base("acme")+"assertions/"+id, nil)
	faketest.JSONEq(t, again.Body, string(r.Raw))

	t.Run("NoExpiry", func(t *testing.T) {
		forever := c.CreateCredential(t, "acme", is, "Forever", nil)
		a := c.Must(t, 200, "POST", faketest.Base("acme")+forever+"/assertions/", map[string]any{"recipient": map[string]any{"identity": "bob"}}).Obj(t)
		faketest.Equal(t, "expires", a["expires"], nil)
		faketest.Equal(t, "course", a["course"], nil)
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
			faketest.JSONEq(t, c.Must(t, 400, "POST", faketest.Base("acme")+cred+"/assertions/", tc.body).Body, tc.want)
		})
	}
	t.Run("UnknownCredential", func(t *testing.T) {
		r := c.Must(t, 404, "POST", faketest.Base("acme")+"nope/assertions/", map[string]any{"recipient": map[string]any{"identity": "a"}})
		faketest.JSONEq(t, r.Body, `{"detail": "Not found."}`)
	})
}

func TestAssertionBulk(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	is := c.CreateIssuer(t, "acme", "Acme U")
	cred := c.CreateCredential(t, "acme", is, "Badge", nil)
	c.Issue(t, "acme", cred, "alice", nil)
	revoked := c.Issue(t, "acme", cred, "dave", nil)
	c.Revoke(t, "acme", revoked, "mistake")

	r := c.Must(t, 200, "POST", faketest.Base("acme")+cred+"/assertions/bulk/", map[string]any{
		"users": []string{"alice", "bob", "carol", "bob", "dave"}, "course": "course-v1:acme+C+1",
	})
	// alice holds an active assertion, bob repeats; dave's was revoked.
	faketest.JSONEq(t, r.Body, `{"issued": ["bob", "carol", "dave"], "skipped": ["alice", "bob"]}`)
	env := c.Must(t, 200, "GET", faketest.Base("acme")+cred+"/assertions/?course=course-v1:acme%2BC%2B1", nil).Obj(t)
	faketest.Equal(t, "recipients of the course", faketest.Field(usernames(faketest.Page(t, env)), "username"), []string{"dave", "carol", "bob"})

	r = c.Must(t, 200, "POST", faketest.Base("acme")+cred+"/assertions/bulk/", map[string]any{"users": []string{"bob", "erin"}})
	faketest.JSONEq(t, r.Body, `{"issued": ["erin"], "skipped": ["bob"]}`)

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
			faketest.JSONEq(t, c.Must(t, 400, "POST", faketest.Base("acme")+cred+"/assertions/bulk/", tc.body).Body, tc.want)
		})
	}
	c.Must(t, 404, "POST", faketest.Base("acme")+"nope/assertions/bulk/", map[string]any{"users": []string{"x"}})
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
	c := faketest.NewClient(t)
	is := c.CreateIssuer(t, "acme", "Acme U")
	cred := c.CreateCredential(t, "acme", is, "Badge", nil)
	id := c.Issue(t, "acme", cred, "alice", nil)
	path := faketest.Base("acme") + "assertions/" + id

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
		t.Run(tc.name, func(t *testing.T) { faketest.JSONEq(t, c.Must(t, 400, "PUT", path, tc.body).Body, tc.want) })
	}
	faketest.Equal(t, "revoked after failed revokes", c.Must(t, 200, "GET", path, nil).Obj(t)["revoked"], any(false))

	got := c.Must(t, 200, "PUT", path, map[string]any{"acceptance": "Accepted", "narrative": "n"}).Obj(t)
	faketest.Equal(t, "acceptance", got["acceptance"], any("Accepted"))
	faketest.Equal(t, "narrative", got["narrative"], any("n"))

	got = c.Must(t, 200, "PUT", path, map[string]any{"revoked": true, "revocationReason": "Plagiarism"}).Obj(t)
	faketest.Equal(t, "revoked", got["revoked"], any(true))
	faketest.Equal(t, "revocationReason", got["revocationReason"], any("Plagiarism"))
	// An authenticated read still answers a revoked assertion.
	got = c.Must(t, 200, "GET", path, nil).Obj(t)
	faketest.Equal(t, "revoked on GET", got["revoked"], any(true))

	faketest.JSONEq(t, c.Must(t, 400, "PUT", path, map[string]any{"revoked": false}).Body, `{"revoked": ["A revoked assertion cannot be restored."]}`)
	c.Must(t, 404, "PUT", faketest.Base("acme")+"assertions/nope", map[string]any{"revoked": true, "revocationReason": "x"})
}

func TestAssertionOtherOrg(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, faketest.WithKeys()...)
	c.Auth = "Api-Token key-other"
	is := c.CreateIssuer(t, "other", "Other U")
	cred := c.CreateCredential(t, "other", is, "Badge", nil)
	id := c.Issue(t, "other", cred, "alice", nil)
	c.Auth = "Api-Token key-acme"
	faketest.JSONEq(t, c.Must(t, 404, "GET", faketest.Base("acme")+"assertions/"+id, nil).Body, `{"detail": "Not found."}`)
	c.Must(t, 404, "PUT", faketest.Base("acme")+"assertions/"+id, map[string]any{"revoked": true, "revocationReason": "x"})
	c.Must(t, 404, "GET", faketest.Base("acme")+cred+"/assertions/", nil)
	c.Must(t, 404, "POST", faketest.Base("acme")+cred+"/assertions/", map[string]any{"recipient": map[string]any{"identity": "bob"}})
	env := c.Must(t, 200, "GET", "/api/credentials/orgs/acme/users/alice/assertions/", nil).Obj(t)
	faketest.Equal(t, "alice's acme assertions", len(faketest.Page(t, env)), 0)
}

func TestPublicAssertion(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, faketest.WithKeys()...)
	c.Auth = "Api-Token key-acme"
	is := c.CreateIssuer(t, "acme", "Acme U")
	cred := c.CreateCredential(t, "acme", is, "Badge", nil)
	id := c.Issue(t, "acme", cred, "alice", nil)
	authed := c.Must(t, 200, "GET", faketest.Base("acme")+"assertions/"+id, nil)

	c.Auth = "" // the public endpoint needs no key
	r := c.Must(t, 200, "GET", faketest.Public(id), nil)
	faketest.JSONEq(t, r.Body, string(authed.Raw))
	c.Must(t, 200, "GET", faketest.Public(id), nil, "Authorization", "Api-Token unknown-key")

	r = c.Must(t, 404, "GET", faketest.Public("nope"), nil)
	faketest.Equal(t, "unknown: body", string(r.Raw), "")

	c.Auth = "Api-Token key-acme"
	c.Revoke(t, "acme", id, "Plagiarism")
	c.Auth = ""
	r = c.Must(t, 404, "GET", faketest.Public(id), nil)
	faketest.JSONEq(t, r.Body, `{"detail": "This assertion has been revoked.", "revocationReason": "Plagiarism"}`)
}

// assertionFixture is an org "acme" with two credentials and assertions of
// alice in every state, plus one in org "main".
type assertionFixture struct {
	c                                  *faketest.Client
	cred, cred2                        string
	active, revoked, expiring, course2 string
	mainActive                         string
}

func newAssertionFixture(t *testing.T) *assertionFixture {
	t.Helper()
	c := faketest.NewClient(t, faketest.WithKeys()...)
	c.Auth = "Api-Token key-main"
	t.Cleanup(func() { c.Srv.Clock().SetOffset(0) })
	f := &assertionFixture{c: c}
	is := c.CreateIssuer(t, "acme", "Acme U")
	f.cred = c.CreateCredential(t, "acme", is, "Badge", nil)
	f.cred2 = c.CreateCredential(t, "acme", is, "Short", map[string]any{"expires": map[string]any{"amount": 1, "duration": "weeks"}})
	// Issued one second apart, so newest-first order is unambiguous.
	step := func() { c.Srv.Clock().SetOffset(c.Srv.Clock().Offset() + time.Second) }
	f.active = c.Issue(t, "acme", f.cred, "alice", map[string]any{"course": "course-v1:acme+A+1"})
	step()
	f.revoked = c.Issue(t, "acme", f.cred, "alice", map[string]any{"course": "course-v1:acme+A+1"})
	c.Revoke(t, "acme", f.revoked, "mistake")
	step()
	f.expiring = c.Issue(t, "acme", f.cred2, "alice", nil)
	step()
	f.course2 = c.Issue(t, "acme", f.cred, "alice", map[string]any{"course": "course-v1:acme+B+1"})
	step()
	mainIs := c.CreateIssuer(t, "main", "Main U")
	mainCred := c.CreateCredential(t, "main", mainIs, "Main badge", nil)
	f.mainActive = c.Issue(t, "main", mainCred, "alice", nil)
	c.Issue(t, "acme", f.cred, "bob", nil)
	return f
}

func (f *assertionFixture) list(t *testing.T, path string) []string {
	t.Helper()
	return faketest.Field(faketest.Page(t, f.c.Must(t, 200, "GET", path, nil).Obj(t)), "entityId")
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
			off := f.c.Srv.Clock().Offset()
			if tc.expired {
				f.c.Srv.Clock().SetOffset(8 * 24 * time.Hour)
				defer f.c.Srv.Clock().SetOffset(off)
			}
			faketest.Equal(t, "entityIds", f.list(t, path+tc.query), tc.want)
		})
	}
	t.Run("KeyWithoutMain", func(t *testing.T) {
		f.c.Auth = "Api-Token key-acme"
		defer func() { f.c.Auth = "Api-Token key-main" }()
		faketest.Equal(t, "entityIds", f.list(t, path), []string{f.course2, f.expiring, f.active})
	})
	t.Run("MainItself", func(t *testing.T) {
		faketest.Equal(t, "entityIds", f.list(t, "/api/credentials/orgs/main/users/alice/assertions/"), []string{f.mainActive})
	})
	t.Run("UnknownUser", func(t *testing.T) {
		env := f.c.Must(t, 200, "GET", "/api/credentials/orgs/acme/users/nobody/assertions/", nil).Obj(t)
		faketest.JSONEq(t, env, `{"next": null, "previous": null, "count": 0, "num_pages": 1, "page_number": 1, "max_page_size": 1000, "data": []}`)
	})
}

func TestCredentialAssertionList(t *testing.T) {
	t.Parallel()
	f := newAssertionFixture(t)
	path := faketest.Base("acme") + f.cred + "/assertions/"
	bob := f.list(t, path)[0]
	for _, tc := range []struct {
		name, query string
		want        []string
	}{
		{"Default", "", []string{bob, f.course2, f.active}},
		{"IncludeRevoked", "?include_revoked=true", []string{bob, f.course2, f.revoked, f.active}},
		{"Course", "?course=course-v1:acme%2BB%2B1", []string{f.course2}},
	} {
		t.Run(tc.name, func(t *testing.T) { faketest.Equal(t, "entityIds", f.list(t, path+tc.query), tc.want) })
	}
	t.Run("Expiry", func(t *testing.T) {
		p2 := faketest.Base("acme") + f.cred2 + "/assertions/"
		faketest.Equal(t, "before expiry", f.list(t, p2), []string{f.expiring})
		f.c.Srv.Clock().SetOffset(8 * 24 * time.Hour)
		defer f.c.Srv.Clock().SetOffset(0)
		faketest.Equal(t, "after expiry", f.list(t, p2), []string{})
		faketest.Equal(t, "include_expired", f.list(t, p2+"?include_expired=1"), []string{f.expiring})
	})
	t.Run("UnknownCredential", func(t *testing.T) {
		faketest.JSONEq(t, f.c.Must(t, 404, "GET", faketest.Base("acme")+"nope/assertions/", nil).Body, `{"detail": "Not found."}`)
	})
}

func TestAssertionListPaging(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	is := c.CreateIssuer(t, "acme", "Acme U")
	cred := c.CreateCredential(t, "acme", is, "Badge", nil)
	users := make([]string, 105)
	for i := range users {
		users[i] = fmt.Sprintf("user%03d", i)
	}
	r := c.Must(t, 200, "POST", faketest.Base("acme")+cred+"/assertions/bulk/", map[string]any{"users": users})
	faketest.Equal(t, "issued", len(r.Obj(t)["issued"].([]any)), 105)

	path := faketest.Base("acme") + cred + "/assertions/"
	url := c.Srv.URL + path
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
			env := c.Must(t, 200, "GET", path+tc.query, nil).Obj(t)
			faketest.Equal(t, "len(data)", len(faketest.Page(t, env)), tc.n)
			faketest.Equal(t, "num_pages", env["num_pages"], any(float64(tc.num)))
			faketest.Equal(t, "count", env["count"], any(105.0))
			faketest.Equal(t, "max_page_size", env["max_page_size"], any(1000.0))
			faketest.Equal(t, "next", env["next"], tc.next)
			faketest.Equal(t, "previous", env["previous"], tc.previous)
		})
	}
	for _, q := range []string{"?page=12", "?page_size=100&page=3", "?page=x"} {
		t.Run("Invalid"+q, func(t *testing.T) {
			faketest.JSONEq(t, c.Must(t, 404, "GET", path+q, nil).Body, `{"detail": "Invalid page."}`)
			faketest.JSONEq(t, c.Must(t, 404, "GET", "/api/credentials/orgs/acme/users/user000/assertions/"+q, nil).Body, `{"detail": "Invalid page."}`)
		})
	}
}

func TestExpiryFollowsTheClock(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithClockAt(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))
	iss := c.CreateIssuer(t, "acme", "Acme")
	cred := c.CreateCredential(t, "acme", iss, "Day pass", map[string]any{"expires": map[string]any{"amount": 1, "duration": "days"}})
	id := c.Issue(t, "acme", cred, "ada", nil)
	pub := "/api/credentials/public/assertions/" + id + "/"
	faketest.Equal(t, "expires", c.Must(t, 200, "GET", pub, nil).Obj(t)["expires"], any("2025-01-02T00:00:00Z"))
	c.Must(t, 409, "DELETE", faketest.Base("acme")+cred, nil)

	c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": "24h"})
	faketest.JSONEq(t, c.Must(t, 404, "GET", pub, nil, "Authorization", "").Body,
		`{"detail": "This assertion has expired.", "expires": "2025-01-02T00:00:00Z"}`)
	faketest.Equal(t, "listed", len(faketest.Page(t, c.Must(t, 200, "GET", faketest.UserBase("acme", "ada")+"assertions/", nil).Obj(t))), 0)
	faketest.Equal(t, "listed with include_expired", len(faketest.Page(t, c.Must(t, 200, "GET", faketest.UserBase("acme", "ada")+"assertions/?include_expired=true", nil).Obj(t))), 1)
	c.Must(t, 200, "DELETE", faketest.Base("acme")+cred, nil)
}
