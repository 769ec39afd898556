package credentials_test

import (
	"testing"
	"time"

	"github.com/iblfake/iblfake/internal/credentials"
	"github.com/iblfake/iblfake/internal/faketest"
)

func TestUserAssignments(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	iss := c.CreateIssuer(t, "acme", "Acme")
	cred := c.CreateCredential(t, "acme", iss, "Python Basics", nil)

	t.Run("ErrEmptyDirectory", func(t *testing.T) {
		faketest.JSONEq(t, c.Must(t, 403, "GET", faketest.Base("acme")+"assignments/users/", nil).Body,
			`{"detail": "You don't have permission to view these assignments"}`)
	})
	faketest.SeedCredentialGroups(t, c, "acme")

	res := c.Must(t, 200, "POST", faketest.UserBase("acme", "carol")+"assignments/users/",
		map[string]any{"credential_id": cred, "user_ids": []int{7, 99, 7}}).Result(t)
	ok := res["successful_assignments"].([]any)
	failed := res["failed_assignments"].([]any)
	faketest.Equal(t, "successful", len(ok), 1)
	faketest.JSONEq(t, failed, `[{"user_id": 99, "error": "User 99 does not exist."}, {"user_id": 7, "error": "Duplicate user id."}]`)
	first := ok[0].(map[string]any)
	faketest.Equal(t, "status", first["status"], any("COMPLETED"))
	assignment := faketest.Str(t, first, "entity_id")
	assertion := faketest.Str(t, first["assertion"].(map[string]any), "entityId")

	// The assignment issued ada an assertion.
	faketest.Equal(t, "ada's assertions", faketest.Field(faketest.Page(t, c.Must(t, 200, "GET", faketest.Base("acme")+"assertions/", nil).Obj(t)), "entityId"), []string{})
	got := faketest.Page(t, c.Must(t, 200, "GET", faketest.UserBase("acme", "ada")+"assertions/", nil).Obj(t))
	faketest.Equal(t, "ada's assertions", faketest.Field(got, "entityId"), []string{assertion})

	t.Run("AlreadyHeld", func(t *testing.T) {
		res := c.Must(t, 200, "POST", faketest.Base("acme")+"assignments/users/", map[string]any{"credential_id": cred, "user_ids": []int{7}}).Result(t)
		faketest.JSONEq(t, res["failed_assignments"], `[{"user_id": 7, "error": "User 7 already holds this credential."}]`)
	})
	t.Run("Visibility", func(t *testing.T) {
		for _, tc := range []struct {
			user string
			want int
		}{{"carol", 1}, {"admin", 1}, {"ada", 1}, {"7", 1}, {"bob", 0}} {
			env := c.Must(t, 200, "GET", faketest.UserBase("acme", tc.user)+"assignments/users/", nil).Result(t)
			faketest.Equal(t, tc.user+" sees", len(faketest.Page(t, env)), tc.want)
		}
		env := c.Must(t, 200, "GET", faketest.Base("acme")+"assignments/users/?search=ada@acme", nil).Result(t)
		faketest.Equal(t, "search by email", len(faketest.Page(t, env)), 1)
		env = c.Must(t, 200, "GET", faketest.Base("acme")+"assignments/users/?search=nothing", nil).Result(t)
		faketest.Equal(t, "search miss", len(faketest.Page(t, env)), 0)
	})
	t.Run("ErrNotAdmin", func(t *testing.T) {
		c.Must(t, 403, "POST", faketest.UserBase("acme", "bob")+"assignments/users/", map[string]any{"credential_id": cred, "user_ids": []int{8}})
		c.Must(t, 403, "DELETE", faketest.UserBase("acme", "bob")+"assignments/"+assignment, nil)
	})
	t.Run("ErrBody", func(t *testing.T) {
		faketest.JSONEq(t, c.Must(t, 400, "POST", faketest.Base("acme")+"assignments/users/", map[string]any{"credential_id": "nope", "user_ids": []int{7}}).Body,
			`{"credential_id": ["Object with entity_id=nope does not exist."]}`)
		faketest.JSONEq(t, c.Must(t, 400, "POST", faketest.Base("acme")+"assignments/users/", map[string]any{}).Body,
			`{"credential_id": ["This field is required."], "user_ids": ["This field is required."]}`)
	})
	t.Run("RevokedHidden", func(t *testing.T) {
		c.Revoke(t, "acme", assertion, "mistake")
		env := c.Must(t, 200, "GET", faketest.Base("acme")+"assignments/users/", nil).Result(t)
		faketest.Equal(t, "after revoke", len(faketest.Page(t, env)), 0)
	})
	t.Run("DeleteCascades", func(t *testing.T) {
		faketest.JSONEq(t, c.Must(t, 200, "DELETE", faketest.Base("acme")+"assignments/"+assignment, nil).Body,
			`{"status": {"success": true, "description": "Deleted"}}`)
		c.Must(t, 404, "GET", faketest.Base("acme")+"assertions/"+assertion, nil)
		c.Must(t, 404, "DELETE", faketest.Base("acme")+"assignments/"+assignment, nil)
	})
}

