package catalog_test

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/faketest"
)

// acmeDirectory: users 1-4; group 10 = {1, 2, 3}, group 20 = {4}.
func acmeDirectory() map[string]any {
	u := func(n int) map[string]any {
		return map[string]any{"user_id": n, "username": fmt.Sprintf("user%d", n),
			"email": fmt.Sprintf("user%d@acme.test", n), "name": fmt.Sprintf("User %d", n)}
	}
	return map[string]any{
		"users": []any{u(1), u(2), u(3), u(4)},
		"groups": []any{
			map[string]any{"id": 10, "name": "Sales", "members": []any{u(1), u(2), u(3)}},
			map[string]any{"id": 20, "name": "Ops", "members": []any{u(4)}},
		},
	}
}

func TestCatalogAssignments(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	c.SeedGroups(t, "acme", acmeDirectory())
	lid := faketest.ID(t, c.CreateLicense(t, "user", "acme", map[string]any{"name": "Seats", "count": 2}))

	t.Run("ByUserID", func(t *testing.T) {
		r := c.Must(t, 200, "POST", faketest.AssignPath("user", lid), map[string]any{"license_id": lid, "user_id": 1})
		a := r.Obj(t)
		for k, want := range map[string]any{"user_id": 1.0, "username": "user1", "email": "user1@acme.test",
			"active": true, "fulfilled": false, "license_id": float64(lid), "license_name": "Seats", "platform_key": "acme"} {
			faketest.Equal(t, k, a[k], want)
		}
	})
	t.Run("EmailOnly", func(t *testing.T) {
		// license_id only in the body (spec correction *-assign-license-id-in-body).
		r := c.Must(t, 200, "POST", faketest.LicBase+"user/assignment/", map[string]any{"license_id": lid, "email": "new@acme.test"})
		faketest.Equal(t, "user_id", r.Obj(t)["user_id"], nil)
		faketest.Equal(t, "username", r.Obj(t)["username"], nil)
	})
	t.Run("ErrNoSeatLeft", func(t *testing.T) {
		r := c.Must(t, 400, "POST", faketest.AssignPath("user", lid), map[string]any{"license_id": lid, "user_id": 2})
		faketest.JSONEq(t, r.Body, `{"detail": "Not enough seats available on this license: 2 of 2 in use, 1 more requested."}`)
	})
	t.Run("UpdateTakesNoSeat", func(t *testing.T) {
		r := c.Must(t, 200, "POST", faketest.AssignPath("user", lid), map[string]any{"license_id": lid, "email": "USER1@acme.test", "fulfilled": true})
		faketest.Equal(t, "user_id", r.Obj(t)["user_id"], any(1.0))
		faketest.Equal(t, "fulfilled", r.Obj(t)["fulfilled"], any(true))
	})
	t.Run("ErrUnknownUser", func(t *testing.T) {
		c.Must(t, 404, "POST", faketest.AssignPath("user", lid), map[string]any{"license_id": lid, "user_id": 99})
	})
	t.Run("ErrNoAssignee", func(t *testing.T) {
		r := c.Must(t, 400, "POST", faketest.AssignPath("user", lid), map[string]any{"license_id": lid})
		faketest.JSONEq(t, r.Body, `{"non_field_errors": ["Either user_id or email is required."]}`)
	})
	t.Run("ErrCountBelowUsage", func(t *testing.T) {
		r := c.Must(t, 400, "POST", faketest.LicBase+"user/update/", map[string]any{"license_id": lid, "count": 1})
		faketest.JSONEq(t, r.Body, `{"count": ["Ensure this value is greater than or equal to 2, the seats in use."]}`)
	})
	var list []map[string]any
	t.Run("List", func(t *testing.T) {
		list = results(t, c.Must(t, 200, "GET", faketest.AssignPath("user", lid), nil).Obj(t))
		faketest.Equal(t, "emails", faketest.Field(list, "email"), []string{"user1@acme.test", "new@acme.test"}) // sort id
		faketest.Equal(t, "filtered", faketest.Field(results(t, c.Must(t, 200, "GET", faketest.AssignPath("user", lid)+"&email=new@acme.test", nil).Obj(t)), "email"),
			[]string{"new@acme.test"})
	})
	t.Run("PublicCheck", func(t *testing.T) {
		c.Must(t, 200, "GET", faketest.LicBase+"user/assignment/check/?email=New@acme.test", nil, "Authorization", "")
		c.Must(t, 404, "GET", faketest.LicBase+"user/assignment/check/?email=nobody@acme.test", nil, "Authorization", "")
		c.Must(t, 400, "GET", faketest.LicBase+"user/assignment/check/?email=not-an-email", nil, "Authorization", "")
		c.Must(t, 400, "GET", faketest.LicBase+"user/assignment/check/", nil, "Authorization", "")
	})
	t.Run("DeleteFreesSeat", func(t *testing.T) {
		aid := faketest.ID(t, list[1])
		c.Must(t, 200, "DELETE", fmt.Sprintf("%suser/assignment/?assignment_id=%d&license_id=%d", faketest.LicBase, aid, lid), nil)
		c.Must(t, 404, "DELETE", fmt.Sprintf("%suser/assignment/?assignment_id=%d", faketest.LicBase, aid), nil)
		c.Must(t, 404, "GET", faketest.LicBase+"user/assignment/check/?email=new@acme.test", nil, "Authorization", "")
		c.Must(t, 200, "POST", faketest.AssignPath("user", lid), map[string]any{"license_id": lid, "user_id": 2})
	})
	t.Run("ErrInactiveLicense", func(t *testing.T) {
		c.Must(t, 200, "POST", faketest.LicBase+"user/update/", map[string]any{"license_id": lid, "active": false, "count": 10})
		r := c.Must(t, 400, "POST", faketest.AssignPath("user", lid), map[string]any{"license_id": lid, "user_id": 3})
		faketest.JSONEq(t, r.Body, `{"license_id": ["This license is not active."]}`)
	})
}

