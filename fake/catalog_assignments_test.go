package fake_test

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/store"
)

// seedDirectory replaces platform's users and groups (PUT /_fake/groups).
func (c *client) seedDirectory(t *testing.T, platform string, dir map[string]any) {
	t.Helper()
	dir["platform_key"] = platform
	c.must(t, 200, "PUT", "/_fake/groups", dir)
}

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

func assignPath(kind string, licenseID int) string {
	return fmt.Sprintf("%s%s/assignment/?license_id=%d", licBase, kind, licenseID)
}

func TestCatalogAssignments(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	c.seedDirectory(t, "acme", acmeDirectory())
	lid := id(t, c.createLicense(t, "user", "acme", map[string]any{"name": "Seats", "count": 2}))

	t.Run("ByUserID", func(t *testing.T) {
		r := c.must(t, 200, "POST", assignPath("user", lid), map[string]any{"license_id": lid, "user_id": 1})
		a := r.obj(t)
		for k, want := range map[string]any{"user_id": 1.0, "username": "user1", "email": "user1@acme.test",
			"active": true, "fulfilled": false, "license_id": float64(lid), "license_name": "Seats", "platform_key": "acme"} {
			equal(t, k, a[k], want)
		}
	})
	t.Run("EmailOnly", func(t *testing.T) {
		// license_id only in the body (spec correction *-assign-license-id-in-body).
		r := c.must(t, 200, "POST", licBase+"user/assignment/", map[string]any{"license_id": lid, "email": "new@acme.test"})
		equal(t, "user_id", r.obj(t)["user_id"], nil)
		equal(t, "username", r.obj(t)["username"], nil)
	})
	t.Run("ErrNoSeatLeft", func(t *testing.T) {
		r := c.must(t, 400, "POST", assignPath("user", lid), map[string]any{"license_id": lid, "user_id": 2})
		jsonEq(t, r.Body, `{"detail": "Not enough seats available on this license: 2 of 2 in use, 1 more requested."}`)
	})
	t.Run("UpdateTakesNoSeat", func(t *testing.T) {
		r := c.must(t, 200, "POST", assignPath("user", lid), map[string]any{"license_id": lid, "email": "USER1@acme.test", "fulfilled": true})
		equal(t, "user_id", r.obj(t)["user_id"], any(1.0))
		equal(t, "fulfilled", r.obj(t)["fulfilled"], any(true))
	})
	t.Run("ErrUnknownUser", func(t *testing.T) {
		c.must(t, 404, "POST", assignPath("user", lid), map[string]any{"license_id": lid, "user_id": 99})
	})
	t.Run("ErrNoAssignee", func(t *testing.T) {
		r := c.must(t, 400, "POST", assignPath("user", lid), map[string]any{"license_id": lid})
		jsonEq(t, r.Body, `{"non_field_errors": ["Either user_id or email is required."]}`)
	})
	t.Run("ErrCountBelowUsage", func(t *testing.T) {
		r := c.must(t, 400, "POST", licBase+"user/update/", map[string]any{"license_id": lid, "count": 1})
		jsonEq(t, r.Body, `{"count": ["Ensure this value is greater than or equal to 2, the seats in use."]}`)
	})
	var list []map[string]any
	t.Run("List", func(t *testing.T) {
		list = results(t, c.must(t, 200, "GET", assignPath("user", lid), nil).obj(t))
		equal(t, "emails", field(list, "email"), []string{"user1@acme.test", "new@acme.test"}) // sort id
		equal(t, "filtered", field(results(t, c.must(t, 200, "GET", assignPath("user", lid)+"&email=new@acme.test", nil).obj(t)), "email"),
			[]string{"new@acme.test"})
	})
	t.Run("PublicCheck", func(t *testing.T) {
		c.must(t, 200, "GET", licBase+"user/assignment/check/?email=New@acme.test", nil, "Authorization", "")
		c.must(t, 404, "GET", licBase+"user/assignment/check/?email=nobody@acme.test", nil, "Authorization", "")
		c.must(t, 400, "GET", licBase+"user/assignment/check/?email=not-an-email", nil, "Authorization", "")
		c.must(t, 400, "GET", licBase+"user/assignment/check/", nil, "Authorization", "")
	})
	t.Run("DeleteFreesSeat", func(t *testing.T) {
		aid := id(t, list[1])
		c.must(t, 200, "DELETE", fmt.Sprintf("%suser/assignment/?assignment_id=%d&license_id=%d", licBase, aid, lid), nil)
		c.must(t, 404, "DELETE", fmt.Sprintf("%suser/assignment/?assignment_id=%d", licBase, aid), nil)
		c.must(t, 404, "GET", licBase+"user/assignment/check/?email=new@acme.test", nil, "Authorization", "")
		c.must(t, 200, "POST", assignPath("user", lid), map[string]any{"license_id": lid, "user_id": 2})
	})
	t.Run("ErrInactiveLicense", func(t *testing.T) {
		c.must(t, 200, "POST", licBase+"user/update/", map[string]any{"license_id": lid, "active": false, "count": 10})
		r := c.must(t, 400, "POST", assignPath("user", lid), map[string]any{"license_id": lid, "user_id": 3})
		jsonEq(t, r.Body, `{"license_id": ["This license is not active."]}`)
	})
}

