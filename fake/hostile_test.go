package fake_test

// Tests for the findings of the hostile test of the fake at ed2ff0a, named
// by finding (C1, H1..H3, M1..M9, L1..L12). Each failed there and passes
// now; the hostile corpus itself (many requests per finding, behind
// IBLFAKE_HOSTILE) is hostile_corpus_test.go.

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
	"github.com/iblfake/iblfake/scenarios"
	"github.com/iblfake/iblfake/spec"
)

// TestAdminGroupsNeedTheToken (C1): the catalog directory is behind the
// admin token like every admin route, and its body is size-limited.
func TestAdminGroupsNeedTheToken(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithAdminToken("T0K"))
	dir := map[string]any{"platform_key": "acme", "users": []any{map[string]any{"user_id": 1, "username": "evil", "email": "evil@x.test"}}, "groups": []any{}}
	c.Must(t, 401, "PUT", "/_fake/groups", dir, "Authorization", "")
	c.Must(t, 401, "GET", "/_fake/groups?platform_key=acme", nil, "Authorization", "")
	c.Must(t, 200, "PUT", "/_fake/groups", dir, "Authorization", "Bearer T0K")
	c.Must(t, 200, "GET", "/_fake/groups?platform_key=acme", nil, "Authorization", "Bearer T0K")
	big := faketest.RawBody{ContentType: "application/json", Data: `{"platform_key": "acme", "users": [], "groups": [], "x": "` + strings.Repeat("a", 17<<20) + `"}`}
	r := c.Must(t, 413, "PUT", "/_fake/groups", big, "Authorization", "Bearer T0K")
	if !strings.Contains(string(r.Raw), "exceeds the limit") {
		t.Errorf("413 body = %s", r.Raw)
	}
}

// TestCaseVariantKeysAreUnknown (H3): a key spelled in another case is an
// unknown key, as DRF's serializers match keys exactly; it can no longer
// override the validated field after validation.
func TestCaseVariantKeysAreUnknown(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	is := c.CreateIssuer(t, "acme", "Acme")
	long := strings.Repeat("n", 1000)
	cases := []struct {
		name, method, path string
		body               map[string]any
		check              func(t *testing.T, r faketest.Response)
	}{
		{"RedirectTo", "POST", "/api/catalog/invitations/platform/",
			map[string]any{"platform_key": "acme", "email": "u@x.test", "redirect_to": "https://ok.test/", "Redirect_To": "javascript:alert(document.cookie)"},
			func(t *testing.T, r faketest.Response) {
				if got := r.Obj(t)["redirect_to"]; got != "https://ok.test/" {
					t.Errorf("redirect_to = %v, want the exact key's https://ok.test/", got)
				}
			}},
		{"Name", "POST", faketest.Base("acme"), map[string]any{"name": "ok", "NAME": long, "issuer": is},
			func(t *testing.T, r faketest.Response) {
				if got := r.Result(t)["name"]; got != "ok" {
					t.Errorf("name = %.40v, want ok", got)
				}
			}},
		{"Expires", "POST", faketest.Base("acme"),
			map[string]any{"name": "e", "issuer": is, "expires": map[string]any{"amount": 1, "duration": "days"}, "Expires": map[string]any{"amount": 1, "duration": "eons"}},
			func(t *testing.T, r faketest.Response) {
				if got := r.Result(t)["expires"].(map[string]any)["duration"]; got != "days" {
					t.Errorf("expires.duration = %v, want days", got)
				}
			}},
		{"NestedExpires", "POST", faketest.Base("acme"),
			map[string]any{"name": "e", "issuer": is, "expires": map[string]any{"amount": 1, "duration": "days", "Duration": "eons"}},
			func(t *testing.T, r faketest.Response) {
				if got := r.Result(t)["expires"].(map[string]any)["duration"]; got != "days" {
					t.Errorf("expires.duration = %v, want days", got)
				}
			}},
		{"Email", "POST", "/api/catalog/invitations/platform/",
			map[string]any{"platform_key": "acme", "email": "real@x.test", "EMAIL": "evil@x.test"},
			func(t *testing.T, r faketest.Response) {
				if got := r.Obj(t)["email"]; got != "real@x.test" {
					t.Errorf("email = %v, want real@x.test", got)
				}
			}},
		{"Count", "POST", "/api/catalog/licenses/user/create/", map[string]any{"platform_key": "acme", "count": 1, "COUNT": 50},
			func(t *testing.T, r faketest.Response) {
				if got := r.Obj(t)["count"]; got != 1.0 {
					t.Errorf("count = %v, want 1", got)
				}
			}},
		{"Identity", "POST", "", nil, nil}, // filled below: needs a credential
	}
	cred := c.CreateCredential(t, "acme", is, "Cred", nil)
	cases[len(cases)-1] = struct {
		name, method, path string
		body               map[string]any
		check              func(t *testing.T, r faketest.Response)
	}{"Identity", "POST", faketest.Base("acme") + cred + "/assertions/",
		map[string]any{"recipient": map[string]any{"identity": "alice", "Identity": "mallory"}},
		func(t *testing.T, r faketest.Response) {
			rec := r.Obj(t)["recipient"].(map[string]any)
			if rec["username"] != "alice" && rec["identity"] != "alice" {
				t.Errorf("recipient = %v, want alice", rec)
			}
		}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// The twin after the key it shadows, where encoding/json's
			// case-insensitive match would let it win.
			tc.check(t, c.Must(t, 200, tc.method, tc.path, faketest.RawBody{ContentType: "application/json", Data: string(twinsLast(tc.body))}))
		})
	}
}

