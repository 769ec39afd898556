package catalog_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/internal/faketest"
)

// How the fake settles what the newer contract (4.205) and the evidence
// newer than 4.90.4 contradict or add (FIDELITY.md, "The newer contract":
// C1-C7), for the catalog. The platform invitation's declared fields (C6)
// are proven in TestCatalogPlatformInvitations; the credentials' items are
// in fake/credentials/contract_4205_test.go.

// TestPlatformBulkNeedsPlatformKey (C2): a platform bulk create names its
// platform in the body; the query's, or the items', no longer suffice.
func TestPlatformBulkNeedsPlatformKey(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	items := []any{map[string]any{"platform_key": "acme", "email": "a@ext.test"}}
	faketest.JSONEq(t, c.Must(t, 400, "POST", faketest.InvBase+"platform/bulk/?platform_key=acme", map[string]any{"invitation_data": items}).Body,
		`{"platform_key": ["This field is required."]}`)
	faketest.JSONEq(t, c.Must(t, 400, "POST", faketest.InvBase+"platform/bulk/", map[string]any{"platform_key": " ", "invitation_data": items}).Body,
		`{"platform_key": ["This field may not be blank."]}`)
	faketest.JSONEq(t, c.Must(t, 200, "POST", faketest.InvBase+"platform/bulk/", map[string]any{"platform_key": "acme", "invitation_data": items}).Body,
		`{"successes": 1, "error_codes": []}`)
	// Course and program bulk creates keep it optional.
	c.Must(t, 200, "POST", faketest.InvBase+"course/bulk/", map[string]any{"invitation_data": []any{
		map[string]any{"course_id": "course-v1:acme+C1+T1", "email": "a@ext.test"}}})
}

// TestInvitationEnrollmentDates (C6): the course and program access dates
// map into enrollment_config['started'] and ['expired'], over the body's
// own enrollment_config.
func TestInvitationEnrollmentDates(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	iv := c.Must(t, 200, "POST", faketest.InvBase+"course/", map[string]any{"course_id": "course-v1:acme+C1+T1", "email": "a@ext.test",
		"enrollment_config":        map[string]any{"mode": "audit", "started": "ignored"},
		"course_access_start_date": "2026-09-01", "course_access_expiration_date": "2026-12-31T23:59:59+01:00"}).Obj(t)
	faketest.JSONEq(t, iv["enrollment_config"], `{"mode": "audit", "started": "2026-09-01T00:00:00Z", "expired": "2026-12-31T22:59:59Z"}`)
	faketest.JSONEq(t, iv["metadata"], `{}`)
	if _, ok := iv["first_name"]; ok {
		t.Errorf("a course invitation answers the platform invitation's fields: %v", iv)
	}
	t.Run("UpdateKeepsTheOtherDate", func(t *testing.T) {
		got := c.Must(t, 200, "POST", faketest.InvBase+"course/", map[string]any{"course_id": "course-v1:acme+C1+T1", "email": "a@ext.test",
			"course_access_expiration_date": "2027-01-31"}).Obj(t)
		faketest.JSONEq(t, got["enrollment_config"], `{"mode": "audit", "started": "2026-09-01T00:00:00Z", "expired": "2027-01-31T00:00:00Z"}`)
		// The dates are not nullable (the 4.205 model: Optional[datetime]).
		c.Must(t, 400, "POST", faketest.InvBase+"course/", map[string]any{"course_id": "course-v1:acme+C1+T1", "email": "a@ext.test",
			"course_access_expiration_date": nil})
	})
	t.Run("Program", func(t *testing.T) {
		got := c.Must(t, 200, "POST", faketest.InvBase+"program/", map[string]any{"program_key": "acme+mba", "email": "a@ext.test",
			"program_access_start_date": "2026-09-01T08:00:00Z"}).Obj(t)
		faketest.JSONEq(t, got["enrollment_config"], `{"started": "2026-09-01T08:00:00Z"}`)
		// A course's date field on a program invitation is no field of it.
		got = c.Must(t, 200, "POST", faketest.InvBase+"program/", map[string]any{"program_key": "acme+mba", "email": "b@ext.test",
			"course_access_start_date": "2026-09-01"}).Obj(t)
		faketest.JSONEq(t, got["metadata"], `{"course_access_start_date": "2026-09-01"}`)
	})
	t.Run("ErrBadDate", func(t *testing.T) {
		r := c.Must(t, 400, "POST", faketest.InvBase+"course/", map[string]any{"course_id": "course-v1:acme+C1+T1", "email": "a@ext.test",
			"course_access_start_date": "next week"})
		if !strings.Contains(string(r.Raw), "course_access_start_date") {
			t.Fatalf("body = %s, want an error on course_access_start_date", r.Raw)
		}
	})
	t.Run("BulkItems", func(t *testing.T) {
		r := c.Must(t, 200, "POST", faketest.InvBase+"course/bulk/", map[string]any{"invitation_data": []any{
			map[string]any{"course_id": "course-v1:acme+C2+T1", "email": "c@ext.test", "course_access_start_date": "2026-10-01"}}})
		faketest.JSONEq(t, r.Body, `{"successes": 1, "error_codes": []}`)
		list := results(t, c.Must(t, 200, "GET", faketest.InvBase+"course/?platform_key=acme&course_id="+url.QueryEscape("course-v1:acme+C2+T1"), nil).Obj(t))
		faketest.JSONEq(t, list[0]["enrollment_config"], `{"started": "2026-10-01T00:00:00Z"}`)
	})
}

