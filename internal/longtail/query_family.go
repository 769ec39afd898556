package longtail

import (
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/internal/urlconf"
	"github.com/labstack/echo/v4"
)

// A list addressed by a query parameter (FIDELITY.md, "long-tail lists
// without an item path"): a path that no family keeps and that has no item
// path below it, whose GET answers a list of objects and whose PUT, PATCH
// or DELETE name the item they change by a query parameter that is a
// field of the item (a user's education entries:
// `.../education/users/{username}/`, POST adds one, `PUT ...?id=7` changes
// entry 7, `DELETE ...?id=7` removes it). It keeps state as a family does,
// the query parameter standing for the item parameter; its collection is
// the path itself. Such a path is read and written like a singleton, so it
// is one (model.go) until its first use decides this from its schemas.

// queryList is the lazily decided query-addressed family of a singleton.
type queryList struct {
	once sync.Once
	fam  *family
}

// queryFamily returns the family the singleton's path is when it is a list
// addressed by a query parameter, else nil (decided once).
func (one *singleton) queryFamily() *family {
	one.list.once.Do(func() { one.list.fam = inferQueryFamily(one) })
	return one.list.fam
}

// inferQueryFamily decides whether one's path is a list addressed by a
// query parameter, and builds its family.
func inferQueryFamily(one *singleton) *family {
	get := compile(one.ops[singletonRead])
	if get == nil {
		return nil
	}
	ls := inferList(get, nil)
	if ls.items == nil || !objectSchema(ls.items) {
		return nil
	}
	item := props(ls.items)
	param := ""
	for _, v := range []verb{update, partialUpdate, destroy} {
		op := compile(one.writes[v])
		if op == nil {
			continue
		}
		for _, p := range op.Parameters {
			// The id field's own name: a write that names its item by it
			// (its other query parameters are options, not names).
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery && item[p.Value.Name] != nil && isIDName(p.Value.Name) {
				param = p.Value.Name
			}
		}
	}
	if param == "" {
		return nil
	}
	f := &family{kind: "", label: listLabel(one.template), collection: one.template, item: one.template, param: param,
		byQuery: true, ops: map[verb]*urlconf.Operation{}}
	f.ops[list] = one.ops[singletonRead]
	for v, op := range one.writes {
		f.ops[v] = op
	}
	if sh := f.infer(); !sh.ok {
		return nil
	}
	return f
}

// listLabel names a query-addressed list for people: its last static
// segment, skipping a trailing "users/{user}" (".../education/users/{username}/"
// lists education).
func listLabel(template string) string {
	t := strings.TrimSuffix(template, "/")
	segs := strings.Split(t, "/")
	if n := len(segs); n >= 2 && strings.HasPrefix(segs[n-1], "{") && segs[n-2] == "users" {
		t = strings.Join(segs[:n-2], "/")
	}
	return kindOf(t+"/", false)
}

// queryListVerb is what a request to a query-addressed list does.
func queryListVerb(method string) verb {
	switch method {
	case http.MethodGet, http.MethodHead:
		return list
	case http.MethodPost:
		return create
	case http.MethodPut:
		return update
	case http.MethodPatch:
		return partialUpdate
	case http.MethodDelete:
		return destroy
	}
	return synthesized
}

// itemID is the id of the item a request addresses: the item path
// parameter, or the query parameter of a query-addressed list.
func (f *family) itemID(c echo.Context) string {
	if f.byQuery {
		return c.QueryParam(f.param)
	}
	return c.Param(f.param)
}

// isIDName reports whether a query parameter is named as an id field is
// (FIDELITY.md, "long-tail resources": id, pk, uuid, unique_id, slug, ...).
func isIDName(name string) bool {
	for _, n := range idNames {
		if n == name {
			return true
		}
	}
	return false
}