func TestCatalogCourseAndProgramAssignments(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	c.seedDirectory(t, "acme", acmeDirectory())
	cl := id(t, c.createLicense(t, "course", "acme", map[string]any{"course_id": "course-v1:acme+C1+T1", "count": 1}))
	a := c.must(t, 200, "POST", assignPath("course", cl), map[string]any{"license_id": cl, "email": "x@acme.test"}).obj(t)
	equal(t, "course_id", a["course_id"], any("course-v1:acme+C1+T1"))
	pl := id(t, c.createLicense(t, "program", "acme", map[string]any{"program_key": "acme+mba", "name": "MBA", "count": 1}))
	p := c.must(t, 200, "POST", assignPath("program", pl), map[string]any{"license_id": pl, "username": "user3"}).obj(t)
	for k, want := range map[string]any{"user_id": 3.0, "name": "User 3", "direct": true, "program_key": "acme+mba", "license_name": "MBA"} {
		equal(t, k, p[k], want)
	}
	c.must(t, 404, "POST", assignPath("program", pl), map[string]any{"license_id": pl, "username": "ghost"})
	// The ids of one kind name nothing of another.
	c.must(t, 404, "GET", assignPath("user", cl), nil)
}

// TestCatalogSeatsUnderConcurrency assigns many seats of one license at
// once: exactly count succeed, and the license never holds more. It runs
// on both backends.
func TestCatalogSeatsUnderConcurrency(t *testing.T) {
	t.Parallel()
	t.Run("Memory", func(t *testing.T) { seatsUnderConcurrency(t, newClient(t)) })
	t.Run("Bolt", func(t *testing.T) {
		b, err := store.OpenBolt(filepath.Join(t.TempDir(), "fake.db"))
		if err != nil {
			t.Fatal(err)
		}
		seatsUnderConcurrency(t, newClient(t, fake.WithStore(b)))
		if err := b.Check(); err != nil {
			t.Fatalf("bolt check: %v", err)
		}
	})
}