// TestDateTimesAsDjangoReadsThem (H2, M1): request date-times follow
// Django's parse_datetime: the Python SDK's naive datetime.now() is taken
// in UTC, an offset that leaves years 1-9999 is DRF's "out of range", and
// nothing is a 500.
func TestDateTimesAsDjangoReadsThem(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	cases := []struct {
		value, want string // want: the stored value, or the error message
		status      int
	}{
		{"2026-01-15T09:30:00.123456", "2026-01-15T09:30:00.123456Z", 200},
		{"2026-01-15T09:30:00", "2026-01-15T09:30:00Z", 200},
		{"2026-01-15 09:30", "2026-01-15T09:30:00Z", 200},
		{"2026-01-15T09:30:00+02:00", "2026-01-15T07:30:00Z", 200},
		{"2026-01-15T09:30:00.5-0130", "2026-01-15T11:00:00.500000Z", 200},
		{"2026-01-15", "2026-01-15T00:00:00Z", 200},
		{"9999-12-31T23:59:59-23:59", "Datetime value out of range.", 400},
		{"0001-01-01T00:00:00+23:59", "Datetime value out of range.", 400},
		{"0000-01-01T00:00:00+23:59", "Datetime has wrong format.", 400},
		{"2026-02-30T00:00:00", "Datetime has wrong format.", 400},
		{"2026-01-15T24:00:00", "Datetime has wrong format.", 400},
		{"2026-01-15T09:30:00+24:00", "Datetime has wrong format.", 400},
		{"15/01/2026", "Datetime has wrong format.", 400},
	}
	for i, tc := range cases {
		t.Run(tc.value, func(t *testing.T) {
			r := c.Do(t, "POST", "/api/catalog/invitations/platform/",
				map[string]any{"platform_key": "acme", "email": fmt.Sprintf("d%d@x.test", i), "expired": tc.value})
			if r.Status != tc.status {
				t.Fatalf("status = %d, want %d; body %s", r.Status, tc.status, r.Raw)
			}
			if !strings.Contains(string(r.Raw), tc.want) {
				t.Errorf("body = %s, want it to hold %q", r.Raw, tc.want)
			}
		})
	}
	for _, field := range []string{"started", "expired"} {
		r := c.Do(t, "POST", "/api/catalog/licenses/user/create/", map[string]any{"platform_key": "acme", "count": 1, field: "9999-12-31T23:59:59-23:59"})
		if r.Status != 400 || !strings.Contains(string(r.Raw), `"`+field+`":["Datetime value out of range."]`) {
			t.Errorf("license %s far offset: %d %s, want 400 on %s", field, r.Status, r.Raw, field)
		}
	}
}

// TestCredentialExpiryPastYear9999 (H2, L11): an expiry that puts any
// issue after year 9999 is refused on expires.amount at create and update,
// never accepted and then a 500 at every issue; the clock moved millennia
// ahead makes issues a 400, not a 500.
func TestCredentialExpiryPastYear9999(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	is := c.CreateIssuer(t, "acme", "Acme")
	for _, e := range []map[string]any{
		{"amount": 8000, "duration": "years"}, {"amount": 3000000, "duration": "days"},
		{"amount": 100000, "duration": "months"}, {"amount": 500000, "duration": "weeks"},
		{"amount": json.Number("9223372036854775807"), "duration": "days"},
	} {
		r := c.Do(t, "POST", faketest.Base("acme"), map[string]any{"name": "L", "issuer": is, "expires": e})
		if r.Status != 400 || !strings.Contains(string(r.Raw), `"expires":{"amount":["Ensure this value is less than or equal to`) {
			t.Errorf("expires %v: %d %s, want 400 on expires.amount", e, r.Status, r.Raw)
		}
	}
	cred := c.CreateCredential(t, "acme", is, "Five years", map[string]any{"expires": map[string]any{"amount": 5, "duration": "years"}})
	r := c.Do(t, "PUT", faketest.Base("acme")+cred, map[string]any{"expires": map[string]any{"amount": 8000, "duration": "years"}})
	if r.Status != 400 {
		t.Errorf("update to 8000 years: %d %s, want 400", r.Status, r.Raw)
	}
	c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"now": "9998-06-01T00:00:00Z"})
	for _, req := range []struct {
		path string
		body any
	}{
		{faketest.Base("acme") + cred + "/assertions/", map[string]any{"recipient": map[string]any{"identity": "alice"}}},
		{faketest.Base("acme") + cred + "/assertions/bulk/", map[string]any{"users": []string{"bob"}}},
	} {
		if r := c.Do(t, "POST", req.path, req.body); r.Status != 400 {
			t.Errorf("POST %s with the clock in 9998: %d %s, want 400", req.path, r.Status, r.Raw)
		}
	}
}

