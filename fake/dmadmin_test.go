package fake_test

import "testing"

// TestDMAdminOnly: with keys bound, license create/update are a DM admin's
// alone (SKILL-CI), refused to a platform key with DRF's 403 before the
// body is looked at; reads and assignments stay the platform's.
func TestDMAdminOnly(t *testing.T) {
	t.Parallel()
	c := newClient(t, withKeys()...)
	c.auth = "Api-Token key-acme"
	for _, kind := range []string{"user", "platform", "course", "program"} {
		r := c.must(t, 403, "POST", licBase+kind+"/create/", map[string]any{"platform_key": "acme"})
		jsonEq(t, r.Body, `{"detail": "You do not have permission to perform this action."}`)
		c.must(t, 403, "POST", licBase+kind+"/update/", map[string]any{})
	}
	c.auth = "Api-Token key-dm"
	lid := id(t, c.createLicense(t, "user", "acme", map[string]any{"count": 2}))
	c.must(t, 200, "POST", licBase+"user/update/", map[string]any{"license_id": lid, "count": 3})
	c.auth = "Api-Token key-acme"
	c.must(t, 200, "GET", licBase+"user/?platform_key=acme", nil)
	c.must(t, 200, "POST", assignPath("user", lid), map[string]any{"license_id": lid, "email": "a@acme.test", "platform_key": "acme"})
	// A DM admin reaches every org, as with no keys bound.
	c.auth = "Api-Token key-dm"
	c.must(t, 200, "POST", base("globex")+"issuers/", map[string]any{"name": "G"})
}