func seatsUnderConcurrency(t *testing.T, c *client) {
	const seats, clients = 7, 40
	lid := id(t, c.createLicense(t, "user", "acme", map[string]any{"count": seats}))
	var wg sync.WaitGroup
	codes := make([]int, clients)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = c.do(t, "POST", assignPath("user", lid), map[string]any{
				"license_id": lid, "email": fmt.Sprintf("p%d@acme.test", i)}).Status
		}()
	}
	wg.Wait()
	got := map[int]int{}
	for _, code := range codes {
		got[code]++
	}
	equal(t, "statuses", got, map[int]int{200: seats, 400: clients - seats})
	env := c.must(t, 200, "GET", assignPath("user", lid)+"&page_size=100", nil).obj(t)
	equal(t, "assignments", env["count"], any(float64(seats)))
	l := results(t, c.must(t, 200, "GET", licBase+"user/?platform_key=acme", nil).obj(t))[0]
	equal(t, "usage_count", l["usage_count"], any(float64(seats)))

	// Deletes and assigns racing: each delete frees exactly one seat.
	list := results(t, env)
	deletes := make([]int, len(list))
	for i := range list {
		aid := id(t, list[i])
		wg.Add(2)
		go func() {
			defer wg.Done()
			deletes[i] = c.do(t, "DELETE", fmt.Sprintf("%suser/assignment/?assignment_id=%d", licBase, aid), nil).Status
		}()
		go func() {
			defer wg.Done()
			c.do(t, "POST", assignPath("user", lid), map[string]any{"license_id": lid, "email": fmt.Sprintf("q%d@acme.test", i)})
		}()
	}
	wg.Wait()
	for i, code := range deletes {
		if code != 200 {
			t.Fatalf("delete %d: status %d, want 200", i, code)
		}
	}
	env = c.must(t, 200, "GET", assignPath("user", lid)+"&page_size=100", nil).obj(t)
	if n := env["count"].(float64); n > seats {
		t.Fatalf("assignments = %v, more than the %d seats", n, seats)
	}
}

func TestCatalogGroupAssignments(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	c.seedDirectory(t, "acme", acmeDirectory())
	lid := id(t, c.createLicense(t, "program", "acme", map[string]any{"program_key": "acme+mba", "count": 4}))
	groupPath := fmt.Sprintf("%sprogram/assignment/group/?license_id=%d", licBase, lid)
	// user2 already holds a direct seat.
	c.must(t, 200, "POST", assignPath("program", lid), map[string]any{"license_id": lid, "user_id": 2})

	g := c.must(t, 200, "POST", groupPath, map[string]any{"license_id": lid, "group_id": 10}).obj(t)
	for k, want := range map[string]any{"group_name": "Sales", "user_count": 3.0, "assigned_count": 3.0, "program_name": "mba"} {
		equal(t, k, g[k], want)
	}
	users := field(results(t, c.must(t, 200, "GET", assignPath("program", lid), nil).obj(t)), "username")
	equal(t, "assigned", users, []string{"user2", "user1", "user3"})

	t.Run("ErrNotEnoughSeats", func(t *testing.T) {
		c.must(t, 200, "POST", licBase+"program/update/", map[string]any{"license_id": lid, "count": 3})
		c.must(t, 400, "POST", groupPath, map[string]any{"license_id": lid, "group_id": 20})
		equal(t, "groups", len(results(t, c.must(t, 200, "GET", groupPath, nil).obj(t))), 1)
	})
	t.Run("ErrUnknownGroup", func(t *testing.T) {
		c.must(t, 404, "POST", groupPath, map[string]any{"license_id": lid, "group_id": 99})
	})
	t.Run("DeleteKeepsDirect", func(t *testing.T) {
		c.must(t, 200, "DELETE", fmt.Sprintf("%sprogram/assignment/group/?assignment_id=%d", licBase, id(t, g)), nil)
		users := field(results(t, c.must(t, 200, "GET", assignPath("program", lid), nil).obj(t)), "username")
		equal(t, "left", users, []string{"user2"})
	})
	t.Run("MembersFollowTheGroupsActiveFlag", func(t *testing.T) {
		ul := id(t, c.createLicense(t, "user", "acme", map[string]any{"count": 3}))
		gp := fmt.Sprintf("%suser/assignment/group/?license_id=%d", licBase, ul)
		c.must(t, 200, "POST", assignPath("user", ul), map[string]any{"license_id": ul, "user_id": 1})
		active := func() map[string]any {
			out := map[string]any{}
			for _, a := range results(t, c.must(t, 200, "GET", assignPath("user", ul), nil).obj(t)) {
				out[a["username"].(string)] = a["active"]
			}
			return out
		}
		// Made inactive: no seats taken; user1's direct seat is its own.
		c.must(t, 200, "POST", gp, map[string]any{"license_id": ul, "group_id": 10, "active": false})
		equal(t, "made inactive", active(), map[string]any{"user1": true, "user2": false, "user3": false})
		// Switching it on needs a seat per member it activates, all or none.
		c.must(t, 200, "POST", licBase+"user/update/", map[string]any{"license_id": ul, "count": 2})
		c.must(t, 400, "POST", gp, map[string]any{"license_id": ul, "group_id": 10, "active": true})
		equal(t, "refused", active(), map[string]any{"user1": true, "user2": false, "user3": false})
		c.must(t, 200, "POST", licBase+"user/update/", map[string]any{"license_id": ul, "count": 3})
		c.must(t, 200, "POST", gp, map[string]any{"license_id": ul, "group_id": 10, "active": true})
		equal(t, "switched on", active(), map[string]any{"user1": true, "user2": true, "user3": true})
		// Switching it off frees its members' seats, not the direct one.
		c.must(t, 200, "POST", gp, map[string]any{"license_id": ul, "group_id": 10, "active": false})
		equal(t, "switched off", active(), map[string]any{"user1": true, "user2": false, "user3": false})
		c.must(t, 200, "POST", licBase+"user/update/", map[string]any{"license_id": ul, "count": 1})
	})
	t.Run("DeleteWithoutRemovingUsers", func(t *testing.T) {
		ul := id(t, c.createLicense(t, "user", "acme", map[string]any{"count": 5}))
		gp := fmt.Sprintf("%suser/assignment/group/?license_id=%d", licBase, ul)
		ga := c.must(t, 200, "POST", gp, map[string]any{"license_id": ul, "group_id": 20}).obj(t)
		equal(t, "platform_key", ga["platform_key"], any("acme"))
		c.must(t, 200, "DELETE", fmt.Sprintf("%suser/assignment/group/?assignment_id=%d&remove_user_assignments=false", licBase, id(t, ga)), nil)
		equal(t, "kept", field(results(t, c.must(t, 200, "GET", assignPath("user", ul), nil).obj(t)), "username"), []string{"user4"})
	})
}

