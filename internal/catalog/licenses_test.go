package catalog_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/iblfake/iblfake/internal/faketest"
)

// results returns the results of a catalog list envelope, checking that it
// carries both pairs of link keys.
func results(t *testing.T, env map[string]any) []map[string]any {
	t.Helper()
	for _, k := range []string{"count", "next", "previous", "next_page", "previous_page", "results"} {
		if _, ok := env[k]; !ok {
			t.Fatalf("envelope %v has no %q", env, k)
		}
	}
	list, ok := env["results"].([]any)
	if !ok {
		t.Fatalf("results = %#v, want a list", env["results"])
	}
	out := make([]map[string]any, len(list))
	for i, r := range list {
		out[i] = r.(map[string]any)
	}
	return out
}

func TestCatalogLicenseCreateAndUpdate(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	l := c.CreateLicense(t, "user", "acme", map[string]any{"name": "Seats", "count": 2, "external_id": "ext-1",
		"metadata": map[string]any{"tier": "gold"}})
	for k, want := range map[string]any{"name": "Seats", "count": 2.0, "active": true, "platform_key": "acme",
		"external_id": "ext-1", "expired": nil, "usage_count": 0.0} {
		faketest.Equal(t, k, l[k], want)
	}
	lid := faketest.ID(t, l)

	t.Run("UpdateByLicenseID", func(t *testing.T) {
		r := c.Must(t, 200, "POST", faketest.LicBase+"user/update/", map[string]any{"license_id": lid, "name": "Renamed", "count": 5})
		faketest.Equal(t, "name", r.Obj(t)["name"], any("Renamed"))
		faketest.Equal(t, "count", r.Obj(t)["count"], any(5.0))
	})
	t.Run("UpdateByExternalID", func(t *testing.T) {
		r := c.Must(t, 200, "POST", faketest.LicBase+"user/update/", map[string]any{"external_id": "ext-1", "active": false})
		faketest.Equal(t, "id", faketest.ID(t, r.Obj(t)), lid)
		faketest.Equal(t, "active", r.Obj(t)["active"], any(false))
	})
	t.Run("ErrUnknownLicense", func(t *testing.T) {
		c.Must(t, 404, "POST", faketest.LicBase+"user/update/", map[string]any{"license_id": 999, "name": "x"})
		c.Must(t, 404, "POST", faketest.LicBase+"user/update/", map[string]any{"external_id": "nope"})
	})
	t.Run("ErrNoLocator", func(t *testing.T) {
		r := c.Must(t, 400, "POST", faketest.LicBase+"user/update/", map[string]any{"name": "x"})
		faketest.JSONEq(t, r.Body, `{"non_field_errors": ["Either license_id or external_id is required."]}`)
	})
	t.Run("ErrExternalIDTaken", func(t *testing.T) {
		c.Must(t, 400, "POST", faketest.LicBase+"user/create/", map[string]any{"platform_key": "acme", "external_id": "ext-1"})
	})
	t.Run("KindsHaveOwnIDs", func(t *testing.T) {
		// a user license id is no platform license.
		c.Must(t, 404, "POST", faketest.LicBase+"platform/update/", map[string]any{"license_id": lid, "name": "x"})
	})
	t.Run("ErrCourseCannotChange", func(t *testing.T) {
		cl := c.CreateLicense(t, "course", "acme", map[string]any{"course_id": "course-v1:acme+C1+2024"})
		faketest.Equal(t, "course_id", cl["course_id"], any("course-v1:acme+C1+2024"))
		r := c.Must(t, 400, "POST", faketest.LicBase+"course/update/", map[string]any{"license_id": faketest.ID(t, cl), "course_id": "course-v1:acme+C2+2024"})
		faketest.JSONEq(t, r.Body, `{"course_id": ["This field cannot be changed on an existing license."]}`)
	})
	t.Run("ErrUnknownCourse", func(t *testing.T) {
		c.Must(t, 404, "POST", faketest.LicBase+"course/create/", map[string]any{"platform_key": "acme", "course_id": "not-a-course"})
	})
	t.Run("ProgramByProgramID", func(t *testing.T) {
		// desc: platform_key and program_id are the required fields.
		pl := c.CreateLicense(t, "program", "acme", map[string]any{"program_id": "program-v1:acme+mba+2024", "count": 3})
		for k, want := range map[string]any{"program_id": "program-v1:acme+mba+2024", "program_key": "acme+mba",
			"program_name": "mba", "source": "api", "usage_count": 0.0} {
			faketest.Equal(t, k, pl[k], want)
		}
		r := c.Must(t, 400, "POST", faketest.LicBase+"program/create/", map[string]any{"platform_key": "acme", "name": "x"})
		faketest.JSONEq(t, r.Body, `{"program_id": ["This field is required."]}`)
	})
	t.Run("ProgramKeyOnlyFoundByProgramID", func(t *testing.T) {
		// A license made with program_key alone records no run; the list's
		// program_id filter still finds it by the key, as the program
		// invitation list does.
		c.CreateLicense(t, "program", "acme", map[string]any{"program_key": "acme+phd", "name": "PhD seats"})
		names := func(q string) []string {
			t.Helper()
			return faketest.Field(results(t, c.Must(t, 200, "GET", faketest.LicBase+"program/?platform_key=acme&"+q, nil).Obj(t)), "name")
		}
		for q, want := range map[string][]string{
			"program_id=program-v1:acme%2Bphd%2B2025": {"PhD seats"},
			"program_id=acme%2Bphd":                   {"PhD seats"},
			"program_id=program-v1:acme%2Bmsc%2B2025": nil,
		} {
			if got := names(q); !slices.Equal(got, want) {
				t.Errorf("%s: got %v, want %v", q, got, want)
			}
		}
	})
	t.Run("ErrPlatformRequired", func(t *testing.T) {
		r := c.Must(t, 400, "POST", faketest.LicBase+"platform/create/", map[string]any{"name": "x"})
		faketest.JSONEq(t, r.Body, `{"platform_key": ["This field is required."]}`)
	})
}

