package fake

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/labstack/echo/v4"
)

// authSchemes are the Authorization keywords the real service's clients use
// (FIDELITY.md, auth): Api-Token (Python SDK, vendor docs), Api-Key (spec
// text), Token (web data layer) and Bearer (older scripts, and the generated
// TS client's OpenAPI.TOKEN).
var authSchemes = []string{"api-token", "api-key", "token", "bearer"}

// authenticate checks the Authorization header as DRF's token
// authentication does, then whether the key may touch every tenant the
// request names (tenant.go). orgs are the key's (nil while no keys are
// bound, and for a DM admin); dmAdmin reports whether the key is a DM admin
// (every key is one while no keys are bound).
func (s *Server) authenticate(c echo.Context) (orgs map[string]bool, dmAdmin bool, err error) {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	fields, n := authFields(h)
	if n == 0 || !knownScheme(fields[0]) {
		// DRF: no authenticator claims the request, so it is anonymous, and
		// the first authenticator's header turns the 403 into a 401.
		return nil, false, unauthorized(api.MsgNotAuthenticated)
	}
	switch n {
	case 1:
		return nil, false, unauthorized(api.MsgNoCredentials)
	case 2:
	default:
		return nil, false, unauthorized(api.MsgTokenSpaces)
	}
	key := fields[1]
	if s.opts.keys == nil {
		return nil, true, nil
	}
	orgs, ok := s.opts.keys[key]
	if !ok {
		return nil, false, unauthorized(api.MsgInvalidToken)
	}
	if orgs[DMAdmin] {
		return nil, true, nil // every org, as with no keys bound
	}
	api.RequestOf(c).Allows = func(t string) bool { return orgs[t] }
	if err := checkTenants(c, orgs); err != nil {
		return nil, false, err
	}
	return orgs, false, nil
}

// DMAdmin, bound as a key's org (--api-key KEY=*, WithAPIKey(key, DMAdmin)),
// makes the key a data-manager admin: it may touch every org and call the
// operations only DM admins may (api.Operation.DMAdminOnly). With no keys bound, every key
// is one.
const DMAdmin = "*"

// apiKey returns the key of an Authorization header in one of the
// authSchemes ("" for none): who the caller is, for per-caller scenario
// counters, whether or not the key turns out to be valid.
func apiKey(r *http.Request) string {
	fields, n := authFields(r.Header.Get(echo.HeaderAuthorization))
	if n != 2 || !knownScheme(fields[0]) {
		return ""
	}
	return fields[1]
}

// authFields splits an Authorization header as strings.Fields does and
// returns its first two fields and how many there are (3 for three or
// more), without allocating for an ASCII header (every header a client
// sends): this runs on every authenticated request.
func authFields(h string) (f [2]string, n int) {
	for i := 0; i < len(h); i++ {
		if h[i] >= utf8.RuneSelf {
			all := strings.Fields(h) // unicode spaces: strings.Fields' own rules
			copy(f[:], all)
			return f, min(len(all), 3)
		}
	}
	for i := 0; i < len(h) && n < 3; {
		for i < len(h) && asciiSpace(h[i]) {
			i++
		}
		start := i
		for i < len(h) && !asciiSpace(h[i]) {
			i++
		}
		if i > start {
			if n < 2 {
				f[n] = h[start:i]
			}
			n++
		}
	}
	return f, n
}

// asciiSpace is strings.Fields' ASCII white space.
func asciiSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\v' || b == '\f' || b == '\r'
}

// knownScheme reports whether s, lower-cased, is one of authSchemes. An
// ASCII s is compared without lower-casing it into a new string.
func knownScheme(s string) bool {
	ascii := true
	for i := 0; i < len(s); i++ {
		ascii = ascii && s[i] < utf8.RuneSelf
	}
	if !ascii {
		s = strings.ToLower(s) // Unicode lower-casing, as before
	}
	for _, k := range authSchemes {
		if ascii && strings.EqualFold(s, k) || s == k {
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
