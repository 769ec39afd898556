package fake

import (
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// longTailModule is the long tail's part of the module contract: it
// serves no operation by id (the catch-all routes them, longtail.go) but
// writes the remembered entities, whose keys start with their tenant.
type longTailModule struct{}

var _ api.Module = longTailModule{}

func (longTailModule) Operations() map[string]echo.HandlerFunc    { return nil }
func (longTailModule) Entity(echo.Context) (map[string]any, bool) { return nil, false }
func (longTailModule) AdminRoutes() []api.Route                   { return nil }
func (longTailModule) MediaRoutes() []api.Route                   { return nil }
func (longTailModule) TenantScopes() []store.Scope {
	return []store.Scope{{Bucket: synthRecords, KeyTenant: true}}
}
