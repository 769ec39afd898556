package credentials

import (
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// Entity returns the stored entity the request addresses, rendered as the
// API renders it, for scenario rules' when clauses: the assertion,
// credential or issuer named by {entity_id}, or the provider configuration
// or mapping the query or body names (providerEntity). ok is false when
// the request addresses none or it does not exist.
func (h *Handlers) Entity(c echo.Context) (map[string]any, bool) {
	if view, ok := h.providerEntity(c); ok {
		return api.AsObject(view)
	}
	id := c.Param("entity_id")
	if id == "" {
		return nil, false
	}
	var view any
	_ = h.d.Store.View(func(tx store.Tx) error {
		switch api.Operation(c) {
		case "credentials_public_assertions_retrieve":
			if a, _ := getAssertion(tx, id); a != nil {
				view = newAssertionViews(tx).view(a)
			}
		case "credentials_orgs_users_assertions_retrieve_2", "credentials_orgs_users_assertions_update":
			if a, err := tenantAssertion(c, tx); err == nil {
				view = newAssertionViews(tx).view(a)
			}
		case "credentials_orgs_users_issuers_retrieve_2", "credentials_orgs_users_issuers_update",
			"credentials_orgs_users_issuers_destroy":
			if is, err := getIssuer(tx, api.Tenant(c), id); err == nil {
				view = issuerView(tx, is)
			}
		default:
			if cr, err := getCredential(tx, api.Tenant(c), id); err == nil {
				view = credentialView(tx, cr)
			}
		}
		return nil
	})
	return api.AsObject(view)
}
