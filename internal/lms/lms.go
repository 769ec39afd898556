// Package lms is a stand-in for the handful of LMS (Open edX) endpoints
// the vendor's frontend app boots with, so that the app runs against the
// fake alone (fake.WithLMS, --lms): the token exchange that gives the app
// its data-manager tokens, the user's tenants, the user's profile and the
// login page's context. The vendor's data layer (@iblai/data-layer 1.1.2)
// calls them at its lmsUrl, which points at the same fake
// (FIDELITY.md, "The vendor's frontend"; README, "Point the vendor's app
// at the fake").
//
// These endpoints are not in the data manager's document: the module
// serves them as routes of its own (api.Module's MediaRoutes), outside the
// vendor pipeline, with the fake's key rules applied here: while no key is
// bound any token works and every tenant the fake knows is the user's;
// once keys are bound, the token is a bound key, and the user's tenants
// are the key's.
package lms

import (
	"net/http"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
)

// Options are what the stand-in needs of the server.
type Options struct {
	// Keys are the API keys bound to orgs, each with the orgs it may
	// touch ("*" standing for every org: a data-manager admin); nil while
	// none is bound.
	Keys map[string]map[string]bool
	// AllOrgs is the org that stands for every org in Keys ("*").
	AllOrgs string
	// Tenants lists the tenants the fake knows: those it holds state of
	// and the default tenant.
	Tenants func() ([]string, error)
	// User looks a tenant's user up by username in the modules'
	// directories (api.Directory); ok is false for a user none holds.
	User func(tx store.Tx, tenant, username string) (api.DirectoryUser, bool)
}

// Module is the LMS stand-in over one server's store and clock.
type Module struct {
	d *api.Deps
	o Options
}

var _ api.Module = (*Module)(nil)

// New returns the stand-in.
func New(d *api.Deps, o Options) *Module { return &Module{d: d, o: o} }

// Paths of the endpoints, as @iblai/data-layer 1.1.2 builds them
// (AUTH_ENDPOINTS, TENANTS_ENDPOINTS, USERS_ENDPOINTS).
const (
	PathTokens   = "/api/ibl/manager/consolidated-token/proxy/"
	PathTenants  = "/api/ibl/users/manage/platform/"
	PathMetadata = "/api/ibl/users/manage/metadata/"
	PathMFE      = "/api/mfe_context"
)

// MediaRoutes are the LMS endpoints (routes outside the vendor document).
func (m *Module) MediaRoutes() []api.Route {
	return []api.Route{
		{Method: http.MethodPost, Path: PathTokens, Handler: m.tokens},
		{Method: http.MethodGet, Path: PathTenants, Handler: m.tenants},
		{Method: http.MethodGet, Path: PathMetadata, Handler: m.metadata},
		{Method: http.MethodGet, Path: PathMFE, Handler: m.mfeContext},
	}
}

// Operations: none of the data manager's document.
func (m *Module) Operations() []api.Operation { return nil }

// AdminRoutes: none.
func (m *Module) AdminRoutes() []api.Route { return nil }

// TenantScopes: the stand-in keeps no state.
func (m *Module) TenantScopes() []store.Scope { return nil }
