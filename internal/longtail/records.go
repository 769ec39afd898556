package longtail

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
)

// The long tail's buckets. Every key starts with its tenant (store.KeySep
// between the parts), so state export and import move a tenant's records
// with it.
const (
	// Records holds the families' items: key tenant, collection path (the
	// template with the request's values), and the item's place in
	// creation order (api.SeqKey); value the item as its answers render it.
	Records = "longtail.records"
	// IDs maps tenant, collection path and an item's id to its place.
	IDs = "longtail.ids"
	// Revisions holds each collection's revision, a value no other write
	// of the store has had, set by every write to the collection: what a
	// cached view of the collection is checked against.
	Revisions = "longtail.revisions"
	// Singletons holds the singletons' records: key tenant and path.
	Singletons = "longtail.singletons"
	// Filled marks the collections filled on first touch (WithFill), so a
	// collection emptied by its client stays empty.
	Filled = "longtail.filled"
	// legacyRecords is where earlier versions kept remembered items; a
	// store that has it still exports it by tenant.
	legacyRecords = "synth.records"
)

// collectionKey is the key prefix of one collection of one tenant.
func collectionKey(tenant, collection string) string {
	return tenant + store.KeySep + collection
}

// item is one stored item, decoded once and kept by every later view of
// its collection while its stored bytes stay the same.
type item struct {
	place string // api.SeqKey of its creation
	id    string
	raw   []byte         // as stored, to tell a changed item from a kept one
	obj   map[string]any // read-only
	// answers are the item rendered for a schema and origin, made on
	// first use.
	mu      sync.Mutex
	answers map[answerKey]map[string]any
}

// answerKey is what an item's rendering depends on besides the item: the
// schema, and the origin its made-up URLs are on.
type answerKey struct {
	schema *openapi3.Schema
	origin string
}

// view is one collection as a revision of it holds it: its items in
// creation order. A view is never changed once built.
type view struct {
	rev   string
	items []*item
	byID  map[string]*item
	// cols are fields' values across items, made on a list's first use of
	// the field (a filter or an ordering): column; orders are the items'
	// places as an ordering sorts them: order.
	mu     sync.Mutex
	cols   map[string][]cell
	orders map[string][]int
}

// views caches collections' views; maxCachedItems bounds what it holds.
type views struct {
	mu    sync.Mutex
	m     map[string]*view
	items int
}

const maxCachedItems = 500_000

// get returns the view of collection key it holds, at whatever revision.
func (vs *views) get(key string) *view {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	return vs.m[key]
}

func (vs *views) put(key string, v *view) {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	if vs.m == nil || vs.items+len(v.items) > maxCachedItems {
		vs.m, vs.items = map[string]*view{}, 0
	}
	if old := vs.m[key]; old != nil {
		vs.items -= len(old.items)
	}
	vs.m[key] = v
	vs.items += len(v.items)
}

// drop forgets one collection's view (its items are not worth keeping),
// or every view (key "": state was replaced).
func (vs *views) drop(key string) {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	if key == "" {
		vs.m, vs.items = nil, 0
		return
	}
	if old := vs.m[key]; old != nil {
		vs.items -= len(old.items)
		delete(vs.m, key)
	}
}

// collection reads a collection's items in tx, through the cache: a view
// built at the collection's current revision is reused, so a list of a
// large collection decodes nothing; after a write, the new view keeps the
// old one's items whose bytes are unchanged and decodes only the rest.
func (m *Module) collection(tx store.Tx, key string, sh *shape) (*view, error) {
	rev := string(tx.Get(Revisions, key))
	old := m.views.get(key)
	if old != nil && old.rev == rev {
		return old, nil
	}
	var kept map[string]*item
	if old != nil {
		kept = make(map[string]*item, len(old.items))
		for _, it := range old.items {
			kept[it.place] = it
		}
	}
	v := &view{rev: rev, byID: map[string]*item{}}
	var err error
	tx.Scan(Records, key+store.KeySep, false, func(k string, raw []byte) bool {
		place := k[len(key)+1:]
		it := kept[place]
		if it == nil || !bytes.Equal(it.raw, raw) {
			var obj map[string]any
			if err = json.Unmarshal(raw, &obj); err != nil {
				return false
			}
			// raw is the store's only while tx lasts.
			it = &item{place: place, raw: bytes.Clone(raw), obj: obj, id: idString(obj[sh.idField])}
		}
		v.items = append(v.items, it)
		v.byID[it.id] = it
		return true
	})
	if err != nil {
		return nil, err
	}
	m.views.put(key, v)
	return v, nil
}

// idString is an id value as a path names it.
func idString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// putItem stores obj as the item id of collection key (at place, or a new
// place for a new item) and moves the collection's revision on.
func putItem(tx store.Tx, key, id, place string, obj map[string]any) (string, error) {
	if place == "" {
		n, err := tx.NextSequence(Records)
		if err != nil {
			return "", err
		}
		place = api.SeqKey(n)
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		return "", err
	}
	if err := tx.Put(Records, key+store.KeySep+place, raw); err != nil {
		return "", err
	}
	if err := tx.Put(IDs, key+store.KeySep+id, []byte(place)); err != nil {
		return "", err
	}
	return place, bump(tx, key)
}

// deleteItem removes the item id at place and moves the revision on.
func deleteItem(tx store.Tx, key, id, place string) error {
	if err := tx.Delete(Records, key+store.KeySep+place); err != nil {
		return err
	}
	if err := tx.Delete(IDs, key+store.KeySep+id); err != nil {
		return err
	}
	return bump(tx, key)
}

// findItem returns the stored item id of collection key, or nil.
func findItem(tx store.Tx, key, id string) (obj map[string]any, place string, err error) {
	p := tx.Get(IDs, key+store.KeySep+id)
	if p == nil {
		return nil, "", nil
	}
	place = string(p)
	raw := tx.Get(Records, key+store.KeySep+place)
	if raw == nil {
		return nil, "", nil
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, "", err
	}
	return obj, place, nil
}

// bump gives collection key a revision no write has given before.
func bump(tx store.Tx, key string) error {
	n, err := tx.NextSequence(Revisions)
	if err != nil {
		return err
	}
	return tx.Put(Revisions, key, []byte(strconv.FormatUint(n, 10)))
}

// stringID is a new id for an item whose id is a string: letters and
// digits only, so it fits the item parameters' patterns (^\w+$, slugs).
func (m *Module) stringID() string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' {
			return -1
		}
		return r
	}, m.d.IDs.EntityID())
}
