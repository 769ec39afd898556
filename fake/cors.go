package fake

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// corsMiddleware lets browser frontends on other origins call the fake.
func corsMiddleware(origins []string) echo.MiddlewareFunc {
	return middleware.CORSWithConfig(middleware.CORSConfig{
		// A plain OPTIONS (no Origin: not a browser's preflight) goes on to
		// the route's own OPTIONS handler, which states the path's Allow
		// (method_not_allowed.go); the middleware would answer it itself.
		Skipper: func(c echo.Context) bool {
			r := c.Request()
			return r.Method == http.MethodOptions && r.Header.Get(echo.HeaderOrigin) == ""
		},
		AllowOrigins: origins,
		AllowMethods: []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"},
		AllowHeaders: []string{"Authorization", "Content-Type", "Accept", "X-Fake-Scenario"},
		MaxAge:       600,
	})
}
