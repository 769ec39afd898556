package longtail

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/urlconf"
)

var _ api.Indexer = (*Module)(nil)

// Indexes declares the long tail's indexes, as putItem writes them: each
// item (Records, key tenant, collection path, place) has its id in IDs
// (key tenant, collection path, id; value its place) and its collection a
// revision (Revisions, any value). The server checks every state document
// against them, so a hand-written dump whose item no id names (a list
// would show it, a detail never find it) is refused naming the key.
func (m *Module) Indexes() []api.Index {
	return []api.Index{
		{Bucket: IDs, Of: Records, Entries: func(key string, value []byte) ([]api.IndexEntry, error) {
			coll, place, f, err := m.itemKey(key)
			if err != nil {
				return nil, err
			}
			var obj map[string]any
			if err := json.Unmarshal(value, &obj); err != nil {
				return nil, fmt.Errorf("not a JSON object: %v", err)
			}
			sh := f.infer()
			id := idString(obj[sh.idField])
			if id == "" {
				return nil, fmt.Errorf("has no %s, the id of %s's items", sh.idField, f.collection)
			}
			return []api.IndexEntry{{Key: coll + store.KeySep + id, Value: []byte(place)}}, nil
		}},
		{Bucket: Revisions, Of: Records, Entries: func(key string, _ []byte) ([]api.IndexEntry, error) {
			coll, _, _, err := m.itemKey(key)
			if err != nil {
				return nil, err
			}
			return []api.IndexEntry{{Key: coll}}, nil
		}},
	}
}

// itemKey splits a Records key into its collection key (tenant and
// collection path) and the item's place, and finds the family whose
// collection the path is.
func (m *Module) itemKey(key string) (coll, place string, f *family, err error) {
	i, j := strings.Index(key, store.KeySep), strings.LastIndex(key, store.KeySep)
	if i <= 0 || j <= i {
		return "", "", nil, fmt.Errorf("is not tenant, collection path and place")
	}
	var match urlconf.Match
	if !m.urls.Resolve(key[i+1:j], &match) {
		return "", "", nil, fmt.Errorf("names no path of the document (%q)", key[i+1:j])
	}
	f = m.model.byCollection[match.View.Template]
	if f == nil || !f.infer().ok {
		return "", "", nil, fmt.Errorf("%s is no collection the long tail keeps", match.View.Template)
	}
	return key[:j], key[j+1:], f, nil
}
