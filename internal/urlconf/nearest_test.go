package urlconf

import (
	"strings"
	"testing"
)

// TestNearest: a path one segment from a template (misspelt, one too
// many, one missing, a trailing slash too many or too few) names it and
// how it misses; the nearest spelling wins; two segments away is none.
func TestNearest(t *testing.T) {
	t.Parallel()
	r, err := New([]Operation{
		{ID: "issuers_list", Method: "GET", Template: "/api/orgs/{org}/issuers/"},
		{ID: "issuer_get", Method: "GET", Template: "/api/orgs/{org}/issuers/{id}/"},
		{ID: "images_list", Method: "GET", Template: "/api/orgs/{org}/images/"},
		{ID: "credential_get", Method: "GET", Template: "/api/orgs/{org}/credentials/{id}"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/api/orgs/acme/isuers/":           `/api/orgs/{org}/issuers/: segment "isuers" is not "issuers"`,
		"/api/orgs/acme/imgaes/":           `/api/orgs/{org}/images/: segment "imgaes" is not "images"`,
		"/api/orgs/acme/issuers/7/extra/":  `/api/orgs/{org}/issuers/{id}/: segment "extra" is one too many`,
		"/api/orgs/issuers/":               `/api/orgs/{org}/issuers/: a segment`,
		"/api/orgs/acme/credentials/7/":    `/api/orgs/{org}/credentials/{id}: the path has a trailing slash the route lacks`,
		"/api/orgs/acme/issuers/7":         `/api/orgs/{org}/issuers/{id}/: the path lacks the trailing slash`,
		"/api/orgs/acme/nothing/at/all/x/": "",
	} {
		near, ok := r.Nearest(path)
		got := ""
		if ok {
			got = near.View.Template + ": " + near.Why
		}
		if want == "" && got != "" || !strings.HasPrefix(got, want) {
			t.Errorf("Nearest(%s) = %q, want %q", path, got, want)
		}
	}
}
