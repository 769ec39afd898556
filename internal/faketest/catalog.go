package faketest

import (
	"fmt"
	"testing"
)

// The catalog's paths.
const (
	LicBase = "/api/catalog/licenses/"
	InvBase = "/api/catalog/invitations/"
)

// CreateLicense creates a license of kind on platform with extra body
// fields and returns it.
func (c *Client) CreateLicense(t testing.TB, kind, platform string, extra map[string]any) map[string]any {
	t.Helper()
	body := map[string]any{"platform_key": platform}
	for k, v := range extra {
		body[k] = v
	}
	return c.Must(t, 200, "POST", LicBase+kind+"/create/", body).Obj(t)
}

// AssignPath is the seat assignment path of license licenseID of kind.
func AssignPath(kind string, licenseID int) string {
	return fmt.Sprintf("%s%s/assignment/?license_id=%d", LicBase, kind, licenseID)
}

// SeedGroups replaces platform's users and groups (PUT /_fake/groups).
func (c *Client) SeedGroups(t testing.TB, platform string, dir map[string]any) {
	t.Helper()
	dir["platform_key"] = platform
	c.Must(t, 200, "PUT", "/_fake/groups", dir)
}
