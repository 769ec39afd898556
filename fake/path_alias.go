package fake

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// catalogAliasPrefix is a second mount of the catalog app that the
// published spec does not list. The vendor's Python SDK posts invitations to
// {base}/api/ibl/catalog/invitations/platform/ with base
// https://base.manager.iblai.app (iblai-python-sdk,
// iblai/helpers/user_invitation.py and helpers/constants.py), so the real
// service must answer there; the fake serves every /api/ibl/catalog/ URL as
// its /api/catalog/ twin so that helper works against it unchanged.
const catalogAliasPrefix = "/api/ibl/catalog/"

// catalogAlias rewrites an aliased catalog URL to the spec's path before
// routing (an Echo Pre middleware), so routing, validation, scenarios and
// the journal all see one path per operation.
func catalogAlias(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := c.Request().URL
		if strings.HasPrefix(u.Path, catalogAliasPrefix) {
			u.Path = "/api" + u.Path[len("/api/ibl"):]
			if strings.HasPrefix(u.RawPath, catalogAliasPrefix) {
				u.RawPath = "/api" + u.RawPath[len("/api/ibl"):]
			} else {
				u.RawPath = ""
			}
		}
		return next(c)
	}
}
