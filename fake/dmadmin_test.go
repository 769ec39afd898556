package fake_test

import (
	"testing"

	"github.com/iblfake/iblfake/internal/faketest"
)

// TestDMAdminOnly: with keys bound, license create/update are a DM admin's
// alone (SKILL-CI), refused to a platform key with DRF's 403 before the
// body is looked at; reads and assignments stay the platform's.
func TestDMAdminOnly(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, faketest.WithKeys()...)
	c.Auth = "Api-Token key-acme"
	for _, kind := range []string{"user", "platform", "course", "program"} {
		r := c.Must(t, 403, "POST", faketest.LicBase+kind+"/create/", map[string]any{"platform_key": "acme"})
		faketest.JSONEq(t, r.Body, `{"detail": "You do not have permission to perform this action."}`)
		c.Must(t, 403, "POST", faketest.LicBase+kind+"/update/", map[string]any{})
	}
	c.Auth = "Api-Token key-dm"
	lid := faketest.ID(t, c.CreateLicense(t, "user", "acme", map[string]any{"count": 2}))
	c.Must(t, 200, "POST", faketest.LicBase+"user/update/", map[string]any{"license_id": lid, "count": 3})
	c.Auth = "Api-Token key-acme"
	c.Must(t, 200, "GET", faketest.LicBase+"user/?platform_key=acme", nil)
	c.Must(t, 200, "POST", faketest.AssignPath("user", lid), map[string]any{"license_id": lid, "email": "a@acme.test", "platform_key": "acme"})
	// A DM admin reaches every org, as with no keys bound.
	c.Auth = "Api-Token key-dm"
	c.Must(t, 200, "POST", faketest.Base("globex")+"issuers/", map[string]any{"name": "G"})
}