// TestCatalogTenantIsolation: a key for one org never reads or changes
// another org's licenses, assignments or invitations.
func TestCatalogTenantIsolation(t *testing.T) {
	t.Parallel()
	c := newClient(t, withKeys()...)
	acme := func(h ...string) []string { return append([]string{"Authorization", "Api-Token key-acme"}, h...) }
	other := []string{"Authorization", "Api-Token key-other"}
	c.auth = "Api-Token key-dm" // only a DM admin creates licenses
	lid := id(t, c.createLicense(t, "user", "acme", map[string]any{"count": 3}))
	c.auth = "Api-Token key-acme"
	c.must(t, 200, "POST", assignPath("user", lid), map[string]any{"license_id": lid, "email": "a@acme.test"}, acme()...)
	c.must(t, 200, "POST", invBase+"platform/", map[string]any{"platform_key": "acme", "email": "a@acme.test"}, acme()...)

	for _, tc := range []struct {
		name, method, path string
		body               any
		want               int
	}{
		{"ListNamingAcme", "GET", licBase + "user/?platform_key=acme", nil, 403},
		{"CreateInAcmeBody", "POST", licBase + "user/create/", map[string]any{"platform_key": "acme"}, 403},
		{"CreateInAcmeForm", "POST", licBase + "user/create/", rawBody{"application/x-www-form-urlencoded", "platform_key=acme"}, 403},
		// License updates are DM-admin only: a platform key is refused
		// before the license is looked up.
		{"UpdateAcmeLicense", "POST", licBase + "user/update/", map[string]any{"license_id": lid, "count": 9}, 403},
		{"UpdateAcmeLicenseNamingOther", "POST", licBase + "user/update/", map[string]any{"license_id": lid, "platform_key": "other"}, 403},
		{"ListAcmeAssignments", "GET", assignPath("user", lid), nil, 404},
		{"ListAcmeAssignmentsNamingAcme", "GET", assignPath("user", lid) + "&platform_key=acme", nil, 403},
		{"AssignOnAcmeLicense", "POST", assignPath("user", lid), map[string]any{"license_id": lid, "email": "b@other.test"}, 404},
		{"AssignNamingAcme", "POST", licBase + "user/assignment/", map[string]any{"license_id": lid, "email": "b@other.test", "platform_key": "acme"}, 403},
		{"UnassignAcme", "DELETE", licBase + "user/assignment/?assignment_id=1", nil, 404},
		{"InviteToAcme", "POST", invBase + "platform/", map[string]any{"platform_key": "acme", "email": "b@other.test"}, 403},
		{"InviteToAcmeCourse", "POST", invBase + "course/", map[string]any{"course_id": "course-v1:acme+C+1", "email": "b@other.test"}, 403},
		{"BulkToAcme", "POST", invBase + "platform/bulk/", map[string]any{"platform_key": "acme", "invitation_data": []any{map[string]any{"platform_key": "acme", "email": "b@other.test"}}}, 403},
	} {
		t.Run(tc.name, func(t *testing.T) { c.must(t, tc.want, tc.method, tc.path, tc.body, other...) })
	}
	t.Run("ListsWithoutTenantHideAcme", func(t *testing.T) {
		equal(t, "licenses", results(t, c.must(t, 200, "GET", licBase+"user/", nil, other...).obj(t)), []map[string]any{})
		equal(t, "invitations", results(t, c.must(t, 200, "GET", invBase+"platform/", nil, other...).obj(t)), []map[string]any{})
		equal(t, "acme's own", len(results(t, c.must(t, 200, "GET", invBase+"platform/", nil, acme()...).obj(t))), 1)
	})
	t.Run("NothingChanged", func(t *testing.T) {
		l := results(t, c.must(t, 200, "GET", licBase+"user/?platform_key=acme", nil, acme()...).obj(t))
		equal(t, "count", l[0]["count"], any(3.0))
		equal(t, "usage", l[0]["usage_count"], any(1.0))
	})
}

