package longtail

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/labstack/echo/v4"
)

// A resource is where the document shows one: a collection path and an
// item path one parameter below it (".../things/" and
// ".../things/{id}/"). Its list pages give each item the values the item's
// own GET gives, a create answers the synthesized object merged with the
// request's fields, and later reads, updates and deletes of that id see
// it, per tenant, in the store (bucket Records), so on both backends
// and in state export and import. Lists are synthesized and do not show
// created items (FIDELITY.md, "long tail").

// Records holds remembered long-tail entities: key tenant, collection
// path as sent, id (store.KeySep between), value the entity as JSON, or
// null for one deleted.
const Records = "synth.records"

// resource is a request's place in a resource.
type resource struct {
	collection string // the collection's path as sent
	item       bool   // the request addresses one item
	id         string // the item's id, from the path
	idParam    string // the item path's parameter name
}

// rememberable reports whether an operation is part of a resource whose
// writes are remembered: a create on its collection, an item's read,
// update or delete.
func (m *Module) rememberable(method, template string) bool {
	switch method {
	case http.MethodPost:
		return m.items[template] != ""
	case http.MethodGet, http.MethodPut, http.MethodPatch, http.MethodDelete:
		parent, param, ok := itemParent(template)
		return ok && m.items[parent] == param
	}
	return false
}

// resourceOf places a request for an operation of template in its
// resource, or nil.
func (m *Module) resourceOf(template string, c echo.Context) *resource {
	if parent, param, ok := itemParent(template); ok && m.items[parent] == param {
		trimmed := strings.TrimSuffix(c.Request().URL.Path, "/")
		return &resource{collection: trimmed[:strings.LastIndexByte(trimmed, '/')+1], item: true, id: c.Param(param), idParam: param}
	}
	if param := m.items[template]; param != "" {
		return &resource{collection: c.Request().URL.Path, idParam: param}
	}
	return nil
}

// itemParent splits an item template ".../things/{id}/" into its
// collection ".../things/" and the parameter's name (the collection keeps
// the item's trailing-slash style).
func itemParent(tpl string) (parent, param string, ok bool) {
	t := strings.TrimSuffix(tpl, "/")
	i := strings.LastIndexByte(t, '/')
	if i < 0 {
		return "", "", false
	}
	last := t[i+1:]
	if len(last) < 3 || last[0] != '{' || last[len(last)-1] != '}' {
		return "", "", false
	}
	return t[:i+1], last[1 : len(last)-1], true
}

// errNotRemembered: nothing is stored for the item; synthesize it.
var errNotRemembered = errors.New("not remembered")

// remembered answers an item's read, update or delete from what the store
// remembers of it, or errNotRemembered.
func (m *Module) remembered(c echo.Context, res *resource, method string, status int, media *openapi3.MediaType, p prefer) error {
	key := recordKey(api.Tenant(c), res.collection, res.id)
	opts := synth.Options{Seed: m.itemSeed(c, res, res.id, p), Now: m.d.Clock.Now(), Tenant: api.Tenant(c)}
	switch method {
	case http.MethodDelete:
		// DRF's destroy looks the row up first: a DELETE of an id no
		// create made (or one already deleted) is its 404 and writes
		// nothing, so deleting ids a client never made stores nothing.
		err := m.d.Store.Update(func(tx store.Tx) error {
			if raw := tx.Get(Records, key); raw == nil || string(raw) == "null" {
				return api.NotFound()
			}
			return tx.Put(Records, key, []byte("null"))
		})
		if err != nil {
			return err
		}
		if media == nil || media.Schema == nil || status == http.StatusNoContent {
			return c.NoContent(status)
		}
		return api.JSON(c, status, synth.Value(media.Schema, opts))
	case http.MethodPut, http.MethodPatch:
		var schema *openapi3.SchemaRef
		if media != nil {
			schema = media.Schema
		}
		v, err := api.Write(m.d.Store, func(tx store.Tx) (any, error) {
			raw := tx.Get(Records, key)
			if string(raw) == "null" {
				return nil, api.NotFound()
			}
			// What the answer's schema gives, then what was remembered, then
			// the request, each only where the schema can carry it.
			base := map[string]any{}
			if schema != nil {
				if m, ok := synth.Value(schema, opts).(map[string]any); ok {
					base = m
				}
			}
			if raw != nil {
				var rec map[string]any
				if err := json.Unmarshal(raw, &rec); err != nil {
					return nil, err
				}
				overlay(base, rec, schema)
			}
			overlay(base, api.RequestBody(c).Object(), schema)
			res.setID(base, schema)
			out, err := json.Marshal(base)
			if err != nil {
				return nil, err
			}
			return base, tx.Put(Records, key, out)
		})
		if err != nil {
			return err
		}
		if schema == nil || status == http.StatusNoContent {
			return c.NoContent(status)
		}
		return api.JSON(c, status, v)
	case http.MethodGet:
		raw, err := api.Read(m.d.Store, func(tx store.Tx) ([]byte, error) {
			return append([]byte(nil), tx.Get(Records, key)...), nil
		})
		if err != nil {
			return err
		}
		switch {
		case string(raw) == "null":
			return api.NotFound()
		case len(raw) == 0 || media == nil || media.Schema == nil:
			return errNotRemembered
		}
		var rec map[string]any
		if err := json.Unmarshal(raw, &rec); err != nil {
			return err
		}
		base, _ := synth.Value(media.Schema, opts).(map[string]any)
		if base == nil {
			return errNotRemembered
		}
		overlay(base, rec, media.Schema)
		res.setID(base, media.Schema)
		return api.JSON(c, status, base)
	}
	return errNotRemembered
}

