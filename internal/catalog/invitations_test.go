package catalog_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/iblfake/iblfake/internal/faketest"
)

func TestCatalogPlatformInvitations(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	c.SeedGroups(t, "acme", acmeDirectory())
	// The web containers' invite: email, platform_key, redirect_to, source;
	// the invites skill adds CSV columns: those 4.205 declares are fields,
	// any other lands in metadata.
	iv := c.Must(t, 200, "POST", faketest.InvBase+"platform/", map[string]any{"email": "ann@ext.test", "platform_key": "acme",
		"redirect_to": "https://acme.test/welcome", "source": "admin", "first_name": "Ann", "title": "Dr",
		"metadata": map[string]any{"team": "x"}}).Obj(t)
	for k, want := range map[string]any{"email": "ann@ext.test", "platform_key": "acme", "active": true, "started": nil,
		"expired": nil, "user_id": nil, "username": nil, "source": "admin", "redirect_to": "https://acme.test/welcome",
		"first_name": "Ann", "last_name": nil} {
		faketest.Equal(t, k, iv[k], want)
	}
	faketest.JSONEq(t, iv["metadata"], `{"team": "x", "title": "Dr"}`)

	t.Run("SameEmailUpdates", func(t *testing.T) {
		again := c.Must(t, 200, "POST", faketest.InvBase+"platform/", map[string]any{"email": "ANN@ext.test", "platform_key": "acme", "active": false}).Obj(t)
		faketest.Equal(t, "id", faketest.ID(t, again), faketest.ID(t, iv))
		faketest.Equal(t, "active", again["active"], any(false))
		c.Must(t, 200, "POST", faketest.InvBase+"platform/", map[string]any{"email": "ann@ext.test", "platform_key": "acme", "active": true})
	})
	t.Run("KnownUser", func(t *testing.T) {
		u := c.Must(t, 200, "POST", faketest.InvBase+"platform/", map[string]any{"username": "user2", "platform_key": "acme"}).Obj(t)
		faketest.Equal(t, "user_id", u["user_id"], any(2.0))
		faketest.Equal(t, "email", u["email"], any("user2@acme.test"))
	})
	t.Run("ErrNoInvitee", func(t *testing.T) {
		r := c.Must(t, 400, "POST", faketest.InvBase+"platform/", map[string]any{"platform_key": "acme"})
		faketest.JSONEq(t, r.Body, `{"email": ["This field is required."]}`)
	})
	t.Run("List", func(t *testing.T) {
		env := c.Must(t, 200, "GET", faketest.InvBase+"platform/?platform_key=acme&page=1&page_size=5", nil).Obj(t)
		faketest.Equal(t, "emails", faketest.Field(results(t, env), "email"), []string{"user2@acme.test", "ann@ext.test"})
		faketest.Equal(t, "by metadata", faketest.Field(results(t, c.Must(t, 200, "GET", faketest.InvBase+"platform/?platform_key=acme&title=Dr", nil).Obj(t)), "email"),
			[]string{"ann@ext.test"})
		faketest.Equal(t, "by username", len(results(t, c.Must(t, 200, "GET", faketest.InvBase+"platform/?platform_key=acme&username=user2", nil).Obj(t))), 1)
	})
	t.Run("DeleteIsAStub", func(t *testing.T) {
		c.Must(t, 200, "DELETE", faketest.InvBase+"platform/?platform_key=acme&email=ann@ext.test", nil)
		faketest.Equal(t, "count", c.Must(t, 200, "GET", faketest.InvBase+"platform/?platform_key=acme", nil).Obj(t)["count"], any(2.0))
	})
	t.Run("PublicCheck", func(t *testing.T) {
		noAuth := []string{"Authorization", ""}
		c.Must(t, 200, "GET", faketest.InvBase+"platform/check/?email=Ann@ext.test", nil, noAuth...)
		c.Must(t, 404, "GET", faketest.InvBase+"platform/check/?email=bob@ext.test", nil, noAuth...)
		c.Must(t, 400, "GET", faketest.InvBase+"platform/check/?email=bob", nil, noAuth...)
		// An expired invitation lets no one in.
		past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
		c.Must(t, 200, "POST", faketest.InvBase+"platform/", map[string]any{"email": "old@ext.test", "platform_key": "acme", "expired": past})
		c.Must(t, 404, "GET", faketest.InvBase+"platform/check/?email=old@ext.test", nil, noAuth...)
	})
}

