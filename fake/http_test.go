package fake_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
)

func TestAuth(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, faketest.WithKeys()...)
	path := faketest.Base("acme") + "issuers/"
	const (
		notProvided = `{"detail": "Authentication credentials were not provided."}`
		invalid     = `{"detail": "Invalid token."}`
		forbidden   = `{"detail": "You do not have permission to perform this action."}`
	)
	for _, tc := range []struct {
		name, header string
		want         int
		body         string
	}{
		{"NoHeader", "", 401, notProvided},
		{"UnknownScheme", "Basic a2V5LWFjbWU=", 401, notProvided},
		{"KeywordOnly", "Api-Token", 401, `{"detail": "Invalid token header. No credentials provided."}`},
		{"Spaces", "Api-Token key acme", 401, `{"detail": "Invalid token header. Token string should not contain spaces."}`},
		{"UnknownKey", "Api-Token nope", 401, invalid},
		{"OtherOrgKey", "Api-Token key-other", 403, forbidden},
		{"ApiToken", "Api-Token key-acme", 200, ""},
		{"ApiKey", "Api-Key key-acme", 200, ""},
		{"Token", "Token key-acme", 200, ""},
		{"Bearer", "Bearer key-acme", 200, ""},
		{"LowerCase", "api-token key-acme", 200, ""},
		{"MultiOrgKey", "Token key-both", 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Must(t, tc.want, "GET", path, nil, "Authorization", tc.header)
			if tc.body != "" {
				faketest.JSONEq(t, r.Body, tc.body)
			}
			wantAuth := ""
			if tc.want == 401 {
				wantAuth = "Token"
			}
			faketest.Equal(t, "WWW-Authenticate", r.Header.Get("WWW-Authenticate"), wantAuth)
		})
	}
	t.Run("AuthBeforeValidation", func(t *testing.T) {
		r := c.Must(t, 401, "POST", path, map[string]any{}, "Authorization", "")
		faketest.JSONEq(t, r.Body, notProvided)
		r = c.Must(t, 403, "POST", path, map[string]any{}, "Authorization", "Token key-other")
		faketest.JSONEq(t, r.Body, forbidden)
	})
	t.Run("PlatformOrgOverridesURL", func(t *testing.T) {
		c.Must(t, 403, "GET", faketest.Base("acme")+"?platform_org=other", nil, "Authorization", "Token key-acme")
		c.Must(t, 200, "GET", faketest.Base("acme")+"?platform_org=other", nil, "Authorization", "Token key-other")
	})
	t.Run("AnyKeyWithoutBoundKeys", func(t *testing.T) {
		open := faketest.NewClient(t)
		open.Must(t, 200, "GET", path, nil, "Authorization", "Bearer whatever")
		faketest.JSONEq(t, open.Must(t, 401, "GET", path, nil, "Authorization", "").Body, notProvided)
	})
}

// TestEveryOperationAuth sends every credentials operation without a key
// and with another org's key.
func TestEveryOperationAuth(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, faketest.WithKeys()...)
	b := faketest.Base("acme")
	ops := []struct{ op, method, path string }{
		{"credentials_orgs_users_issuers_retrieve", "GET", b + "issuers/"},
		{"credentials_orgs_users_issuers_create", "POST", b + "issuers/"},
		{"credentials_orgs_users_issuers_retrieve_2", "GET", b + "issuers/x"},
		{"credentials_orgs_users_issuers_update", "PUT", b + "issuers/x"},
		{"credentials_orgs_users_issuers_destroy", "DELETE", b + "issuers/x"},
		{"credentials_orgs_users_issuers_authority_create", "POST", b + "issuers/authority/"},
		{"credentials_orgs_users_retrieve", "GET", b},
		{"credentials_orgs_users_create", "POST", b},
		{"credentials_orgs_users_retrieve_2", "GET", b + "x"},
		{"credentials_orgs_users_update", "PUT", b + "x"},
		{"credentials_orgs_users_destroy", "DELETE", b + "x"},
		{"credentials_orgs_users_assertions_create", "POST", b + "x/assertions/"},
		{"credentials_orgs_users_assertions_bulk_create", "POST", b + "x/assertions/bulk/"},
		{"credentials_orgs_users_assertions_retrieve", "GET", b + "assertions/"},
		{"credentials_orgs_users_assertions_retrieve_3", "GET", b + "x/assertions/"},
		{"credentials_orgs_users_assertions_retrieve_2", "GET", b + "assertions/x"},
		{"credentials_orgs_users_assertions_update", "PUT", b + "assertions/x"},
	}
	for _, o := range ops {
		t.Run(o.op, func(t *testing.T) {
			var body any
			if o.method == "POST" || o.method == "PUT" {
				body = map[string]any{}
			}
			faketest.JSONEq(t, c.Must(t, 401, o.method, o.path, body, "Authorization", "").Body,
				`{"detail": "Authentication credentials were not provided."}`)
			faketest.JSONEq(t, c.Must(t, 401, o.method, o.path, body, "Authorization", "Token nope").Body, `{"detail": "Invalid token."}`)
			faketest.JSONEq(t, c.Must(t, 403, o.method, o.path, body, "Authorization", "Token key-other").Body,
				`{"detail": "You do not have permission to perform this action."}`)
		})
	}
	// The journal proves each request reached the operation named.
	var got []string
	for _, e := range c.Srv.Journal().Entries() {
		if e.Status == 401 && strings.Contains(e.Path, "/orgs/acme/") {
			got = append(got, e.OperationID)
		}
	}
	var want []string
	for _, o := range ops {
		want = append(want, o.op, o.op)
	}
	faketest.Equal(t, "operations", got, want)
}

