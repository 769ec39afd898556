package credentials

import (
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// providerEntity returns the provider configuration or external mapping a
// provider-config or external-mapping request names, for Entity: by the
// query's provider_name (and credential_id) on a list, by the body's on a
// write. ok is false for other operations, and when nothing is named or
// stored.
func (h *Handlers) providerEntity(c echo.Context) (view any, ok bool) {
	op := api.Operation(c)
	var mapping bool
	switch op {
	case "credentials_orgs_users_provider_config_retrieve", "credentials_orgs_users_provider_config_create",
		"credentials_orgs_users_provider_config_destroy":
	case "credentials_orgs_users_external_mapping_retrieve", "credentials_orgs_users_external_mapping_create",
		"credentials_orgs_users_external_mapping_destroy":
		mapping = true
	default:
		return nil, false
	}
	name, credential := named(c, "provider_name"), named(c, "credential_id")
	if name == "" || (mapping && credential == "") {
		return nil, false
	}
	_ = h.d.Store.View(func(tx store.Tx) error {
		if mapping {
			if m, _ := getExternalMapping(tx, api.Tenant(c), credential, name); m != nil {
				view = externalMappingView(tx, m)
			}
		} else if pc, _ := getProviderConfig(tx, api.Tenant(c), name); pc != nil {
			view = providerConfigView(pc)
		}
		return nil
	})
	return view, view != nil
}

// named returns a string field of the request: the query's, else the
// body's.
func named(c echo.Context, field string) string {
	if v := c.QueryParam(field); v != "" {
		return v
	}
	if v, ok := api.RequestBody(c).Field(field); ok {
		if s, ok := v.(string); ok {
			return s
		}
	}
	return ""
}