func TestCatalogBlankAndRedeem(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	for _, tc := range invitationKinds {
		t.Run(tc.kind, func(t *testing.T) {
			r := c.Must(t, 200, "POST", faketest.InvBase+tc.kind+"/blank/", map[string]any{tc.target: tc.value, "source": "fair", "count": 2})
			faketest.JSONEq(t, r.Body, `{"successes": 2, "error_codes": []}`)
			redeem := func(email string) faketest.Response {
				return c.Do(t, "POST", faketest.InvBase+tc.kind+"/redeem/", map[string]any{tc.target: tc.value, "source": "fair", "email": email})
			}
			first := redeem("a@ext.test")
			faketest.Equal(t, "status", first.Status, 200)
			got := first.Obj(t)
			faketest.Equal(t, "email", got["email"], any("a@ext.test"))
			faketest.Equal(t, tc.target, got[tc.target], any(tc.value))
			faketest.Equal(t, "source", got["source"], any("fair"))
			if got["started"] == nil {
				t.Fatalf("started = nil after redeem: %v", got)
			}
			faketest.Equal(t, "second", redeem("b@ext.test").Status, 200)
			faketest.Equal(t, "none left", redeem("c@ext.test").Status, 404)
			c.Must(t, 404, "POST", faketest.InvBase+tc.kind+"/redeem/", map[string]any{tc.target: tc.value, "source": "other", "email": "d@ext.test"})
		})
	}
	t.Run("ErrCount", func(t *testing.T) {
		c.Must(t, 400, "POST", faketest.InvBase+"platform/blank/", map[string]any{"platform_key": "acme", "source": "s", "count": 0})
	})
}

