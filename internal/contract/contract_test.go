package contract_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/internal/contract"
	"github.com/iblfake/iblfake/spec"
)

var doc = contract.New(spec.MustLoad())

const users = "/api/credentials/orgs/acme/users/admin/"

func TestFind(t *testing.T) {
	for _, tc := range []struct {
		method, path string
		want         string // operationId, "" for none
		params       map[string]string
	}{
		{"POST", users + "issuers/", "credentials_orgs_users_issuers_create", map[string]string{"org": "acme", "user_id": "admin"}},
		{"GET", users + "issuers/", "credentials_orgs_users_issuers_retrieve", nil},
		{"GET", users + "issuers", "credentials_orgs_users_retrieve_2", map[string]string{"org": "acme", "user_id": "admin", "entity_id": "issuers"}},
		{"POST", users + "issuers/authority/", "credentials_orgs_users_issuers_authority_create", nil},
		{"GET", users + "Cr3d/assertions/", "credentials_orgs_users_assertions_retrieve_3", map[string]string{"org": "acme", "user_id": "admin", "entity_id": "Cr3d"}},
		{"HEAD", users + "Cr3d", "credentials_orgs_users_retrieve_2", nil},
		{"GET", "/api/ibl/catalog/licenses/user/", "catalog_licenses_user_retrieve", nil},
		{"GET", "/api/credentials/orgs/org%41/users/u%20v/", "credentials_orgs_users_retrieve", map[string]string{"org": "orgA", "user_id": "u v"}},
		// Django decodes the path before it routes: an escaped slash is a
		// slash, and this path has a segment too many for the pattern.
		{"GET", "/api/credentials/orgs/a%2Fb/users/u%20v/", "", nil},
		// The long tail is routed too, as the fake routes it.
		{"GET", "/api/core/rbac/groups/7/", "core_rbac_groups_retrieve", map[string]string{"id": "7"}},
		{"PATCH", "/api/core/rbac/groups/", "", nil},
		{"PATCH", users + "issuers/", "", nil},
		{"GET", "/api/credentials/orgs//users/admin/", "", nil},
		{"GET", "/api/nothing/", "", nil},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			m := doc.Find(tc.method, tc.path)
			got := ""
			if m != nil {
				got = m.OperationID
			}
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
			if tc.params != nil && !reflect.DeepEqual(m.Params, tc.params) {
				t.Errorf("got params %v, want %v", m.Params, tc.params)
			}
		})
	}
}

const issuer = `{"name":"Acme","org":"acme","entityId":"x","signatories":[],"url":null,"iconImage":null,"allowed_template_tags":[]}`

