package fake

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// WithCORS sets the origins the vendor API allows by CORS ("*" for any);
// with none, CORS headers are not sent. The default allows any origin, for
// local frontends. It never applies to the admin surface (WithAdminCORS).
func WithCORS(origins ...string) Option {
	return func(o *options) error { o.corsOrigins = origins; return nil }
}

// WithAdminCORS lets pages from these origins call the admin surface
// (/_fake/...) from a browser. Off by default: with CORS open there, any
// web page open in a developer's browser could read, replace or reset a
// laptop fake's state. The fake's own dashboard is same-origin and needs
// none.
func WithAdminCORS(origins ...string) Option {
	return func(o *options) error { o.adminCORSOrigins = origins; return nil }
}

// useCORS installs the vendor API's CORS and, when origins are named for
// it, the admin surface's, each skipping the other's paths.
func (s *Server) useCORS() {
	isAdmin := func(c echo.Context) bool {
		p := c.Request().URL.Path
		return p == AdminPrefix || strings.HasPrefix(p, AdminPrefix+"/")
	}
	if s.opts.corsOrigins != nil {
		s.echo.Use(corsMiddleware(s.opts.corsOrigins, isAdmin,
			[]string{"Authorization", "Content-Type", "Accept", ScenarioHeader, "Prefer"}))
	}
	if s.opts.adminCORSOrigins != nil {
		s.echo.Use(corsMiddleware(s.opts.adminCORSOrigins, func(c echo.Context) bool { return !isAdmin(c) },
			[]string{"Authorization", "Content-Type", "Accept"}))
	}
}

// corsMiddleware lets browser frontends on other origins call the paths
// skip does not exclude.
func corsMiddleware(origins []string, skip func(echo.Context) bool, headers []string) echo.MiddlewareFunc {
	return middleware.CORSWithConfig(middleware.CORSConfig{
		// A plain OPTIONS (no Origin: not a browser's preflight) goes on to
		// the route's own OPTIONS handler, which states the path's Allow
		// (routes.go, optionsAllow); the middleware would answer it itself.
		Skipper: func(c echo.Context) bool {
			r := c.Request()
			return skip(c) || r.Method == http.MethodOptions && r.Header.Get(echo.HeaderOrigin) == ""
		},
		AllowOrigins: origins,
		AllowMethods: []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"},
		AllowHeaders: headers,
		MaxAge:       600,
	})
}