func TestCatalogBulkInvitations(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	t.Run("Platform", func(t *testing.T) {
		r := c.Must(t, 200, "POST", faketest.InvBase+"platform/bulk/", map[string]any{"platform_key": "acme", "invitation_data": []any{
			map[string]any{"platform_key": "acme", "email": "a@ext.test"},
			map[string]any{"platform_key": "acme", "username": ""},
			map[string]any{"platform_key": "acme", "email": "b@ext.test", "company_name": "B Corp", "cohort": "fall"},
		}})
		faketest.JSONEq(t, r.Body, `{"successes": 2, "error_codes": ["1:email_required"]}`)
		// An undeclared key is metadata, which the list filters on; the
		// declared company_name is a field (FIDELITY.md, C6).
		list := results(t, c.Must(t, 200, "GET", faketest.InvBase+"platform/?platform_key=acme&cohort=fall", nil).Obj(t))
		faketest.Equal(t, "emails", faketest.Field(list, "email"), []string{"b@ext.test"})
		faketest.Equal(t, "company_name", list[0]["company_name"], any("B Corp"))
		faketest.JSONEq(t, list[0]["metadata"], `{"cohort": "fall"}`)
	})
	t.Run("ErrOtherPlatform", func(t *testing.T) {
		r := c.Must(t, 400, "POST", faketest.InvBase+"platform/bulk/", map[string]any{"platform_key": "acme", "invitation_data": []any{
			map[string]any{"platform_key": "acme", "email": "c@ext.test"},
			map[string]any{"platform_key": "other", "email": "d@ext.test"},
		}})
		faketest.JSONEq(t, r.Body, `{"invitation_data": ["Every invitation must be on platform \"acme\"; item 1 is on \"other\"."]}`)
		c.Must(t, 404, "GET", faketest.InvBase+"platform/check/?email=c@ext.test", nil, "Authorization", "")
	})
	t.Run("CourseInfersPlatform", func(t *testing.T) {
		// web containers: {invitation_data:[{course_id, email}], platform_key}
		r := c.Must(t, 200, "POST", faketest.InvBase+"course/bulk/", map[string]any{"invitation_data": []any{
			map[string]any{"course_id": "course-v1:acme+C1+T1", "email": "a@ext.test"},
			map[string]any{"course_id": "bogus", "email": "b@ext.test"},
		}})
		faketest.JSONEq(t, r.Body, `{"successes": 1, "error_codes": ["1:course_not_found"]}`)
		list := results(t, c.Must(t, 200, "GET", faketest.InvBase+"course/?platform_key=acme", nil).Obj(t))
		faketest.Equal(t, "course_id", faketest.Field(list, "course_id"), []string{"course-v1:acme+C1+T1"})
		c.Must(t, 400, "POST", faketest.InvBase+"course/bulk/", map[string]any{"invitation_data": []any{
			map[string]any{"course_id": "course-v1:acme+C1+T1", "email": "a@ext.test"},
			map[string]any{"course_id": "course-v1:other+C1+T1", "email": "b@ext.test"},
		}})
	})
	t.Run("ProgramNamedPlatform", func(t *testing.T) {
		r := c.Must(t, 200, "POST", faketest.InvBase+"program/bulk/", map[string]any{"platform_key": "main", "invitation_data": []any{
			map[string]any{"program_key": "acme+mba", "email": "a@ext.test"},
		}})
		faketest.JSONEq(t, r.Body, `{"successes": 1, "error_codes": []}`)
		list := results(t, c.Must(t, 200, "GET", faketest.InvBase+"program/?platform_key=main&program_id="+url.QueryEscape("program-v1:acme+mba+2024"), nil).Obj(t))
		faketest.Equal(t, "program_key", faketest.Field(list, "program_key"), []string{"acme+mba"})
	})
}

func TestCatalogCourseAndProgramInvitations(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	civ := c.Must(t, 200, "POST", faketest.InvBase+"course/", map[string]any{"course_id": "course-v1:acme+C1+T1", "email": "a@ext.test"}).Obj(t)
	faketest.Equal(t, "course_id", civ["course_id"], any("course-v1:acme+C1+T1"))
	if _, ok := civ["platform_key"]; ok {
		t.Fatalf("course invitation carries platform_key: %v", civ)
	}
	c.Must(t, 404, "POST", faketest.InvBase+"course/", map[string]any{"course_id": "nope", "email": "a@ext.test"})
	c.Must(t, 404, "POST", faketest.InvBase+"program/", map[string]any{"program_key": "nope", "email": "a@ext.test"})
	piv := c.Must(t, 200, "POST", faketest.InvBase+"program/", map[string]any{"program_key": "acme+mba", "email": "a@ext.test",
		"enrollment_config": map[string]any{"auto": true}}).Obj(t)
	faketest.Equal(t, "program_key", piv["program_key"], any("acme+mba"))
	for _, kind := range []string{"course", "program"} {
		list := results(t, c.Must(t, 200, "GET", faketest.InvBase+kind+"/?platform_key=acme", nil).Obj(t))
		faketest.Equal(t, kind+" invitations", len(list), 1)
		c.Must(t, 200, "DELETE", faketest.InvBase+kind+"/?platform_key=acme", nil)
		faketest.Equal(t, kind+" after delete stub", len(results(t, c.Must(t, 200, "GET", faketest.InvBase+kind+"/?platform_key=acme", nil).Obj(t))), 1)
	}
	// The same course on another named platform is another invitation.
	c.Must(t, 200, "POST", faketest.InvBase+"course/?platform_key=main", map[string]any{"course_id": "course-v1:acme+C1+T1", "email": "a@ext.test"})
	faketest.Equal(t, "main", len(results(t, c.Must(t, 200, "GET", faketest.InvBase+"course/?platform_key=main", nil).Obj(t))), 1)
}

