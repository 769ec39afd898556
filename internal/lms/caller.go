package lms

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/labstack/echo/v4"
)

// caller is who an LMS request comes from: the token it carries, the
// user it names and the tenants it may see.
type caller struct {
	token    string
	username string
	claims   map[string]any
	// orgs are the tenants the token may touch; all: every tenant.
	orgs map[string]bool
	all  bool
}

// defaultUser is the user a token that names none is: the platform
// admin the data layer's own paths name (/users/admin/), the demo
// tenant's admin.
const defaultUser = "admin"

// schemes are the Authorization keywords taken: the data layer sends
// "JWT <edx_jwt_token>" for a token over 30 characters and "Bearer
// <token>" for a shorter one (getHeaders in @iblai/data-layer 1.1.2); the
// data manager's own keywords are taken too, so a key works the same
// everywhere.
var schemes = []string{"jwt", "bearer", "token", "api-token", "api-key"}

// authenticate reads the caller as DRF's token authentication reads a
// data-manager request: no token (or an unknown keyword) is a 401, and
// while keys are bound a token that is not one is a 401 too.
func (m *Module) authenticate(c echo.Context) (*caller, error) {
	fields := strings.Fields(c.Request().Header.Get(echo.HeaderAuthorization))
	if len(fields) == 0 || !slices.Contains(schemes, strings.ToLower(fields[0])) {
		return nil, unauthorized(api.MsgNotAuthenticated)
	}
	if len(fields) != 2 {
		return nil, unauthorized(api.MsgNoCredentials)
	}
	who := &caller{token: fields[1], claims: jwtClaims(fields[1]), all: m.o.Keys == nil}
	if m.o.Keys != nil {
		orgs, ok := m.o.Keys[who.token]
		if !ok {
			return nil, unauthorized(api.MsgInvalidToken)
		}
		who.orgs, who.all = orgs, orgs[m.o.AllOrgs]
	}
	who.username = defaultUser
	for _, k := range []string{"preferred_username", "username"} {
		if s, ok := who.claims[k].(string); ok && s != "" {
			who.username = s
			break
		}
	}
	return who, nil
}

// sees reports whether the caller may see tenant.
func (w *caller) sees(tenant string) bool { return w.all || w.orgs[tenant] }

// visible are the tenants the caller may see, sorted: every tenant the
// fake knows for a token that may touch every org, else the key's.
func (m *Module) visible(w *caller) ([]string, error) {
	if !w.all {
		var out []string
		for org := range w.orgs {
			out = append(out, org)
		}
		slices.Sort(out)
		return out, nil
	}
	ts, err := m.o.Tenants()
	if err != nil {
		return nil, err
	}
	ts = slices.Clone(ts)
	slices.Sort(ts)
	return slices.Compact(ts), nil
}

// jwtClaims reads the claims of a JWT (header.payload.signature, each
// base64url) without checking its signature: the fake trusts the token's
// word for who its user is, as it trusts any key while none is bound. A
// token that is not a JWT has no claims.
func jwtClaims(token string) map[string]any {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil
	}
	var claims map[string]any
	if json.Unmarshal(raw, &claims) != nil {
		return nil
	}
	return claims
}

func unauthorized(msg string) *api.Error {
	e := api.Detail(http.StatusUnauthorized, msg)
	e.Header = http.Header{"Www-Authenticate": {"JWT realm=\"api\""}}
	return e
}
