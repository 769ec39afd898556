package fake_test

import (
	"net/url"
	"testing"
	"time"
)

func TestCatalogPlatformInvitations(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	c.seedDirectory(t, "acme", acmeDirectory())
	// The web containers' invite: email, platform_key, redirect_to, source;
	// the invites skill adds CSV columns: those 4.205 declares are fields,
	// any other lands in metadata.
	iv := c.must(t, 200, "POST", invBase+"platform/", map[string]any{"email": "ann@ext.test", "platform_key": "acme",
		"redirect_to": "https://acme.test/welcome", "source": "admin", "first_name": "Ann", "title": "Dr",
		"metadata": map[string]any{"team": "x"}}).obj(t)
	for k, want := range map[string]any{"email": "ann@ext.test", "platform_key": "acme", "active": true, "started": nil,
		"expired": nil, "user_id": nil, "username": nil, "source": "admin", "redirect_to": "https://acme.test/welcome",
		"first_name": "Ann", "last_name": nil} {
		equal(t, k, iv[k], want)
	}
	jsonEq(t, iv["metadata"], `{"team": "x", "title": "Dr"}`)

	t.Run("SameEmailUpdates", func(t *testing.T) {
		again := c.must(t, 200, "POST", invBase+"platform/", map[string]any{"email": "ANN@ext.test", "platform_key": "acme", "active": false}).obj(t)
		equal(t, "id", id(t, again), id(t, iv))
		equal(t, "active", again["active"], any(false))
		c.must(t, 200, "POST", invBase+"platform/", map[string]any{"email": "ann@ext.test", "platform_key": "acme", "active": true})
	})
	t.Run("KnownUser", func(t *testing.T) {
		u := c.must(t, 200, "POST", invBase+"platform/", map[string]any{"username": "user2", "platform_key": "acme"}).obj(t)
		equal(t, "user_id", u["user_id"], any(2.0))
		equal(t, "email", u["email"], any("user2@acme.test"))
	})
	t.Run("ErrNoInvitee", func(t *testing.T) {
		r := c.must(t, 400, "POST", invBase+"platform/", map[string]any{"platform_key": "acme"})
		jsonEq(t, r.Body, `{"email": ["This field is required."]}`)
	})
	t.Run("List", func(t *testing.T) {
		env := c.must(t, 200, "GET", invBase+"platform/?platform_key=acme&page=1&page_size=5", nil).obj(t)
		equal(t, "emails", field(results(t, env), "email"), []string{"user2@acme.test", "ann@ext.test"})
		equal(t, "by metadata", field(results(t, c.must(t, 200, "GET", invBase+"platform/?platform_key=acme&title=Dr", nil).obj(t)), "email"),
			[]string{"ann@ext.test"})
		equal(t, "by username", len(results(t, c.must(t, 200, "GET", invBase+"platform/?platform_key=acme&username=user2", nil).obj(t))), 1)
	})
	t.Run("DeleteIsAStub", func(t *testing.T) {
		c.must(t, 200, "DELETE", invBase+"platform/?platform_key=acme&email=ann@ext.test", nil)
		equal(t, "count", c.must(t, 200, "GET", invBase+"platform/?platform_key=acme", nil).obj(t)["count"], any(2.0))
	})
	t.Run("PublicCheck", func(t *testing.T) {
		noAuth := []string{"Authorization", ""}
		c.must(t, 200, "GET", invBase+"platform/check/?email=Ann@ext.test", nil, noAuth...)
		c.must(t, 404, "GET", invBase+"platform/check/?email=bob@ext.test", nil, noAuth...)
		c.must(t, 400, "GET", invBase+"platform/check/?email=bob", nil, noAuth...)
		// An expired invitation lets no one in.
		past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
		c.must(t, 200, "POST", invBase+"platform/", map[string]any{"email": "old@ext.test", "platform_key": "acme", "expired": past})
		c.must(t, 404, "GET", invBase+"platform/check/?email=old@ext.test", nil, noAuth...)
	})
}