func TestCatalogCourseAndProgramAssignments(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	c.SeedGroups(t, "acme", acmeDirectory())
	cl := faketest.ID(t, c.CreateLicense(t, "course", "acme", map[string]any{"course_id": "course-v1:acme+C1+T1", "count": 1}))
	a := c.Must(t, 200, "POST", faketest.AssignPath("course", cl), map[string]any{"license_id": cl, "email": "x@acme.test"}).Obj(t)
	faketest.Equal(t, "course_id", a["course_id"], any("course-v1:acme+C1+T1"))
	pl := faketest.ID(t, c.CreateLicense(t, "program", "acme", map[string]any{"program_key": "acme+mba", "name": "MBA", "count": 1}))
	p := c.Must(t, 200, "POST", faketest.AssignPath("program", pl), map[string]any{"license_id": pl, "username": "user3"}).Obj(t)
	for k, want := range map[string]any{"user_id": 3.0, "name": "User 3", "direct": true, "program_key": "acme+mba", "license_name": "MBA"} {
		faketest.Equal(t, k, p[k], want)
	}
	c.Must(t, 404, "POST", faketest.AssignPath("program", pl), map[string]any{"license_id": pl, "username": "ghost"})
	// The ids of one kind name nothing of another.
	c.Must(t, 404, "GET", faketest.AssignPath("user", cl), nil)
}

// TestCatalogSeatsUnderConcurrency assigns many seats of one license at
// once: exactly count succeed, and the license never holds more. It runs
// on both backends.
func TestCatalogSeatsUnderConcurrency(t *testing.T) {
	t.Parallel()
	t.Run("Memory", func(t *testing.T) { seatsUnderConcurrency(t, faketest.NewClient(t)) })
	t.Run("Bolt", func(t *testing.T) {
		b, err := store.OpenBolt(filepath.Join(t.TempDir(), "fake.db"))
		if err != nil {
			t.Fatal(err)
		}
		seatsUnderConcurrency(t, faketest.NewClient(t, fake.WithStore(b)))
		if err := b.Check(); err != nil {
			t.Fatalf("bolt check: %v", err)
		}
	})
}

