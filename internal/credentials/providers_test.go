package credentials_test

import (
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
)

// The operations of the newer contract (4.205): the credential providers,
// a platform's provider configuration and its credentials' mappings to
// providers' templates (FIDELITY.md, provider configuration and external
// credential mapping).

const providersPath = "/api/credentials/providers/"

func TestCredentialProviders(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, faketest.WithKeys()...)
	c.Auth = "Api-Token key-acme" // any key: no org, no admin needed
	r := c.Must(t, 200, "GET", providersPath, nil)
	faketest.JSONEq(t, r.Body, `{"status": {"success": true, "description": "Ok"}, "result": {
		"next": null, "previous": null, "count": 1, "num_pages": 1, "page_number": 1, "max_page_size": 1000,
		"data": [{"name": "accredible", "display_name": "Accredible",
			"description": "Issue credentials as Accredible credentials, from templates of an Accredible group.",
			"enabled": true, "metadata": {}}]}}`)
	t.Run("PageSizeClampedTo1000", func(t *testing.T) {
		faketest.Equal(t, "max_page_size", c.Must(t, 200, "GET", providersPath+"?page_size=5000", nil).Result(t)["max_page_size"], any(1000.0))
	})
	t.Run("ErrNoKey", func(t *testing.T) {
		c.Must(t, 401, "GET", providersPath, nil, "Authorization", "")
		c.Must(t, 401, "GET", providersPath, nil, "Authorization", "Api-Token nobody")
	})
	t.Run("Journalled", func(t *testing.T) {
		e := c.Srv.Journal().Entries()[0]
		faketest.Equal(t, "first entry", []any{e.OperationID, e.Tier, e.Status}, []any{"credentials_providers_retrieve", "stateful", 200})
	})
}