func TestCatalogBlankAndRedeem(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	for _, tc := range invitationKinds {
		t.Run(tc.kind, func(t *testing.T) {
			r := c.must(t, 200, "POST", invBase+tc.kind+"/blank/", map[string]any{tc.target: tc.value, "source": "fair", "count": 2})
			jsonEq(t, r.Body, `{"successes": 2, "error_codes": []}`)
			redeem := func(email string) response {
				return c.do(t, "POST", invBase+tc.kind+"/redeem/", map[string]any{tc.target: tc.value, "source": "fair", "email": email})
			}
			first := redeem("a@ext.test")
			equal(t, "status", first.Status, 200)
			got := first.obj(t)
			equal(t, "email", got["email"], any("a@ext.test"))
			equal(t, tc.target, got[tc.target], any(tc.value))
			equal(t, "source", got["source"], any("fair"))
			if got["started"] == nil {
				t.Fatalf("started = nil after redeem: %v", got)
			}
			equal(t, "second", redeem("b@ext.test").Status, 200)
			equal(t, "none left", redeem("c@ext.test").Status, 404)
			c.must(t, 404, "POST", invBase+tc.kind+"/redeem/", map[string]any{tc.target: tc.value, "source": "other", "email": "d@ext.test"})
		})
	}
	t.Run("ErrCount", func(t *testing.T) {
		c.must(t, 400, "POST", invBase+"platform/blank/", map[string]any{"platform_key": "acme", "source": "s", "count": 0})
	})
}

func TestCatalogBulkInvitations(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	t.Run("Platform", func(t *testing.T) {
		r := c.must(t, 200, "POST", invBase+"platform/bulk/", map[string]any{"platform_key": "acme", "invitation_data": []any{
			map[string]any{"platform_key": "acme", "email": "a@ext.test"},
			map[string]any{"platform_key": "acme", "username": ""},
			map[string]any{"platform_key": "acme", "email": "b@ext.test", "company_name": "B Corp", "cohort": "fall"},
		}})
		jsonEq(t, r.Body, `{"successes": 2, "error_codes": ["1:email_required"]}`)
		// An undeclared key is metadata, which the list filters on; the
		// declared company_name is a field (FIDELITY.md, C6).
		list := results(t, c.must(t, 200, "GET", invBase+"platform/?platform_key=acme&cohort=fall", nil).obj(t))
		equal(t, "emails", field(list, "email"), []string{"b@ext.test"})
		equal(t, "company_name", list[0]["company_name"], any("B Corp"))
		jsonEq(t, list[0]["metadata"], `{"cohort": "fall"}`)
	})
	t.Run("ErrOtherPlatform", func(t *testing.T) {
		r := c.must(t, 400, "POST", invBase+"platform/bulk/", map[string]any{"platform_key": "acme", "invitation_data": []any{
			map[string]any{"platform_key": "acme", "email": "c@ext.test"},
			map[string]any{"platform_key": "other", "email": "d@ext.test"},
		}})
		jsonEq(t, r.Body, `{"invitation_data": ["Every invitation must be on platform \"acme\"; item 1 is on \"other\"."]}`)
		c.must(t, 404, "GET", invBase+"platform/check/?email=c@ext.test", nil, "Authorization", "")
	})
	t.Run("CourseInfersPlatform", func(t *testing.T) {
		// web containers: {invitation_data:[{course_id, email}], platform_key}
		r := c.must(t, 200, "POST", invBase+"course/bulk/", map[string]any{"invitation_data": []any{
			map[string]any{"course_id": "course-v1:acme+C1+T1", "email": "a@ext.test"},
			map[string]any{"course_id": "bogus", "email": "b@ext.test"},
		}})
		jsonEq(t, r.Body, `{"successes": 1, "error_codes": ["1:course_not_found"]}`)
		list := results(t, c.must(t, 200, "GET", invBase+"course/?platform_key=acme", nil).obj(t))
		equal(t, "course_id", field(list, "course_id"), []string{"course-v1:acme+C1+T1"})
		c.must(t, 400, "POST", invBase+"course/bulk/", map[string]any{"invitation_data": []any{
			map[string]any{"course_id": "course-v1:acme+C1+T1", "email": "a@ext.test"},
			map[string]any{"course_id": "course-v1:other+C1+T1", "email": "b@ext.test"},
		}})
	})
	t.Run("ProgramNamedPlatform", func(t *testing.T) {
		r := c.must(t, 200, "POST", invBase+"program/bulk/", map[string]any{"platform_key": "main", "invitation_data": []any{
			map[string]any{"program_key": "acme+mba", "email": "a@ext.test"},
		}})
		jsonEq(t, r.Body, `{"successes": 1, "error_codes": []}`)
		list := results(t, c.must(t, 200, "GET", invBase+"program/?platform_key=main&program_id="+url.QueryEscape("program-v1:acme+mba+2024"), nil).obj(t))
		equal(t, "program_key", field(list, "program_key"), []string{"acme+mba"})
	})
}