func seatsUnderConcurrency(t *testing.T, c *faketest.Client) {
	const seats, clients = 7, 40
	lid := faketest.ID(t, c.CreateLicense(t, "user", "acme", map[string]any{"count": seats}))
	var wg sync.WaitGroup
	codes := make([]int, clients)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = c.Do(t, "POST", faketest.AssignPath("user", lid), map[string]any{
				"license_id": lid, "email": fmt.Sprintf("p%d@acme.test", i)}).Status
		}()
	}
	wg.Wait()
	got := map[int]int{}
	for _, code := range codes {
		got[code]++
	}
	faketest.Equal(t, "statuses", got, map[int]int{200: seats, 400: clients - seats})
	env := c.Must(t, 200, "GET", faketest.AssignPath("user", lid)+"&page_size=100", nil).Obj(t)
	faketest.Equal(t, "assignments", env["count"], any(float64(seats)))
	l := results(t, c.Must(t, 200, "GET", faketest.LicBase+"user/?platform_key=acme", nil).Obj(t))[0]
	faketest.Equal(t, "usage_count", l["usage_count"], any(float64(seats)))

	// Deletes and assigns racing: each delete frees exactly one seat.
	list := results(t, env)
	deletes := make([]int, len(list))
	for i := range list {
		aid := faketest.ID(t, list[i])
		wg.Add(2)
		go func() {
			defer wg.Done()
			deletes[i] = c.Do(t, "DELETE", fmt.Sprintf("%suser/assignment/?assignment_id=%d", faketest.LicBase, aid), nil).Status
		}()
		go func() {
			defer wg.Done()
			c.Do(t, "POST", faketest.AssignPath("user", lid), map[string]any{"license_id": lid, "email": fmt.Sprintf("q%d@acme.test", i)})
		}()
	}
	wg.Wait()
	for i, code := range deletes {
		if code != 200 {
			t.Fatalf("delete %d: status %d, want 200", i, code)
		}
	}
	env = c.Must(t, 200, "GET", faketest.AssignPath("user", lid)+"&page_size=100", nil).Obj(t)
	if n := env["count"].(float64); n > seats {
		t.Fatalf("assignments = %v, more than the %d seats", n, seats)
	}
}

func TestCatalogGroupAssignments(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	c.SeedGroups(t, "acme", acmeDirectory())
	lid := faketest.ID(t, c.CreateLicense(t, "program", "acme", map[string]any{"program_key": "acme+mba", "count": 4}))
	groupPath := fmt.Sprintf("%sprogram/assignment/group/?license_id=%d", faketest.LicBase, lid)
	// user2 already holds a direct seat.
	c.Must(t, 200, "POST", faketest.AssignPath("program", lid), map[string]any{"license_id": lid, "user_id": 2})

	g := c.Must(t, 200, "POST", groupPath, map[string]any{"license_id": lid, "group_id": 10}).Obj(t)
	for k, want := range map[string]any{"group_name": "Sales", "user_count": 3.0, "assigned_count": 3.0, "program_name": "mba"} {
		faketest.Equal(t, k, g[k], want)
	}
	users := faketest.Field(results(t, c.Must(t, 200, "GET", faketest.AssignPath("program", lid), nil).Obj(t)), "username")
	faketest.Equal(t, "assigned", users, []string{"user2", "user1", "user3"})

	t.Run("ErrNotEnoughSeats", func(t *testing.T) {
		c.Must(t, 200, "POST", faketest.LicBase+"program/update/", map[string]any{"license_id": lid, "count": 3})
		c.Must(t, 400, "POST", groupPath, map[string]any{"license_id": lid, "group_id": 20})
		faketest.Equal(t, "groups", len(results(t, c.Must(t, 200, "GET", groupPath, nil).Obj(t))), 1)
	})
	t.Run("ErrUnknownGroup", func(t *testing.T) {
		c.Must(t, 404, "POST", groupPath, map[string]any{"license_id": lid, "group_id": 99})
	})
	t.Run("DeleteKeepsDirect", func(t *testing.T) {
		c.Must(t, 200, "DELETE", fmt.Sprintf("%sprogram/assignment/group/?assignment_id=%d", faketest.LicBase, faketest.ID(t, g)), nil)
		users := faketest.Field(results(t, c.Must(t, 200, "GET", faketest.AssignPath("program", lid), nil).Obj(t)), "username")
		faketest.Equal(t, "left", users, []string{"user2"})
	})
	t.Run("MembersFollowTheGroupsActiveFlag", func(t *testing.T) {
		ul := faketest.ID(t, c.CreateLicense(t, "user", "acme", map[string]any{"count": 3}))
		gp := fmt.Sprintf("%suser/assignment/group/?license_id=%d", faketest.LicBase, ul)
		c.Must(t, 200, "POST", faketest.AssignPath("user", ul), map[string]any{"license_id": ul, "user_id": 1})
		active := func() map[string]any {
			out := map[string]any{}
			for _, a := range results(t, c.Must(t, 200, "GET", faketest.AssignPath("user", ul), nil).Obj(t)) {
				out[a["username"].(string)] = a["active"]
			}
			return out
		}
		// Made inactive: no seats taken; user1's direct seat is its own.
		c.Must(t, 200, "POST", gp, map[string]any{"license_id": ul, "group_id": 10, "active": false})
		faketest.Equal(t, "made inactive", active(), map[string]any{"user1": true, "user2": false, "user3": false})
		// Switching it on needs a seat per member it activates, all or none.
		c.Must(t, 200, "POST", faketest.LicBase+"user/update/", map[string]any{"license_id": ul, "count": 2})
		c.Must(t, 400, "POST", gp, map[string]any{"license_id": ul, "group_id": 10, "active": true})
		faketest.Equal(t, "refused", active(), map[string]any{"user1": true, "user2": false, "user3": false})
		c.Must(t, 200, "POST", faketest.LicBase+"user/update/", map[string]any{"license_id": ul, "count": 3})
		c.Must(t, 200, "POST", gp, map[string]any{"license_id": ul, "group_id": 10, "active": true})
		faketest.Equal(t, "switched on", active(), map[string]any{"user1": true, "user2": true, "user3": true})
		// Switching it off frees its members' seats, not the direct one.
		c.Must(t, 200, "POST", gp, map[string]any{"license_id": ul, "group_id": 10, "active": false})
		faketest.Equal(t, "switched off", active(), map[string]any{"user1": true, "user2": false, "user3": false})
		c.Must(t, 200, "POST", faketest.LicBase+"user/update/", map[string]any{"license_id": ul, "count": 1})
	})
	t.Run("DeleteWithoutRemovingUsers", func(t *testing.T) {
		ul := faketest.ID(t, c.CreateLicense(t, "user", "acme", map[string]any{"count": 5}))
		gp := fmt.Sprintf("%suser/assignment/group/?license_id=%d", faketest.LicBase, ul)
		ga := c.Must(t, 200, "POST", gp, map[string]any{"license_id": ul, "group_id": 20}).Obj(t)
		faketest.Equal(t, "platform_key", ga["platform_key"], any("acme"))
		c.Must(t, 200, "DELETE", fmt.Sprintf("%suser/assignment/group/?assignment_id=%d&remove_user_assignments=false", faketest.LicBase, faketest.ID(t, ga)), nil)
		faketest.Equal(t, "kept", faketest.Field(results(t, c.Must(t, 200, "GET", faketest.AssignPath("user", ul), nil).Obj(t)), "username"), []string{"user4"})
	})
}

