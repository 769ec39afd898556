package credentials

import (
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// providerConfigEntity is the provider configuration a provider-config
// request names: by the query's provider_name on a list, by the body's on
// a write.
func (h *Handlers) providerConfigEntity(c echo.Context) (map[string]any, bool) {
	name := named(c, "provider_name")
	if name == "" {
		return nil, false
	}
	var view any
	_ = h.d.Store.View(func(tx store.Tx) error {
		if pc, _ := getProviderConfig(tx, api.Tenant(c), name); pc != nil {
			view = providerConfigView(pc)
		}
		return nil
	})
	return api.AsObject(view)
}

// externalMappingEntity is the mapping an external-mapping request names
// by provider_name and credential_id (the query's, else the body's).
func (h *Handlers) externalMappingEntity(c echo.Context) (map[string]any, bool) {
	name, credential := named(c, "provider_name"), named(c, "credential_id")
	if name == "" || credential == "" {
		return nil, false
	}
	var view any
	_ = h.d.Store.View(func(tx store.Tx) error {
		if m, _ := getExternalMapping(tx, api.Tenant(c), credential, name); m != nil {
			view = externalMappingView(tx, m)
		}
		return nil
	})
	return api.AsObject(view)
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
