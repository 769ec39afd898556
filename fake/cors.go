package fake

import (
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
)

// WithCORS sets the origins the vendor API allows by CORS ("*" for any);
// with none, CORS headers are not sent. The default allows any origin, for
// local frontends. It never applies to the admin surface (WithAdminCORS).
//
// An origin named here (or matched by a pattern with "*", such as
// "http://localhost:*") is echoed back with
// Access-Control-Allow-Credentials: true, so a page there may send
// credentials (fetch's credentials: 'include', axios' withCredentials).
// Any other origin, under "*", gets "Access-Control-Allow-Origin: *" and
// never credentials: browsers refuse credentials with "*", and the fake
// will not hand them to every page on the web. A preflight allows the
// request headers it asks for unless WithCORSHeaders lists them, and every
// answer lets the page read CORSExposedHeaders and the headers a scenario
// rule adds.
func WithCORS(origins ...string) Option {
	return func(o *options) error { o.corsOrigins = origins; return nil }
}

// WithCORSHeaders lists the request headers a preflight to the vendor API
// allows, instead of every header it asks for (the default). Browser SDKs
// add their own (Sentry's sentry-trace and baggage, OpenTelemetry's
// traceparent, jQuery's and axios' X-Requested-With): reflecting them is
// what lets such a page talk to the fake at all; a list is for testing
// that a frontend sends only what a stricter gateway allows.
func WithCORSHeaders(headers ...string) Option {
	return func(o *options) error { o.corsHeaders = headers; return nil }
}

// WithAdminCORS lets pages from these origins call the admin surface
// (/_fake/...) from a browser. Off by default: with CORS open there, any
// web page open in a developer's browser could read, replace or reset a
// laptop fake's state. The fake's own dashboard is same-origin and needs
// none.
func WithAdminCORS(origins ...string) Option {
	return func(o *options) error { o.adminCORSOrigins = origins; return nil }
}

// CORSExposedHeaders are the answer headers a page on another origin may
// read besides the CORS-safelisted ones (Content-Type, Content-Length,
// ...): Retry-After for a frontend's back-off on 429 and 503, the
// authentication challenge of a 401, a redirect's Location, a 405's Allow,
// and the fake's own AppliedHeader. A scenario rule's own headers are
// added to the list on the answers it touches.
var CORSExposedHeaders = []string{"Retry-After", "WWW-Authenticate", "Location", "Allow", AppliedHeader}

// corsMethods are the methods a preflight allows: every method the vendor
// API has.
const corsMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"

// corsMaxAge is how long a browser may cache a preflight, in seconds.
const corsMaxAge = "600"

// useCORS installs the vendor API's CORS and, when origins are named for
// it, the admin surface's, each skipping the other's paths.
func (s *Server) useCORS() {
	isAdmin := func(c echo.Context) bool {
		p := c.Request().URL.Path
		return p == AdminPrefix || strings.HasPrefix(p, AdminPrefix+"/")
	}
	if s.opts.corsOrigins != nil {
		s.echo.Use(newCORS(s.opts.corsOrigins, s.opts.corsHeaders, true, CORSExposedHeaders).middleware(isAdmin))
	}
	if s.opts.adminCORSOrigins != nil {
		// The admin surface keeps a fixed, short list of request headers
		// and no credentials: it takes a bearer token, never a cookie.
		s.echo.Use(newCORS(s.opts.adminCORSOrigins, []string{"Authorization", "Content-Type", "Accept"}, false, nil).
			middleware(func(c echo.Context) bool { return !isAdmin(c) }))
	}
}

// cors is one CORS policy.
type cors struct {
	anyOrigin bool            // "*" is listed
	named     map[string]bool // exact origins
	patterns  []*regexp.Regexp
	// headers is the fixed Access-Control-Allow-Headers; "" reflects the
	// preflight's Access-Control-Request-Headers.
	headers string
	// credentials: named and pattern origins may send credentials.
	credentials bool
	expose      string
}

func newCORS(origins, headers []string, credentials bool, expose []string) *cors {
	p := &cors{named: map[string]bool{}, headers: strings.Join(headers, ", "), credentials: credentials,
		expose: strings.Join(expose, ", ")}
	for _, o := range origins {
		switch {
		case o == "*":
			p.anyOrigin = true
		case strings.Contains(o, "*"):
			parts := strings.Split(o, "*")
			for i := range parts {
				parts[i] = regexp.QuoteMeta(parts[i])
			}
			p.patterns = append(p.patterns, regexp.MustCompile("^"+strings.Join(parts, "[^/]*")+"$"))
		default:
			p.named[strings.TrimSuffix(o, "/")] = true
		}
	}
	return p
}

