package faketest

import "testing"

// Base is the credentials API root of org as user admin.
func Base(org string) string { return "/api/credentials/orgs/" + org + "/users/admin/" }

// UserBase is the credentials API root of org as user.
func UserBase(org, user string) string {
	return "/api/credentials/orgs/" + org + "/users/" + user + "/"
}

// Public is the public (keyless) path of assertion id.
func Public(id string) string { return "/api/credentials/public/assertions/" + id + "/" }

// CreateIssuer creates an issuer in org and returns its entityId.
func (c *Client) CreateIssuer(t testing.TB, org, name string) string {
	t.Helper()
	r := c.Must(t, 200, "POST", Base(org)+"issuers/", map[string]any{"name": name})
	return Str(t, r.Result(t), "entityId")
}

// CreateCredential creates a credential in org with extra fields over
// {name, issuer} and returns its entityId.
func (c *Client) CreateCredential(t testing.TB, org, issuer, name string, extra map[string]any) string {
	t.Helper()
	body := map[string]any{"name": name, "issuer": issuer}
	for k, v := range extra {
		body[k] = v
	}
	r := c.Must(t, 200, "POST", Base(org), body)
	return Str(t, r.Result(t), "entityId")
}

// Issue issues credential cred of org to username with extra body fields
// and returns the assertion's entityId.
func (c *Client) Issue(t testing.TB, org, cred, username string, extra map[string]any) string {
	t.Helper()
	body := map[string]any{"recipient": map[string]any{"identity": username}}
	for k, v := range extra {
		body[k] = v
	}
	r := c.Must(t, 200, "POST", Base(org)+cred+"/assertions/", body)
	return Str(t, r.Obj(t), "entityId")
}

// Revoke revokes assertion id of org.
func (c *Client) Revoke(t testing.TB, org, id, reason string) {
	t.Helper()
	c.Must(t, 200, "PUT", Base(org)+"assertions/"+id, map[string]any{"revoked": true, "revocationReason": reason})
}

// SeedCredentialGroups stores org's users (ada 7, bob 8, carol 9 the
// platform admin) and group "cohort" = ada + bob.
func SeedCredentialGroups(t testing.TB, c *Client, org string) {
	t.Helper()
	c.Must(t, 200, "PUT", "/_fake/credential-groups", map[string]any{
		"org": org,
		"users": []any{
			map[string]any{"user_id": 7, "username": "ada", "email": "ada@acme.test"},
			map[string]any{"user_id": 8, "username": "bob"},
			map[string]any{"user_id": 9, "username": "carol", "platform_admin": true},
		},
		"groups": []any{map[string]any{"id": "cohort", "name": "Cohort A", "members": []any{7, 8}}},
	})
}

// Accredible is a provider-config body as SKILL-C shows it, its config keys
// in mixed case (they are stored lowercased).
func Accredible() map[string]any {
	return map[string]any{"provider_name": "accredible", "enabled": true, "config": map[string]any{
		"Accredible_API_Key": "key-1", "accredible_group_id": "123456", "use_sandbox": false}}
}