func TestProviderConfig(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	path := faketest.Base("acme") + "provider-config/"
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	c.Srv.Clock().SetNow(t0)

	created := c.Must(t, 201, "POST", path, faketest.Accredible()).Obj(t)
	faketest.Equal(t, "status", created["status"], any(map[string]any{"success": true, "description": "Created"}))
	cfg := created["result"].(map[string]any)
	faketest.JSONEq(t, cfg, `{"id": 1, "platform_key": "acme", "platform_name": "acme", "provider_name": "accredible",
		"provider_name_display": "Accredible", "enabled": true,
		"config": {"accredible_api_key": "key-1", "accredible_group_id": "123456", "use_sandbox": false},
		"created": "2026-03-01T09:00:00Z", "updated": "2026-03-01T09:00:00Z"}`)

	t.Run("SameProviderUpdates", func(t *testing.T) {
		c.Srv.Clock().SetNow(t0.Add(time.Hour))
		r := c.Must(t, 200, "POST", path, map[string]any{"provider_name": "accredible", "enabled": false}).Obj(t)
		faketest.Equal(t, "status", r["status"], any(map[string]any{"success": true, "description": "Updated"}))
		got := r["result"].(map[string]any)
		faketest.Equal(t, "id", got["id"], cfg["id"])
		faketest.Equal(t, "config kept", got["config"], cfg["config"])
		faketest.Equal(t, "enabled", got["enabled"], any(false))
		faketest.Equal(t, "created", got["created"], cfg["created"])
		faketest.Equal(t, "updated", got["updated"], any("2026-03-01T10:00:00Z"))
		c.Must(t, 200, "POST", path, faketest.Accredible())
	})
	t.Run("ErrUnknownProvider", func(t *testing.T) {
		r := c.Must(t, 400, "POST", path, map[string]any{"provider_name": "credly"})
		faketest.JSONEq(t, r.Body, `{"provider_name": ["Object with name=credly does not exist."]}`)
	})
	t.Run("ErrAccredibleNeedsItsKey", func(t *testing.T) {
		r := c.Must(t, 400, "POST", faketest.Base("beta")+"provider-config/", map[string]any{"provider_name": "accredible",
			"config": map[string]any{"accredible_group_id": "1"}})
		faketest.JSONEq(t, r.Body, `{"config": ["accredible_api_key is required for the accredible provider."]}`)
		c.Must(t, 400, "POST", faketest.Base("beta")+"provider-config/", map[string]any{"provider_name": "accredible"})
		r = c.Must(t, 400, "POST", path, map[string]any{"provider_name": "accredible", "config": nil})
		faketest.JSONEq(t, r.Body, `{"config": ["accredible_api_key is required for the accredible provider."]}`)
	})
	t.Run("ErrProviderNameRequired", func(t *testing.T) {
		faketest.JSONEq(t, c.Must(t, 400, "POST", path, map[string]any{"enabled": true}).Body, `{"provider_name": ["This field is required."]}`)
		faketest.JSONEq(t, c.Must(t, 400, "DELETE", path, nil).Body, `{"provider_name": ["This field is required."]}`)
	})
	t.Run("List", func(t *testing.T) {
		env := c.Must(t, 200, "GET", path, nil).Result(t)
		faketest.Equal(t, "count", env["count"], any(1.0))
		faketest.Equal(t, "max_page_size", env["max_page_size"], any(1000.0))
		faketest.Equal(t, "providers", faketest.Field(faketest.Page(t, env), "provider_name"), []string{"accredible"})
		faketest.Equal(t, "filtered", len(faketest.Page(t, c.Must(t, 200, "GET", path+"?provider_name=credly", nil).Result(t))), 0)
		// Another platform has none.
		faketest.Equal(t, "beta", len(faketest.Page(t, c.Must(t, 200, "GET", faketest.Base("beta")+"provider-config/", nil).Result(t))), 0)
	})
	t.Run("DeleteDeactivates", func(t *testing.T) {
		r := c.Must(t, 200, "DELETE", path, map[string]any{"provider_name": "accredible"}).Obj(t)
		faketest.Equal(t, "status", r["status"], any(map[string]any{"success": true, "description": "Deactivated"}))
		faketest.Equal(t, "enabled", r["result"].(map[string]any)["enabled"], any(false))
		// The record stays, disabled.
		list := faketest.Page(t, c.Must(t, 200, "GET", path, nil).Result(t))
		faketest.Equal(t, "enabled in list", list[0]["enabled"], any(false))
		c.Must(t, 404, "DELETE", faketest.Base("beta")+"provider-config/", map[string]any{"provider_name": "accredible"})
		c.Must(t, 200, "POST", path, faketest.Accredible()) // on again
	})
}

// TestProviderConfigIsPlatformAdminOnly: the URL's user (a numeric id or a
// username) must be a platform admin of the directory, or a user it does
// not know (the platform key's own).
func TestProviderConfigIsPlatformAdminOnly(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	faketest.SeedCredentialGroups(t, c, "acme") // ada (7) and bob (8); carol (9) is a platform admin
	for _, user := range []string{"ada", "7"} {
		for _, op := range []struct {
			method, path string
			body         any
		}{
			{"GET", "provider-config/", nil},
			{"POST", "provider-config/", faketest.Accredible()},
			{"DELETE", "provider-config/", map[string]any{"provider_name": "accredible"}},
			{"GET", "external-mapping/", nil},
			{"POST", "external-mapping/", map[string]any{"credential_id": "x", "provider_name": "accredible"}},
			{"DELETE", "external-mapping/", map[string]any{"credential_id": "x", "provider_name": "accredible"}},
		} {
			r := c.Must(t, 403, op.method, faketest.UserBase("acme", user)+op.path, op.body)
			faketest.JSONEq(t, r.Body, `{"detail": "Requires platform admin access"}`)
		}
	}
	// The admin by id and by username: both shapes of the user segment
	// (4.205's {user_id} and {username} routes are one URL shape here).
	c.Must(t, 201, "POST", faketest.UserBase("acme", "9")+"provider-config/", faketest.Accredible())
	c.Must(t, 200, "POST", faketest.UserBase("acme", "carol")+"provider-config/", faketest.Accredible())
	c.Must(t, 200, "GET", faketest.UserBase("acme", "ibl-admin")+"provider-config/", nil)
}

