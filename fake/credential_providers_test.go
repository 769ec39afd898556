package fake_test

import (
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
)

// The operations of the newer contract (4.205): the credential providers,
// a platform's provider configuration and its credentials' mappings to
// providers' templates (FIDELITY.md, provider configuration and external
// credential mapping).

const providersPath = "/api/credentials/providers/"

// accredible is a provider-config body as SKILL-C shows it, its config keys
// in mixed case (they are stored lowercased).
func accredible() map[string]any {
	return map[string]any{"provider_name": "accredible", "enabled": true, "config": map[string]any{
		"Accredible_API_Key": "key-1", "accredible_group_id": "123456", "use_sandbox": false}}
}

func TestCredentialProviders(t *testing.T) {
	t.Parallel()
	c := newClient(t, withKeys()...)
	c.auth = "Api-Token key-acme" // any key: no org, no admin needed
	r := c.must(t, 200, "GET", providersPath, nil)
	jsonEq(t, r.Body, `{"status": {"success": true, "description": "Ok"}, "result": {
		"next": null, "previous": null, "count": 1, "num_pages": 1, "page_number": 1, "max_page_size": 1000,
		"data": [{"name": "accredible", "display_name": "Accredible",
			"description": "Issue credentials as Accredible credentials, from templates of an Accredible group.",
			"enabled": true, "metadata": {}}]}}`)
	t.Run("PageSizeClampedTo1000", func(t *testing.T) {
		equal(t, "max_page_size", c.must(t, 200, "GET", providersPath+"?page_size=5000", nil).result(t)["max_page_size"], any(1000.0))
	})
	t.Run("ErrNoKey", func(t *testing.T) {
		c.must(t, 401, "GET", providersPath, nil, "Authorization", "")
		c.must(t, 401, "GET", providersPath, nil, "Authorization", "Api-Token nobody")
	})
	t.Run("Journalled", func(t *testing.T) {
		e := c.srv.Journal().Entries()[0]
		equal(t, "first entry", []any{e.OperationID, e.Tier, e.Status}, []any{"credentials_providers_retrieve", "stateful", 200})
	})
}

func TestProviderConfig(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	path := base("acme") + "provider-config/"
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	c.srv.Clock().SetNow(t0)

	created := c.must(t, 201, "POST", path, accredible()).obj(t)
	equal(t, "status", created["status"], any(map[string]any{"success": true, "description": "Created"}))
	cfg := created["result"].(map[string]any)
	jsonEq(t, cfg, `{"id": 1, "platform_key": "acme", "platform_name": "acme", "provider_name": "accredible",
		"provider_name_display": "Accredible", "enabled": true,
		"config": {"accredible_api_key": "key-1", "accredible_group_id": "123456", "use_sandbox": false},
		"created": "2026-03-01T09:00:00Z", "updated": "2026-03-01T09:00:00Z"}`)

	t.Run("SameProviderUpdates", func(t *testing.T) {
		c.srv.Clock().SetNow(t0.Add(time.Hour))
		r := c.must(t, 200, "POST", path, map[string]any{"provider_name": "accredible", "enabled": false}).obj(t)
		equal(t, "status", r["status"], any(map[string]any{"success": true, "description": "Updated"}))
		got := r["result"].(map[string]any)
		equal(t, "id", got["id"], cfg["id"])
		equal(t, "config kept", got["config"], cfg["config"])
		equal(t, "enabled", got["enabled"], any(false))
		equal(t, "created", got["created"], cfg["created"])
		equal(t, "updated", got["updated"], any("2026-03-01T10:00:00Z"))
		c.must(t, 200, "POST", path, accredible())
	})
	t.Run("ErrUnknownProvider", func(t *testing.T) {
		r := c.must(t, 400, "POST", path, map[string]any{"provider_name": "credly"})
		jsonEq(t, r.Body, `{"provider_name": ["Object with name=credly does not exist."]}`)
	})
	t.Run("ErrAccredibleNeedsItsKey", func(t *testing.T) {
		r := c.must(t, 400, "POST", base("beta")+"provider-config/", map[string]any{"provider_name": "accredible",
			"config": map[string]any{"accredible_group_id": "1"}})
		jsonEq(t, r.Body, `{"config": ["accredible_api_key is required for the accredible provider."]}`)
		c.must(t, 400, "POST", base("beta")+"provider-config/", map[string]any{"provider_name": "accredible"})
		r = c.must(t, 400, "POST", path, map[string]any{"provider_name": "accredible", "config": nil})
		jsonEq(t, r.Body, `{"config": ["accredible_api_key is required for the accredible provider."]}`)
	})
	t.Run("ErrProviderNameRequired", func(t *testing.T) {
		jsonEq(t, c.must(t, 400, "POST", path, map[string]any{"enabled": true}).Body, `{"provider_name": ["This field is required."]}`)
		jsonEq(t, c.must(t, 400, "DELETE", path, nil).Body, `{"provider_name": ["This field is required."]}`)
	})
	t.Run("List", func(t *testing.T) {
		env := c.must(t, 200, "GET", path, nil).result(t)
		equal(t, "count", env["count"], any(1.0))
		equal(t, "max_page_size", env["max_page_size"], any(1000.0))
		equal(t, "providers", field(page(t, env), "provider_name"), []string{"accredible"})
		equal(t, "filtered", len(page(t, c.must(t, 200, "GET", path+"?provider_name=credly", nil).result(t))), 0)
		// Another platform has none.
		equal(t, "beta", len(page(t, c.must(t, 200, "GET", base("beta")+"provider-config/", nil).result(t))), 0)
	})
	t.Run("DeleteDeactivates", func(t *testing.T) {
		r := c.must(t, 200, "DELETE", path, map[string]any{"provider_name": "accredible"}).obj(t)
		equal(t, "status", r["status"], any(map[string]any{"success": true, "description": "Deactivated"}))
		equal(t, "enabled", r["result"].(map[string]any)["enabled"], any(false))
		// The record stays, disabled.
		list := page(t, c.must(t, 200, "GET", path, nil).result(t))
		equal(t, "enabled in list", list[0]["enabled"], any(false))
		c.must(t, 404, "DELETE", base("beta")+"provider-config/", map[string]any{"provider_name": "accredible"})
		c.must(t, 200, "POST", path, accredible()) // on again
	})
}