// TestCatalogTenantIsolation: a key for one org never reads or changes
// another org's licenses, assignments or invitations.
func TestCatalogTenantIsolation(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, faketest.WithKeys()...)
	acme := func(h ...string) []string { return append([]string{"Authorization", "Api-Token key-acme"}, h...) }
	other := []string{"Authorization", "Api-Token key-other"}
	c.Auth = "Api-Token key-dm" // only a DM admin creates licenses
	lid := faketest.ID(t, c.CreateLicense(t, "user", "acme", map[string]any{"count": 3}))
	c.Auth = "Api-Token key-acme"
	c.Must(t, 200, "POST", faketest.AssignPath("user", lid), map[string]any{"license_id": lid, "email": "a@acme.test"}, acme()...)
	c.Must(t, 200, "POST", faketest.InvBase+"platform/", map[string]any{"platform_key": "acme", "email": "a@acme.test"}, acme()...)

	for _, tc := range []struct {
		name, method, path string
		body               any
		want               int
	}{
		{"ListNamingAcme", "GET", faketest.LicBase + "user/?platform_key=acme", nil, 403},
		{"CreateInAcmeBody", "POST", faketest.LicBase + "user/create/", map[string]any{"platform_key": "acme"}, 403},
		{"CreateInAcmeForm", "POST", faketest.LicBase + "user/create/", faketest.RawBody{ContentType: "application/x-www-form-urlencoded", Data: "platform_key=acme"}, 403},
		// License updates are DM-admin only: a platform key is refused
		// before the license is looked up.
		{"UpdateAcmeLicense", "POST", faketest.LicBase + "user/update/", map[string]any{"license_id": lid, "count": 9}, 403},
		{"UpdateAcmeLicenseNamingOther", "POST", faketest.LicBase + "user/update/", map[string]any{"license_id": lid, "platform_key": "other"}, 403},
		{"ListAcmeAssignments", "GET", faketest.AssignPath("user", lid), nil, 404},
		{"ListAcmeAssignmentsNamingAcme", "GET", faketest.AssignPath("user", lid) + "&platform_key=acme", nil, 403},
		{"AssignOnAcmeLicense", "POST", faketest.AssignPath("user", lid), map[string]any{"license_id": lid, "email": "b@other.test"}, 404},
		{"AssignNamingAcme", "POST", faketest.LicBase + "user/assignment/", map[string]any{"license_id": lid, "email": "b@other.test", "platform_key": "acme"}, 403},
		{"UnassignAcme", "DELETE", faketest.LicBase + "user/assignment/?assignment_id=1", nil, 404},
		{"InviteToAcme", "POST", faketest.InvBase + "platform/", map[string]any{"platform_key": "acme", "email": "b@other.test"}, 403},
		{"InviteToAcmeCourse", "POST", faketest.InvBase + "course/", map[string]any{"course_id": "course-v1:acme+C+1", "email": "b@other.test"}, 403},
		{"BulkToAcme", "POST", faketest.InvBase + "platform/bulk/", map[string]any{"platform_key": "acme", "invitation_data": []any{map[string]any{"platform_key": "acme", "email": "b@other.test"}}}, 403},
	} {
		t.Run(tc.name, func(t *testing.T) { c.Must(t, tc.want, tc.method, tc.path, tc.body, other...) })
	}
	t.Run("ListsWithoutTenantHideAcme", func(t *testing.T) {
		faketest.Equal(t, "licenses", results(t, c.Must(t, 200, "GET", faketest.LicBase+"user/", nil, other...).Obj(t)), []map[string]any{})
		faketest.Equal(t, "invitations", results(t, c.Must(t, 200, "GET", faketest.InvBase+"platform/", nil, other...).Obj(t)), []map[string]any{})
		faketest.Equal(t, "acme's own", len(results(t, c.Must(t, 200, "GET", faketest.InvBase+"platform/", nil, acme()...).Obj(t))), 1)
	})
	t.Run("NothingChanged", func(t *testing.T) {
		l := results(t, c.Must(t, 200, "GET", faketest.LicBase+"user/?platform_key=acme", nil, acme()...).Obj(t))
		faketest.Equal(t, "count", l[0]["count"], any(3.0))
		faketest.Equal(t, "usage", l[0]["usage_count"], any(1.0))
	})
}