// create answers a create on a resource's collection: the synthesized
// object with the request's fields over it and a new id, remembered.
func (m *Module) create(c echo.Context, res *resource, status int, media *openapi3.MediaType, opts synth.Options, p prefer) error {
	v, err := api.Write(m.d.Store, func(tx store.Tx) (any, error) {
		n, err := tx.NextSequence(Records)
		if err != nil {
			return nil, err
		}
		item := &resource{collection: res.collection, item: true, idParam: res.idParamOf()}
		id := strconv.FormatUint(1000+n, 10) // past the ids list pages show
		if _, p := idProperty(media.Schema, item.idParam); p != nil && !p.Type.Is("integer") {
			id = m.d.IDs.EntityID()
			if p.Format == "uuid" {
				id = m.d.IDs.UUID()
			}
		}
		item.id = id
		opts.Seed = m.itemSeed(c, item, id, p)
		obj, ok := synth.Value(media.Schema, opts).(map[string]any)
		if !ok {
			return synth.Value(media.Schema, opts), nil
		}
		overlay(obj, api.RequestBody(c).Object(), media.Schema)
		item.setID(obj, media.Schema)
		raw, err := json.Marshal(obj)
		if err != nil {
			return nil, err
		}
		return obj, tx.Put(Records, recordKey(api.Tenant(c), res.collection, id), raw)
	})
	if err != nil {
		return err
	}
	return api.JSON(c, status, v)
}

// idParamOf is the item parameter of a collection's item path ("id" when
// unknown).
func (res *resource) idParamOf() string {
	if res.idParam != "" {
		return res.idParam
	}
	return "id"
}

func recordKey(tenant, collection, id string) string {
	return tenant + store.KeySep + collection + store.KeySep + id
}

// overlay writes src's fields over dst, those schema declares (all, when
// there is no schema).
func overlay(dst, src map[string]any, schema *openapi3.SchemaRef) {
	props := openapi3.Schemas{}
	if schema != nil && schema.Value != nil {
		props = synth.Properties(schema.Value)
	}
	for k, v := range src {
		p, ok := props[k]
		switch {
		case schema == nil:
			dst[k] = api.Plain(v)
		case !ok || p.Value == nil || p.Value.ReadOnly || p.Value.WriteOnly:
			// Undeclared, the server's to set, or never answered.
		case p.Value.VisitJSON(api.Plain(v), openapi3.VisitAsResponse()) == nil:
			// Only what the answer can carry: a request's list of ids
			// is not the answer's list of objects.
			dst[k] = api.Plain(v)
		}
	}
}

// idProperty is the property that holds an item's id: the one named as
// the item path's parameter, else id, pk or uuid.
func idProperty(schema *openapi3.SchemaRef, param string) (string, *openapi3.Schema) {
	if schema == nil || schema.Value == nil {
		return "", nil
	}
	props := synth.Properties(schema.Value)
	for _, n := range []string{param, "id", "pk", "uuid"} {
		if p := props[n]; p != nil && p.Value != nil {
			return n, p.Value
		}
	}
	return "", nil
}

// idType is "integer" or "string": the type of the id property.
func idType(schema *openapi3.SchemaRef, param string) string {
	if _, p := idProperty(schema, param); p != nil && p.Type.Is("integer") {
		return "integer"
	}
	return "string"
}

