package fake

import (
	"github.com/iblfake/iblfake/fake/credentials"
	"github.com/labstack/echo/v4"
)

// registerCredentialAdmin serves what the credentials API needs besides the
// vendor routes: the tenant directory (users with numeric ids, roles and
// groups) that assignments resolve against, seeded by tests with
// PUT /_fake/credential-groups (GET ?org= reads it), and the uploaded
// images at their media URLs.
func (s *Server) registerCredentialAdmin(g *echo.Group) {
	h := credentials.New(s.deps)
	g.PUT("/credential-groups", h.PutDirectory)
	g.GET("/credential-groups", h.GetDirectory)
	s.echo.GET(credentials.ImagePath, h.ServeImage)
}