func TestExternalMapping(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	path := faketest.Base("acme") + "external-mapping/"
	is := c.CreateIssuer(t, "acme", "Acme U")
	cred := c.CreateCredential(t, "acme", is, "Data Science", nil)
	other := c.CreateCredential(t, "acme", is, "Machine Learning", nil)
	body := map[string]any{"credential_id": cred, "provider_name": "accredible", "external_template_id": "789012",
		"group_id": "679866", "metadata": map[string]any{"note": "x"}}

	t.Run("ErrProviderNotConfigured", func(t *testing.T) {
		// The vendor UI: "configure a provider first in provider configuration".
		r := c.Must(t, 400, "POST", path, body)
		faketest.JSONEq(t, r.Body, `{"provider_name": ["Provider accredible is not configured for this platform. Configure the provider first."]}`)
	})
	c.Must(t, 201, "POST", faketest.Base("acme")+"provider-config/", faketest.Accredible())

	created := c.Must(t, 201, "POST", path, body).Obj(t)
	faketest.Equal(t, "status", created["status"], any(map[string]any{"success": true, "description": "Created"}))
	m := created["result"].(map[string]any)
	for k, want := range map[string]any{"id": 1.0, "credential_id": cred, "credential_name": "Data Science",
		"platform_key": "acme", "platform_name": "acme", "provider": 1.0, "provider_name": "accredible",
		"provider_name_display": "Accredible", "external_template_id": "789012", "group_id": "679866",
		"metadata": map[string]any{"note": "x"}} {
		faketest.Equal(t, k, m[k], want)
	}

	t.Run("SamePairUpdates", func(t *testing.T) {
		r := c.Must(t, 200, "POST", path, map[string]any{"credential_id": cred, "provider_name": "accredible",
			"external_template_id": "111", "group_id": nil}).Obj(t)
		faketest.Equal(t, "status", r["status"], any(map[string]any{"success": true, "description": "Updated"}))
		got := r["result"].(map[string]any)
		faketest.Equal(t, "id", got["id"], m["id"])
		faketest.Equal(t, "template", got["external_template_id"], any("111"))
		faketest.Equal(t, "group cleared", got["group_id"], nil)
		faketest.Equal(t, "metadata kept", got["metadata"], m["metadata"])
	})
	t.Run("NewPairCreates", func(t *testing.T) {
		r := c.Must(t, 201, "POST", path, map[string]any{"credential_id": other, "provider_name": "accredible"}).Result(t)
		faketest.Equal(t, "empty fields", []any{r["external_template_id"], r["group_id"], r["metadata"]}, []any{nil, nil, nil})
	})
	t.Run("ErrCredential", func(t *testing.T) {
		// The generated 4.205 method drops credential_id (read-only in its
		// model); the view requires it.
		faketest.JSONEq(t, c.Must(t, 400, "POST", path, map[string]any{"provider_name": "accredible", "external_template_id": "1"}).Body,
			`{"credential_id": ["This field is required."]}`)
		faketest.JSONEq(t, c.Must(t, 400, "POST", path, map[string]any{"credential_id": "nope", "provider_name": "accredible"}).Body,
			`{"credential_id": ["Object with entity_id=nope does not exist."]}`)
		beta := c.CreateCredential(t, "beta", c.CreateIssuer(t, "beta", "Beta"), "B", nil)
		c.Must(t, 400, "POST", path, map[string]any{"credential_id": beta, "provider_name": "accredible"})
	})
	t.Run("List", func(t *testing.T) {
		faketest.Equal(t, "all", faketest.Field(faketest.Page(t, c.Must(t, 200, "GET", path, nil).Result(t)), "credential_id"), []string{other, cred})
		faketest.Equal(t, "by credential", faketest.Field(faketest.Page(t, c.Must(t, 200, "GET", path+"?credential_id="+cred, nil).Result(t)), "credential_id"), []string{cred})
		faketest.Equal(t, "by provider", len(faketest.Page(t, c.Must(t, 200, "GET", path+"?provider_name=credly", nil).Result(t))), 0)
		faketest.Equal(t, "page of 1", len(faketest.Page(t, c.Must(t, 200, "GET", path+"?page_size=1", nil).Result(t))), 1)
	})
	t.Run("DeactivatedProviderKeepsMappings", func(t *testing.T) {
		c.Must(t, 200, "DELETE", faketest.Base("acme")+"provider-config/", map[string]any{"provider_name": "accredible"})
		faketest.Equal(t, "count", c.Must(t, 200, "GET", path, nil).Result(t)["count"], any(2.0))
		c.Must(t, 200, "POST", path, map[string]any{"credential_id": other, "provider_name": "accredible", "group_id": "g"})
	})
	t.Run("Delete", func(t *testing.T) {
		key := map[string]any{"credential_id": other, "provider_name": "accredible"}
		faketest.JSONEq(t, c.Must(t, 200, "DELETE", path, key).Body, `{"status": {"success": true, "description": "Deleted"}}`)
		c.Must(t, 404, "DELETE", path, key)
		faketest.JSONEq(t, c.Must(t, 400, "DELETE", path, map[string]any{"provider_name": "accredible"}).Body,
			`{"credential_id": ["This field is required."]}`)
	})
	t.Run("CredentialDeleteTakesItsMappings", func(t *testing.T) {
		c.Must(t, 200, "DELETE", faketest.Base("acme")+cred, nil)
		faketest.Equal(t, "count", c.Must(t, 200, "GET", path, nil).Result(t)["count"], any(0.0))
	})
}