func TestRouting(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	t.Run("TrailingSlashRedirect", func(t *testing.T) {
		for _, tc := range []struct{ path, location string }{
			{"/api/credentials/orgs/acme/users/admin", "/api/credentials/orgs/acme/users/admin/"},
			{"/api/credentials/orgs/acme/users/admin/x/assertions?page=2", "/api/credentials/orgs/acme/users/admin/x/assertions/?page=2"},
			{"/api/credentials/public/assertions/abc", "/api/credentials/public/assertions/abc/"},
		} {
			r := c.Must(t, 301, "GET", tc.path, nil)
			faketest.Equal(t, "Location", r.Header.Get("Location"), tc.location)
		}
	})
	t.Run("DetailRouteWinsOverSlash", func(t *testing.T) {
		// .../users/admin/issuers is the credential detail of entity "issuers".
		faketest.JSONEq(t, c.Must(t, 404, "GET", faketest.Base("acme")+"issuers", nil).Body, `{"detail": "Not found."}`)
	})
	t.Run("UnknownURL", func(t *testing.T) {
		for _, p := range []string{"/nope", "/api/credentials/", "/api/credentials/orgs/acme/users/admin/x/y/z/"} {
			r := c.Must(t, 404, "GET", p, nil)
			faketest.Equal(t, "Content-Type", r.Header.Get("Content-Type"), "text/html; charset=UTF-8")
			if !strings.Contains(string(r.Raw), "<h1>Not Found</h1><p>The requested resource was not found on this server.</p>") {
				t.Fatalf("body = %s, want Django's 404 page", r.Raw)
			}
		}
	})
	t.Run("Head", func(t *testing.T) {
		// Django answers HEAD wherever it answers GET, without the body.
		c.CreateIssuer(t, "acme", "U")
		r := c.Must(t, 200, "HEAD", faketest.Base("acme")+"issuers/", nil)
		faketest.Equal(t, "body", string(r.Raw), "")
		faketest.Equal(t, "Content-Type", r.Header.Get("Content-Type"), "application/json")
		c.Must(t, 404, "HEAD", faketest.Base("acme")+"nope", nil)
		c.Must(t, 401, "HEAD", faketest.Base("acme"), nil, "Authorization", "")
		c.Must(t, 405, "HEAD", faketest.Base("acme")+"x/assertions/bulk/", nil)
	})
	t.Run("MethodNotAllowed", func(t *testing.T) {
		// Allow lists the view's methods in Django's http_method_names order.
		for _, tc := range []struct{ method, path, allow string }{
			{"DELETE", faketest.Base("acme"), "GET, POST, HEAD, OPTIONS"},
			{"PATCH", faketest.Base("acme") + "issuers/x", "GET, PUT, DELETE, HEAD, OPTIONS"},
			{"DELETE", "/api/credentials/public/assertions/x/", "GET, HEAD, OPTIONS"},
			// Django matches the path before the method: these static
			// paths are their own views, never the {entity_id} route
			// beside them that has the method.
			{"GET", faketest.Base("acme") + "issuers/authority/", "POST, OPTIONS"},
			{"HEAD", faketest.Base("acme") + "issuers/authority/", "POST, OPTIONS"},
			{"DELETE", faketest.Base("acme") + "issuers/", "GET, POST, HEAD, OPTIONS"},
			{"PUT", faketest.Base("acme") + "images/", "GET, POST, HEAD, OPTIONS"},
			{"DELETE", faketest.Base("acme") + "assignments/users/", "GET, POST, HEAD, OPTIONS"},
			{"PATCH", "/api/catalog/licenses/user/assignment/check/?email=a@b.co", "GET, HEAD, OPTIONS"},
		} {
			r := c.Must(t, 405, tc.method, tc.path, nil)
			if tc.method != "HEAD" {
				faketest.JSONEq(t, r.Body, `{"detail": "Method \"`+tc.method+`\" not allowed."}`)
			}
			faketest.Equal(t, tc.method+" "+tc.path+" Allow", r.Header.Get("Allow"), tc.allow)
		}
	})
	t.Run("ContentLength", func(t *testing.T) {
		// Django's CommonMiddleware declares the length of every JSON
		// answer; a page over net/http's 2 KiB buffer must not be chunked.
		for i := 0; i < 30; i++ {
			c.CreateIssuer(t, "lengthy", fmt.Sprintf("Issuer %02d of a long page", i))
		}
		r := c.Must(t, 200, "GET", faketest.Base("lengthy")+"issuers/?page_size=30", nil)
		if len(r.Raw) < 4096 {
			t.Fatalf("page is %d bytes; the test needs one over 4 KiB", len(r.Raw))
		}
		faketest.Equal(t, "Content-Length", r.Header.Get("Content-Length"), fmt.Sprint(len(r.Raw)))
	})
	t.Run("OptionsAllow", func(t *testing.T) {
		// A plain OPTIONS states the view's own methods, not the 405
		// handlers that stand for the rest.
		for path, allow := range map[string]string{
			faketest.Base("acme") + "issuers/authority/": "POST, OPTIONS",
			faketest.Base("acme") + "issuers/x":          "GET, PUT, DELETE, HEAD, OPTIONS",
		} {
			r := c.Must(t, 204, "OPTIONS", path, nil)
			faketest.Equal(t, "OPTIONS "+path+" Allow", r.Header.Get("Allow"), allow)
		}
		// A browser's preflight is still the CORS middleware's.
		r := c.Must(t, 204, "OPTIONS", faketest.Base("acme")+"issuers/authority/", nil,
			"Origin", "http://localhost:3000", "Access-Control-Request-Method", "POST")
		faketest.Equal(t, "Access-Control-Allow-Origin", r.Header.Get("Access-Control-Allow-Origin"), "*")
	})
	t.Run("MethodNotAllowedAfterAuth", func(t *testing.T) {
		// DRF authenticates before it looks for the method's handler, so a
		// protected view answers 401 first; a public one answers 405 at once.
		c.Must(t, 401, "GET", faketest.Base("acme")+"issuers/authority/", nil, "Authorization", "")
		c.Must(t, 401, "PATCH", faketest.Base("acme"), nil, "Authorization", "")
		c.Must(t, 405, "DELETE", "/api/credentials/public/assertions/x/", nil, "Authorization", "")
	})
}

