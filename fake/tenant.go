package fake

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/iblfake/iblfake/internal/urlconf"
	"github.com/labstack/echo/v4"
)

// The tenant rule: which org (platform key) a vendor request belongs to,
// one rule for every method and every operation (FIDELITY.md, "Tenants"):
//
//  1. The tenants a request names (urlconf.Tenants, shared with the
//     proxy): the query's platform_org (the credentials API's override,
//     SKILL-C: the path's org is then not named at all), the path's org,
//     platform_key and key, the query's platform_key, key and org, then a
//     POST, PUT or PATCH body's platform_org, platform_key, key and org.
//     The first is the request's tenant.
//  2. A key bound to orgs must be allowed every tenant the request names,
//     else DRF's 403 (a PATCH whose body names another org is refused like
//     the same POST).
//  3. A request that names none belongs to the tenant of the entity it
//     addresses, where a module models it (a license updated by its id is
//     its platform's: the module looks it up and checks api.Allowed).
//     Elsewhere (the long tail, whose state is kept per request tenant) it
//     belongs to the key's org when the key is bound to exactly one; with
//     no keys bound, to the default tenant (WithDefaultTenant, "main"). A
//     DM admin or a key bound to several orgs must name one for an
//     operation whose answer is a tenant's state (tenantScoped): DRF's 400
//     on the tenant field. A global operation (one that names no tenant
//     and keeps no state, a heartbeat) is answered for the default tenant
//     then.
//
// The empty tenant is never a tenant: nothing is stored under it.

// DefaultTenant is the tenant of requests that name none while no key is
// bound (WithDefaultTenant): the vendor's main platform.
const DefaultTenant = "main"

// WithDefaultTenant sets the tenant of requests that name none while no
// API key is bound (default DefaultTenant; WithDemo makes it the demo's org
// unless this is given).
func WithDefaultTenant(org string) Option {
	return func(o *options) error {
		if org == "" || org == DMAdmin {
			return fmt.Errorf("WithDefaultTenant: %q is not an org", org)
		}
		o.defaultTenant = org
		return nil
	}
}

// DefaultTenantOf returns the default tenant the server answers tenant-less
// requests for.
func (s *Server) DefaultTenantOf() string { return s.opts.defaultTenant }

// eachTenant calls fn with every tenant the request names (rule 1), until
// fn returns false.
func eachTenant(c echo.Context, fn func(field, value string) bool) {
	urlconf.Tenants(c.Request().Method, c.Param, c.QueryParam, api.RequestBody(c).Field, fn)
}

// setTenant records the first tenant the request names (rule 1), which
// the scenarios that run before authentication match on.
func (s *Server) setTenant(c echo.Context) {
	tenant := ""
	eachTenant(c, func(_, v string) bool { tenant = v; return false })
	api.RequestOf(c).Tenant = tenant
}

// checkTenants is rule 2 for a key bound to orgs.
func checkTenants(c echo.Context, orgs map[string]bool) error {
	var err error
	eachTenant(c, func(_, v string) bool {
		if !orgs[v] {
			err = api.Detail(http.StatusForbidden, api.MsgForbidden)
			return false
		}
		return true
	})
	return err
}

// resolveTenant is rule 3: it gives a request that names no tenant the
// one it belongs to. orgs are the key's (nil for no keys bound or a
// public operation), dmAdmin whether it is a DM admin.
func (s *Server) resolveTenant(c echo.Context, r *route, orgs map[string]bool, dmAdmin bool) error {
	rec := api.RequestOf(c)
	if !r.longTail || rec.Tenant != "" {
		return nil
	}
	tenant := s.opts.defaultTenant
	switch {
	case orgs != nil && !dmAdmin && len(orgs) == 1:
		for org := range orgs {
			tenant = org
		}
	case (dmAdmin && s.opts.keys != nil || len(orgs) > 1) && r.tenantScoped:
		// A key that may touch several orgs cannot be guessed for.
		return api.Field(r.tenantField, api.MsgRequired)
	}
	rec.Tenant = tenant
	return nil
}

// tenantScope reports whether an operation's answer is a tenant's state,
// so that a key of several orgs must name one: it names a tenant itself
// (a path or query parameter, or a body field of the rule), or the long
// tail keeps its writes (stateful). field is the name to report a missing
// tenant on: the one the operation declares, else platform_key.
func tenantScope(item *openapi3.PathItem, op *openapi3.Operation, stateful bool) (scoped bool, field string) {
	field = "platform_key"
	for _, ps := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, p := range ps {
			if p.Value != nil && slices.Contains(urlconf.TenantParams, p.Value.Name) && p.Value.In != openapi3.ParameterInHeader {
				return true, p.Value.Name
			}
		}
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		for _, mt := range op.RequestBody.Value.Content {
			if mt.Schema == nil || mt.Schema.Value == nil {
				continue
			}
			props := synth.Properties(mt.Schema.Value)
			for _, f := range urlconf.TenantFields {
				if props[f] != nil {
					return true, f
				}
			}
		}
	}
	return stateful, field
}