// setID puts the item's id into v's id property, typed as it declares.
func (res *resource) setID(v any, schema *openapi3.SchemaRef) {
	obj, ok := v.(map[string]any)
	if !ok || res.id == "" {
		return
	}
	name, p := idProperty(schema, res.idParam)
	if p == nil {
		return
	}
	switch {
	case p.Type.Is("integer"):
		if n, err := strconv.ParseInt(res.id, 10, 64); err == nil {
			obj[name] = n
		}
	case p.Type.Is("string") && (p.Format == "" || p.Format == "uuid" && len(res.id) == 36):
		obj[name] = res.id
	}
}

// listPage makes a page of a resource's list: a stable number of items
// for the tenant, each the value its item's GET gives, paged by page and
// page_size. ok is false when the answer is not a list shape it knows (an
// array, or an object with results or data).
func (m *Module) listPage(c echo.Context, res *resource, schema *openapi3.SchemaRef, opts synth.Options, p prefer) (any, bool, error) {
	if schema == nil || schema.Value == nil {
		return nil, false, nil
	}
	sv := schema.Value
	var items *openapi3.SchemaRef
	field := ""
	switch {
	case sv.Type.Is("array"):
		items = sv.Items
	default:
		props := synth.Properties(sv)
		for _, f := range []string{"results", "data"} {
			if pr := props[f]; pr != nil && pr.Value != nil && pr.Value.Type.Is("array") {
				items, field = pr.Value.Items, f
				break
			}
		}
	}
	if items == nil {
		return nil, false, nil
	}
	total := int(synth.Key(m.baseSeed(p), api.Tenant(c), "count", res.collection)%20) + 3
	size, page := 10, 1
	if n, err := strconv.Atoi(c.QueryParam("page_size")); err == nil && n > 0 {
		size = min(n, 100)
	}
	if n, err := strconv.Atoi(c.QueryParam("page")); err == nil && n > 0 {
		page = n
	}
	if field == "" {
		size, page = total, 1 // a bare array is not paged
	}
	if last := max(1, (total+size-1)/size); page > last {
		// DRF's PageNumberPagination: a page past the last is its 404
		// (compared before any product, which a page near the int
		// maximum would overflow into negative ids).
		return nil, false, api.Detail(http.StatusNotFound, api.MsgInvalidPage)
	}
	param := res.idParamOf()
	list := []any{}
	for i := (page - 1) * size; i < min(total, page*size); i++ {
		id := strconv.Itoa(i + 1)
		if idType(items, param) == "string" {
			id = strconv.FormatUint(synth.Key(m.baseSeed(p), api.Tenant(c), res.collection, id)%1e12, 36)
		}
		item := &resource{collection: res.collection, item: true, id: id, idParam: param}
		o := opts
		o.Seed = m.itemSeed(c, item, id, p)
		v := synth.Value(items, o)
		item.setID(v, items)
		list = append(list, v)
	}
	if field == "" {
		return list, true, nil
	}
	env, ok := synth.Value(schema, opts).(map[string]any)
	if !ok {
		return nil, false, nil
	}
	env[field] = list
	props := synth.Properties(sv)
	setPaging(env, props, total, page, size, c)
	return env, true, nil
}

// setPaging fills an envelope's count and links for page of total.
func setPaging(env map[string]any, props openapi3.Schemas, total, page, size int, c echo.Context) {
	last := max(1, (total+size-1)/size)
	if _, ok := props["count"]; ok {
		env["count"] = total
	}
	link := func(name string, n int, exists bool) {
		p := props[name]
		if p == nil || p.Value == nil {
			return
		}
		switch {
		case !exists && p.Value.Nullable:
			env[name] = nil
		case p.Value.Type.Is("integer"):
			if exists {
				env[name] = n
			} else {
				env[name] = 0
			}
		case p.Value.Type.Is("string") && exists:
			u := *c.Request().URL
			q := u.Query()
			q.Set("page", strconv.Itoa(n))
			u.RawQuery = q.Encode()
			env[name] = c.Scheme() + "://" + c.Request().Host + u.String()
		}
	}
	link("next", page+1, page < last)
	link("previous", page-1, page > 1)
	link("next_page", page+1, page < last)
	link("previous_page", page-1, page > 1)
	if _, ok := props["num_pages"]; ok {
		env["num_pages"] = last
	}
	if _, ok := props["page_number"]; ok {
		env["page_number"] = page
	}
}