func TestRequestBodies(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithMaxBodyBytes(1024))
	path := faketest.Base("acme") + "issuers/"
	t.Run("UnsupportedMediaType", func(t *testing.T) {
		r := c.Must(t, 415, "POST", path, faketest.RawBody{ContentType: "text/plain", Data: "name=U"})
		faketest.JSONEq(t, r.Body, `{"detail": "Unsupported media type \"text/plain\" in request."}`)
	})
	t.Run("MalformedJSON", func(t *testing.T) {
		for _, data := range []string{`{"name": `, `{name: "U"}`, `[1,`, `{"name": "U"} trailing`} {
			r := c.Must(t, 400, "POST", path, faketest.RawBody{ContentType: "application/json", Data: data})
			detail, _ := r.Obj(t)["detail"].(string)
			if len(r.Obj(t)) != 1 || !strings.HasPrefix(detail, "JSON parse error - ") {
				t.Fatalf("%s: body = %s, want {\"detail\": \"JSON parse error - ...\"}", data, r.Raw)
			}
		}
	})
	t.Run("Null", func(t *testing.T) {
		faketest.JSONEq(t, c.Must(t, 400, "POST", path, faketest.RawBody{ContentType: "application/json", Data: `null`}).Body,
			`{"non_field_errors": ["This field may not be null."]}`)
	})
	t.Run("NotAnObject", func(t *testing.T) {
		r := c.Must(t, 400, "POST", path, faketest.RawBody{ContentType: "application/json", Data: `["U"]`})
		if _, ok := r.Obj(t)["non_field_errors"]; !ok {
			t.Fatalf("body = %s, want a non_field_errors 400", r.Raw)
		}
	})
	t.Run("TooLarge", func(t *testing.T) {
		r := c.Must(t, 413, "POST", path, map[string]any{"name": strings.Repeat("x", 2000)})
		faketest.JSONEq(t, r.Body, `{"detail": "Request body exceeds the limit of 1024 bytes."}`)
	})
	t.Run("Form", func(t *testing.T) {
		r := c.Must(t, 200, "POST", path, faketest.RawBody{ContentType: "application/x-www-form-urlencoded",
			Data: "name=Form+U&allowed_template_tags=a&allowed_template_tags=b"})
		got := r.Result(t)
		faketest.Equal(t, "name", got["name"], any("Form U"))
		faketest.JSONEq(t, got["allowed_template_tags"], `["a", "b"]`)
		is := faketest.Str(t, got, "entityId")
		// Typed fields are converted: public is a boolean, metadata JSON.
		r = c.Must(t, 200, "POST", faketest.Base("acme"), faketest.RawBody{ContentType: "application/x-www-form-urlencoded",
			Data: "name=Hidden&issuer=" + is + "&public=false&tags=x&metadata=%7B%22k%22%3A1%7D"})
		cr := r.Result(t)
		faketest.JSONEq(t, cr["tags"], `["x"]`)
		faketest.JSONEq(t, cr["metadata"], `{"k": 1}`)
		env := c.Must(t, 200, "GET", faketest.Base("acme"), nil).Result(t)
		faketest.Equal(t, "public credentials", env["count"], any(0.0))
		faketest.JSONEq(t, c.Must(t, 400, "POST", faketest.Base("acme"), faketest.RawBody{ContentType: "application/x-www-form-urlencoded", Data: "name=B"}).Body,
			`{"issuer": ["This field is required."]}`)
		faketest.JSONEq(t, c.Must(t, 400, "POST", faketest.Base("acme"), faketest.RawBody{ContentType: "application/x-www-form-urlencoded", Data: "name=B&issuer=" + is + "&public=maybe"}).Body,
			`{"public": ["Must be a valid boolean."]}`)
	})
	t.Run("Multipart", func(t *testing.T) {
		body := "--XX\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nMultipart U\r\n--XX--\r\n"
		r := c.Must(t, 200, "POST", path, faketest.RawBody{ContentType: "multipart/form-data; boundary=XX", Data: body})
		faketest.Equal(t, "name", r.Result(t)["name"], any("Multipart U"))
	})
	t.Run("ScimJSON", func(t *testing.T) {
		r := c.Must(t, 200, "POST", path, faketest.RawBody{ContentType: "application/scim+json", Data: `{"name": "Scim U"}`})
		faketest.Equal(t, "name", r.Result(t)["name"], any("Scim U"))
	})
}

