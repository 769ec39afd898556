package longtail

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/internal/urlconf"
	"github.com/labstack/echo/v4"
)

// answersDeclared reports whether answerDeclared answers an operation
// whose one declared status is code: a redirect, or a 405.
func answersDeclared(code string) bool {
	switch code {
	case "301", "302", "303", "307", "308", "405":
		return true
	}
	return false
}

// returnParams are the query parameters a redirecting view is told where
// to send its caller by, in the order they are read.
var returnParams = []string{"return_url", "redirect_url", "next"}

// answerDeclared answers an operation that declares no 2xx, only code,
// as its document says the service does (FIDELITY.md, "long tail"). A
// redirect (billing's checkout callback, which the vendor's Stripe
// checkout returns to) goes to the URL its request names in return_url
// (or redirect_url, next) when that is an absolute http(s) URL, else to
// the fake's own root: the fake has no checkout session to settle, so it
// sends the caller where the service would after a settled one. A 405
// (SCIM's user DELETE: users are deactivated, never deleted) is DRF's,
// with the view's Allow.
func (m *Module) answerDeclared(c echo.Context, code string) error {
	if code == "405" {
		ae := api.Detail(http.StatusMethodNotAllowed, fmt.Sprintf("Method \"%s\" not allowed.", c.Request().Method))
		var match urlconf.Match
		if m.urls.Resolve(c.Request().URL.Path, &match) {
			ae.Header = http.Header{"Allow": {match.View.Allow}}
		}
		return ae
	}
	status := 0
	fmt.Sscan(code, &status)
	target := origin(c) + "/"
	q := c.QueryParams()
	for _, p := range returnParams {
		if u, err := url.Parse(q.Get(p)); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			target = u.String()
			break
		}
	}
	return c.Redirect(status, target)
}
