package fake

import (
	"net/http"
	"strconv"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/spec"
	"github.com/labstack/echo/v4"
)

// registerAdmin serves the fake's own surface under /_fake/. It is not part
// of the vendor API and never asks for vendor auth.
func (s *Server) registerAdmin() {
	g := s.echo.Group("/_fake")
	if s.opts.adminToken != "" {
		g.Use(s.adminAuth)
	}
	s.registerClock(g)
	s.registerCredentialAdmin(g)
	s.registerAdminState(g)
	s.registerScenarioAdmin(g)
	g.GET("/health", func(c echo.Context) error {
		return api.JSON(c, http.StatusOK, map[string]any{
			"status": "ok", "version": Version,
			"vendor_package": spec.VendorPackage + "@" + spec.VendorPackageVersion,
			"vendor_spec":    s.spec.VendorVersion,
		})
	})
	g.GET("/openapi.json", func(c echo.Context) error {
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, s.spec.JSON)
	})
	g.GET("/requests", func(c echo.Context) error {
		entries := s.journal.Entries()
		if n, err := strconv.Atoi(c.QueryParam("limit")); err == nil && n >= 0 && n < len(entries) {
			entries = entries[len(entries)-n:]
		}
		if entries == nil {
			entries = []Entry{}
		}
		return api.JSON(c, http.StatusOK, map[string]any{"total": s.journal.Total(), "requests": entries})
	})
	g.DELETE("/requests", func(c echo.Context) error {
		s.journal.Clear()
		return c.NoContent(http.StatusNoContent)
	})
	g.POST("/reset", func(c echo.Context) error {
		if err := s.Reset(); err != nil {
			return err
		}
		return api.JSON(c, http.StatusOK, map[string]any{"reset": true})
	})
}
