package credentials_test

import (
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
)

func TestCourseExportImport(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	course := "course-v1:acme+DS101+2024"
	iss := c.CreateIssuer(t, "acme", "Acme")
	cred := c.CreateCredential(t, "acme", iss, "DS cert", map[string]any{
		"courses": []string{course}, "expires": map[string]any{"amount": 365, "duration": "days"}, "description": "old"})
	c.Must(t, 200, "POST", faketest.Base("acme")+"issuers/authority/", map[string]any{
		"name": "Dean", "title": "Dean", "signature": "https://x.test/s.png", "credential": cred})
	c.CreateCredential(t, "acme", iss, "Other course", map[string]any{"courses": []string{"course-v1:acme+ML+1"}})

	exim := "/api/credentials/exim/credentials/course/" + course
	exp := c.Must(t, 200, "GET", exim+"/export/", nil).Obj(t)
	faketest.Equal(t, "course_id", exp["course_id"], any(course))
	items := exp["credentials"].([]any)
	faketest.Equal(t, "exported", len(items), 1)
	item := items[0].(map[string]any)
	faketest.Equal(t, "entityId", item["entityId"], any(cred))
	faketest.Equal(t, "signatories", len(item["signatories"].([]any)), 1)

	t.Run("ReimportUpdates", func(t *testing.T) {
		item["description"] = "new"
		r := c.Must(t, 201, "POST", exim+"/import/", exp)
		faketest.JSONEq(t, r.Result(t), `{"course_id": "`+course+`", "imported_credentials": [{"entityId": "`+cred+`", "name": "DS cert", "status": "updated"}], "errors": []}`)
		got := c.Must(t, 200, "GET", faketest.Base("acme")+cred, nil).Result(t)
		faketest.Equal(t, "description", got["description"], any("new"))
	})
	t.Run("IntoAnotherPlatform", func(t *testing.T) {
		c.Must(t, 400, "POST", exim+"/import/?platform_org=beta", exp) // beta has no issuer yet
		beta := c.CreateIssuer(t, "beta", "Beta")
		r := c.Must(t, 201, "POST", exim+"/import/?platform_org=beta", exp)
		imp := r.Result(t)["imported_credentials"].([]any)[0].(map[string]any)
		faketest.Equal(t, "status", imp["status"], any("created"))
		got := c.Must(t, 200, "GET", faketest.Base("beta")+faketest.Str(t, imp, "entityId"), nil).Result(t)
		faketest.Equal(t, "issuer", got["issuerDetails"].(map[string]any)["entityId"], any(beta))
		faketest.Equal(t, "signatories copied", len(got["signatories"].([]any)), 1)
		faketest.Equal(t, "expires copied", got["expires"], exp["credentials"].([]any)[0].(map[string]any)["expires"])
	})
	t.Run("Partial207", func(t *testing.T) {
		r := c.Must(t, 207, "POST", exim+"/import/", map[string]any{"course_id": course, "credentials": []any{
			map[string]any{"name": "Fresh cert"}, map[string]any{"description": "no name"}}})
		faketest.JSONEq(t, r.Result(t)["errors"], `[{"index": 1, "name": null, "error": "name: This field is required."}]`)
	})
	t.Run("None400", func(t *testing.T) {
		r := c.Must(t, 400, "POST", exim+"/import/", map[string]any{"course_id": course, "credentials": []any{
			map[string]any{"name": "Bad expiry", "expires": "soon"}}})
		faketest.Equal(t, "success", r.Obj(t)["status"].(map[string]any)["success"], any(false))
		c.Must(t, 400, "POST", exim+"/import/", nil)
	})
}

// TestCourseExportImportKeyScope: export and import are DM-admin only
// (SKILL-C exim), so with keys bound a platform key gets 403 for both, even
// for its own org, and a DM admin's export spans every org.
func TestCourseExportImportKeyScope(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithAPIKey("k-all", "acme", "beta"), fake.WithAPIKey("k-dm", fake.DMAdmin))
	c.Auth = "Api-Token k-all"
	course := "course-v1:acme+DS101+2024"
	for _, org := range []string{"acme", "beta"} {
		iss := c.CreateIssuer(t, org, org)
		c.CreateCredential(t, org, iss, "Cert "+org, map[string]any{"courses": []string{course}})
	}
	exim := "/api/credentials/exim/credentials/course/" + course
	c.Must(t, 403, "GET", exim+"/export/", nil)
	c.Must(t, 403, "POST", exim+"/import/", map[string]any{"course_id": course, "credentials": []any{}})
	c.Auth = "Api-Token k-dm"
	faketest.Equal(t, "all orgs", len(c.Must(t, 200, "GET", exim+"/export/", nil).Obj(t)["credentials"].([]any)), 2)
	exp := c.Must(t, 200, "GET", exim+"/export/?platform_org=beta", nil).Obj(t)
	faketest.Equal(t, "platform_org", len(exp["credentials"].([]any)), 1)
	c.Must(t, 201, "POST", exim+"/import/?platform_org=beta", exp)
}