func TestCheckResponse(t *testing.T) {
	list := `{"status":{"success":true,"description":"Ok"},"result":{"next":null,"previous":null,"count":1,"num_pages":1,"page_number":1,"max_page_size":1000,"data":[` + issuer + `]}}`
	for _, tc := range []struct {
		name, method, path string
		status             int
		ct, body           string
		want               []string
	}{
		{"the fake's own answer", "GET", users + "issuers/", 200, "application/json", list, nil},
		{"a renamed key", "GET", users + "issuers/x", 200, "application/json", strings.Replace("["+issuer+"]", `"name"`, `"title"`, 1),
			[]string{`response body /0/name: property "name" is missing`}},
		{"a number as a string", "GET", users + "issuers/", 200, "application/json", strings.Replace(list, `"count":1`, `"count":"1"`, 1),
			[]string{"response body /result/count: value must be an integer"}},
		{"a bare list where the document wraps", "GET", users + "issuers/", 200, "application/json", "[" + issuer + "]",
			[]string{"response body (root): value must be an object"}},
		{"201 where the document says 200", "POST", users + "issuers/", 201, "application/json", "{}",
			[]string{"response status 201: the document declares 200"}},
		{"a success no operation declares, with several", "POST", "/api/credentials/exim/credentials/course/c/import/", 200, "application/json", "{}",
			[]string{"response status 200: the document declares 201 or 207"}},
		{"an HTML page where JSON is declared", "GET", users + "issuers/", 200, "text/html", "<html></html>",
			[]string{`response header Content-Type: has unexpected value: "text/html"`}},
		// DRF's 4xx answers are mostly undeclared; their shape is the
		// fake's FIDELITY.md business, not the document's.
		{"an undeclared 404", "GET", users + "issuers/x", 404, "text/html", "<h1>Not Found</h1>", nil},
		{"a redirect", "GET", users + "issuers/x", 301, "", "", nil},
		{"HEAD", "HEAD", users + "issuers/", 200, "application/json", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.path, nil)
			m := doc.Find(tc.method, r.URL.EscapedPath())
			got := doc.CheckResponse(context.Background(), r, m, tc.status, http.Header{"Content-Type": {tc.ct}}, []byte(tc.body))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCheckRequest(t *testing.T) {
	for _, tc := range []struct {
		name, method, target, body string
		want                       []string
	}{
		{"a valid create", "POST", users + "issuers/", `{"name": "Acme"}`, nil},
		{"a missing field", "POST", users, `{"issuer": "x"}`, []string{`request body /name: property "name" is missing`}},
		{"a wrong type", "POST", users + "issuers/", `{"name": 5}`, []string{"request body /name: value must be a string"}},
		// DRF's paginator reads page itself: "last" is the last page.
		{"page=last", "GET", users + "?page=last&page_size=x", "", nil},
		{"a bad page_size on a list that declares it", "GET", users + "Cr3d/assertions/?include_revoked=maybe", "",
			[]string{"request query include_revoked: value maybe: an invalid boolean: invalid syntax"}},
		// The vendor's Python SDK sends naive date-times, which the
		// service reads.
		{"a naive date-time", "POST", "/api/catalog/licenses/user/create/", `{"platform_key": "acme", "started": "2026-01-15T09:30:00.123456"}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.target, nil)
			if tc.body != "" {
				r.Header.Set("Content-Type", "application/json")
			}
			m := doc.Find(tc.method, r.URL.EscapedPath())
			got := doc.CheckRequest(context.Background(), r, []byte(tc.body), m)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// imagesList is a list answer of the images operation, items of n bytes
// or more in all; invalid, each item has its image under another key (the
// same size and shape), and is a violation.
func imagesList(n int, valid bool) []byte {
	item := `{"id":1,"name":"x","image":"http://x.example/y.png"}`
	if !valid {
		item = strings.Replace(item, `"image"`, `"imagx"`, 1)
	}
	var b bytes.Buffer
	b.WriteByte('[')
	for i := 0; b.Len() < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(item)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// TestAnInvalidAnswerCostsAboutAsMuchAsAValidOne (hostile test v2, M2):
// an answer whose every item breaks the document used to cost about 100
// times its size (kin-openapi built an error for every item, and every
// line was rendered, before the proxy kept 100). Violations are bounded
// while they are collected: at most MaxLines, then one line saying there
// are more, for about the memory of checking a valid answer.
func TestAnInvalidAnswerCostsAboutAsMuchAsAValidOne(t *testing.T) {
	const path = "/api/credentials/orgs/acme/users/admin/images/"
	m := doc.Find("GET", path)
	r := httptest.NewRequest("GET", path+"?query=x", nil)
	h := http.Header{"Content-Type": {"application/json"}}
	alloc := func(body []byte) (uint64, []string) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		lines := doc.CheckResponse(context.Background(), r, m, 200, h, body)
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc, lines
	}
	valid, invalid := imagesList(1<<20, true), imagesList(1<<20, false)
	validCost, lines := alloc(valid)
	if lines != nil {
		t.Fatalf("got %q for a valid answer", lines)
	}
	cost, lines := alloc(invalid)
	t.Logf("a 1 MiB answer: valid %.1f MiB allocated, every item invalid %.1f MiB, %d lines", float64(validCost)/(1<<20), float64(cost)/(1<<20), len(lines))
	if limit := validCost + validCost/2 + 2<<20; cost > limit {
		t.Errorf("got %.1f MiB allocated for the invalid answer, want at most %.1f (the valid one's and a half, and 2 MiB)", float64(cost)/(1<<20), float64(limit)/(1<<20))
	}
	if len(lines) != contract.MaxLines+1 || lines[0] != `response body /0/image: property "image" is missing` ||
		!strings.HasPrefix(lines[len(lines)-1], "response body: more violations, not listed") {
		t.Errorf("got %d lines, first %q, last %q; want %d and a last one saying there are more", len(lines), lines[0], lines[len(lines)-1], contract.MaxLines+1)
	}
}