func TestCatalogDirectoryAdmin(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	c.seedDirectory(t, "acme", acmeDirectory())
	dir := c.must(t, 200, "GET", "/_fake/groups?platform_key=acme", nil).obj(t)
	equal(t, "users", len(dir["users"].([]any)), 4)
	equal(t, "groups", len(dir["groups"].([]any)), 2)
	t.Run("ErrBadUser", func(t *testing.T) {
		r := c.must(t, 400, "PUT", "/_fake/groups", map[string]any{"platform_key": "acme", "users": []any{map[string]any{"user_id": 0}}})
		jsonEq(t, r.Body, `{"users": ["Each user needs a positive user_id and a username."]}`)
		// a refused directory changes nothing
		equal(t, "users", len(c.must(t, 200, "GET", "/_fake/groups?platform_key=acme", nil).obj(t)["users"].([]any)), 4)
	})
	t.Run("ReplaceEmpties", func(t *testing.T) {
		c.seedDirectory(t, "acme", map[string]any{})
		jsonEq(t, c.must(t, 200, "GET", "/_fake/groups?platform_key=acme", nil).Body, `{"platform_key": "acme", "users": [], "groups": []}`)
	})
	c.must(t, 400, "GET", "/_fake/groups", nil)
}

// TestCatalogAssignmentEmailValidated: an assignment's email is a DRF
// EmailField (format email in every *LicenseAssignmentCreate schema), so a
// malformed one is a 400 on the field, and no email-only seat is taken.
func TestCatalogAssignmentEmailValidated(t *testing.T) {
	t.Parallel()
	c := newClient(t)
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
			lid := id(t, c.createLicense(t, tc.kind, "acme", extra))
			for _, bad := range []string{"not-an-email", "a@b", "two words@acme.test"} {
				r := c.must(t, 400, "POST", assignPath(tc.kind, lid), map[string]any{"license_id": lid, "email": bad})
				jsonEq(t, r.Body, `{"email": ["Enter a valid email address."]}`)
			}
			env := c.must(t, 200, "GET", assignPath(tc.kind, lid), nil).obj(t)
			equal(t, "assignments", len(results(t, env)), 0)
			c.must(t, 200, "POST", assignPath(tc.kind, lid), map[string]any{"license_id": lid, "email": "ok@acme.test"})
		})
	}
}
