package ui

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"net/http"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/labstack/echo/v4"
)

//go:embed static
var staticFS embed.FS

// asset is one embedded file of the shell, with its validator.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

func loadAsset(name, contentType string) asset {
	b, err := staticFS.ReadFile("static/" + name)
	if err != nil {
		panic("ui: embedded " + name + ": " + err.Error())
	}
	sum := sha256.Sum256(b)
	return asset{body: b, contentType: contentType, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
}

// assets are the shell's files by path (OpenPaths but /ui).
var assets = []struct {
	path string
	asset
}{
	{ShellPath, loadAsset("index.html", "text/html; charset=utf-8")},
	{"/ui/app.css", loadAsset("app.css", "text/css; charset=utf-8")},
	{"/ui/app.js", loadAsset("app.js", "text/javascript; charset=utf-8")},
	{"/ui/icon.svg", loadAsset("icon.svg", "image/svg+xml")},
}

// contentSecurity is every dashboard answer's policy: scripts, styles,
// images and fetches from the fake itself only (nothing from a CDN, no
// inline script or style, so a string that slipped through escaping could
// not run), no framing, and no form that submits itself (the script sends
// every form through the admin API).
const contentSecurity = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

// secure sets the headers every dashboard answer carries.
func secure(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurity)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
}

// staticRoutes serve the shell: the page, its stylesheet, script and icon
// (the same bytes on every server, revalidated by ETag), and /_fake/ui,
// which sends the browser to the page.
func (d *dashboard) staticRoutes() []api.Route {
	routes := []api.Route{{Method: http.MethodGet, Path: "/ui", Handler: func(c echo.Context) error {
		secure(c.Response().Header())
		return c.Redirect(http.StatusFound, "ui/") // relative: /_fake/ui/
	}}}
	for _, a := range assets {
		routes = append(routes, api.Route{Method: http.MethodGet, Path: a.path, Handler: func(c echo.Context) error {
			h := c.Response().Header()
			secure(h)
			h.Set("Cache-Control", "no-cache")
			h.Set("ETag", a.etag)
			if c.Request().Header.Get("If-None-Match") == a.etag {
				return c.NoContent(http.StatusNotModified)
			}
			return c.Blob(http.StatusOK, a.contentType, a.body)
		}})
	}
	return routes
}