func TestAdminEndpoints(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, faketest.WithKeys()...)
	c.Auth = "Api-Token key-acme"
	t.Run("Health", func(t *testing.T) {
		got := c.Must(t, 200, "GET", "/_fake/health", nil, "Authorization", "").Obj(t)
		faketest.Equal(t, "status", got["status"], any("ok"))
		faketest.Equal(t, "version", got["version"], any(fake.Version))
		if s, _ := got["vendor_package"].(string); !strings.HasPrefix(s, "@iblai/iblai-api@") {
			t.Fatalf("vendor_package = %q, want @iblai/iblai-api@...", s)
		}
	})
	t.Run("OpenAPI", func(t *testing.T) {
		r := c.Must(t, 200, "GET", "/_fake/openapi.json", nil, "Authorization", "")
		var doc struct {
			OpenAPI    string                    `json:"openapi"`
			Paths      map[string]map[string]any `json:"paths"`
			Components struct {
				Schemas map[string]any `json:"schemas"`
			} `json:"components"`
		}
		if err := json.Unmarshal(r.Raw, &doc); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(doc.OpenAPI, "3.") {
			t.Fatalf("openapi = %q, want 3.x", doc.OpenAPI)
		}
		if _, ok := doc.Paths["/api/credentials/orgs/{org}/users/{user_id}/"]["get"]; !ok {
			t.Fatal("the credential list is missing from the document")
		}
		// The served document is the corrected one.
		for _, s := range []string{"CredentialObject", "IssuerListEnvelope", "StatusBlock"} {
			if _, ok := doc.Components.Schemas[s]; !ok {
				t.Errorf("schema %s missing: the corrections are not applied", s)
			}
		}
	})
	t.Run("Journal", func(t *testing.T) {
		c.Must(t, 204, "DELETE", "/_fake/requests", nil)
		c.CreateIssuer(t, "acme", "U")
		c.Must(t, 404, "GET", faketest.Base("acme")+"issuers/nope", nil)
		c.Must(t, 401, "GET", faketest.Base("acme")+"issuers/", nil, "Authorization", "")
		c.Must(t, 404, "GET", "/nope", nil)
		c.Must(t, 200, "GET", "/_fake/health", nil) // not journalled
		got := c.Must(t, 200, "GET", "/_fake/requests", nil).Obj(t)
		faketest.Equal(t, "total", got["total"], any(4.0))
		var rows []string
		for _, e := range got["requests"].([]any) {
			m := e.(map[string]any)
			rows = append(rows, strings.Join([]string{
				m["method"].(string), m["path"].(string), str0(m["operation_id"]), jsonNum(m["status"]), str0(m["tenant"]),
			}, " "))
		}
		faketest.Equal(t, "journal", rows, []string{
			"POST " + faketest.Base("acme") + "issuers/ credentials_orgs_users_issuers_create 200 acme",
			"GET " + faketest.Base("acme") + "issuers/nope credentials_orgs_users_issuers_retrieve_2 404 acme",
			"GET " + faketest.Base("acme") + "issuers/ credentials_orgs_users_issuers_retrieve 401 acme",
			"GET /nope  404 ",
		})
		last := c.Must(t, 200, "GET", "/_fake/requests?limit=1", nil).Obj(t)["requests"].([]any)
		faketest.Equal(t, "limit=1", len(last), 1)
		faketest.Equal(t, "limit=1 path", last[0].(map[string]any)["path"], any("/nope"))
		c.Must(t, 204, "DELETE", "/_fake/requests", nil)
		got = c.Must(t, 200, "GET", "/_fake/requests", nil).Obj(t)
		faketest.JSONEq(t, got, `{"total": 0, "requests": []}`)
	})
	t.Run("Reset", func(t *testing.T) {
		c.CreateIssuer(t, "acme", "Before reset")
		faketest.JSONEq(t, c.Must(t, 200, "POST", "/_fake/reset", nil).Body, `{"reset": true, "to": "seed"}`)
		env := c.Must(t, 200, "GET", faketest.Base("acme")+"issuers/", nil).Result(t)
		faketest.Equal(t, "issuers after reset", env["count"], any(0.0))
		got := c.Must(t, 200, "GET", "/_fake/requests", nil).Obj(t)
		faketest.Equal(t, "journal after reset", got["total"], any(1.0)) // the list just made
		c.CreateIssuer(t, "acme", "After reset")
	})
}