func TestCatalogLicenseList(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	for i, name := range []string{"Alpha", "Beta", "Gamma"} {
		c.CreateLicense(t, "platform", "acme", map[string]any{"name": name, "count": 10 * (i + 1),
			"active": i != 1, "metadata": map[string]any{"region": []string{"eu", "us", "eu"}[i]}})
	}
	c.CreateLicense(t, "platform", "other", map[string]any{"name": "Elsewhere"})
	names := func(q string) []string {
		t.Helper()
		return faketest.Field(results(t, c.Must(t, 200, "GET", faketest.LicBase+"platform/?"+q, nil).Obj(t)), "name")
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"platform_key=acme", []string{"Gamma", "Beta", "Alpha"}}, // default sort -id
		{"key=acme&sort=name", []string{"Alpha", "Beta", "Gamma"}},
		{"platform_key=acme&sort=-count", []string{"Gamma", "Beta", "Alpha"}},
		{"platform_key=acme&active=true", []string{"Gamma", "Alpha"}},
		{"platform_key=acme&name=Beta", []string{"Beta"}},
		{"platform_key=acme&query=MM", []string{"Gamma"}},
		{"platform_key=acme&region=eu", []string{"Gamma", "Alpha"}}, // unknown param: metadata filter
		{"platform_key=other", []string{"Elsewhere"}},
		{"sort=id", []string{"Alpha", "Beta", "Gamma", "Elsewhere"}}, // no tenant: every one the key may see
	} {
		t.Run(tc.query, func(t *testing.T) { faketest.Equal(t, "names", names(tc.query), tc.want) })
	}
	t.Run("Paging", func(t *testing.T) {
		env := c.Must(t, 200, "GET", faketest.LicBase+"platform/?platform_key=acme&page_size=2", nil).Obj(t)
		faketest.Equal(t, "count", env["count"], any(3.0))
		faketest.Equal(t, "page", len(results(t, env)), 2)
		next, _ := env["next"].(string)
		u, err := url.Parse(next)
		if err != nil || u.Query().Get("page") != "2" {
			t.Fatalf("next = %q, want page=2", next)
		}
		faketest.Equal(t, "next_page", env["next_page"], env["next"])
		faketest.Equal(t, "previous", env["previous"], nil)
		c.Must(t, 404, "GET", faketest.LicBase+"platform/?platform_key=acme&page=9", nil)
	})
	t.Run("ErrBadSort", func(t *testing.T) {
		r := c.Must(t, 400, "GET", faketest.LicBase+"platform/?platform_key=acme&sort=bogus", nil)
		faketest.JSONEq(t, r.Body, `{"sort": ["Cannot sort by \"bogus\"."]}`)
	})
}

func TestCatalogLicenseVerboseSummary(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	l := c.CreateLicense(t, "user", "acme", map[string]any{"count": 5})
	lid := faketest.ID(t, l)
	for i := range 3 {
		c.Must(t, 200, "POST", faketest.LicBase+"user/assignment/?license_id="+fmt.Sprint(lid), map[string]any{
			"license_id": lid, "email": fmt.Sprintf("u%d@acme.test", i), "fulfilled": i == 0, "active": i != 2})
	}
	plain := results(t, c.Must(t, 200, "GET", faketest.LicBase+"user/?platform_key=acme", nil).Obj(t))[0]
	if _, ok := plain["assignments"]; ok {
		t.Fatalf("assignments without verbose: %v", plain)
	}
	faketest.Equal(t, "usage_count", plain["usage_count"], any(2.0))
	v := results(t, c.Must(t, 200, "GET", faketest.LicBase+"user/?platform_key=acme&verbose=true", nil).Obj(t))[0]
	faketest.JSONEq(t, v["assignments"], `{"total": 3, "active": 2, "pending": 1}`)
}

// TestCatalogScenarioWhenLicense: scenario when clauses see the license a
// request's license_id names.
func TestCatalogScenarioWhenLicense(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	full := faketest.ID(t, c.CreateLicense(t, "user", "acme", map[string]any{"count": 1}))
	empty := faketest.ID(t, c.CreateLicense(t, "user", "acme", map[string]any{"count": 1}))
	c.Must(t, 200, "POST", faketest.AssignPath("user", full), map[string]any{"license_id": full, "email": "a@acme.test"})
	c.Must(t, 200, "POST", "/_fake/scenarios?activate=true", faketest.RawBody{ContentType: "application/yaml", Data: `
name: full-license-teapot
rules:
  - match: {operation: catalog_licenses_user_assignment_retrieve, when: {usage_count: 1}}
    respond: {status: 418, body: {detail: "full"}}
`})
	c.Must(t, 418, "GET", faketest.AssignPath("user", full), nil)
	c.Must(t, 200, "GET", faketest.AssignPath("user", empty), nil)
}