// TestProviderConfigIsPlatformAdminOnly: the URL's user (a numeric id or a
// username) must be a platform admin of the directory, or a user it does
// not know (the platform key's own).
func TestProviderConfigIsPlatformAdminOnly(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	seedDirectory(t, c, "acme") // ada (7) and bob (8); carol (9) is a platform admin
	for _, user := range []string{"ada", "7"} {
		for _, op := range []struct {
			method, path string
			body         any
		}{
			{"GET", "provider-config/", nil},
			{"POST", "provider-config/", accredible()},
			{"DELETE", "provider-config/", map[string]any{"provider_name": "accredible"}},
			{"GET", "external-mapping/", nil},
			{"POST", "external-mapping/", map[string]any{"credential_id": "x", "provider_name": "accredible"}},
			{"DELETE", "external-mapping/", map[string]any{"credential_id": "x", "provider_name": "accredible"}},
		} {
			r := c.must(t, 403, op.method, userBase("acme", user)+op.path, op.body)
			jsonEq(t, r.Body, `{"detail": "Requires platform admin access"}`)
		}
	}
	// The admin by id and by username: both shapes of the user segment
	// (4.205's {user_id} and {username} routes are one URL shape here).
	c.must(t, 201, "POST", userBase("acme", "9")+"provider-config/", accredible())
	c.must(t, 200, "POST", userBase("acme", "carol")+"provider-config/", accredible())
	c.must(t, 200, "GET", userBase("acme", "ibl-admin")+"provider-config/", nil)
}

