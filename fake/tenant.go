package fake

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/labstack/echo/v4"
)

// The tenant rule: which org (platform key) a vendor request belongs to,
// one rule for every method and every operation (FIDELITY.md, "Tenants"):
//
//  1. The tenants a request names, in this order: the query's
//     platform_org (the credentials API's override, SKILL-C: the path's
//     org is then not named at all), the path's org, platform_key and
//     key, the query's platform_key, key and org, then a POST, PUT or
//     PATCH body's platform_org, platform_key, key and org. The first is
//     the request's tenant.
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

// tenantPathParams, tenantQueryParams and tenantFields name a request's
// tenant in its path, query and body, in the rule's order (the query's
// platform_org comes first of all).
var (
	tenantPathParams  = []string{"org", "platform_key", "key"}
	tenantQueryParams = []string{"platform_key", "key", "org"}
	tenantFields      = []string{"platform_org", "platform_key", "key", "org"}
)

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

// eachTenant calls fn with every tenant the request names, in the rule's
// order, until fn returns false. Path parameters are read decoded, as
// Django decodes the path before it routes (org%41 is orgA).
func eachTenant(c echo.Context, fn func(field, value string) bool) {
	override := tenantValue(c.QueryParam("platform_org"))
	if override != "" && !fn("platform_org", override) {
		return
	}
	for _, name := range tenantPathParams {
		if name == "org" && override != "" {
			continue // overridden: the request is not the path org's
		}
		if v := tenantValue(c.Param(name)); v != "" && !fn(name, v) {
			return
		}
	}
	for _, name := range tenantQueryParams {
		if v := tenantValue(c.QueryParam(name)); v != "" && !fn(name, v) {
			return
		}
	}
	if !bodyNamesTenant(c.Request().Method) {
		return
	}
	b := api.RequestBody(c)
	for _, f := range tenantFields {
		if v, ok := b.Field(f); ok {
			// A non-string tenant field is the validator's to refuse.
			if t, ok := v.(string); ok && tenantValue(t) != "" && !fn(f, tenantValue(t)) {
				return
			}
		}
	}
}

// tenantValue is a named tenant as DRF's CharField reads it: trimmed of
// surrounding white space, so " " names none and " acme " is acme.
func tenantValue(v string) string {
	if v == "" || v[0] > ' ' && v[len(v)-1] > ' ' {
		return v // the usual case, without a call
	}
	return strings.TrimSpace(v)
}

// bodyNamesTenant reports whether a body of this method may name the
// tenant. The catalog takes the platform "as query param (GET / DELETE) or
// body field (POST)" (SKILL-CI); a PUT or PATCH body is read the same way,
// so that a write can never name one org in its body and land in another.
func bodyNamesTenant(method string) bool {
	return method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch
}

// setTenant records the first tenant the request names (rule 1), which
// the scenarios that run before authentication match on.
func (s *Server) setTenant(c echo.Context) {
	tenant := ""
	eachTenant(c, func(_, v string) bool { tenant = v; return false })
	api.SetTenant(c, tenant)
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
	if !r.longTail || api.Tenant(c) != "" {
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
	api.SetTenant(c, tenant)
	return nil
}

// tenantScope reports whether an operation's answer is a tenant's state,
// so that a key of several orgs must name one: it names a tenant itself
// (a path or query parameter, or a body field of the rule), or the long
// tail keeps its writes (stateful). field is the name to report a missing
// tenant on: the one the operation declares, else platform_key.
func tenantScope(item *openapi3.PathItem, op *openapi3.Operation, stateful bool) (scoped bool, field string) {
	field = "platform_key"
	named := map[string]bool{"platform_org": true}
	for _, n := range tenantPathParams {
		named[n] = true
	}
	for _, ps := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, p := range ps {
			if p.Value != nil && named[p.Value.Name] && p.Value.In != openapi3.ParameterInHeader {
				return true, p.Value.Name
			}
		}
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		for _, mt := range op.RequestBody.Value.Content {
			if mt.Schema == nil || mt.Schema.Value == nil {
				continue
			}
			props := flatProperties(mt.Schema.Value)
			for _, f := range tenantFields {
				if props[f] != nil {
					return true, f
				}
			}
		}
	}
	return stateful, field
}
