package longtail

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/synth"
)

// The dashboard's view of the long tail (api.Browser): a tenant's items
// of every family, newest first, each as its detail answers it, with the
// call that answers it; and its written singletons.

var _ api.Browser = (*Module)(nil)

// Browse kinds of the long tail.
const (
	kindItems      = "resources"
	kindSingletons = "settings"
)

// BrowseTenants lists the tenants with items or written singletons.
func (m *Module) BrowseTenants() ([]string, error) {
	return api.Read(m.d.Store, func(tx store.Tx) ([]string, error) {
		return store.KeyTenants(tx, Records, Singletons), nil
	})
}

// BrowseStats counts a tenant's items, by family.
func (m *Module) BrowseStats(tenant string) ([]api.Stat, error) {
	return api.Read(m.d.Store, func(tx store.Tx) ([]api.Stat, error) {
		byKind := map[string]int{}
		total := 0
		tx.Scan(Records, tenant+store.KeySep, false, func(k string, _ []byte) bool {
			parts := strings.Split(k, store.KeySep)
			if len(parts) == 3 {
				if f := m.familyOfPath(parts[1]); f != nil {
					byKind[f.label]++
				}
			}
			total++
			return true
		})
		if total == 0 {
			return nil, nil
		}
		st := api.Stat{Label: "Long-tail items", Value: total, Kind: kindItems}
		kinds := make([]string, 0, len(byKind))
		for k := range byKind {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, k := range kinds {
			st.Parts = append(st.Parts, api.StatPart{Label: k, Value: byKind[k], Filter: "resource=" + k})
		}
		return []api.Stat{st}, nil
	})
}

// BrowseKinds: the items, and the written singletons.
func (m *Module) BrowseKinds() []api.BrowseKind {
	return []api.BrowseKind{
		{Name: kindItems, Title: "Long-tail items", Columns: []string{"Resource", "Id", "Collection", "Created"},
			Filters: []api.BrowseFilter{{Name: "resource", Label: "Resource"}, {Name: "collection", Label: "Collection path"}}},
		{Name: kindSingletons, Title: "Long-tail settings", Columns: []string{"Path"}},
	}
}

// Browse lists one page of a tenant's items (newest first) or singletons.
func (m *Module) Browse(q api.BrowseQuery) (api.BrowsePage, error) {
	var page api.BrowsePage
	err := m.d.Store.View(func(tx store.Tx) error {
		i := 0
		keep := func(row api.BrowseRow) bool {
			if i >= q.Offset && len(page.Rows) < q.Limit {
				page.Rows = append(page.Rows, row)
			}
			i++
			page.Total++
			return true
		}
		switch q.Kind {
		case kindItems:
			tx.Scan(Records, q.Tenant+store.KeySep, true, func(k string, raw []byte) bool {
				row, f, ok := m.itemRow(k, raw)
				if !ok || q.Filter["resource"] != "" && f.label != q.Filter["resource"] ||
					q.Filter["collection"] != "" && !strings.Contains(row.API, q.Filter["collection"]) {
					return true
				}
				return keep(row)
			})
		case kindSingletons:
			tx.Scan(Singletons, q.Tenant+store.KeySep, false, func(k string, raw []byte) bool {
				return keep(singletonRow(k, raw))
			})
		default:
			return api.Field("kind", "unknown kind "+q.Kind)
		}
		return nil
	})
	return page, err
}

// BrowseEntity is one item (by its place) or singleton (by its path).
func (m *Module) BrowseEntity(tenant, kind, id string) (*api.BrowseRow, error) {
	var out *api.BrowseRow
	err := m.d.Store.View(func(tx store.Tx) error {
		switch kind {
		case kindItems:
			tx.Scan(Records, tenant+store.KeySep, false, func(k string, raw []byte) bool {
				if strings.HasSuffix(k, store.KeySep+id) {
					if row, _, ok := m.itemRow(k, raw); ok {
						out = &row
					}
					return false
				}
				return true
			})
		case kindSingletons:
			path, err := base64.RawURLEncoding.DecodeString(id)
			if err != nil {
				return nil
			}
			if raw := tx.Get(Singletons, tenant+store.KeySep+string(path)); raw != nil {
				row := singletonRow(tenant+store.KeySep+string(path), raw)
				out = &row
			}
		}
		return nil
	})
	if err == nil && out == nil {
		return nil, api.Detail(http.StatusNotFound, "No such "+kind+" of "+tenant+".")
	}
	return out, err
}

// itemRow is a stored item as the dashboard lists it.
func (m *Module) itemRow(key string, raw []byte) (api.BrowseRow, *family, bool) {
	parts := strings.Split(key, store.KeySep)
	if len(parts) != 3 {
		return api.BrowseRow{}, nil, false
	}
	f := m.familyOfPath(parts[1])
	if f == nil {
		return api.BrowseRow{}, nil, false
	}
	var obj map[string]any
	if json.Unmarshal(raw, &obj) != nil {
		return api.BrowseRow{}, nil, false
	}
	sh := f.infer()
	id := idString(obj[sh.idField])
	view := render(obj, sh.item, synthBase(sh.item, synth.Options{Seed: synth.Key(m.baseSeed(prefer{}), parts[0]+store.KeySep+parts[1], "item", id), Tenant: parts[0]}))
	created := ""
	if len(sh.created) > 0 {
		created, _ = obj[sh.created[0]].(string)
	}
	item := strings.TrimSuffix(parts[1], "/") + "/" + id
	if strings.HasSuffix(f.item, "/") {
		item += "/"
	}
	return api.BrowseRow{
		ID: parts[2],
		Cells: []api.BrowseCell{{Text: f.label}, {Text: id, Mono: true}, {Text: parts[1], Mono: true, Link: kindItems + "?collection=" + parts[1]},
			{Text: created, Time: created != ""}},
		API: "GET " + item, View: view,
	}, f, true
}

// singletonRow is a written singleton as the dashboard lists it.
func singletonRow(key string, raw []byte) api.BrowseRow {
	_, path, _ := strings.Cut(key, store.KeySep)
	var obj any
	_ = json.Unmarshal(raw, &obj)
	// The row's id is in the dashboard's URLs, where a path's slashes
	// would be segments.
	return api.BrowseRow{ID: base64.RawURLEncoding.EncodeToString([]byte(path)), Cells: []api.BrowseCell{{Text: path, Mono: true}}, API: "GET " + path, View: obj}
}
