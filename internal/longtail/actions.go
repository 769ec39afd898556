package longtail

import (
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// Item actions (FIDELITY.md, "The vendor's frontend"): an operation on a
// sub-path of a family's item that sets one of the item's fields under
// another name, which nothing in the document ties together, so the
// inference cannot find it. Each entry is spelled out with its evidence;
// the item must exist (DRF's 404 else), and the answer is the item with
// what was sent, in the operation's response schema.

// action is one such operation: the family's collection template, and
// the body field whose value the item's field takes.
type action struct {
	collection  string
	body, field string
}

// itemActions are the operations answered as actions, by operationId.
var itemActions = map[string]action{
	// A notification template's switch: @iblai/web-containers AlertsTab
	// sends toggleTemplate({notificationType: template.type,
	// allow_notification: !template.is_enabled}) and then shows the
	// template with is_enabled flipped, as the list reads it afterwards.
	"notification_v1_platforms_templates_toggle_partial_update": {
		collection: "/api/notification/v1/platforms/{platform_key}/templates/", body: "allow_notification", field: "is_enabled"},
}

// itemAction answers an item action.
func (m *Module) itemAction(c echo.Context, a action) error {
	f := m.model.byCollection[a.collection]
	if f == nil || !f.infer().ok {
		return m.synthesize(c)
	}
	o := m.newItemOp(c, f, update)
	o.id = c.Param(f.param)
	body := api.RequestBody(c).Object()
	var obj map[string]any
	err := m.d.Store.Update(func(tx store.Tx) error {
		old, place, err := findItem(tx, o.key, o.id)
		if err != nil {
			return err
		}
		if old == nil {
			return api.NotFound()
		}
		obj = clone(old)
		v, sent := body[a.body]
		if !sent {
			return nil // a partial update that sets nothing
		}
		obj[a.field] = v
		stamp(obj, o.sh.updated, o.sh.item, m.d.Clock.Now())
		_, err = putItem(tx, o.key, o.id, place, obj)
		return err
	})
	if err != nil {
		return err
	}
	out := clone(obj)
	out[a.body] = obj[a.field]
	return o.answer(out)
}
