package fake

import (
	"net/url"
	"strings"
)

// catalogAliasPrefix is a second mount of the catalog app that the
// published spec does not list. The vendor's Python SDK posts invitations to
// {base}/api/ibl/catalog/invitations/platform/ with base
// https://base.manager.iblai.app (iblai-python-sdk,
// iblai/helpers/user_invitation.py and helpers/constants.py), so the real
// service must answer there; the fake serves every /api/ibl/catalog/ URL as
// its /api/catalog/ twin so that helper works against it unchanged.
const catalogAliasPrefix = "/api/ibl/catalog/"

// aliasCatalog rewrites an aliased catalog URL to the spec's path before
// routing, so routing, validation, scenarios and the journal all see one
// path per operation. Server.Handler runs it ahead of Echo rather than as
// an Echo Pre middleware, which Echo wraps around every request anew (two
// allocations each).
func aliasCatalog(u *url.URL) {
	if strings.HasPrefix(u.Path, catalogAliasPrefix) {
		u.Path = "/api" + u.Path[len("/api/ibl"):]
		if strings.HasPrefix(u.RawPath, catalogAliasPrefix) {
			u.RawPath = "/api" + u.RawPath[len("/api/ibl"):]
		} else {
			u.RawPath = ""
		}
	}
}
