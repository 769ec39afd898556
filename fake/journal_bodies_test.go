package fake_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/journal"
	"github.com/iblfake/iblfake/internal/faketest"
)

// TestTheJournalKeepsBodiesWhenAsked: with WithJournalBodies every
// request's body and its answer's are kept (before: only while a
// dashboard watched), found by operation, tenant and status from Go
// (Find) and over HTTP (GET /_fake/requests?operation=...), each bounded;
// without it none is kept.
func TestTheJournalKeepsBodiesWhenAsked(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithJournalBodies())
	c.CreateIssuer(t, "acme", "Acme Academy")
	c.CreateIssuer(t, "beta", "Beta")
	c.Do(t, "POST", faketest.Base("acme")+"issuers/", map[string]any{"url": "not a url"})
	m := journal.Match{Operation: "credentials_orgs_users_issuers_create", Tenant: "acme", Status: 200}
	got := c.Srv.Requests(m)
	if len(got) != 1 || got[0].Exchange == nil {
		t.Fatalf("Find(%s) = %+v, want one request with its bodies", m, got)
	}
	var sent any
	if err := json.Unmarshal(got[0].Exchange.RequestBody, &sent); err != nil {
		t.Fatal(err)
	}
	faketest.JSONEq(t, sent, `{"name": "Acme Academy"}`)
	var answer map[string]any
	if err := json.Unmarshal(got[0].Exchange.ResponseBody, &answer); err != nil || answer["result"].(map[string]any)["name"] != "Acme Academy" {
		t.Errorf("the kept answer %s is not the issuer made (%v)", got[0].Exchange.ResponseBody, err)
	}
	if h := got[0].Exchange.RequestHeader.Get("Authorization"); h != "Api-Token [secret]" {
		t.Errorf("the kept Authorization is %q, want it masked", h)
	}
	c.Srv.AssertRequests(t, journal.Match{Operation: "credentials_orgs_users_issuers_create", Status: 400}, 1)

	listed := c.Must(t, 200, "GET", "/_fake/requests?operation=credentials_orgs_users_issuers_create&tenant=acme&status=400", nil).Obj(t)["requests"].([]any)
	if len(listed) != 1 {
		t.Fatalf("GET /_fake/requests?...status=400 listed %d, want 1", len(listed))
	}
	req := listed[0].(map[string]any)["request"].(map[string]any)
	faketest.JSONEq(t, req["body"], `{"url": "not a url"}`)
	c.Must(t, 400, "GET", "/_fake/requests?status=abc", nil)

	// Bounded per body.
	small := faketest.NewClient(t, fake.WithJournalBodyLimits(8, 1<<20))
	small.CreateIssuer(t, "acme", "A name longer than eight bytes")
	w := small.Srv.Requests(journal.Match{Tenant: "acme"})[0]
	if string(w.Exchange.RequestBody) != `{"name":` || w.Exchange.RequestSize <= 8 {
		t.Errorf("kept %q of %d bytes, want the first 8", w.Exchange.RequestBody, w.Exchange.RequestSize)
	}
	side := small.Must(t, 200, "GET", "/_fake/requests?tenant=acme", nil).Obj(t)["requests"].([]any)[0].(map[string]any)["request"].(map[string]any)
	if side["truncated"] != true || side["body_text"] != `{"name":` {
		t.Errorf("a cut body is listed as %v", side)
	}

	// Not asked: nothing kept.
	plain := faketest.NewClient(t)
	plain.CreateIssuer(t, "acme", "Acme")
	if w := plain.Srv.Requests(journal.Match{})[0]; w.Exchange != nil {
		t.Error("a journal not asked to keep bodies kept them")
	}
	if _, has := plain.Must(t, 200, "GET", "/_fake/requests", nil).Obj(t)["requests"].([]any)[0].(map[string]any)["request"]; has {
		t.Error("GET /_fake/requests lists a body nobody asked to keep")
	}
}