// TestCatalogRedeemEmailValidated: a redemption's email is a DRF
// EmailField (format email in every *InvitationRedemption schema): a
// malformed one is a 400 on the field and leaves the blank invitation
// for a real redemption.
func TestCatalogRedeemEmailValidated(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	for _, tc := range invitationKinds {
		t.Run(tc.kind, func(t *testing.T) {
			c.Must(t, 200, "POST", faketest.InvBase+tc.kind+"/blank/", map[string]any{tc.target: tc.value, "source": "fair", "count": 1})
			r := c.Must(t, 400, "POST", faketest.InvBase+tc.kind+"/redeem/", map[string]any{tc.target: tc.value, "source": "fair", "email": "not-an-email"})
			faketest.JSONEq(t, r.Body, `{"email": ["Enter a valid email address."]}`)
			got := c.Must(t, 200, "POST", faketest.InvBase+tc.kind+"/redeem/", map[string]any{tc.target: tc.value, "source": "fair", "email": "a@ext.test"}).Obj(t)
			faketest.Equal(t, "email", got["email"], any("a@ext.test"))
		})
	}
}

// TestCatalogInvitationRedirectValidated: redirect_to is a DRF URLField
// (format uri in every *InvitationCreate schema), so a value Django's
// URLValidator refuses is a 400 on the field and creates nothing.
func TestCatalogInvitationRedirectValidated(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	for _, tc := range invitationKinds {
		t.Run(tc.kind, func(t *testing.T) {
			body := map[string]any{"platform_key": "acme", tc.target: tc.value, "email": "a@ext.test", "redirect_to": "javascript:alert(1)"}
			r := c.Must(t, 400, "POST", faketest.InvBase+tc.kind+"/", body)
			faketest.JSONEq(t, r.Body, `{"redirect_to": ["Enter a valid URL."]}`)
			list := c.Must(t, 200, "GET", faketest.InvBase+tc.kind+"/?platform_key=acme", nil).Obj(t)
			faketest.Equal(t, "count after a refused create", list["count"], any(0.0))
			body["redirect_to"] = "https://acme.test/welcome?next=/c"
			got := c.Must(t, 200, "POST", faketest.InvBase+tc.kind+"/", body).Obj(t)
			faketest.Equal(t, "redirect_to", got["redirect_to"], any("https://acme.test/welcome?next=/c"))
		})
	}
}

// invitationKinds are the three invitation kinds, each with the body field
// that names its target and a target in tenant acme.
var invitationKinds = []struct{ kind, target, value string }{
	{"platform", "platform_key", "acme"},
	{"course", "course_id", "course-v1:acme+C1+T1"},
	{"program", "program_key", "acme+mba"},
}

// TestCatalogIBLPrefix: the vendor's Python SDK invites through
// /api/ibl/catalog/invitations/platform/ (helpers/user_invitation.py:
// body {platform_key, email}, Api-Token), a mount the spec does not list;
// it is the same catalog.
func TestCatalogIBLPrefix(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	iv := c.Must(t, 200, "POST", "/api/ibl/catalog/invitations/platform/", map[string]any{"platform_key": "acme", "email": "sdk@ext.test"}).Obj(t)
	faketest.Equal(t, "email", iv["email"], any("sdk@ext.test"))
	list := c.Must(t, 200, "GET", faketest.InvBase+"platform/?platform_key=acme", nil).Obj(t)
	faketest.Equal(t, "listed on the spec's path", faketest.Field(results(t, list), "email"), []string{"sdk@ext.test"})
	c.Must(t, 200, "GET", "/api/ibl/catalog/invitations/platform/?platform_key=acme", nil)
	// Only the catalog has the second mount.
	c.Must(t, 404, "GET", "/api/ibl/credentials/orgs/acme/users/admin/", nil)
}