// TestPlatformInvitationGroupFields (C6): the user group columns are
// fields; the owner's email is an email.
func TestPlatformInvitationGroupFields(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	iv := c.Must(t, 200, "POST", faketest.InvBase+"platform/", map[string]any{"platform_key": "acme", "email": "a@ext.test",
		"company_name": "A Corp", "last_name": "Lovelace", "user_group": "Cohort A", "user_group_owner_email": "owner@acme.test"}).Obj(t)
	for k, want := range map[string]any{"company_name": "A Corp", "first_name": nil, "last_name": "Lovelace",
		"user_group": "Cohort A", "user_group_owner_email": "owner@acme.test"} {
		faketest.Equal(t, k, iv[k], want)
	}
	faketest.JSONEq(t, iv["metadata"], `{}`)
	faketest.JSONEq(t, c.Must(t, 400, "POST", faketest.InvBase+"platform/", map[string]any{"platform_key": "acme", "email": "b@ext.test",
		"user_group_owner_email": "owner"}).Body, `{"user_group_owner_email": ["Enter a valid email address."]}`)
	faketest.JSONEq(t, c.Must(t, 400, "POST", faketest.InvBase+"platform/", map[string]any{"platform_key": "acme", "email": "b@ext.test",
		"first_name": strings.Repeat("x", 256)}).Body, `{"first_name": ["Ensure this field has no more than 255 characters."]}`)
	// In a bulk item a malformed owner email is that item's code.
	faketest.JSONEq(t, c.Must(t, 200, "POST", faketest.InvBase+"platform/bulk/", map[string]any{"platform_key": "acme", "invitation_data": []any{
		map[string]any{"platform_key": "acme", "email": "c@ext.test", "user_group_owner_email": "owner"},
		map[string]any{"platform_key": "acme", "email": "d@ext.test", "first_name": "Dee"},
	}}).Body, `{"successes": 1, "error_codes": ["0:invalid_user_group_owner_email"]}`)
}

// TestInvitationTenantAliases (C7): course invitations still take the key
// alias 4.205 no longer declares (SKILL-CI and the data layer send it);
// program invitations take the platform_key 4.205 declares.
func TestInvitationTenantAliases(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, faketest.WithKeys()...)
	c.Auth = "Api-Token key-both"
	c.Must(t, 200, "POST", faketest.InvBase+"course/", map[string]any{"course_id": "course-v1:acme+C1+T1", "email": "a@ext.test"})
	c.Must(t, 200, "POST", faketest.InvBase+"course/", map[string]any{"course_id": "course-v1:other+C1+T1", "email": "b@ext.test"})
	c.Must(t, 200, "POST", faketest.InvBase+"program/", map[string]any{"program_key": "acme+mba", "email": "c@ext.test"})
	faketest.Equal(t, "by key", faketest.Field(results(t, c.Must(t, 200, "GET", faketest.InvBase+"course/?key=acme", nil).Obj(t)), "email"), []string{"a@ext.test"})
	faketest.Equal(t, "by platform_key", faketest.Field(results(t, c.Must(t, 200, "GET", faketest.InvBase+"program/?platform_key=acme", nil).Obj(t)), "email"), []string{"c@ext.test"})
	c.Auth = "Api-Token key-other"
	c.Must(t, 403, "GET", faketest.InvBase+"course/?key=acme", nil)
	c.Must(t, 403, "GET", faketest.InvBase+"program/?platform_key=acme", nil)
}
