package longtail

import (
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/labstack/echo/v4"
)

// A family's items as DRF's generic views keep them: a create makes an
// item from what was sent, a read finds it by its id (404 when there is
// none), PUT sets what was sent (and resets to its default what has one
// and was not sent, as a serializer that is not partial does), PATCH sets
// what was sent, DELETE removes it; lists (list.go) show what is there.

// itemOp is one request to an item of f.
type itemOp struct {
	m    *Module
	c    echo.Context
	f    *family
	sh   *shape
	key  string // the collection's key
	id   string // the item parameter's value
	resp *openapi3.SchemaRef
	code int
}

// newItemOp places a request in its family's state.
func (m *Module) newItemOp(c echo.Context, f *family, v verb) *itemOp {
	r := api.RequestOf(c).Route
	code, resp := pickResponse(r.Operation, "")
	o := &itemOp{m: m, c: c, f: f, sh: f.infer(), code: code}
	if media := jsonMedia(resp); media != nil {
		o.resp = media.Schema
	}
	parent := f.collection
	o.key = collectionKey(api.Tenant(c), collectionPath(parent, c.Param))
	if v != create {
		o.id = f.itemID(c)
	}
	return o
}

// opts are the synthesized values' options for the item id.
func (o *itemOp) opts(id string) synth.Options {
	return o.m.synthOpts(o.c, synth.Key(o.m.baseSeed(prefer{}), o.key, "item", id))
}

// answer writes obj as the operation's answer.
func (o *itemOp) answer(obj map[string]any) error {
	if o.resp == nil || o.code == http.StatusNoContent {
		return o.c.NoContent(o.code)
	}
	out := render(obj, o.resp, synthBase(o.resp, o.opts(o.id)))
	withID(out, o.resp, o.sh.idField, o.id)
	return api.JSON(o.c, o.code, out)
}

// fill sets what an item's path and tenant say of it: the id, the path's
// parameters where the item has a field of the same name, and the fields
// that name its tenant.
func (o *itemOp) fill(obj map[string]any, s *openapi3.SchemaRef) {
	ps := props(s)
	echoPath(o.c, obj, ps, o.f.item, o.f.param)
	for _, n := range o.sh.tenantFields {
		if p := ps[n]; p != nil && p.Value != nil && p.Value.Type.Is("string") {
			obj[n] = api.Tenant(o.c)
		}
	}
	if v, ok := typed(ps[o.sh.idField], o.id); ok && o.id != "" {
		obj[o.sh.idField] = v
	}
}

// userParams are the path parameters that name the user a collection
// belongs to.
var userParams = map[string]bool{"user_id": true, "username": true, "student_id": true, "learner_id": true}

// create makes an item from the request: its id the client's where the
// schema lets it name one, else the next of the store's sequence (an
// integer id) or a new UUID or id; the answer schema's values for what
// was not sent; the clock's now in its timestamps.
func (m *Module) create(c echo.Context, f *family) error {
	o := m.newItemOp(c, f, create)
	body := api.RequestBody(c).Object()
	schema := o.resp
	if schema == nil {
		schema = o.sh.item
	}
	var obj map[string]any
	err := m.d.Store.Update(func(tx store.Tx) error {
		n, err := tx.NextSequence(Records)
		if err != nil {
			return err
		}
		place := api.SeqKey(n)
		if v, sent := body[o.sh.idField]; sent && o.sh.idWritable && idString(v) != "" {
			o.id = idString(v)
			if old, _, err := findItem(tx, o.key, o.id); err != nil {
				return err
			} else if old != nil {
				return api.Field(o.sh.idField, fmt.Sprintf("%s with this %s already exists.", modelName(o.sh.item), o.sh.idField))
			}
		} else {
			switch o.sh.idType {
			case "integer":
				o.id = fmt.Sprint(n)
			case "uuid":
				o.id = m.d.IDs.UUID()
			default:
				o.id = m.stringID()
			}
		}
		urls, err := m.putUploads(tx, c)
		if err != nil {
			return err
		}
		obj = synthBase(schema, o.opts(o.id))()
		overlay(obj, body, requestSchema(api.RequestOf(c).Route.Operation))
		showUploads(obj, schema, urls, body)
		o.fill(obj, schema)
		now := m.d.Clock.Now()
		stamp(obj, o.sh.created, schema, now)
		stamp(obj, o.sh.updated, schema, now)
		_, err = putItem(tx, o.key, o.id, place, obj)
		return err
	})
	if err != nil {
		return err
	}
	return o.answer(obj)
}

// retrieve answers the item the path names, or DRF's 404.
func (m *Module) retrieve(c echo.Context, f *family) error {
	o := m.newItemOp(c, f, retrieve)
	obj, err := api.Read(m.d.Store, func(tx store.Tx) (map[string]any, error) {
		obj, _, err := findItem(tx, o.key, o.id)
		return obj, err
	})
	if err != nil {
		return err
	}
	if obj == nil {
		return api.NotFound()
	}
	return o.answer(obj)
}

// change is PUT (partial false) or PATCH (partial true) of the item the
// path names.
func (m *Module) change(c echo.Context, f *family, partial bool) error {
	o := m.newItemOp(c, f, update)
	body := api.RequestBody(c).Object()
	req := requestSchema(api.RequestOf(c).Route.Operation)
	var obj map[string]any
	err := m.d.Store.Update(func(tx store.Tx) error {
		old, place, err := findItem(tx, o.key, o.id)
		if err != nil {
			return err
		}
		if old == nil {
			return api.NotFound()
		}
		urls, err := m.putUploads(tx, c)
		if err != nil {
			return err
		}
		obj = clone(old)
		if !partial {
			for name, p := range props(req) {
				if _, sent := body[name]; !sent && p.Value != nil && p.Value.Default != nil && !p.Value.ReadOnly {
					obj[name] = p.Value.Default
				}
			}
		}
		overlay(obj, body, req)
		showUploads(obj, o.sh.item, urls, body)
		o.fill(obj, o.sh.item)
		stamp(obj, o.sh.updated, o.sh.item, m.d.Clock.Now())
		_, err = putItem(tx, o.key, o.id, place, obj)
		return err
	})
	if err != nil {
		return err
	}
	return o.answer(obj)
}

// destroy removes the item the path names, or answers DRF's 404 and
// writes nothing.
func (m *Module) destroy(c echo.Context, f *family) error {
	o := m.newItemOp(c, f, destroy)
	var obj map[string]any
	err := m.d.Store.Update(func(tx store.Tx) error {
		old, place, err := findItem(tx, o.key, o.id)
		if err != nil {
			return err
		}
		if old == nil {
			return api.NotFound()
		}
		obj = old
		return deleteItem(tx, o.key, o.id, place)
	})
	if err != nil {
		return err
	}
	return o.answer(obj)
}
