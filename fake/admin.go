package fake

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/journal"
	"github.com/iblfake/iblfake/internal/urlconf"
	"github.com/iblfake/iblfake/spec"
	"github.com/labstack/echo/v4"
)

// AdminPrefix is where the fake's own surface is served. It is not part of
// the vendor API and never asks for vendor auth.
const AdminPrefix = "/_fake"

// maxAdminBodyBytes bounds the body of every admin route but PUT
// /_fake/state (maxStateBytes): a scenario file, a directory or a clock
// move is far smaller, and an unbounded read lets anyone who can reach the
// port exhaust the fake's memory.
const maxAdminBodyBytes = 16 << 20

// registerAdmin mounts every admin route, the server's own and each
// module's, in one way: on one group behind the admin token (adminAuth,
// which lets only GET and HEAD /_fake/health through), each with its body
// read once under its limit (413 over it), a HEAD twin for every GET, and
// DRF's 405 with Allow for any other method on an admin path.
func (s *Server) registerAdmin() error {
	routes := s.adminRoutes()
	for _, m := range s.modules {
		routes = append(routes, m.AdminRoutes()...)
	}
	g := s.echo.Group(AdminPrefix, s.adminGuard, s.adminAuth)
	methods := map[string][]string{}
	var paths []string
	for _, r := range routes {
		if !strings.HasPrefix(r.Path, "/") {
			return fmt.Errorf("admin route %s %q: the path must start with /", r.Method, r.Path)
		}
		if slices.Contains(methods[r.Path], r.Method) {
			return fmt.Errorf("admin route %s %s%s is registered twice", r.Method, AdminPrefix, r.Path)
		}
		if methods[r.Path] == nil {
			paths = append(paths, r.Path)
		}
		methods[r.Path] = append(methods[r.Path], r.Method)
		limit := r.MaxBody
		if limit <= 0 {
			limit = maxAdminBodyBytes
		}
		h := knownQuery(r, readAdminBody(limit, r.Handler))
		g.Add(r.Method, r.Path, h)
		if r.Method == http.MethodGet {
			g.Add(http.MethodHead, r.Path, h)
			methods[r.Path] = append(methods[r.Path], http.MethodHead)
		}
	}
	for _, p := range paths {
		header := urlconf.Allow(methods[p])
		for _, m := range urlconf.MethodOrder {
			if !strings.Contains(header, m) {
				g.Add(m, p, adminMethodNotAllowed(header))
			}
		}
		g.Add(http.MethodOptions, p, func(c echo.Context) error { return optionsAllow(c, header) })
	}
	return nil
}

// knownQuery answers a request naming a query parameter r does not take
// (api.Route.Query) with a 400 naming it, before the body is read or the
// handler runs: every admin route, a module's or one added later, refuses
// a parameter it would otherwise ignore.
func knownQuery(r api.Route, h echo.HandlerFunc) echo.HandlerFunc {
	takes := "it takes none"
	if len(r.Query) > 0 {
		takes = "it takes " + strings.Join(r.Query, ", ")
	}
	return func(c echo.Context) error {
		q := c.QueryParams()
		if len(q) == 0 {
			return h(c)
		}
		for _, name := range slices.Sorted(maps.Keys(q)) {
			if !slices.Contains(r.Query, name) {
				return api.Detail(http.StatusBadRequest, fmt.Sprintf("Unknown query parameter %q for %s %s%s: %s.",
					name, c.Request().Method, AdminPrefix, r.Path, takes))
			}
		}
		return h(c)
	}
}

// readAdminBody reads an admin request's body once, under limit, before the
// handler runs; handlers read api.RequestBody(c).Raw.
func readAdminBody(limit int64, h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		b := api.ReadBody(c.Request(), limit)
		if b.Err != nil {
			return b.Err
		}
		if err := adminBodyType(b); err != nil {
			return err
		}
		api.RequestOf(c).Body = b
		setBody(c.Request(), b.Raw)
		return h(c)
	}
}

func adminMethodNotAllowed(allow string) echo.HandlerFunc {
	return func(c echo.Context) error {
		ae := api.Detail(http.StatusMethodNotAllowed, fmt.Sprintf("Method \"%s\" not allowed.", c.Request().Method))
		ae.Header = http.Header{"Allow": {allow}}
		return ae
	}
}

// adminRoutes are the server's own admin routes (the modules add theirs).
func (s *Server) adminRoutes() []api.Route {
	routes := []api.Route{
		{Method: http.MethodGet, Path: "/health", Handler: s.health},
		{Method: http.MethodGet, Path: "/openapi.json", Handler: func(c echo.Context) error {
			return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, s.spec.JSON)
		}},
		{Method: http.MethodGet, Path: "/requests", Handler: echo.WrapHandler(s.journal), Query: journal.QueryParams},
		{Method: http.MethodDelete, Path: "/requests", Handler: echo.WrapHandler(s.journal)},
		{Method: http.MethodPost, Path: "/reset", Handler: s.reset, Query: []string{"tenant", "to"}},
	}
	routes = append(routes, s.clockRoutes()...)
	routes = append(routes, s.coverageRoutes()...)
	routes = append(routes, s.stateRoutes()...)
	routes = append(routes, s.dashboardRoutes()...)
	return append(routes, s.scenarioRoutes()...)
}

// health is GET /_fake/health: versions only, open without the token.
func (s *Server) health(c echo.Context) error {
	return api.JSON(c, http.StatusOK, map[string]any{
		"status": "ok", "version": Version,
		"vendor_package": spec.VendorPackage + "@" + spec.VendorPackageVersion,
		"vendor_spec":    s.spec.VendorVersion,
	})
}

// scenarioRoutes serve the scenario part of /_fake/:
//
//	GET  /_fake/scenarios                  every known scenario, its rules and counters
//	POST /_fake/scenarios[?activate=true]  add (or replace) one from a YAML or JSON body
//	POST /_fake/scenarios/:name/activate   apply it to every request
//	POST /_fake/scenarios/:name/deactivate stop applying it
//	POST /_fake/scenarios/reset            restart every rule's times/after counting
//
// What is added and switched is kept in the store for the next start
// (settings.go): a --db fake comes back with it.
func (s *Server) scenarioRoutes() []api.Route {
	list := func(c echo.Context) error {
		return api.JSON(c, http.StatusOK, map[string]any{"scenarios": s.scen.List()})
	}
	return []api.Route{
		{Method: http.MethodGet, Path: "/scenarios", Handler: list},
		{Method: http.MethodPost, Path: "/scenarios", Query: []string{"activate"}, Handler: func(c echo.Context) error {
			if _, err := s.addScenario("request body", api.RequestBody(c).Raw, api.QueryBool(c, "activate")); err != nil {
				return api.Detail(http.StatusBadRequest, err.Error())
			}
			return list(c)
		}},
		{Method: http.MethodPost, Path: "/scenarios/reset", Handler: func(c echo.Context) error {
			s.scen.ResetCounters()
			return list(c)
		}},
		{Method: http.MethodPost, Path: "/scenarios/:name/activate", Handler: func(c echo.Context) error {
			if err := s.switchScenario(c.Param("name"), true); err != nil {
				return api.Detail(http.StatusNotFound, err.Error())
			}
			return list(c)
		}},
		{Method: http.MethodPost, Path: "/scenarios/:name/deactivate", Handler: func(c echo.Context) error {
			if err := s.switchScenario(c.Param("name"), false); err != nil {
				return api.Detail(http.StatusNotFound, err.Error())
			}
			return list(c)
		}},
	}
}