// TestNulAndLongIdentifiers (M2, M3, L10): NUL and identifiers longer than
// the real models hold are 400s on their field before they reach the
// store, on every backend; whitespace-only names are blank.
func TestNulAndLongIdentifiers(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	is := c.CreateIssuer(t, "acme", "Acme")
	cred := c.CreateCredential(t, "acme", is, "Cred", nil)
	long := strings.Repeat("o", 40000)
	cases := []struct {
		name, method, path string
		body               any
		field, msg         string
	}{
		{"NulOrg", "POST", "/api/credentials/orgs/acme%00x/users/admin/issuers/", map[string]any{"name": "evil"}, "org", "Null characters are not allowed."},
		{"NulUser", "GET", "/api/credentials/orgs/acme/users/x%00alice/assertions/", nil, "user_id", "Null characters are not allowed."},
		{"NulEmail", "POST", "/api/catalog/invitations/platform/", map[string]any{"platform_key": "acme", "email": "ghost@acme.test\u0000x"}, "email", "Null characters are not allowed."},
		{"NulName", "POST", faketest.Base("acme") + "issuers/", map[string]any{"name": "a\u0000b"}, "name", "Null characters are not allowed."},
		{"NulQuery", "GET", "/api/catalog/licenses/user/?platform_key=acme%00x", nil, "platform_key", "Null characters are not allowed."},
		{"LongOrg", "POST", "/api/credentials/orgs/" + long + "/users/admin/issuers/", map[string]any{"name": "x"}, "org", "Ensure this field has no more than 255 characters."},
		{"LongUsername", "POST", faketest.Base("acme") + cred + "/assertions/", map[string]any{"recipient": map[string]any{"identity": strings.Repeat("u", 151)}}, "identity", "Ensure this field has no more than 150 characters."},
		{"LongBulkUser", "POST", faketest.Base("acme") + cred + "/assertions/bulk/", map[string]any{"users": []string{"ok", long}}, "users", "Ensure this field has no more than 150 characters."},
		{"LongEmail", "POST", "/api/catalog/invitations/platform/", map[string]any{"platform_key": "acme", "email": strings.Repeat("e", 250) + "@x.test"}, "email", "Ensure this field has no more than 254 characters."},
		{"LongPlatformKey", "POST", "/api/catalog/invitations/platform/", map[string]any{"platform_key": long, "email": "a@x.test"}, "platform_key", "Ensure this field has no more than 255 characters."},
		{"LongExternalID", "POST", "/api/catalog/licenses/user/create/", map[string]any{"platform_key": "acme", "count": 1, "external_id": long}, "external_id", "Ensure this field has no more than 255 characters."},
		{"BlankName", "POST", faketest.Base("acme") + "issuers/", map[string]any{"name": "   "}, "name", "This field may not be blank."},
		{"BlankCredentialName", "POST", faketest.Base("acme"), map[string]any{"name": " \t", "issuer": is}, "name", "This field may not be blank."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Do(t, tc.method, tc.path, tc.body)
			if r.Status != 400 || !strings.Contains(string(r.Raw), `"`+tc.field+`"`) || !strings.Contains(string(r.Raw), tc.msg) {
				t.Errorf("%s %.80s: %d %.300s, want 400 %q on %s", tc.method, tc.path, r.Status, r.Raw, tc.msg, tc.field)
			}
		})
	}
	// acme's own lists are intact (the NUL tenant never came to exist).
	c.Must(t, 200, "GET", faketest.Base("acme")+"issuers/", nil)
	// Names are trimmed as DRF's CharField trims them.
	r := c.Must(t, 200, "POST", faketest.Base("acme")+"issuers/", map[string]any{"name": "  Acme Two  "})
	if got := r.Result(t)["name"]; got != "Acme Two" {
		t.Errorf("name = %q, want it trimmed to \"Acme Two\"", got)
	}
}

// TestAdminSurfaceNeverCORS (M5): a web page on another origin can read or
// reset neither the admin surface nor, by preflight, write to it, unless
// the operator names an origin for it; the vendor API keeps its CORS.
func TestAdminSurfaceNeverCORS(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	evil := "https://evil.example"
	r := c.Must(t, 200, "GET", "/_fake/state", nil, "Origin", evil)
	if h := r.Header.Get("Access-Control-Allow-Origin"); h != "" {
		t.Errorf("GET /_fake/state from %s: Access-Control-Allow-Origin %q, want none", evil, h)
	}
	r = c.Do(t, "OPTIONS", "/_fake/state", nil, "Origin", evil, "Access-Control-Request-Method", "PUT")
	if h := r.Header.Get("Access-Control-Allow-Origin"); h != "" {
		t.Errorf("preflight PUT /_fake/state: Access-Control-Allow-Origin %q, want none", h)
	}
	r = c.Must(t, 200, "GET", faketest.Base("acme")+"issuers/", nil, "Origin", evil)
	if h := r.Header.Get("Access-Control-Allow-Origin"); h != "*" {
		t.Errorf("vendor API from %s: Access-Control-Allow-Origin %q, want *", evil, h)
	}
	dash := faketest.NewClient(t, fake.WithAdminCORS("https://dash.test"))
	r = dash.Must(t, 200, "GET", "/_fake/state", nil, "Origin", "https://dash.test")
	if h := r.Header.Get("Access-Control-Allow-Origin"); h != "https://dash.test" {
		t.Errorf("WithAdminCORS: Access-Control-Allow-Origin %q, want https://dash.test", h)
	}
	r = dash.Must(t, 200, "GET", "/_fake/state", nil, "Origin", evil)
	if h := r.Header.Get("Access-Control-Allow-Origin"); h != "" {
		t.Errorf("WithAdminCORS, other origin: Access-Control-Allow-Origin %q, want none", h)
	}
}

