package urlconf

import (
	"net/http"
	"strings"
)

// The tenants a request names (FIDELITY.md, "tenants"), in the order the
// rule reads them: the query's platform_org (the credentials API's
// override, SKILL-C: the path's org is then not named at all), the
// path's org, platform_key and key, the query's platform_key, key and
// org, then a POST, PUT or PATCH body's platform_org, platform_key, key
// and org. The first is the request's tenant. The fake holds a key to
// every one of them; the proxy journals the first.
var (
	tenantPathParams  = []string{"org", "platform_key", "key"}
	tenantQueryParams = []string{"platform_key", "key", "org"}
	// TenantFields are the body fields that name a tenant, in the rule's
	// order.
	TenantFields = []string{"platform_org", "platform_key", "key", "org"}
)

// TenantParams are the parameter names that name a tenant, wherever they
// are (path or query).
var TenantParams = []string{"platform_org", "org", "platform_key", "key"}

// Tenants calls fn with every tenant a request names, in the rule's order,
// until fn returns false. param, query and body look a path parameter, a
// query parameter and a body field up by name (body is asked only for a
// POST, PUT or PATCH, and may be nil). Values are trimmed of surrounding
// white space, as DRF's CharField reads them; an empty one names nothing.
func Tenants(method string, param, query func(string) string, body func(string) (any, bool), fn func(field, value string) bool) {
	override := Trim(query("platform_org"))
	if override != "" && !fn("platform_org", override) {
		return
	}
	for _, name := range tenantPathParams {
		if name == "org" && override != "" {
			continue // overridden: the request is not the path org's
		}
		if v := Trim(param(name)); v != "" && !fn(name, v) {
			return
		}
	}
	for _, name := range tenantQueryParams {
		if v := Trim(query(name)); v != "" && !fn(name, v) {
			return
		}
	}
	if body == nil || !BodyNamesTenant(method) {
		return
	}
	for _, f := range TenantFields {
		if v, ok := body(f); ok {
			// A non-string tenant field is the validator's to refuse.
			if t, ok := v.(string); ok && Trim(t) != "" && !fn(f, Trim(t)) {
				return
			}
		}
	}
}

// Tenant is the first tenant a request names ("" for none).
func Tenant(method string, param, query func(string) string, body func(string) (any, bool)) string {
	tenant := ""
	Tenants(method, param, query, body, func(_, v string) bool { tenant = v; return false })
	return tenant
}

// BodyNamesTenant reports whether a body of this method may name the
// tenant. The catalog takes the platform "as query param (GET / DELETE) or
// body field (POST)" (SKILL-CI); a PUT or PATCH body is read the same way,
// so that a write can never name one org in its body and land in another.
func BodyNamesTenant(method string) bool {
	return method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch
}

// Trim is a named tenant as DRF's CharField reads it: trimmed of
// surrounding white space, so " " names none and " acme " is acme.
func Trim(v string) string {
	if v == "" || v[0] > ' ' && v[len(v)-1] > ' ' {
		return v // the usual case, without a call
	}
	return strings.TrimSpace(v)
}
