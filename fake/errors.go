package fake

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// djangoNotFound is the page Django (DEBUG off) answers for a URL that
// matches no route (FIDELITY.md).
const djangoNotFound = `<!doctype html>
<html lang="en">
<head>
  <title>Not Found</title>
</head>
<body>
  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>
</body>
</html>
`

// handleError is the one place errors become responses: api.Error as the
// vendor shapes it, Echo's routing errors as Django does, anything else as a
// logged 500.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var ae *api.Error
	var he *echo.HTTPError
	switch {
	case errors.As(err, &ae):
	case errors.As(err, &he) && he.Code == http.StatusNotFound:
		s.notFound(c)
		return
	case errors.As(err, &he) && he.Code == http.StatusMethodNotAllowed:
		ae = api.Detail(http.StatusMethodNotAllowed, fmt.Sprintf("Method \"%s\" not allowed.", c.Request().Method))
	case errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge:
		ae = api.Detail(he.Code, "Request body too large.")
	case errors.As(err, &he) && he.Code < 500:
		ae = api.Detail(he.Code, fmt.Sprint(he.Message))
	case errors.Is(err, store.ErrKeyTooLarge), errors.Is(err, store.ErrKeyRequired), errors.Is(err, store.ErrValueTooLarge):
		// Validation bounds every identifier long before this; a value
		// that still reaches a key past the store's limits is the
		// client's input, not a fault of the fake.
		ae = api.Detail(http.StatusBadRequest, "A value in the request is too long to be stored.")
	default:
		s.log.Error("internal error", "method", c.Request().Method, "path", c.Request().URL.Path, "error", err)
		ae = api.Detail(http.StatusInternalServerError, api.MsgServerError)
	}
	for k, vs := range ae.Header {
		for _, v := range vs {
			c.Response().Header().Add(k, v)
		}
	}
	var werr error
	html, isHTML := ae.Body.(api.HTML)
	switch {
	case c.Request().Method == http.MethodHead:
		werr = c.NoContent(ae.Status)
	case ae.Body == nil:
		werr = c.NoContent(ae.Status)
	case isHTML:
		werr = c.HTMLBlob(ae.Status, []byte(html))
	default:
		werr = api.JSON(c, ae.Status, ae.Body)
	}
	if werr != nil {
		s.log.Error("writing error response", "error", werr)
	}
}

// notFound answers a URL no route matches. Like Django's APPEND_SLASH, a
// path that only lacks its trailing slash is redirected (301) to the path
// with one; everything else gets Django's HTML 404.
func (s *Server) notFound(c echo.Context) {
	req := c.Request()
	p := req.URL.Path
	if s.urls.SlashRedirect(p) {
		// From the path as sent: the decoded one would turn an escaped
		// %3F or %23 in a segment into a query or fragment.
		loc := req.URL.EscapedPath() + "/"
		if req.URL.RawQuery != "" {
			loc += "?" + req.URL.RawQuery
		}
		c.Response().Header().Set(echo.HeaderLocation, loc)
		_ = c.NoContent(http.StatusMovedPermanently)
		return
	}
	_ = c.HTMLBlob(http.StatusNotFound, []byte(djangoNotFound))
}

// recoverMiddleware turns a handler panic into a logged 500 with DRF's body,
// so one bad request never takes the fake down.
func (s *Server) recoverMiddleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				s.log.Error("panic", "method", c.Request().Method, "path", c.Request().URL.Path, "panic", fmt.Sprint(r))
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return next(c)
	}
}