func TestGroupAssignmentPendingThenCompleted(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	iss := c.CreateIssuer(t, "acme", "Acme")
	cred := c.CreateCredential(t, "acme", iss, "Cohort Badge", nil)
	faketest.SeedCredentialGroups(t, c, "acme")

	res := c.Must(t, 200, "POST", faketest.Base("acme")+"assignments/groups/",
		map[string]any{"credential_id": cred, "group_ids": []string{"cohort", "ghost"}})
	faketest.Equal(t, "description", res.Obj(t)["status"].(map[string]any)["description"], any("Accepted"))
	ok := res.Result(t)["successful_assignments"].([]any)
	faketest.JSONEq(t, res.Result(t)["failed_assignments"], `[{"group_id": "ghost", "error": "Group ghost does not exist."}]`)
	ga := ok[0].(map[string]any)
	faketest.Equal(t, "status at create", ga["status"], any("PENDING"))
	id := faketest.Str(t, ga, "entity_id")

	groups := func() []map[string]any {
		return faketest.Page(t, c.Must(t, 200, "GET", faketest.Base("acme")+"assignments/groups/?group_id=cohort", nil).Result(t))
	}
	faketest.Equal(t, "status while pending", faketest.Field(groups(), "status"), []string{"PENDING"})
	faketest.Equal(t, "members' assertions while pending", len(faketest.Page(t, c.Must(t, 200, "GET", faketest.UserBase("acme", "bob")+"assertions/", nil).Obj(t))), 0)
	c.Must(t, 200, "POST", faketest.Base("acme")+"assignments/groups/", map[string]any{"credential_id": cred, "group_ids": []string{"cohort"}})

	// The worker runs GroupAssignmentDelay later on the fake's clock.
	c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": (credentials.GroupAssignmentDelay + time.Second).String()})
	done := groups()
	faketest.Equal(t, "status after delay", faketest.Field(done, "status"), []string{"COMPLETED"})
	faketest.Equal(t, "successful_count", done[0]["successful_count"], any(float64(2)))
	for _, u := range []string{"ada", "bob"} {
		faketest.Equal(t, u+"'s assertions", len(faketest.Page(t, c.Must(t, 200, "GET", faketest.UserBase("acme", u)+"assertions/", nil).Obj(t))), 1)
	}
	users := faketest.Page(t, c.Must(t, 200, "GET", faketest.Base("acme")+"assignments/users/", nil).Result(t))
	faketest.Equal(t, "user assignments", faketest.Field(users, "group_assignment_id"), []string{id, id})

	c.Must(t, 200, "DELETE", faketest.Base("acme")+"assignments/"+id, nil)
	faketest.Equal(t, "user assignments after delete", len(faketest.Page(t, c.Must(t, 200, "GET", faketest.Base("acme")+"assignments/users/", nil).Result(t))), 0)
	for _, u := range []string{"ada", "bob"} {
		faketest.Equal(t, u+"'s assertions after delete", len(faketest.Page(t, c.Must(t, 200, "GET", faketest.UserBase("acme", u)+"assertions/", nil).Obj(t))), 0)
	}
	faketest.Equal(t, "group assignments after delete", len(groups()), 0)
}

func TestCredentialGroupsAdmin(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	c.Must(t, 400, "PUT", "/_fake/credential-groups", map[string]any{"users": []any{}})
	c.Must(t, 400, "PUT", "/_fake/credential-groups", map[string]any{"org": "acme",
		"groups": []any{map[string]any{"id": "g", "members": []any{42}}}})
	c.Must(t, 200, "PUT", "/_fake/credential-groups", map[string]any{"org": "acme",
		"groups": []any{map[string]any{"id": "g", "name": "G", "members": []any{map[string]any{"user_id": 1, "username": "u1"}}}}})
	faketest.JSONEq(t, c.Must(t, 200, "GET", "/_fake/credential-groups?org=acme", nil).Body,
		`{"org": "acme", "users": [{"user_id": 1, "username": "u1", "email": null, "name": null, "platform_admin": false}],
		  "groups": [{"id": "g", "name": "G", "members": [1]}]}`)
}

func TestGroupAssignmentFailsWhenGroupIsGone(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	iss := c.CreateIssuer(t, "acme", "Acme")
	cred := c.CreateCredential(t, "acme", iss, "Badge", nil)
	faketest.SeedCredentialGroups(t, c, "acme")
	c.Must(t, 200, "POST", faketest.Base("acme")+"assignments/groups/", map[string]any{"credential_id": cred, "group_ids": []string{"cohort"}})
	c.Must(t, 200, "PUT", "/_fake/credential-groups", map[string]any{"org": "acme", "users": []any{}})
	c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": "1m"})
	got := faketest.Page(t, c.Must(t, 200, "GET", faketest.Base("acme")+"assignments/groups/", nil).Result(t))
	faketest.Equal(t, "status", faketest.Field(got, "status"), []string{"FAILED"})
	// A failed group assignment does not block assigning the group again.
	faketest.SeedCredentialGroups(t, c, "acme")
	res := c.Must(t, 200, "POST", faketest.Base("acme")+"assignments/groups/", map[string]any{"credential_id": cred, "group_ids": []string{"cohort"}}).Result(t)
	faketest.Equal(t, "reassigned", len(res["successful_assignments"].([]any)), 1)
}
