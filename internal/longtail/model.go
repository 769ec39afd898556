package longtail

import (
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/iblfake/iblfake/internal/urlconf"
	"github.com/iblfake/iblfake/spec"
)

// The resource model the long tail infers from the document, without
// annotations (FIDELITY.md, "long tail"):
//
//   - A family is a collection path and an item path one parameter below
//     it (".../things/" and ".../things/{id}/"), both operations of the
//     document: GET and POST on the collection list and create, GET, PUT,
//     PATCH and DELETE on the item retrieve, update, partially update and
//     destroy (drf-spectacular's _list, _create, _retrieve, _update,
//     _partial_update and _destroy). Every path parameter above the item
//     scopes the collection: one user's things are not another's.
//   - A singleton is a path without an item parameter that is read (GET)
//     and written (PUT or PATCH): one record per tenant and path.
//
// Which field holds an item's id, the list's envelope and paging, the
// fields a list searches, orders and filters by, and the relations a field
// names are decided from the operations' schemas the first time a family
// is used (infer.go), as the document is compiled on first use.

// verb is what an operation does to the state.
type verb uint8

const (
	synthesized verb = iota // no resource's: answered from its schema
	list
	create
	retrieve
	update
	partialUpdate
	destroy
	singletonRead
	singletonWrite
	singletonClear
)

func (v verb) String() string {
	return [...]string{"synthesized", "list", "create", "retrieve", "update", "partial_update", "destroy",
		"singleton read", "singleton write", "singleton clear"}[v]
}

// family is one collection/item pair.
type family struct {
	// kind is what its items are called: the collection's last
	// segment, when static, made singular, "_" for "-" (".../mcp-servers/" holds
	// "mcp_server"s), which a field naming one is named after.
	kind string
	// label is the last static segment, as kind is made, for people
	// (the dashboard, GET /_fake/resources).
	label      string
	collection string // the collection's template
	item       string // the item's template
	param      string // the item's parameter
	// byQuery: the item parameter is a query parameter of the collection's
	// own path, which has no item path (query_family.go).
	byQuery bool
	// ops are the family's operations by verb.
	ops map[verb]*urlconf.Operation

	once sync.Once
	shape
}

// singleton is one read and written path without an item.
type singleton struct {
	template string
	ops      map[verb]*urlconf.Operation
	// writes are its POST, PUT, PATCH and DELETE as a family's create,
	// update, partial update and destroy, should it be a list addressed
	// by a query parameter (list).
	writes map[verb]*urlconf.Operation
	list   queryList

	once sync.Once
	// read is its GET's answer schema, when that is an object (a GET that
	// answers a list or nothing is no singleton's: its operations are
	// answered synthesized).
	read *openapi3.SchemaRef
}

// readSchema is the singleton's GET answer schema, or nil when its GET
// answers no object.
func (one *singleton) readSchema() *openapi3.SchemaRef {
	one.once.Do(func() {
		if s := okSchema(compile(one.ops[singletonRead])); objectSchema(s) {
			one.read = s
		}
	})
	return one.read
}

// opRole is an operation's place in the model.
type opRole struct {
	verb verb
	fam  *family
	one  *singleton
}

// model is the families and singletons of a document.
type model struct {
	families     []*family
	byCollection map[string]*family
	byKind       map[string]*family // the first family of each kind
	singletons   []*singleton
	byTemplate   map[string]*singleton // the singletons by path template
	roles        map[string]opRole     // by operation id
}