// TestDRFWording (L2): failures are worded as DRF and Python word them,
// never as Go does.
func TestDRFWording(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	lic := c.Must(t, 200, "POST", "/api/catalog/licenses/user/create/", map[string]any{"platform_key": "acme", "count": 2}).Obj(t)["id"]
	cases := []struct {
		name, path string
		body       any
		status     int
		want       string
	}{
		{"HugeNumber", "/api/catalog/licenses/user/create/", faketest.RawBody{ContentType: "application/json", Data: `{"platform_key": "acme", "count": 1e400}`}, 400, `{"count":["A valid integer is required."]}`},
		{"MinusZeroFloat", "/api/catalog/licenses/user/create/", faketest.RawBody{ContentType: "application/json", Data: `{"platform_key": "acme", "count": -0.0}`}, 200, `"count":0`},
		{"IntegralFloat", "/api/catalog/licenses/user/assignment/", faketest.RawBody{ContentType: "application/json", Data: fmt.Sprintf(`{"platform_key": "acme", "license_id": %v.0, "email": "a@x.test"}`, lic)}, 200, `"email":"a@x.test"`},
		{"Overflow", "/api/catalog/licenses/user/assignment/", faketest.RawBody{ContentType: "application/json", Data: `{"platform_key": "acme", "license_id": 99999999999999999999, "email": "a@x.test"}`}, 400, `{"license_id":["Ensure this value is less than or equal to 9223372036854775807."]}`},
		{"BOM", faketest.Base("acme") + "issuers/", faketest.RawBody{ContentType: "application/json", Data: "\ufeff{\"name\": \"x\"}"}, 400, `JSON parse error - Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)`},
		{"Syntax", faketest.Base("acme") + "issuers/", faketest.RawBody{ContentType: "application/json", Data: `{"name":}`}, 400, `JSON parse error - Expecting value: line 1 column 9 (char 8)`},
		{"Unterminated", faketest.Base("acme") + "issuers/", faketest.RawBody{ContentType: "application/json", Data: `{"name": "x`}, 400, `JSON parse error - Unterminated string starting at: line 1 column 10 (char 9)`},
		{"NaN", faketest.Base("acme") + "issuers/", faketest.RawBody{ContentType: "application/json", Data: `{"name": NaN}`}, 400, `Out of range float values are not JSON compliant: 'NaN'`},
		{"Int", faketest.Base("acme") + "issuers/", faketest.RawBody{ContentType: "application/json", Data: `1`}, 400, `{"non_field_errors":["Invalid data. Expected a dictionary, but got int."]}`},
		{"Float", faketest.Base("acme") + "issuers/", faketest.RawBody{ContentType: "application/json", Data: `1.5`}, 400, `got float.`},
		{"Multipart", faketest.Base("acme") + "issuers/", faketest.RawBody{ContentType: "multipart/form-data", Data: "--x\r\n"}, 400, `Multipart form parse error - Invalid boundary in multipart: None`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Do(t, "POST", tc.path, tc.body)
			if r.Status != tc.status || !strings.Contains(string(r.Raw), tc.want) {
				t.Errorf("%d %s, want %d holding %s", r.Status, r.Raw, tc.status, tc.want)
			}
			for _, goWord := range []string{"Go value", "Go struct", "invalid character", "unmarshal"} {
				if strings.Contains(string(r.Raw), goWord) {
					t.Errorf("body %s has Go's wording %q", r.Raw, goWord)
				}
			}
		})
	}
}

// TestQueryFields (L3, L4): past Django's 1,000 query fields the request
// is its 400 (never silently read as another tenant's list), and a
// parameter given twice is its last value, as QueryDict.get reads it.
func TestQueryFields(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithAPIKey("a", "orgA"), fake.WithAPIKey("b", "orgB"))
	junk := strings.Repeat("&x=1", 10001)
	r := c.Do(t, "GET", "/api/catalog/licenses/user/?platform_key=orgA"+junk, nil, "Authorization", "Api-Token b")
	if r.Status != 400 || !strings.Contains(string(r.Raw), "Bad Request (400)") {
		t.Errorf("10,002 query fields: %d %.200s, want Django's 400 page", r.Status, r.Raw)
	}
	for i := 0; i < 3; i++ {
		c.Must(t, 200, "POST", "/api/credentials/orgs/orgA/users/admin/issuers/", map[string]any{"name": fmt.Sprint("I", i)}, "Authorization", "Api-Token a")
	}
	r = c.Must(t, 200, "GET", "/api/credentials/orgs/orgA/users/admin/issuers/?page_size=1&page=1&page=2", nil, "Authorization", "Api-Token a")
	if got := r.Result(t)["page_number"]; got != 2.0 {
		t.Errorf("page=1&page=2: page %v, want 2 (the last value)", got)
	}
	r = c.Must(t, 200, "GET", "/api/credentials/orgs/orgA/users/admin/issuers/?page_size=1&page_size=2", nil, "Authorization", "Api-Token a")
	if got := len(r.Result(t)["data"].([]any)); got != 2 {
		t.Errorf("page_size=1&page_size=2: %d items, want 2", got)
	}
}