func TestCatalogDirectoryAdmin(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	c.SeedGroups(t, "acme", acmeDirectory())
	dir := c.Must(t, 200, "GET", "/_fake/groups?platform_key=acme", nil).Obj(t)
	faketest.Equal(t, "users", len(dir["users"].([]any)), 4)
	faketest.Equal(t, "groups", len(dir["groups"].([]any)), 2)
	t.Run("ErrBadUser", func(t *testing.T) {
		r := c.Must(t, 400, "PUT", "/_fake/groups", map[string]any{"platform_key": "acme", "users": []any{map[string]any{"user_id": 0}}})
		faketest.JSONEq(t, r.Body, `{"users": ["Each user needs a positive user_id and a username."]}`)
		// a refused directory changes nothing
		faketest.Equal(t, "users", len(c.Must(t, 200, "GET", "/_fake/groups?platform_key=acme", nil).Obj(t)["users"].([]any)), 4)
	})
	t.Run("ReplaceEmpties", func(t *testing.T) {
		c.SeedGroups(t, "acme", map[string]any{})
		faketest.JSONEq(t, c.Must(t, 200, "GET", "/_fake/groups?platform_key=acme", nil).Body, `{"platform_key": "acme", "users": [], "groups": []}`)
	})
	c.Must(t, 400, "GET", "/_fake/groups", nil)
}

// TestCatalogAssignmentEmailValidated: an assignment's email is a DRF
// EmailField (format email in every *LicenseAssignmentCreate schema), so a
// malformed one is a 400 on the field, and no email-only seat is taken.
func TestCatalogAssignmentEmailValidated(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	for _, tc := range []struct{ kind, field, value string }{
		{"user", "", ""},
		{"course", "course_id", "course-v1:acme+C1+T1"},
		{"program", "program_key", "acme+mba"},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			extra := map[string]any{"count": 5}
			if tc.field != "" {
				extra[tc.field] = tc.value
			}
			lid := faketest.ID(t, c.CreateLicense(t, tc.kind, "acme", extra))
			for _, bad := range []string{"not-an-email", "a@b", "two words@acme.test"} {
				r := c.Must(t, 400, "POST", faketest.AssignPath(tc.kind, lid), map[string]any{"license_id": lid, "email": bad})
				faketest.JSONEq(t, r.Body, `{"email": ["Enter a valid email address."]}`)
			}
			env := c.Must(t, 200, "GET", faketest.AssignPath(tc.kind, lid), nil).Obj(t)
			faketest.Equal(t, "assignments", len(results(t, env)), 0)
			c.Must(t, 200, "POST", faketest.AssignPath(tc.kind, lid), map[string]any{"license_id": lid, "email": "ok@acme.test"})
		})
	}
}
