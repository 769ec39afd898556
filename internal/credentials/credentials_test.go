package credentials_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/iblfake/iblfake/internal/faketest"
)

func TestCredentialCreate(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	is := c.CreateIssuer(t, "acme", "Acme U")

	t.Run("CamelCase", func(t *testing.T) {
		r := c.Must(t, 200, "POST", faketest.Base("acme"), map[string]any{
			"name": "Python 101", "issuer": is, "description": "Basics",
			"criteriaNarrative": "Pass the exam", "credentialType": "COURSE_COMPLETION",
			"iconImage": "https://acme.example/i.png", "tags": []string{"python"},
			"metadata": map[string]any{"level": 1}, "expires": map[string]any{"amount": 2, "duration": "years"},
			"courses": []any{"course-v1:acme+PY101+2024", map[string]any{"course_id": "course-v1:acme+PY102+2024", "name": "Python 2"}},
		})
		faketest.JSONEq(t, r.Obj(t)["status"], `{"success": true, "description": "Created"}`)
		got := r.Result(t)
		faketest.Equal(t, "name", got["name"], any("Python 101"))
		faketest.Equal(t, "criteriaNarrative", got["criteriaNarrative"], any("Pass the exam"))
		faketest.Equal(t, "credentialType", got["credentialType"], any("COURSE_COMPLETION"))
		faketest.Equal(t, "iconImage", got["iconImage"], any("https://acme.example/i.png"))
		faketest.Equal(t, "signal (default)", got["signal"], any("COURSE_PASSED"))
		faketest.JSONEq(t, got["expires"], `{"amount": 2, "duration": "years"}`)
		faketest.JSONEq(t, got["metadata"], `{"level": 1}`)
		faketest.JSONEq(t, got["courses"], `[{"course_id": "course-v1:acme+PY101+2024", "name": "PY101"},
			{"course_id": "course-v1:acme+PY102+2024", "name": "Python 2"}]`)
		faketest.JSONEq(t, got["issuerDetails"], fmt.Sprintf(`{"name": "Acme U", "org": "acme", "entityId": %q, "url": null, "iconImage": null}`, is))
		if _, err := time.Parse(time.RFC3339Nano, faketest.Str(t, got, "createdAt")); err != nil {
			t.Fatalf("createdAt: %v", err)
		}
	})
	t.Run("SnakeCase", func(t *testing.T) {
		got := c.Must(t, 200, "POST", faketest.Base("acme"), map[string]any{
			"name": "Go 101", "issuer": is, "criteria_narrative": "Write Go", "credential_type": "BADGE",
			"icon_image": "https://acme.example/g.png", "issuing_signal": "PROGRAM_COMPLETED",
			"programs": []string{"acme+GoTrack"},
		}).Result(t)
		faketest.Equal(t, "criteriaNarrative", got["criteriaNarrative"], any("Write Go"))
		faketest.Equal(t, "credentialType", got["credentialType"], any("BADGE"))
		faketest.Equal(t, "iconImage", got["iconImage"], any("https://acme.example/g.png"))
		faketest.Equal(t, "signal", got["signal"], any("PROGRAM_COMPLETED"))
		faketest.JSONEq(t, got["programs"], `[{"program_id": "acme+GoTrack", "name": "GoTrack"}]`)
	})
}

