package fake

import (
	"net/http"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/labstack/echo/v4"
)

// authSchemes are the Authorization keywords the real service's clients use
// (decisions.md 1): Api-Token (Python SDK, vendor docs), Api-Key (spec
// text), Token (web data layer) and Bearer (older scripts, and the generated
// TS client's OpenAPI.TOKEN).
var authSchemes = []string{"api-token", "api-key", "token", "bearer"}

// authenticate checks the Authorization header as DRF's token
// authentication does, then whether the key may touch the request's tenant.
func (s *Server) authenticate(c echo.Context) error {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	fields := strings.Fields(h)
	if len(fields) == 0 || !knownScheme(fields[0]) {
		// DRF: no authenticator claims the request, so it is anonymous, and
		// the first authenticator's header turns the 403 into a 401.
		return unauthorized(api.MsgNotAuthenticated)
	}
	switch len(fields) {
	case 1:
		return unauthorized(api.MsgNoCredentials)
	case 2:
	default:
		return unauthorized(api.MsgTokenSpaces)
	}
	key := fields[1]
	if s.opts.keys == nil {
		return nil
	}
	orgs, ok := s.opts.keys[key]
	if !ok {
		return unauthorized(api.MsgInvalidToken)
	}
	api.SetAllowed(c, func(t string) bool { return orgs[t] })
	if t := api.Tenant(c); t != "" && !orgs[t] {
		return api.Detail(http.StatusForbidden, api.MsgForbidden)
	}
	return nil
}

func knownScheme(s string) bool {
	s = strings.ToLower(s)
	for _, k := range authSchemes {
		if s == k {
			return true
		}
	}
	return false
}

func unauthorized(msg string) *api.Error {
	e := api.Detail(http.StatusUnauthorized, msg)
	e.Header = http.Header{"Www-Authenticate": {"Token"}}
	return e
}