// newModel infers the document's families and singletons from its paths
// and methods alone (cheap: no schema is compiled).
func newModel(urls *urlconf.Resolver) *model {
	m := &model{roles: map[string]opRole{}, byCollection: map[string]*family{}, byKind: map[string]*family{}, byTemplate: map[string]*singleton{}}
	byCollection := m.byCollection
	for _, op := range urls.Operations() {
		parent, param, ok := itemParent(op.Template)
		if !ok || urls.View(parent) == nil || !op.LongTail {
			continue // the modelled operations are their modules'
		}
		f := byCollection[parent]
		if f == nil {
			f = &family{kind: kindOf(parent, true), label: kindOf(parent, false), collection: parent, item: op.Template, param: param, ops: map[verb]*urlconf.Operation{}}
			byCollection[parent] = f
		}
	}
	for _, f := range byCollection {
		col, item := urls.View(f.collection), urls.View(f.item)
		for method, v := range map[string]verb{http.MethodGet: list, http.MethodPost: create} {
			if op := col.Ops[method]; op != nil {
				f.ops[v] = op
			}
		}
		for method, v := range map[string]verb{http.MethodGet: retrieve, http.MethodPut: update, http.MethodPatch: partialUpdate, http.MethodDelete: destroy} {
			if op := item.Ops[method]; op != nil {
				f.ops[v] = op
			}
		}
		for v, op := range f.ops {
			if !op.LongTail {
				delete(f.ops, v)
				continue
			}
			m.roles[op.ID] = opRole{verb: v, fam: f}
		}
		m.families = append(m.families, f)
	}
	sort.Slice(m.families, func(i, j int) bool { return m.families[i].collection < m.families[j].collection })
	for _, f := range m.families {
		if f.kind != "" && m.byKind[f.kind] == nil {
			m.byKind[f.kind] = f
		}
	}
	seen := map[string]bool{}
	for _, op := range urls.Operations() {
		if seen[op.Template] || byCollection[op.Template] != nil {
			continue
		}
		seen[op.Template] = true
		if !op.LongTail {
			continue
		}
		if _, _, isItem := itemParent(op.Template); isItem && m.roles[op.ID].fam != nil {
			continue
		}
		v := urls.View(op.Template)
		if v.Ops[http.MethodGet] == nil || v.Ops[http.MethodPut] == nil && v.Ops[http.MethodPatch] == nil {
			continue
		}
		one := &singleton{template: op.Template, ops: map[verb]*urlconf.Operation{singletonRead: v.Ops[http.MethodGet]}, writes: map[verb]*urlconf.Operation{}}
		for method, vb := range map[string]verb{http.MethodPost: create, http.MethodPut: update, http.MethodPatch: partialUpdate, http.MethodDelete: destroy} {
			if o := v.Ops[method]; o != nil && o.LongTail {
				one.writes[vb] = o
			}
		}
		for _, method := range []string{http.MethodPut, http.MethodPatch, http.MethodPost} {
			if o := v.Ops[method]; o != nil {
				m.roles[o.ID] = opRole{verb: singletonWrite, one: one}
			}
		}
		if o := v.Ops[http.MethodDelete]; o != nil {
			m.roles[o.ID] = opRole{verb: singletonClear, one: one}
			one.ops[singletonClear] = o
		}
		m.roles[v.Ops[http.MethodGet].ID] = opRole{verb: singletonRead, one: one}
		m.singletons = append(m.singletons, one)
		m.byTemplate[one.template] = one
	}
	return m
}

// kindOf is what a collection's items are called: its last static
// segment, singular, with "_" for "-". Named, only a collection whose last
// segment is static names its items ("" otherwise): the kind a field
// naming one is named after; else the label the dashboard shows.
func kindOf(collection string, named bool) string {
	segs := strings.Split(strings.Trim(collection, "/"), "/")
	for i := len(segs) - 1; i >= 0; i-- {
		s := segs[i]
		if s == "" {
			continue
		}
		if s[0] == '{' {
			if named {
				// ".../users/{user_id}/" holds one user's things, not
				// users: a field naming one is known by its schema.
				return ""
			}
			continue
		}
		s = strings.ReplaceAll(s, "-", "_")
		switch {
		case strings.HasSuffix(s, "ies"):
			return s[:len(s)-3] + "y"
		case strings.HasSuffix(s, "sses"), strings.HasSuffix(s, "xes"):
			return s[:len(s)-2]
		case strings.HasSuffix(s, "s") && !strings.HasSuffix(s, "ss"):
			return s[:len(s)-1]
		}
		return s
	}
	return ""
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

// compile returns a long-tail operation's kin-openapi operation (nil when
// it is not the long tail's: a module claims it).
func compile(op *urlconf.Operation) *openapi3.Operation {
	if op == nil || !op.LongTail {
		return nil
	}
	lt, err := spec.LongTailOperation(op.Method, op.Template)
	if err != nil {
		return nil
	}
	return lt.Op
}

// okSchema is the JSON schema of op's lowest 2xx answer (nil for none).
func okSchema(op *openapi3.Operation) *openapi3.SchemaRef {
	if op == nil {
		return nil
	}
	_, resp := pickResponse(op, "")
	if media := jsonMedia(resp); media != nil {
		return media.Schema
	}
	return nil
}

// objectSchema reports whether s describes a JSON object.
func objectSchema(s *openapi3.SchemaRef) bool {
	if s == nil || s.Value == nil {
		return false
	}
	v := s.Value
	return v.Type.Is("object") || v.Type == nil && (len(v.Properties) > 0 || len(v.AllOf) > 0)
}

// props are a schema's properties, allOf merged.
func props(s *openapi3.SchemaRef) openapi3.Schemas {
	if s == nil || s.Value == nil {
		return nil
	}
	return synth.Properties(s.Value)
}
