package longtail

import (
	"net/http"
	"slices"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/labstack/echo/v4"
)

// FamilyReport is what the long tail inferred of one family, as GET
// /_fake/resources reports it.
type FamilyReport struct {
	Kind       string            `json:"kind"`
	Collection string            `json:"collection"`
	Item       string            `json:"item"`
	Operations map[string]string `json:"operations"` // verb -> operationId
	// Actions are the operations on an item's sub-path that write the
	// item (actions.go), by operationId -> the field they set.
	Actions  map[string]string `json:"actions,omitempty"`
	Stateful bool              `json:"stateful"`
	// Undecided says why the family is answered synthesized.
	Undecided  string            `json:"undecided,omitempty"`
	IDField    string            `json:"id_field,omitempty"`
	IDType     string            `json:"id_type,omitempty"`
	IDWritable bool              `json:"id_writable,omitempty"`
	Envelope   string            `json:"envelope,omitempty"` // the list's array field, "[]" for a bare array
	Paging     string            `json:"paging,omitempty"`
	Search     bool              `json:"search,omitempty"`
	Ordering   bool              `json:"ordering,omitempty"`
	Filters    map[string]string `json:"filters,omitempty"`
	Created    []string          `json:"created,omitempty"`
	Updated    []string          `json:"updated,omitempty"`
	Tenant     []string          `json:"tenant_fields,omitempty"`
}

// SingletonReport is one singleton.
type SingletonReport struct {
	Path       string            `json:"path"`
	Operations map[string]string `json:"operations"`
	// Stateful: its GET answers an object, which writes set.
	Stateful bool `json:"stateful"`
}

// Report is the whole model: every family (each inferred, which compiles
// its operations) and singleton.
func (m *Module) Report() (families []FamilyReport, singletons []SingletonReport) {
	for _, f := range m.model.families {
		sh := f.infer()
		r := FamilyReport{Kind: f.label, Collection: f.collection, Item: f.item, Operations: map[string]string{},
			Stateful: sh.ok, Undecided: sh.why, IDField: sh.idField, IDType: sh.idType, IDWritable: sh.idWritable,
			Paging: sh.list.paging, Search: sh.list.search, Ordering: sh.list.ordering, Created: sh.created,
			Updated: sh.updated, Tenant: sh.tenantFields}
		if len(sh.list.filters) > 0 {
			r.Filters = sh.list.filters
		}
		switch {
		case sh.list.field != "":
			r.Envelope = sh.list.field
		case sh.list.items != nil:
			r.Envelope = "[]"
		}
		for v, op := range f.ops {
			r.Operations[v.String()] = op.ID
		}
		for id, a := range itemActions {
			if a.collection == f.collection {
				if r.Actions == nil {
					r.Actions = map[string]string{}
				}
				r.Actions[id] = a.field
			}
		}
		families = append(families, r)
	}
	for _, one := range m.model.singletons {
		r := SingletonReport{Path: one.template, Operations: map[string]string{}, Stateful: one.readSchema() != nil}
		for id, role := range m.model.roles {
			if role.one == one {
				r.Operations[id] = role.verb.String()
			}
		}
		singletons = append(singletons, r)
	}
	slices.SortFunc(singletons, func(a, b SingletonReport) int {
		if a.Path < b.Path {
			return -1
		}
		return 1
	})
	return families, singletons
}

// report is GET /_fake/resources: the inference, with counts.
func (m *Module) report(c echo.Context) error {
	fams, ones := m.Report()
	stateful, statefulOnes := 0, 0
	for _, f := range fams {
		if f.Stateful {
			stateful++
		}
	}
	for _, o := range ones {
		if o.Stateful {
			statefulOnes++
		}
	}
	return api.JSON(c, http.StatusOK, map[string]any{
		"families": fams, "singletons": ones,
		"counts": map[string]int{"families": len(fams), "stateful_families": stateful, "singletons": len(ones), "stateful_singletons": statefulOnes},
	})
}