// TestProviderScenarioWhen: a scenario rule's when clause sees the
// configuration a provider-config request names.
func TestProviderScenarioWhen(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	path := faketest.Base("acme") + "provider-config/"
	c.Must(t, 201, "POST", path, faketest.Accredible())
	c.Must(t, 200, "POST", "/_fake/scenarios?activate=true", faketest.RawBody{ContentType: "application/yaml", Data: `
name: disabled-provider-teapot
rules:
  - match: {operation: credentials_orgs_users_provider_config_retrieve, when: {enabled: false}}
    respond: {status: 418, body: {detail: "{{entity.provider_name_display}} is off"}}
`})
	c.Must(t, 200, "GET", path+"?provider_name=accredible", nil)
	c.Must(t, 200, "DELETE", path, map[string]any{"provider_name": "accredible"})
	faketest.JSONEq(t, c.Must(t, 418, "GET", path+"?provider_name=accredible", nil).Body, `{"detail": "Accredible is off"}`)
	c.Must(t, 200, "GET", path, nil) // names no provider: no entity, no match
}

// TestProviderStateRoundTrip: configurations and mappings are state like
// the rest: in the tenant's export, and back after a reset and import.
func TestProviderStateRoundTrip(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)))
			cred := c.CreateCredential(t, "acme", c.CreateIssuer(t, "acme", "A"), "Badge", nil)
			c.Must(t, 201, "POST", faketest.Base("acme")+"provider-config/", faketest.Accredible())
			c.Must(t, 201, "POST", faketest.Base("acme")+"external-mapping/", map[string]any{"credential_id": cred, "provider_name": "accredible"})
			before := c.Must(t, 200, "GET", faketest.Base("acme")+"external-mapping/", nil).Raw
			doc := c.Must(t, 200, "GET", "/_fake/state?tenant=acme", nil).Raw
			c.Must(t, 200, "POST", "/_fake/reset", nil)
			faketest.Equal(t, "after reset", c.Must(t, 200, "GET", faketest.Base("acme")+"external-mapping/", nil).Result(t)["count"], any(0.0))
			c.Must(t, 200, "PUT", "/_fake/state", faketest.RawBody{ContentType: "application/json", Data: string(doc)})
			faketest.Equal(t, "after import", string(c.Must(t, 200, "GET", faketest.Base("acme")+"external-mapping/", nil).Raw), string(before))
		})
	}
}