// TestRedirectKeepsEscapes (L5): the trailing-slash redirect is built from
// the path as sent, so an escaped ? or # in a segment stays escaped.
func TestRedirectKeepsEscapes(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	r := c.Must(t, 301, "GET", "/api/credentials/orgs/a%3Fb%23c/users/x", nil)
	if got, want := r.Header.Get("Location"), "/api/credentials/orgs/a%3Fb%23c/users/x/"; got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
}

// TestAdminMethods (L6): HEAD answers as GET without a body, another method
// on an admin path is DRF's 405 with Allow, OPTIONS states Allow.
func TestAdminMethods(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithAdminToken("T0K"))
	r := c.Must(t, 200, "HEAD", "/_fake/health", nil, "Authorization", "")
	if len(r.Raw) != 0 {
		t.Errorf("HEAD body = %q, want none", r.Raw)
	}
	r = c.Must(t, 405, "POST", "/_fake/health", nil, "Authorization", "Bearer T0K")
	if got := r.Header.Get("Allow"); got != "GET, HEAD, OPTIONS" {
		t.Errorf("Allow = %q", got)
	}
	if got := r.Obj(t)["detail"]; got != `Method "POST" not allowed.` {
		t.Errorf("detail = %v", got)
	}
	r = c.Must(t, 204, "OPTIONS", "/_fake/state", nil, "Authorization", "Bearer T0K")
	if got := r.Header.Get("Allow"); got != "GET, PUT, HEAD, OPTIONS" {
		t.Errorf("OPTIONS /_fake/state Allow = %q", got)
	}
}

// TestFixtureFromADevice (L8): a device (--fixture /dev/zero) is refused at
// once with the file named, instead of read until memory runs out.
func TestFixtureFromADevice(t *testing.T) {
	t.Parallel()
	_, err := fake.New(fake.WithFixture("/dev/zero"))
	if err == nil || !strings.Contains(err.Error(), "/dev/zero") || !strings.Contains(err.Error(), "device") {
		t.Fatalf("New(WithFixture(/dev/zero)) = %v, want a clear error naming the file", err)
	}
}

// TestClockCannotWrap (L9): moving the clock past what its offset holds is
// refused and leaves it where it was.
func TestClockCannotWrap(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": "2562047h"})
	before := c.Must(t, 200, "GET", "/_fake/clock", nil).Obj(t)["offset"]
	r := c.Do(t, "POST", "/_fake/clock", map[string]any{"advance": "2562047h"})
	if r.Status != 400 || !strings.Contains(string(r.Raw), "overflow") {
		t.Errorf("second advance: %d %s, want 400", r.Status, r.Raw)
	}
	if after := c.Must(t, 200, "GET", "/_fake/clock", nil).Obj(t)["offset"]; after != before {
		t.Errorf("offset %v after the refused move, want %v", after, before)
	}
	c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"now": "9999-12-31T00:00:00Z"})
	if r := c.Do(t, "POST", "/_fake/clock", map[string]any{"advance": "48h"}); r.Status != 400 {
		t.Errorf("frozen clock past 9999: %d %s, want 400", r.Status, r.Raw)
	}
}

// TestRevocationReasonAlone (L11): a reason without revoked is refused on
// an active assertion (it used to answer 200 and change nothing) and
// rewords a revoked one's reason.
func TestRevocationReasonAlone(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	is := c.CreateIssuer(t, "acme", "Acme")
	cred := c.CreateCredential(t, "acme", is, "Cred", nil)
	as := c.Issue(t, "acme", cred, "alice", nil)
	path := faketest.Base("acme") + "assertions/" + as
	if r := c.Do(t, "PUT", path, map[string]any{"revocationReason": "x"}); r.Status != 400 {
		t.Errorf("reason alone on an active assertion: %d %s, want 400", r.Status, r.Raw)
	}
	c.Revoke(t, "acme", as, "first")
	r := c.Must(t, 200, "PUT", path, map[string]any{"revocationReason": "second"})
	if got := r.Obj(t)["revocationReason"]; got != "second" {
		t.Errorf("revocationReason = %v, want second", got)
	}
}

// TestImagesServedNosniff (L12): uploaded images carry nosniff, so a
// polyglot cannot be run as a page.
func TestImagesServedNosniff(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	up := c.Must(t, 200, "POST", faketest.Base("acme")+"images/", faketest.MultipartBody(t, "image", "logo.png", faketest.PNGBytes(t, 2, 2), "name", "Logo"))
	u, err := url.Parse(up.Obj(t)["image"].(string))
	if err != nil {
		t.Fatal(err)
	}
	r := c.Must(t, 200, "GET", u.Path, nil)
	if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
	}
}

// TestScenarioUploadOverLimit (M6): an upload over the admin body limit is
// a 413, never silently cut to what fits.
func TestScenarioUploadOverLimit(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	var b strings.Builder
	b.WriteString("name: big\nrules:\n")
	for i := 0; b.Len() < 17<<20; i++ {
		fmt.Fprintf(&b, "  - {name: r%d, match: {operation: nope%d}, respond: {status: 503}}\n", i, i)
	}
	r := c.Do(t, "POST", "/_fake/scenarios", faketest.RawBody{ContentType: "application/yaml", Data: b.String()})
	if r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("17 MiB scenario: %d %.200s, want 413", r.Status, r.Raw)
	}
}

