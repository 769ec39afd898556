package credentials

import (
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// The entities scenario rules' when clauses see (api.Operation.Entity),
// each rendered as the API renders it; ok is false when the request names
// none or it does not exist.

// assertionEntity is the tenant's assertion {entity_id} names.
func (h *Handlers) assertionEntity(c echo.Context) (map[string]any, bool) {
	return h.entity(c, func(tx store.Tx, id string) any {
		if a, err := tenantAssertion(c, tx); err == nil {
			return newAssertionViews(tx).view(a)
		}
		return nil
	})
}

// publicAssertionEntity is the assertion {entity_id} names, whoever's.
func (h *Handlers) publicAssertionEntity(c echo.Context) (map[string]any, bool) {
	return h.entity(c, func(tx store.Tx, id string) any {
		if a, _ := getAssertion(tx, id); a != nil {
			return newAssertionViews(tx).view(a)
		}
		return nil
	})
}

// issuerEntity is the tenant's issuer {entity_id} names.
func (h *Handlers) issuerEntity(c echo.Context) (map[string]any, bool) {
	return h.entity(c, func(tx store.Tx, id string) any {
		if is, err := getIssuer(tx, api.Tenant(c), id); err == nil {
			return issuerView(tx, is)
		}
		return nil
	})
}

// credentialEntity is the tenant's credential {entity_id} names.
func (h *Handlers) credentialEntity(c echo.Context) (map[string]any, bool) {
	return h.entity(c, func(tx store.Tx, id string) any {
		if cr, err := getCredential(tx, api.Tenant(c), id); err == nil {
			return credentialView(tx, cr)
		}
		return nil
	})
}

// entity renders what view finds for {entity_id} in one read.
func (h *Handlers) entity(c echo.Context, view func(tx store.Tx, id string) any) (map[string]any, bool) {
	id := c.Param("entity_id")
	if id == "" {
		return nil, false
	}
	var v any
	_ = h.d.Store.View(func(tx store.Tx) error {
		v = view(tx, id)
		return nil
	})
	return api.AsObject(v)
}
