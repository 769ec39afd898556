package fake

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/internal/admintoken"
	"github.com/iblfake/iblfake/internal/ui"
	"github.com/labstack/echo/v4"
)

// The admin surface's guards: the admin token (adminAuth, below) and what
// keeps a web page from steering a fake it can reach. A browser sends
// "simple" cross-site requests (a POST of text/plain or a form) without
// asking first, and a page can rebind its own host name to 127.0.0.1 to
// read what the fake answers; both would reach an open fake (no admin
// token, the laptop default) from any page open in the developer's browser.
// So the admin surface:
//
//   - refuses a state-changing request (any method but GET, HEAD and
//     OPTIONS) whose Origin is present and is neither the fake's own nor an
//     admin CORS origin (WithAdminCORS), and one a browser marks
//     Sec-Fetch-Site: cross-site (403);
//   - reads a body only as JSON or YAML by its Content-Type (415), so a
//     form or text/plain body, the only ones a page can send unasked, is
//     never read (a body with no Content-Type is read as JSON or YAML:
//     no browser sends one without its page's Origin);
//   - on an open fake, answers only a Host it knows (403): a loopback name,
//     the address it listens on, or one named by WithAdminHosts, so that a
//     rebound name reads nothing. With an admin token the token guards it,
//     and a container's service name (iblfake:8080) needs no listing.
//
// curl sends no Origin, and the dashboard is same-origin and sends JSON or
// YAML, so both keep working.

// WithAdminHosts names the hosts (without port) an open admin surface
// answers besides loopback names and addresses: the names other machines
// or containers reach the fake by. "*" answers any host, which lets a web
// page rebind its name to the fake; prefer WithAdminToken.
func WithAdminHosts(hosts ...string) Option {
	return func(o *options) error {
		for _, h := range hosts {
			if h = strings.TrimSpace(h); h != "" {
				o.adminHosts = append(o.adminHosts, strings.ToLower(strings.Trim(h, "[]")))
			}
		}
		return nil
	}
}

// adminGuard is the admin group's first middleware (before the token).
func (s *Server) adminGuard(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if s.opts.adminToken == "" && !adminOpen(r) && !s.knownHost(r.Host) {
			return api.Detail(http.StatusForbidden, fmt.Sprintf(
				"Host %q is not one this fake answers on its admin surface (a loopback name, its listen address or --admin-hosts); name it with --admin-hosts, or set --admin-token.", r.Host))
		}
		if !safeAdminMethod(r.Method) && s.crossSite(r) {
			return api.Detail(http.StatusForbidden,
				"Cross-site requests may not change the fake: the page's origin is neither the fake's own nor one --admin-cors-origins names.")
		}
		return next(c)
	}
}

func safeAdminMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// crossSite reports whether a browser sent r from a page the admin surface
// does not trust: its Origin is another than the fake's and no admin CORS
// origin, or the browser says it is cross-site.
func (s *Server) crossSite(r *http.Request) bool {
	origin := r.Header.Get(echo.HeaderOrigin)
	if origin != "" && slices.Contains(s.opts.adminCORSOrigins, origin) {
		return false // a page the fake was told to trust
	}
	if strings.EqualFold(r.Header.Get("Sec-Fetch-Site"), "cross-site") {
		return true
	}
	if origin == "" {
		return false // not a browser's cross-origin request (curl, Go, ...)
	}
	own := "http://" + r.Host
	if r.TLS != nil {
		own = "https://" + r.Host
	}
	return !strings.EqualFold(origin, own)
}

// knownHost reports whether an open admin surface answers a request for
// host (a Host header, with or without port).
func (s *Server) knownHost(host string) bool {
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.ToLower(strings.Trim(name, "[]"))
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return true
	}
	if ip := net.ParseIP(name); ip != nil && ip.IsLoopback() {
		return true
	}
	return slices.Contains(s.opts.adminHosts, name) || slices.Contains(s.opts.adminHosts, "*")
}

// adminMediaTypes are the bodies the admin surface reads: JSON (state,
// clock, directories) and YAML (scenario files, fixtures).
var adminMediaTypes = []string{
	"application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml",
}

// adminBodyType refuses an admin body whose Content-Type is neither JSON
// nor YAML (DRF's 415 wording, with what to send instead). A request
// without a body needs none, and a body without a Content-Type is read as
// the handler reads it (JSON or YAML): a browser names the type of every
// body a page sends (text/plain for a string), and one without a type
// still carries the page's Origin, which adminGuard refuses.
func adminBodyType(b *api.Body) error {
	if len(b.Raw) == 0 || b.MediaType == "" || slices.Contains(adminMediaTypes, b.MediaType) || strings.HasSuffix(b.MediaType, "+json") {
		return nil
	}
	ct := b.MediaType
	return api.Detail(http.StatusUnsupportedMediaType, fmt.Sprintf(
		"Unsupported media type %q in request. The admin surface reads JSON or YAML: send Content-Type: application/json (curl: -H 'Content-Type: application/json') or application/yaml.", ct))
}

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