// TestStateImportStructure (L1): a document naming the store's reserved
// meta bucket, or a key over the store's limit, is a 400 on both backends,
// and changes nothing.
func TestStateImportStructure(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	c.CreateIssuer(t, "acme", "Acme")
	before := c.Must(t, 200, "GET", "/_fake/state", nil).Raw
	for name, doc := range map[string]map[string]any{
		"ReservedBucket":   {"format": "iblfake-state/1", "buckets": map[string]any{"\u0000iblfake.meta": map[string]any{"k": "v"}}, "sequences": map[string]any{}},
		"ReservedSequence": {"format": "iblfake-state/1", "buckets": map[string]any{}, "sequences": map[string]any{"\u0000iblfake.meta": 3}},
		"KeyTooLong":       {"format": "iblfake-state/1", "buckets": map[string]any{"cred.issuers": map[string]any{strings.Repeat("k", 40000): map[string]any{}}}, "sequences": map[string]any{}},
	} {
		t.Run(name, func(t *testing.T) {
			r := c.Do(t, "PUT", "/_fake/state", doc)
			if r.Status != 400 {
				t.Errorf("%d %.300s, want 400", r.Status, r.Raw)
			}
		})
	}
	if after := c.Must(t, 200, "GET", "/_fake/state", nil).Raw; string(after) != string(before) {
		t.Errorf("a refused import changed the state")
	}
}

// TestCaseVariantKeysEveryWriteOperation (H3) proves, for every write
// operation of the document, that case-variant twins of a body's keys
// change nothing: two identical fakes (same seed, same frozen clock, same
// seed data) get the same requests, the second with every key of the body,
// at every level, doubled by an upper-case and a capitalised twin carrying
// a poisoned value. Every answer and the final state must be byte for byte
// the same.
func TestCaseVariantKeysEveryWriteOperation(t *testing.T) {
	t.Parallel()
	at := fake.WithClockAt(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	mk := func() (*fake.TestServer, *isoTenant) {
		srv := fake.NewTestServer(t, fake.WithSeed(7), at, fake.WithAPIKey("key-acme", "acme"), fake.WithAPIKey(isoDMKey, fake.DMAdmin))
		tn := &isoTenant{org: "acme", key: "key-acme", secret: "SECRET-ACME"}
		isoSeed(t, srv, tn)
		return srv, tn
	}
	plainSrv, plainTn := mk()
	poisonSrv, _ := mk()
	n := 0
	for i, op := range spec.MustLoad().Operations() {
		if op.Method == http.MethodGet || op.Op.RequestBody == nil {
			continue
		}
		key := plainTn.key
		if strings.HasPrefix(op.Op.OperationID, "catalog_licenses_") && (strings.HasSuffix(op.Op.OperationID, "_create_create") || strings.HasSuffix(op.Op.OperationID, "_update_create")) ||
			strings.HasPrefix(op.Op.OperationID, "credentials_exim_") {
			key = isoDMKey
		}
		// One request for both: the fakes hold the same ids.
		method, url, body := isoRequest(rand.New(rand.NewPCG(uint64(i), 1)), plainSrv.URL, op, plainTn, plainTn)
		purl, pbody := poisonSrv.URL+strings.TrimPrefix(url, plainSrv.URL), body
		if obj, ok := body.(map[string]any); ok {
			pbody = twinsLast(withCaseTwins(obj))
		}
		st1, raw1 := isoSend(t, method, url, key, body)
		st2, raw2 := isoSend(t, method, purl, key, pbody)
		a := strings.ReplaceAll(string(raw1), plainSrv.URL, "ROOT")
		b := withoutTwinMetadata(strings.ReplaceAll(string(raw2), poisonSrv.URL, "ROOT"))
		if st1 != st2 || a != b {
			t.Errorf("%s (%s): case-variant twins changed the answer:\nplain:    %d %.400s\nwith twins: %d %.400s\nbody sent: %v",
				op.Op.OperationID, method, st1, a, st2, b, pbody)
		}
		n++
	}
	s1, err := plainSrv.ExportState()
	if err != nil {
		t.Fatal(err)
	}
	s2, err := poisonSrv.ExportState()
	if err != nil {
		t.Fatal(err)
	}
	j1, _ := json.Marshal(s1)
	j2, _ := json.Marshal(s2)
	if string(j1) != withoutTwinMetadata(string(j2)) {
		t.Errorf("case-variant twins changed the stored state")
	}
	if n < 38 {
		t.Fatalf("only %d write operations sent; the test no longer covers them", n)
	}
	t.Logf("%d write operations: case-variant twins of every key changed nothing", n)
}

// withoutTwinMetadata removes the twins the invitation creates keep: they
// store a body's unknown keys in the invitation's metadata, and a twin is
// an unknown key. Seed metadata keys are lower-case; a twin is not.
func withoutTwinMetadata(js string) string {
	twin := regexp.MustCompile(`,?"[A-Z][A-Za-z_]*":"javascript:alert\(1\)"`)
	js = twin.ReplaceAllString(js, "")
	js = strings.ReplaceAll(js, `{,`, `{`)
	escaped := regexp.MustCompile(`,?\\"[A-Z][A-Za-z_]*\\":\\"javascript:alert\(1\)\\"`)
	return strings.ReplaceAll(escaped.ReplaceAllString(js, ""), `{,`, `{`)
}

// withCaseTwins returns obj with, beside every key, its upper-case and
// capitalised spellings carrying a poisoned value, at every level.
func withCaseTwins(obj map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range obj {
		if m, ok := v.(map[string]any); ok {
			v = withCaseTwins(m)
		}
		out[k] = v
		for _, twin := range []string{strings.ToUpper(k), strings.ToUpper(k[:1]) + k[1:]} {
			if _, taken := obj[twin]; !taken && twin != k {
				out[twin] = poisoned(v)
			}
		}
	}
	return out
}

// twinsLast encodes v with every object's lower-case keys first: a twin
// then comes after the key it shadows, where encoding/json's
// case-insensitive match would let it win (json.Marshal sorts upper-case
// keys first, which would hide the bug).
func twinsLast(v any) json.RawMessage {
	obj, ok := v.(map[string]any)
	if !ok {
		raw, _ := json.Marshal(v)
		return raw
	}
	keys := slices.Sorted(maps.Keys(obj))
	sort.SliceStable(keys, func(i, j int) bool {
		return keys[i] == strings.ToLower(keys[i]) && keys[j] != strings.ToLower(keys[j])
	})
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kj, _ := json.Marshal(k)
		b.Write(kj)
		b.WriteByte(':')
		b.Write(twinsLast(obj[k]))
	}
	b.WriteByte('}')
	return json.RawMessage(b.String())
}