func str0(v any) string { s, _ := v.(string); return s }

func jsonNum(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestCORS(t *testing.T) {
	t.Parallel()
	preflight := func(t *testing.T, c *faketest.Client, origin string) faketest.Response {
		t.Helper()
		return c.Do(t, "OPTIONS", faketest.Base("acme")+"issuers/", nil, "Authorization", "",
			"Origin", origin, "Access-Control-Request-Method", "POST",
			"Access-Control-Request-Headers", "authorization,content-type")
	}
	t.Run("AnyOrigin", func(t *testing.T) {
		c := faketest.NewClient(t)
		r := preflight(t, c, "http://localhost:3000")
		faketest.Equal(t, "status", r.Status, 204)
		faketest.Equal(t, "Allow-Origin", r.Header.Get("Access-Control-Allow-Origin"), "*")
		for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
			if !strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), m) {
				t.Errorf("Allow-Methods = %q, want %s in it", r.Header.Get("Access-Control-Allow-Methods"), m)
			}
		}
		if h := strings.ToLower(r.Header.Get("Access-Control-Allow-Headers")); !strings.Contains(h, "authorization") {
			t.Errorf("Allow-Headers = %q, want authorization in it", h)
		}
		get := c.Must(t, 200, "GET", faketest.Base("acme")+"issuers/", nil, "Origin", "http://localhost:3000")
		faketest.Equal(t, "Allow-Origin on GET", get.Header.Get("Access-Control-Allow-Origin"), "*")
	})
	t.Run("ListedOrigin", func(t *testing.T) {
		c := faketest.NewClient(t, fake.WithCORS("https://app.example"))
		faketest.Equal(t, "listed", preflight(t, c, "https://app.example").Header.Get("Access-Control-Allow-Origin"), "https://app.example")
		faketest.Equal(t, "other", preflight(t, c, "https://evil.example").Header.Get("Access-Control-Allow-Origin"), "")
	})
	t.Run("Off", func(t *testing.T) {
		c := faketest.NewClient(t, fake.WithCORS())
		r := preflight(t, c, "http://localhost:3000")
		faketest.Equal(t, "Allow-Origin", r.Header.Get("Access-Control-Allow-Origin"), "")
		faketest.Equal(t, "Allow-Methods", r.Header.Get("Access-Control-Allow-Methods"), "")
	})
}
