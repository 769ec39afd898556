package fake

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/internal/admintoken"
	"github.com/iblfake/iblfake/internal/ui"
	"github.com/labstack/echo/v4"
)

// Messages of the admin token check, kept as constants so tests assert them
// (the proxy answers the same, package admintoken).
const (
	MsgAdminTokenRequired = admintoken.Required
	MsgAdminTokenInvalid  = admintoken.Invalid
)

// adminOpen reports whether a request may reach the admin surface without
// the token: only GET and HEAD of /_fake/health, since a container's health
// check (Dockerfile HEALTHCHECK, compose, Kubernetes probes) has no secret
// to send and the health answer reveals only versions, and of the
// dashboard's static shell (ui.OpenPaths: the page, its stylesheet, script
// and icon, the same bytes on every server), which a browser must load
// before the page can ask for the token. Everything the dashboard shows is
// fetched from other routes, behind the token.
func adminOpen(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	p, ok := strings.CutPrefix(r.URL.Path, AdminPrefix)
	return ok && (p == "/health" || slices.Contains(ui.OpenPaths, p))
}

// WithAdminToken protects the admin surface (/_fake/...): every request but
// GET /_fake/health must send Authorization: Bearer token, else it is a 401
// with a JSON body. Without it (the default) the admin surface is open to
// anyone who can reach the port.
func WithAdminToken(token string) Option {
	return func(o *options) error {
		if token == "" {
			return fmt.Errorf("WithAdminToken: the token is empty")
		}
		o.adminToken = token
		return nil
	}
}

// AdminOpen reports whether the admin surface answers without a token.
func (s *Server) AdminOpen() bool { return s.opts.adminToken == "" }

// adminAuth is the /_fake group's middleware: with an admin token set,
// every request but adminOpen ones must carry it.
func (s *Server) adminAuth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.opts.adminToken == "" || adminOpen(c.Request()) {
			return next(c)
		}
		if msg := admintoken.Check(c.Request().Header.Get(echo.HeaderAuthorization), s.opts.adminToken); msg != "" {
			return adminUnauthorized(msg)
		}
		return next(c)
	}
}

func adminUnauthorized(msg string) *api.Error {
	e := api.Detail(http.StatusUnauthorized, msg)
	e.Header = http.Header{"Www-Authenticate": {admintoken.Challenge}}
	return e
}
