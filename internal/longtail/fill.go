package longtail

import (
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/labstack/echo/v4"
)

// fillOnce gives a collection, the first time it is listed (Options.Fill),
// a few items made from its schema: between 3 and 22, deterministic per
// seed, tenant and collection, then stored as ordinary items that later
// reads, updates and deletes see. A collection filled once is never filled
// again, so one its client emptied stays empty.
func (m *Module) fillOnce(c echo.Context, f *family, key string) error {
	done, err := api.Read(m.d.Store, func(tx store.Tx) (bool, error) { return tx.Get(Filled, key) != nil, nil })
	if err != nil || done {
		return err
	}
	sh := f.infer()
	schema := sh.item
	err = m.d.Store.Update(func(tx store.Tx) error {
		if tx.Get(Filled, key) != nil {
			return nil // another request filled it meanwhile
		}
		if err := tx.Put(Filled, key, []byte{'1'}); err != nil {
			return err
		}
		n := int(synth.Key(m.baseSeed(prefer{}), key, "count")%20) + 3
		used := map[string]bool{}
		for i := range n {
			seq, err := tx.NextSequence(Records)
			if err != nil {
				return err
			}
			o := &itemOp{m: m, c: c, f: f, sh: sh, key: key}
			opts := o.opts(fmt.Sprint("fill", i))
			opts.Pick = m.picker(c, nil)
			obj := synthBase(schema, opts)()
			switch sh.idType {
			case "integer":
				o.id = fmt.Sprint(seq)
			case "uuid":
				o.id = m.d.IDs.UUID()
			default:
				o.id = m.fillID(obj, props(schema)[sh.idField], sh.idField, used)
				if o.id == "" {
					continue // every value the id may take is taken
				}
			}
			used[o.id] = true
			o.fill(obj, schema)
			if _, err := putItem(tx, key, o.id, api.SeqKey(seq), obj); err != nil {
				return err
			}
		}
		return nil
	})
	return err
}

// fillID is a filled item's string id: an id a client could not make up
// (the id field is a choice: a notification template's type) is one of
// the choices no other item of the fill took, the synthesized one first,
// so the id the item shows is the one its path finds ("" when every
// choice is taken); any other is a new entity id.
func (m *Module) fillID(obj map[string]any, p *openapi3.SchemaRef, field string, used map[string]bool) string {
	if p == nil || p.Value == nil || len(p.Value.Enum) == 0 {
		return m.stringID()
	}
	choices := []any{obj[field]}
	choices = append(choices, p.Value.Enum...)
	for _, v := range choices {
		if s, ok := v.(string); ok && s != "" && !used[s] {
			return s
		}
	}
	return ""
}
