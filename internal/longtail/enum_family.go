package longtail

import (
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// materializeOnce gives a collection of a family that has no create and
// whose items are named by an enum (a platform's notification templates,
// one for each notification type the document lists) one item per value,
// the first time the collection is touched: the real service answers every
// type's template for every platform (inherited from the main platform
// until changed), so a collection that started empty, as created ones do,
// would have nothing a PATCH could change. The items are made from the
// item's schema, seeded by the server's seed, the collection and the id,
// then stored as ordinary items that later reads and writes see (FIDELITY.md,
// "long-tail collections named by an enum"). A collection made once is
// never made again.
func (m *Module) materializeOnce(c echo.Context, f *family, key string) error {
	sh := f.infer()
	if !sh.ok || len(sh.enumIDs) == 0 {
		return nil
	}
	done, err := api.Read(m.d.Store, func(tx store.Tx) (bool, error) { return tx.Get(Filled, key) != nil, nil })
	if err != nil || done {
		return err
	}
	return m.d.Store.Update(func(tx store.Tx) error {
		if tx.Get(Filled, key) != nil {
			return nil // another request made it meanwhile
		}
		if err := tx.Put(Filled, key, []byte{'1'}); err != nil {
			return err
		}
		for _, id := range sh.enumIDs {
			seq, err := tx.NextSequence(Records)
			if err != nil {
				return err
			}
			o := &itemOp{m: m, c: c, f: f, sh: sh, key: key, id: id}
			opts := o.opts(id)
			opts.Pick = m.picker(c, nil)
			obj := synthBase(sh.item, opts)()
			o.fill(obj, sh.item)
			now := m.d.Clock.Now()
			stamp(obj, sh.created, sh.item, now)
			stamp(obj, sh.updated, sh.item, now)
			if _, err := putItem(tx, key, id, api.SeqKey(seq), obj); err != nil {
				return err
			}
		}
		return nil
	})
}
