package fake

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/labstack/echo/v4"
)

// pathMethods is what one spec path serves: its methods, and whether every
// one of them is public (no security requirement).
type pathMethods struct {
	methods map[string]bool
	public  bool
}

// drfMethodOrder is the order of Django's View.http_method_names, which is
// the order DRF lists a view's methods in its Allow header.
var drfMethodOrder = []string{
	http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodHead, http.MethodOptions,
}

// registerMethodNotAllowed gives every spec path an explicit 405 for each
// method it lacks.
//
// Why not leave it to Echo's router: Django resolves the path first and the
// method second, so once a URL matches a pattern, a method that view lacks
// is that view's 405. Echo instead falls back to a parameter route that has
// the method: GET .../issuers/authority/ would reach the issuer detail as
// entity "authority" (a 404), and DELETE .../users/{user}/issuers/ or PUT
// .../images/ the credential detail. The static patterns must come first in
// the real URLconf, since GET .../issuers/ lists issuers there.
//
// And, as DRF's APIView.dispatch runs initial() (authentication and
// permissions) before it looks up the method's handler, a protected path
// answers 401/403 before 405; a public path answers 405 at once.
func (s *Server) registerMethodNotAllowed(paths map[string]*pathMethods) {
	for tpl, pm := range paths {
		allowed := map[string]bool{http.MethodOptions: true}
		for m := range pm.methods {
			allowed[m] = true
		}
		if allowed[http.MethodGet] {
			allowed[http.MethodHead] = true // Django's View: head = get
		}
		var allow []string
		for _, m := range drfMethodOrder {
			if allowed[m] {
				allow = append(allow, m)
			}
		}
		header, path := strings.Join(allow, ", "), echoPath(tpl)
		h := s.methodNotAllowed(header, pm.public)
		for _, m := range drfMethodOrder {
			if !allowed[m] {
				s.echo.Add(m, path, h)
			}
		}
		// OPTIONS keeps Echo's answer, a 204 with Allow (the CORS middleware
		// answers preflights before it), but Echo would list the 405
		// handlers above as allowed methods, so the path states its own.
		s.echo.Add(http.MethodOptions, path, optionsAllow(header))
	}
}

// optionsAllow answers a plain OPTIONS request with the path's Allow header
// and no body. (DRF would answer 200 with its metadata JSON, whose view
// names the fake cannot know; see FIDELITY.md.)
func optionsAllow(allow string) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Allow", allow)
		return c.NoContent(http.StatusNoContent)
	}
}

// methodNotAllowed answers DRF's 405 with the view's Allow header, after
// authenticating the request unless the path is public.
func (s *Server) methodNotAllowed(allow string, public bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !public {
			if err := s.readRequest(c, nil); err != nil {
				return err
			}
			s.setTenant(c)
			if _, _, err := s.authenticate(c); err != nil {
				return err
			}
		}
		ae := api.Detail(http.StatusMethodNotAllowed, fmt.Sprintf("Method \"%s\" not allowed.", c.Request().Method))
		ae.Header = http.Header{"Allow": {allow}}
		return ae
	}
}