func TestCredentialCreateValidation(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	is := c.CreateIssuer(t, "acme", "Acme U")
	other := c.CreateIssuer(t, "other", "Other U")
	for _, tc := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"Empty", map[string]any{}, `{"name": ["This field is required."], "issuer": ["This field is required."]}`},
		{"NoIssuer", map[string]any{"name": "B"}, `{"issuer": ["This field is required."]}`},
		{"BlankName", map[string]any{"name": "", "issuer": is}, `{"name": ["This field may not be blank."]}`},
		{"UnknownIssuer", map[string]any{"name": "B", "issuer": "nope"}, `{"issuer": ["Object with entityId=nope does not exist."]}`},
		{"OtherOrgIssuer", map[string]any{"name": "B", "issuer": other}, `{"issuer": ["Object with entityId=` + other + ` does not exist."]}`},
		{"BadDuration", map[string]any{"name": "B", "issuer": is, "expires": map[string]any{"amount": 1, "duration": "fortnights"}},
			`{"expires": {"duration": ["\"fortnights\" is not a valid choice."]}}`},
		{"ZeroAmount", map[string]any{"name": "B", "issuer": is, "expires": map[string]any{"amount": 0, "duration": "days"}},
			`{"expires": {"amount": ["Ensure this value is greater than or equal to 1."]}}`},
		{"PublicNotBool", map[string]any{"name": "B", "issuer": is, "public": "maybe"}, `{"public": ["Must be a valid boolean."]}`},
		{"CourseWithoutID", map[string]any{"name": "B", "issuer": is, "courses": []any{map[string]any{"name": "x"}}},
			`{"courses": ["Each item needs a course_id."]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			faketest.JSONEq(t, c.Must(t, 400, "POST", faketest.Base("acme"), tc.body).Body, tc.want)
		})
	}
	env := c.Must(t, 200, "GET", faketest.Base("acme"), nil).Result(t)
	faketest.Equal(t, "count after failed creates", env["count"], any(0.0))
}

func TestCredentialGetUpdate(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, faketest.WithKeys()...)
	c.Auth = "Api-Token key-acme"
	is := c.CreateIssuer(t, "acme", "Acme U")
	id := c.CreateCredential(t, "acme", is, "Badge", map[string]any{
		"description": "Old", "metadata": map[string]any{"a": 1, "b": 2}, "tags": []string{"x"},
	})

	r := c.Must(t, 200, "GET", faketest.Base("acme")+id, nil)
	faketest.JSONEq(t, r.Obj(t)["status"], `{"success": true, "description": "Ok"}`)
	faketest.Equal(t, "entityId", r.Result(t)["entityId"], any(id))

	r = c.Must(t, 200, "PUT", faketest.Base("acme")+id, map[string]any{"description": "New", "metadata": map[string]any{"b": 3, "c": 4}})
	faketest.JSONEq(t, r.Obj(t)["status"], `{"success": true, "description": "Updated"}`)
	got := r.Result(t)
	faketest.Equal(t, "name (kept)", got["name"], any("Badge"))
	faketest.Equal(t, "description", got["description"], any("New"))
	faketest.JSONEq(t, got["metadata"], `{"a": 1, "b": 3, "c": 4}`)
	faketest.JSONEq(t, got["tags"], `["x"]`)
	faketest.Equal(t, "description after GET", c.Must(t, 200, "GET", faketest.Base("acme")+id, nil).Result(t)["description"], any("New"))

	t.Run("ChangeIssuer", func(t *testing.T) {
		is2 := c.CreateIssuer(t, "acme", "Second")
		r := c.Must(t, 400, "PUT", faketest.Base("acme")+id, map[string]any{"issuer": is2})
		if _, ok := r.Obj(t)["issuer"]; !ok {
			t.Fatalf("body = %s, want an error on issuer", r.Raw)
		}
		c.Must(t, 200, "PUT", faketest.Base("acme")+id, map[string]any{"issuer": is}) // the same issuer is fine
	})
	t.Run("BlankName", func(t *testing.T) {
		faketest.JSONEq(t, c.Must(t, 400, "PUT", faketest.Base("acme")+id, map[string]any{"name": ""}).Body, `{"name": ["This field may not be blank."]}`)
	})
	t.Run("NotFound", func(t *testing.T) {
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			var body any
			if m == "PUT" {
				body = map[string]any{"name": "x"}
			}
			faketest.JSONEq(t, c.Must(t, 404, m, faketest.Base("acme")+"nope", body).Body, `{"detail": "Not found."}`)
		}
	})
	t.Run("OtherOrg", func(t *testing.T) {
		c.Auth = "Api-Token key-both"
		defer func() { c.Auth = "Api-Token key-acme" }()
		c.Must(t, 404, "GET", faketest.Base("other")+id, nil)
		c.Must(t, 404, "PUT", faketest.Base("other")+id, map[string]any{"name": "x"})
		c.Must(t, 404, "DELETE", faketest.Base("other")+id, nil)
	})
}

func TestCredentialDelete(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	is := c.CreateIssuer(t, "acme", "Acme U")

	t.Run("NoAssertions", func(t *testing.T) {
		id := c.CreateCredential(t, "acme", is, "Badge", nil)
		// 200 with the status block the 4.205 description gives (FIDELITY.md, C1).
		r := c.Must(t, 200, "DELETE", faketest.Base("acme")+id, nil)
		faketest.JSONEq(t, r.Body, `{"status": {"success": true, "description": "Deleted"}}`)
		c.Must(t, 404, "GET", faketest.Base("acme")+id, nil)
	})
	t.Run("ActiveAssertion", func(t *testing.T) {
		id := c.CreateCredential(t, "acme", is, "Badge", nil)
		a := c.Issue(t, "acme", id, "alice", nil)
		r := c.Must(t, 409, "DELETE", faketest.Base("acme")+id, nil)
		faketest.JSONEq(t, r.Body, `{"detail": "Cannot delete a credential that has active assertions. Revoke them first."}`)
		c.Must(t, 200, "GET", faketest.Base("acme")+id, nil)
		c.Revoke(t, "acme", a, "issued in error")
		c.Must(t, 200, "DELETE", faketest.Base("acme")+id, nil)
		// Its (inactive) assertions went with it.
		r = c.Must(t, 404, "GET", "/api/credentials/public/assertions/"+a+"/", nil)
		faketest.Equal(t, "public body", string(r.Raw), "")
		c.Must(t, 404, "GET", faketest.Base("acme")+"assertions/"+a, nil)
	})
	t.Run("ExpiredAssertion", func(t *testing.T) {
		t.Cleanup(func() { c.Srv.Clock().SetOffset(0) })
		id := c.CreateCredential(t, "acme", is, "Badge", map[string]any{"expires": map[string]any{"amount": 1, "duration": "days"}})
		c.Issue(t, "acme", id, "alice", nil)
		c.Must(t, 409, "DELETE", faketest.Base("acme")+id, nil)
		c.Srv.Clock().SetOffset(49 * time.Hour)
		c.Must(t, 200, "DELETE", faketest.Base("acme")+id, nil)
	})
}

func TestCredentialList(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	is := c.CreateIssuer(t, "acme", "Acme U")
	mk := func(name string, extra map[string]any) string { return c.CreateCredential(t, "acme", is, name, extra) }
	py := mk("Python 101", map[string]any{"courses": []string{"course-v1:acme+PY+1"}})
	gol := mk("Go 101", map[string]any{"description": "Learn PYTHON's cousin", "programs": []string{"acme+Systems"}})
	mk("Hidden", map[string]any{"public": false, "courses": []string{"course-v1:acme+PY+1"}})
	both := mk("Rust 101", map[string]any{"courses": []string{"course-v1:acme+PY+1"}, "programs": []string{"acme+Systems"}})
	otherIs := c.CreateIssuer(t, "other", "Other U")
	c.CreateCredential(t, "other", otherIs, "Python elsewhere", nil)

	list := func(t *testing.T, query string) []string {
		t.Helper()
		r := c.Must(t, 200, "GET", faketest.Base("acme")+query, nil)
		faketest.JSONEq(t, r.Obj(t)["status"], `{"success": true, "description": "Ok"}`)
		return faketest.Field(faketest.Page(t, r.Result(t)), "entityId")
	}
	for _, tc := range []struct {
		name, query string
		want        []string
	}{
		{"All", "", []string{both, gol, py}}, // newest first, public only
		{"SearchName", "?search=python", []string{gol, py}},
		{"SearchDescription", "?search=cousin", []string{gol}},
		{"Course", "?course=course-v1:acme%2BPY%2B1", []string{both, py}},
		{"Program", "?program=acme%2BSystems", []string{both, gol}},
		{"CourseAndProgram", "?course=course-v1:acme%2BPY%2B1&program=acme%2BSystems", []string{both}},
		{"NoMatch", "?search=haskell", []string{}},
		{"PlatformOrg", "?platform_org=other", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := list(t, tc.query)
			if tc.want == nil {
				faketest.Equal(t, "len", len(got), 1)
				return
			}
			faketest.Equal(t, "entityIds", got, tc.want)
		})
	}
}

func TestCredentialListPaging(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	is := c.CreateIssuer(t, "acme", "Acme U")
	for i := range 105 {
		c.CreateCredential(t, "acme", is, fmt.Sprintf("Badge %03d", i), nil)
	}
	url := c.Srv.URL + faketest.Base("acme")
	for _, tc := range []struct {
		name, query    string
		n, pageNo, num int
		next, previous any
	}{
		{"Default", "", 10, 1, 11, url + "?page=2", nil},
		{"Second", "?page=2", 10, 2, 11, url + "?page=3", url},
		{"Last", "?page=last", 5, 11, 11, nil, url + "?page=10"},
		{"Clamped", "?page_size=1000", 100, 1, 2, url + "?page=2&page_size=1000", nil},
		{"ClampedLast", "?page_size=1000&page=2", 5, 2, 2, nil, url + "?page_size=1000"},
		{"NonPositiveSize", "?page_size=0", 10, 1, 11, url + "?page=2&page_size=0", nil},
		{"NonNumericSize", "?page_size=abc", 10, 1, 11, url + "?page=2&page_size=abc", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := c.Must(t, 200, "GET", faketest.Base("acme")+tc.query, nil).Result(t)
			faketest.Equal(t, "len(data)", len(faketest.Page(t, env)), tc.n)
			faketest.Equal(t, "page_number", env["page_number"], any(float64(tc.pageNo)))
			faketest.Equal(t, "num_pages", env["num_pages"], any(float64(tc.num)))
			faketest.Equal(t, "count", env["count"], any(105.0))
			faketest.Equal(t, "max_page_size", env["max_page_size"], any(100.0))
			faketest.Equal(t, "next", env["next"], tc.next)
			faketest.Equal(t, "previous", env["previous"], tc.previous)
		})
	}
	first := faketest.Page(t, c.Must(t, 200, "GET", faketest.Base("acme"), nil).Result(t))[0]
	faketest.Equal(t, "newest first", first["name"], any("Badge 104"))
	for _, q := range []string{"?page=12", "?page=0", "?page=-1", "?page=abc", "?page_size=100&page=3"} {
		t.Run("Invalid"+q, func(t *testing.T) {
			faketest.JSONEq(t, c.Must(t, 404, "GET", faketest.Base("acme")+q, nil).Body, `{"detail": "Invalid page."}`)
		})
	}
}
