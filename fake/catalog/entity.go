package catalog

import (
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// Entity returns the license a request's license_id query parameter names,
// rendered as the verbose list renders it (usage_count, assignments
// {total, active, pending}), for scenario rules' when clauses, e.g.
// when: {usage_count: 0}. ok is false for requests that name no license
// the request may see.
func (h *Handlers) Entity(c echo.Context) (map[string]any, bool) {
	rest, ok := strings.CutPrefix(api.Operation(c), "catalog_licenses_")
	if !ok {
		return nil, false
	}
	kind, _, _ := strings.Cut(rest, "_")
	id, ok := queryInt64(c, "license_id")
	if !ok || kind == kindPlatform {
		return nil, false
	}
	var view *LicenseView
	_ = h.d.Store.View(func(tx store.Tx) error {
		l, as, err := licenseSeats(c, tx, kind, id)
		if err != nil {
			return err
		}
		v := licenseView(l, as, true)
		view = &v
		return nil
	})
	if view == nil {
		return nil, false
	}
	return api.AsObject(view)
}
