package catalog

import (
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// licenseEntity returns, for a license operation of kind, the license
// the request's license_id query parameter names, rendered as the verbose
// list renders it (usage_count, assignments {total, active, pending}), for
// scenario rules' when clauses, e.g. when: {usage_count: 0}. ok is false
// for requests that name no license the request may see.
func (h *Handlers) licenseEntity(kind string) func(echo.Context) (map[string]any, bool) {
	return func(c echo.Context) (map[string]any, bool) {
		id, ok := queryInt64(c, "license_id")
		if !ok {
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
}