func poisoned(v any) any {
	switch x := v.(type) {
	case bool:
		return !x
	case int, int64, float64:
		return 50
	case []string, []any, []int64:
		return []any{"javascript:alert(1)"}
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = poisoned(e)
		}
		return out
	}
	return "javascript:alert(1)"
}

// TestScenarioRulesThatReadStateRunAfterAuth (H1): a rule with a when
// clause or an {{entity.FIELD}} template sees only what the caller may
// see: without a key the answer is the 401, with another org's key the
// 403, never the rule's answer with the entity's fields; a rule that reads
// no state still answers anyone.
func TestScenarioRulesThatReadStateRunAfterAuth(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithAPIKey("a", "orgA"), fake.WithAPIKey("b", "orgB"), fake.WithAdminToken("T0K"))
	c.Auth = "Api-Token a"
	is := c.CreateIssuer(t, "orgA", "A")
	cred := c.CreateCredential(t, "orgA", is, "Cred", nil)
	as := c.Issue(t, "orgA", cred, "bob", nil)
	c.Revoke(t, "orgA", as, "SECRET reason")
	scenario := "name: revoked-read-404\nrules:\n  - match: {operation: credentials_orgs_users_assertions_retrieve_2, when: {revoked: true}}\n" +
		"    respond: {status: 404, body: {detail: \"Not found.\", reason: \"{{entity.revocationReason}}\", who: \"{{entity.recipient}}\"}}\n" +
		"  - name: outage\n    match: {operation: credentials_orgs_users_issuers_retrieve}\n    respond: {status: 503, body: {detail: down}}\n"
	c.Must(t, 200, "POST", "/_fake/scenarios", faketest.RawBody{ContentType: "application/yaml", Data: scenario}, "Authorization", "Bearer T0K")
	path := "/api/credentials/orgs/orgA/users/admin/assertions/" + as
	for _, tc := range []struct {
		auth   string
		status int
	}{{"", 401}, {"Api-Token b", 403}, {"Api-Token nope", 401}} {
		r := c.Do(t, "GET", path, nil, "Authorization", tc.auth, fake.ScenarioHeader, "revoked-read-404")
		if r.Status != tc.status || strings.Contains(string(r.Raw), "SECRET") {
			t.Errorf("key %q: %d %s, want %d without the entity", tc.auth, r.Status, r.Raw, tc.status)
		}
	}
	r := c.Do(t, "GET", path, nil, fake.ScenarioHeader, "revoked-read-404")
	if r.Status != 404 || !strings.Contains(string(r.Raw), "SECRET reason") {
		t.Errorf("the owner's key: %d %s, want the rule's 404 with the reason", r.Status, r.Raw)
	}
	// The rule that reads no state answers before authentication.
	r = c.Do(t, "GET", "/api/credentials/orgs/orgA/users/admin/issuers/", nil, "Authorization", "", fake.ScenarioHeader, "revoked-read-404")
	if r.Status != 503 {
		t.Errorf("stateless outage rule without a key: %d %s, want 503", r.Status, r.Raw)
	}
}

// TestHeaderScenariosCountPerCaller (M4, H1): a scenario named in
// X-Fake-Scenario keeps its after/times counters per API key, so one
// test's allowance is never spent by another's requests, and naming an
// active scenario in the header does not evaluate it twice.
func TestHeaderScenariosCountPerCaller(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	list := faketest.Base("acme") + "issuers/"
	for i := 0; i < 5; i++ {
		c.Must(t, 401, "GET", list, nil, "Authorization", "", fake.ScenarioHeader, "rate-limit")
	}
	if r := c.Do(t, "GET", list, nil, "Authorization", "Api-Token other-team", fake.ScenarioHeader, "rate-limit"); r.Status != 200 {
		t.Errorf("another caller's first request naming rate-limit: %d, want 200 (its own five)", r.Status)
	}
	for i := 0; i < 4; i++ {
		c.Must(t, 200, "GET", list, nil, "Authorization", "Api-Token other-team", fake.ScenarioHeader, "rate-limit")
	}
	c.Must(t, 429, "GET", list, nil, "Authorization", "Api-Token other-team", fake.ScenarioHeader, "rate-limit")
	c.Must(t, 200, "GET", list, nil, fake.ScenarioHeader, "rate-limit")

	// Active and named: evaluated once, so after: 5 still lets five through.
	d := faketest.NewClient(t, fake.WithScenario("rate-limit"))
	for i := 0; i < 5; i++ {
		d.Must(t, 200, "GET", list, nil, fake.ScenarioHeader, "rate-limit")
	}
	d.Must(t, 429, "GET", list, nil, fake.ScenarioHeader, "rate-limit")
}