// allow says how the policy answers origin: the Access-Control-Allow-Origin
// value ("" refuses it) and whether credentials are allowed.
func (p *cors) allow(origin string) (string, bool) {
	if origin == "" {
		return "", false
	}
	if p.named[origin] {
		return origin, p.credentials
	}
	for _, re := range p.patterns {
		if re.MatchString(origin) {
			return origin, p.credentials
		}
	}
	if p.anyOrigin {
		return "*", false
	}
	return "", false
}

// middleware lets pages on the allowed origins call the paths skip does
// not exclude. A preflight (OPTIONS with Origin and
// Access-Control-Request-Method) is answered here with a 204, allowed or
// not; any other request goes on to its handler with the CORS headers
// set, so error answers (401, 429, a scenario's 503) carry them too. A
// plain OPTIONS (no Origin) goes on to the route's own OPTIONS handler,
// which states the path's Allow (routes.go, optionsAllow).
func (p *cors) middleware(skip func(echo.Context) bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if skip(c) {
				return next(c)
			}
			r, h := c.Request(), c.Response().Header()
			// Answers differ by Origin, so caches must key on it, even for
			// a request without one (or from an origin refused).
			h.Add(echo.HeaderVary, echo.HeaderOrigin)
			origin := r.Header.Get(echo.HeaderOrigin)
			preflight := r.Method == http.MethodOptions && origin != "" && r.Header.Get(echo.HeaderAccessControlRequestMethod) != ""
			allowed, credentials := p.allow(origin)
			if !preflight {
				if allowed != "" {
					p.allowHeaders(h, allowed, credentials)
					if p.expose != "" {
						h.Set(echo.HeaderAccessControlExposeHeaders, p.expose)
					}
				}
				return next(c)
			}
			h.Add(echo.HeaderVary, echo.HeaderAccessControlRequestMethod)
			h.Add(echo.HeaderVary, echo.HeaderAccessControlRequestHeaders)
			if allowed == "" {
				return c.NoContent(http.StatusNoContent) // no CORS headers: the browser refuses
			}
			p.allowHeaders(h, allowed, credentials)
			h.Set(echo.HeaderAccessControlAllowMethods, corsMethods)
			if p.headers != "" {
				h.Set(echo.HeaderAccessControlAllowHeaders, p.headers)
			} else if asked := r.Header.Get(echo.HeaderAccessControlRequestHeaders); asked != "" {
				h.Set(echo.HeaderAccessControlAllowHeaders, asked)
			}
			// Chromium asks before a public page may call a private or
			// loopback address (Private Network Access); a fake on a
			// laptop is exactly that, for a frontend deployed elsewhere.
			if r.Header.Get("Access-Control-Request-Private-Network") == "true" {
				h.Set("Access-Control-Allow-Private-Network", "true")
			}
			h.Set(echo.HeaderAccessControlMaxAge, corsMaxAge)
			return c.NoContent(http.StatusNoContent)
		}
	}
}

func (p *cors) allowHeaders(h http.Header, origin string, credentials bool) {
	h.Set(echo.HeaderAccessControlAllowOrigin, origin)
	if credentials {
		h.Set(echo.HeaderAccessControlAllowCredentials, "true")
	}
}

// exposeToCORS adds a scenario rule's header names to the answer's
// Access-Control-Expose-Headers, when CORS set one (the request came from
// an allowed origin): "*" would expose them only to pages that send no
// credentials, so they are named.
func exposeToCORS(h http.Header, added map[string]string) {
	exposed := h.Get(echo.HeaderAccessControlExposeHeaders)
	if exposed == "" || len(added) == 0 {
		return
	}
	have := map[string]bool{}
	for _, n := range strings.Split(exposed, ",") {
		have[http.CanonicalHeaderKey(strings.TrimSpace(n))] = true
	}
	var more []string
	for n := range added {
		if !have[http.CanonicalHeaderKey(n)] {
			more = append(more, n)
		}
	}
	if len(more) > 0 {
		slices.Sort(more)
		h.Set(echo.HeaderAccessControlExposeHeaders, exposed+", "+strings.Join(more, ", "))
	}
}
