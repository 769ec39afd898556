package longtail

import (
	"net/http"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/internal/media"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/labstack/echo/v4"
)

// Files the long tail serves outside the vendor's API: the made-up files
// its answers' URL fields point at (package media), public as Django's
// MEDIA files are.

// MediaRoutes serve the made-up files and the uploads (uploads.go).
func (m *Module) MediaRoutes() []api.Route {
	return []api.Route{
		{Method: http.MethodGet, Path: media.MadeRoute, Handler: serveMade},
		{Method: http.MethodGet, Path: UploadRoute, Handler: m.serveUpload},
	}
}

// serveMade serves the made-up file the path names, or Django's 404. Its
// bytes depend on the URL alone, so a client may keep it as long as it
// likes.
func serveMade(c echo.Context) error {
	ct, name, data, ok := media.Made(c.Param("kind"), c.Param("seed"), c.Param("name"))
	if !ok {
		return echo.ErrNotFound
	}
	media.Serve(c.Response(), ct, name, data, "public, max-age=86400")
	return nil
}

// origin is the fake's own origin as the request reached it, where the
// answers' URLs point (what Django's build_absolute_uri gives a view).
func origin(c echo.Context) string { return c.Scheme() + "://" + c.Request().Host }

// synthOpts are the options of a value made for request c with seed: the
// fake's clock, the request's tenant, the fake's origin for URLs and the
// operation's path for context.
func (m *Module) synthOpts(c echo.Context, seed uint64) synth.Options {
	o := synth.Options{Seed: seed, Now: m.d.Clock.Now(), Tenant: api.Tenant(c), Base: origin(c)}
	if r := api.RequestOf(c).Route; r != nil {
		o.Path = r.Path
	}
	return o
}
