package longtail

import (
	"fmt"

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
		for i := range n {
			seq, err := tx.NextSequence(Records)
			if err != nil {
				return err
			}
			o := &itemOp{m: m, c: c, f: f, sh: sh, key: key}
			switch sh.idType {
			case "integer":
				o.id = fmt.Sprint(seq)
			case "uuid":
				o.id = m.d.IDs.UUID()
			default:
				o.id = m.stringID()
			}
			opts := o.opts(fmt.Sprint("fill", i))
			opts.Pick = m.picker(c)
			obj := synthBase(schema, opts)()
			o.fill(obj, schema)
			if _, err := putItem(tx, key, o.id, api.SeqKey(seq), obj); err != nil {
				return err
			}
		}
		return nil
	})
	return err
}