// recorder is a TB that records failures instead of failing.
type recorder struct{ errs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Cleanup(func())  {}
func (r *recorder) TempDir() string { return "" }

// TestAssertRequestsShowsTheJournal: AssertRequests passes on the right
// count and, on another, fails listing what the journal holds, the near
// misses (the same operation with another status) first.
func TestAssertRequestsShowsTheJournal(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	c.Must(t, 404, "GET", "/api/credentials/orgs/acme/users/admin/isuers/", nil)
	c.Do(t, "POST", faketest.Base("acme")+"issuers/", map[string]any{})
	var r recorder
	c.Srv.AssertRequests(&r, journal.Match{Operation: "credentials_orgs_users_issuers_create", Status: 400}, 1)
	if len(r.errs) != 0 {
		t.Fatalf("a right count failed: %v", r.errs)
	}
	c.Srv.AssertRequests(&r, journal.Match{Operation: "credentials_orgs_users_issuers_create", Status: 201}, 1)
	if len(r.errs) != 1 {
		t.Fatalf("a wrong count did not fail")
	}
	msg := r.errs[0]
	first, second := strings.Index(msg, "issuers_create"), strings.Index(msg, "-> 404")
	if !strings.Contains(msg, "0 requests match operation credentials_orgs_users_issuers_create, status 201, want 1") ||
		!strings.Contains(msg, "POST /api/credentials/orgs/acme/users/admin/issuers/ -> 400") || second < 0 || first > second ||
		!strings.Contains(msg, "closest: /api/credentials/orgs/{org}/users/{user_id}/issuers/") {
		t.Errorf("the failure does not show the journal, near misses first:\n%s", msg)
	}
}

// TestUnmatchedRequestsNameTheClosestRoute: a request no operation
// answers says in the journal which route came closest: a 405 the view
// its path resolves to and its Allow (the newcomer's guessed create
// matched {name} of a GET view and showed no operation), a 404 the
// template one segment away, or the one its trailing slash misses.
func TestUnmatchedRequestsNameTheClosestRoute(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	for _, tc := range []struct {
		method, path string
		status       int
		want         string
	}{
		{"POST", "/api/ai-mentor/orgs/acme/users/admin/mentors/", 405,
			"/api/ai-mentor/orgs/acme/users/admin/mentors/ is /api/ai-mentor/orgs/{org}/users/{user_id}/{name}/ ("},
		{"POST", "/api/ai-mentor/orgs/acme/users/admin/mentors/", 405, "which has no POST (Allow: GET, PUT, PATCH, DELETE, HEAD, OPTIONS)"},
		{"GET", "/api/credentials/orgs/acme/users/admin/isuers/", 404,
			`/api/credentials/orgs/{org}/users/{user_id}/issuers/ (GET credentials_orgs_users_issuers_retrieve, POST credentials_orgs_users_issuers_create): segment "isuers" is not "issuers"`},
		{"GET", "/api/catalog/licenses/user/list/", 404, `/api/catalog/licenses/user/ (GET catalog_licenses_user_retrieve): segment "list" is one too many`},
		{"GET", "/api/credentials/orgs/acme/users/admin/issuers/x/y/z/", 404, ""}, // three segments away: none
	} {
		c.Must(t, tc.status, tc.method, tc.path, nil)
		got := c.Srv.Requests(journal.Match{Method: tc.method, Path: tc.path})
		e := got[len(got)-1].Entry
		if tc.want == "" && e.Closest != "" || !strings.Contains(e.Closest, tc.want) {
			t.Errorf("%s %s: closest = %q, want it to contain %q", tc.method, tc.path, e.Closest, tc.want)
		}
	}
	listed := c.Must(t, 200, "GET", "/_fake/requests?status=405&limit=1", nil).Obj(t)["requests"].([]any)
	if cl, _ := listed[0].(map[string]any)["closest"].(string); !strings.Contains(cl, "{name}") {
		t.Errorf("GET /_fake/requests does not show the closest route: %v", listed[0])
	}
}