// TestDelaysCannotStarveTheServer (M4): scenario delays hold at most
// WithMaxDelayed requests; the next is answered at once with the journal
// saying why, health stays reachable, and EndDelays releases the held ones.
func TestDelaysCannotStarveTheServer(t *testing.T) {
	t.Parallel()
	slow := "name: slow\nrules:\n  - match: {operation: credentials_orgs_users_issuers_retrieve}\n    respond: {delay: 5m}\n"
	sc, err := scenarios.Parse("slow.yaml", []byte(slow))
	if err != nil {
		t.Fatal(err)
	}
	c := faketest.NewClient(t, fake.WithScenarioDefinition(sc, true), fake.WithMaxDelayed(2))
	list := faketest.Base("acme") + "issuers/"
	done := make(chan int, 2)
	for i := 0; i < 2; i++ {
		go func() {
			req, _ := http.NewRequest("GET", c.Srv.URL+list, nil)
			req.Header.Set("Authorization", faketest.DefaultAuth)
			resp, err := c.Srv.Client.Do(req)
			if err != nil {
				done <- 0
				return
			}
			resp.Body.Close()
			done <- resp.StatusCode
		}()
	}
	held := func() int {
		for _, in := range c.Srv.Scenarios().List() {
			if in.Name == "slow" {
				return in.Rules[0].Applied
			}
		}
		return -1
	}
	for deadline := time.Now().Add(5 * time.Second); held() < 2; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the slow rule applied %d times, want 2 requests held", held())
		}
	}
	start := time.Now()
	c.Must(t, 200, "GET", list, nil)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the third delayed request took %s; it should be answered at once", took)
	}
	c.Must(t, 200, "GET", "/_fake/health", nil)
	entries := c.Srv.Journal().Entries()
	if last := entries[len(entries)-1]; !strings.Contains(last.Note, "delay skipped") {
		t.Errorf("journal note = %q, want it to say the delay was skipped", last.Note)
	}
	c.Srv.EndDelays()
	for i := 0; i < 2; i++ {
		select {
		case st := <-done:
			if st != 200 {
				t.Errorf("a held request answered %d after EndDelays, want 200", st)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("EndDelays did not release the held requests")
		}
	}
}

// TestScenarioUploadsThatCannotBeServed (M7): a body JSON cannot carry or a
// status that is no final answer is refused at upload with its line, not
// accepted and then a 500 (or a hung connection) on every match.
func TestScenarioUploadsThatCannotBeServed(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	for name, tc := range map[string]struct{ yaml, want string }{
		"NaN":       {"name: n\nrules:\n  - match: {operation: x}\n    respond: {status: 500, body: .nan}\n", "request body:4"},
		"IntKeys":   {"name: n\nrules:\n  - match: {operation: x}\n    respond:\n      status: 500\n      body: {1: x}\n", "request body:6"},
		"Status1xx": {"name: n\nrules:\n  - match: {operation: x}\n    respond: {status: 101}\n", "request body:4"},
	} {
		t.Run(name, func(t *testing.T) {
			r := c.Do(t, "POST", "/_fake/scenarios", faketest.RawBody{ContentType: "application/yaml", Data: tc.yaml})
			if r.Status != 400 || !strings.Contains(string(r.Raw), tc.want) {
				t.Errorf("%d %s, want 400 naming %s", r.Status, r.Raw, tc.want)
			}
		})
	}
}

// TestEmailFieldsAndFilters: a body's email field (format email) is
// refused by the request validator as Django's EmailValidator refuses it,
// while an email query parameter stays a filter (no match, not a 400) and
// the public checks keep their own refusal.
func TestEmailFieldsAndFilters(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	for _, path := range []string{"/api/catalog/invitations/platform/", "/api/catalog/invitations/platform/redeem/"} {
		r := c.Do(t, "POST", path, map[string]any{"platform_key": "acme", "email": "not-an-email", "source": "x"})
		if r.Status != 400 || !strings.Contains(string(r.Raw), `"email":["Enter a valid email address."]`) {
			t.Errorf("POST %s with a malformed email: %d %s", path, r.Status, r.Raw)
		}
	}
	lic := c.Must(t, 200, "POST", "/api/catalog/licenses/program/create/", map[string]any{"platform_key": "acme", "program_id": "acme+P1", "count": 2}).Obj(t)["id"]
	r := c.Must(t, 200, "GET", fmt.Sprintf("/api/catalog/licenses/program/assignment/?platform_key=acme&license_id=%v&email=not-an-email", lic), nil)
	if n := r.Obj(t)["count"]; n != 0.0 {
		t.Errorf("filter by a malformed email: count %v, want 0", n)
	}
	r = c.Do(t, "GET", "/api/catalog/invitations/platform/check/?platform_key=acme&email=not-an-email", nil)
	if r.Status != 400 {
		t.Errorf("platform check with a malformed email: %d %s, want 400", r.Status, r.Raw)
	}
}