func TestCatalogCourseAndProgramInvitations(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	civ := c.must(t, 200, "POST", invBase+"course/", map[string]any{"course_id": "course-v1:acme+C1+T1", "email": "a@ext.test"}).obj(t)
	equal(t, "course_id", civ["course_id"], any("course-v1:acme+C1+T1"))
	if _, ok := civ["platform_key"]; ok {
		t.Fatalf("course invitation carries platform_key: %v", civ)
	}
	c.must(t, 404, "POST", invBase+"course/", map[string]any{"course_id": "nope", "email": "a@ext.test"})
	c.must(t, 404, "POST", invBase+"program/", map[string]any{"program_key": "nope", "email": "a@ext.test"})
	piv := c.must(t, 200, "POST", invBase+"program/", map[string]any{"program_key": "acme+mba", "email": "a@ext.test",
		"enrollment_config": map[string]any{"auto": true}}).obj(t)
	equal(t, "program_key", piv["program_key"], any("acme+mba"))
	for _, kind := range []string{"course", "program"} {
		list := results(t, c.must(t, 200, "GET", invBase+kind+"/?platform_key=acme", nil).obj(t))
		equal(t, kind+" invitations", len(list), 1)
		c.must(t, 200, "DELETE", invBase+kind+"/?platform_key=acme", nil)
		equal(t, kind+" after delete stub", len(results(t, c.must(t, 200, "GET", invBase+kind+"/?platform_key=acme", nil).obj(t))), 1)
	}
	// The same course on another named platform is another invitation.
	c.must(t, 200, "POST", invBase+"course/?platform_key=main", map[string]any{"course_id": "course-v1:acme+C1+T1", "email": "a@ext.test"})
	equal(t, "main", len(results(t, c.must(t, 200, "GET", invBase+"course/?platform_key=main", nil).obj(t))), 1)
}

// TestCatalogRedeemEmailValidated: a redemption's email is a DRF
// EmailField (format email in every *InvitationRedemption schema): a
// malformed one is a 400 on the field and leaves the blank invitation
// for a real redemption.
func TestCatalogRedeemEmailValidated(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	for _, tc := range invitationKinds {
		t.Run(tc.kind, func(t *testing.T) {
			c.must(t, 200, "POST", invBase+tc.kind+"/blank/", map[string]any{tc.target: tc.value, "source": "fair", "count": 1})
			r := c.must(t, 400, "POST", invBase+tc.kind+"/redeem/", map[string]any{tc.target: tc.value, "source": "fair", "email": "not-an-email"})
			jsonEq(t, r.Body, `{"email": ["Enter a valid email address."]}`)
			got := c.must(t, 200, "POST", invBase+tc.kind+"/redeem/", map[string]any{tc.target: tc.value, "source": "fair", "email": "a@ext.test"}).obj(t)
			equal(t, "email", got["email"], any("a@ext.test"))
		})
	}
}

// TestCatalogInvitationRedirectValidated: redirect_to is a DRF URLField
// (format uri in every *InvitationCreate schema), so a value Django's
// URLValidator refuses is a 400 on the field and creates nothing.
func TestCatalogInvitationRedirectValidated(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	for _, tc := range invitationKinds {
		t.Run(tc.kind, func(t *testing.T) {
			body := map[string]any{"platform_key": "acme", tc.target: tc.value, "email": "a@ext.test", "redirect_to": "javascript:alert(1)"}
			r := c.must(t, 400, "POST", invBase+tc.kind+"/", body)
			jsonEq(t, r.Body, `{"redirect_to": ["Enter a valid URL."]}`)
			list := c.must(t, 200, "GET", invBase+tc.kind+"/?platform_key=acme", nil).obj(t)
			equal(t, "count after a refused create", list["count"], any(0.0))
			body["redirect_to"] = "https://acme.test/welcome?next=/c"
			got := c.must(t, 200, "POST", invBase+tc.kind+"/", body).obj(t)
			equal(t, "redirect_to", got["redirect_to"], any("https://acme.test/welcome?next=/c"))
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
	c := newClient(t)
	iv := c.must(t, 200, "POST", "/api/ibl/catalog/invitations/platform/", map[string]any{"platform_key": "acme", "email": "sdk@ext.test"}).obj(t)
	equal(t, "email", iv["email"], any("sdk@ext.test"))
	list := c.must(t, 200, "GET", invBase+"platform/?platform_key=acme", nil).obj(t)
	equal(t, "listed on the spec's path", field(results(t, list), "email"), []string{"sdk@ext.test"})
	c.must(t, 200, "GET", "/api/ibl/catalog/invitations/platform/?platform_key=acme", nil)
	// Only the catalog has the second mount.
	c.must(t, 404, "GET", "/api/ibl/credentials/orgs/acme/users/admin/", nil)
}