func TestExternalMapping(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	path := base("acme") + "external-mapping/"
	is := c.createIssuer(t, "acme", "Acme U")
	cred := c.createCredential(t, "acme", is, "Data Science", nil)
	other := c.createCredential(t, "acme", is, "Machine Learning", nil)
	body := map[string]any{"credential_id": cred, "provider_name": "accredible", "external_template_id": "789012",
		"group_id": "679866", "metadata": map[string]any{"note": "x"}}

	t.Run("ErrProviderNotConfigured", func(t *testing.T) {
		// The vendor UI: "configure a provider first in provider configuration".
		r := c.must(t, 400, "POST", path, body)
		jsonEq(t, r.Body, `{"provider_name": ["Provider accredible is not configured for this platform. Configure the provider first."]}`)
	})
	c.must(t, 201, "POST", base("acme")+"provider-config/", accredible())

	created := c.must(t, 201, "POST", path, body).obj(t)
	equal(t, "status", created["status"], any(map[string]any{"success": true, "description": "Created"}))
	m := created["result"].(map[string]any)
	for k, want := range map[string]any{"id": 1.0, "credential_id": cred, "credential_name": "Data Science",
		"platform_key": "acme", "platform_name": "acme", "provider": 1.0, "provider_name": "accredible",
		"provider_name_display": "Accredible", "external_template_id": "789012", "group_id": "679866",
		"metadata": map[string]any{"note": "x"}} {
		equal(t, k, m[k], want)
	}

	t.Run("SamePairUpdates", func(t *testing.T) {
		r := c.must(t, 200, "POST", path, map[string]any{"credential_id": cred, "provider_name": "accredible",
			"external_template_id": "111", "group_id": nil}).obj(t)
		equal(t, "status", r["status"], any(map[string]any{"success": true, "description": "Updated"}))
		got := r["result"].(map[string]any)
		equal(t, "id", got["id"], m["id"])
		equal(t, "template", got["external_template_id"], any("111"))
		equal(t, "group cleared", got["group_id"], nil)
		equal(t, "metadata kept", got["metadata"], m["metadata"])
	})
	t.Run("NewPairCreates", func(t *testing.T) {
		r := c.must(t, 201, "POST", path, map[string]any{"credential_id": other, "provider_name": "accredible"}).result(t)
		equal(t, "empty fields", []any{r["external_template_id"], r["group_id"], r["metadata"]}, []any{nil, nil, nil})
	})
	t.Run("ErrCredential", func(t *testing.T) {
		// The generated 4.205 method drops credential_id (read-only in its
		// model); the view requires it.
		jsonEq(t, c.must(t, 400, "POST", path, map[string]any{"provider_name": "accredible", "external_template_id": "1"}).Body,
			`{"credential_id": ["This field is required."]}`)
		jsonEq(t, c.must(t, 400, "POST", path, map[string]any{"credential_id": "nope", "provider_name": "accredible"}).Body,
			`{"credential_id": ["Object with entity_id=nope does not exist."]}`)
		beta := c.createCredential(t, "beta", c.createIssuer(t, "beta", "Beta"), "B", nil)
		c.must(t, 400, "POST", path, map[string]any{"credential_id": beta, "provider_name": "accredible"})
	})
	t.Run("List", func(t *testing.T) {
		equal(t, "all", field(page(t, c.must(t, 200, "GET", path, nil).result(t)), "credential_id"), []string{other, cred})
		equal(t, "by credential", field(page(t, c.must(t, 200, "GET", path+"?credential_id="+cred, nil).result(t)), "credential_id"), []string{cred})
		equal(t, "by provider", len(page(t, c.must(t, 200, "GET", path+"?provider_name=credly", nil).result(t))), 0)
		equal(t, "page of 1", len(page(t, c.must(t, 200, "GET", path+"?page_size=1", nil).result(t))), 1)
	})
	t.Run("DeactivatedProviderKeepsMappings", func(t *testing.T) {
		c.must(t, 200, "DELETE", base("acme")+"provider-config/", map[string]any{"provider_name": "accredible"})
		equal(t, "count", c.must(t, 200, "GET", path, nil).result(t)["count"], any(2.0))
		c.must(t, 200, "POST", path, map[string]any{"credential_id": other, "provider_name": "accredible", "group_id": "g"})
	})
	t.Run("Delete", func(t *testing.T) {
		key := map[string]any{"credential_id": other, "provider_name": "accredible"}
		jsonEq(t, c.must(t, 200, "DELETE", path, key).Body, `{"status": {"success": true, "description": "Deleted"}}`)
		c.must(t, 404, "DELETE", path, key)
		jsonEq(t, c.must(t, 400, "DELETE", path, map[string]any{"provider_name": "accredible"}).Body,
			`{"credential_id": ["This field is required."]}`)
	})
	t.Run("CredentialDeleteTakesItsMappings", func(t *testing.T) {
		c.must(t, 200, "DELETE", base("acme")+cred, nil)
		equal(t, "count", c.must(t, 200, "GET", path, nil).result(t)["count"], any(0.0))
	})
}

// TestProviderScenarioWhen: a scenario rule's when clause sees the
// configuration a provider-config request names.
func TestProviderScenarioWhen(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	path := base("acme") + "provider-config/"
	c.must(t, 201, "POST", path, accredible())
	c.must(t, 200, "POST", "/_fake/scenarios?activate=true", rawBody{"application/yaml", `
name: disabled-provider-teapot
rules:
  - match: {operation: credentials_orgs_users_provider_config_retrieve, when: {enabled: false}}
    respond: {status: 418, body: {detail: "{{entity.provider_name_display}} is off"}}
`})
	c.must(t, 200, "GET", path+"?provider_name=accredible", nil)
	c.must(t, 200, "DELETE", path, map[string]any{"provider_name": "accredible"})
	jsonEq(t, c.must(t, 418, "GET", path+"?provider_name=accredible", nil).Body, `{"detail": "Accredible is off"}`)
	c.must(t, 200, "GET", path, nil) // names no provider: no entity, no match
}

// TestProviderStateRoundTrip: configurations and mappings are state like
// the rest: in the tenant's export, and back after a reset and import.
func TestProviderStateRoundTrip(t *testing.T) {
	t.Parallel()
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			c := newClient(t, fake.WithStore(open(t)))
			cred := c.createCredential(t, "acme", c.createIssuer(t, "acme", "A"), "Badge", nil)
			c.must(t, 201, "POST", base("acme")+"provider-config/", accredible())
			c.must(t, 201, "POST", base("acme")+"external-mapping/", map[string]any{"credential_id": cred, "provider_name": "accredible"})
			before := c.must(t, 200, "GET", base("acme")+"external-mapping/", nil).Raw
			doc := c.must(t, 200, "GET", "/_fake/state?tenant=acme", nil).Raw
			c.must(t, 200, "POST", "/_fake/reset", nil)
			equal(t, "after reset", c.must(t, 200, "GET", base("acme")+"external-mapping/", nil).result(t)["count"], any(0.0))
			c.must(t, 200, "PUT", "/_fake/state", rawBody{"application/json", string(doc)})
			equal(t, "after import", string(c.must(t, 200, "GET", base("acme")+"external-mapping/", nil).Raw), string(before))
		})
	}
}
