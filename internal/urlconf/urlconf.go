// Package urlconf answers "which operation is this request?" for every
// operation the fake serves, modelled and long tail alike, as Django's
// URL resolver answers it for the real service: by the decoded path first
// (static segments before parameters, as the URLconf lists its static
// patterns first), then by method (HEAD as GET); a path whose view lacks
// the method is that view's 405, with its Allow header. The fake, the
// proxy and parity all route through it, so they agree on every request.
//
// It also holds what is decided from a request's URL alone: the catalog's
// second mount (/api/ibl/catalog/), the trailing-slash redirect, and the
// tenants a request names (tenant.go).
package urlconf

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/iblfake/iblfake/spec"
)

// Operation is one operation of the served document as routing needs it.
type Operation struct {
	ID       string
	Method   string
	Template string // the document's path, e.g. /api/credentials/orgs/{org}/...
	Auth     spec.Auth
	// LongTail: the operation is in the long-tail document
	// (spec/longtail.json), compiled on first use, not in the modelled one.
	LongTail bool
	// Index is the operation's place in Operations, for per-server tables.
	Index int
}

// View is one path template and its operations: what one of Django's URL
// patterns resolves to, before the method is looked at.
type View struct {
	Template string
	// Names are the template's parameter names in order; templates that
	// share a node may name a parameter differently (".../{id}/" beside
	// ".../{provider}/{service}/").
	Names []string
	// Ops are the template's operations by method.
	Ops map[string]*Operation
	// Allow is DRF's Allow header for the view: its methods, HEAD where it
	// has GET, and OPTIONS, in Django's order.
	Allow string
	// Public: no method of the view asks for a key, so a 405 needs no
	// authentication first.
	Public bool
}

// Op returns the view's operation for method: HEAD is served by GET, as
// Django's View does; nil when the view lacks it (a 405).
func (v *View) Op(method string) *Operation {
	if method == http.MethodHead {
		method = http.MethodGet
	}
	return v.Ops[method]
}

// MethodOrder is the order of Django's View.http_method_names, which is
// the order DRF lists a view's methods in its Allow header.
var MethodOrder = []string{
	http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodHead, http.MethodOptions,
}

// Allow is DRF's Allow header for methods: OPTIONS always, HEAD where GET
// is, in Django's order.
func Allow(methods []string) string {
	has := map[string]bool{http.MethodOptions: true}
	for _, m := range methods {
		has[m] = true
	}
	if has[http.MethodGet] {
		has[http.MethodHead] = true // Django's View: head = get
	}
	var out []string
	for _, m := range MethodOrder {
		if has[m] {
			out = append(out, m)
		}
	}
	return strings.Join(out, ", ")
}

// Resolver routes paths to views. It is read-only once built and safe for
// concurrent use.
type Resolver struct {
	root  node
	ops   []*Operation
	byID  map[string]*Operation
	views map[string]*View // by template
}

// node is one path segment: its static children, its parameter child and,
// at a template's last segment, the view.
type node struct {
	static map[string]*node
	param  *node
	view   *View
	// keys are static's keys, sorted (Nearest walks them in order).
	keys []string
}

// sortKeys fills keys through the trie, once it is built.
func (n *node) sortKeys() {
	n.keys = make([]string, 0, len(n.static))
	for k, c := range n.static {
		n.keys = append(n.keys, k)
		c.sortKeys()
	}
	sort.Strings(n.keys)
	if n.param != nil {
		n.param.sortKeys()
	}
}

// New builds a resolver over ops. Two operations with one id, or one
// template and method twice, are an error.
func New(ops []Operation) (*Resolver, error) {
	r := &Resolver{byID: map[string]*Operation{}, views: map[string]*View{}}
	sorted := make([]*Operation, len(ops))
	for i := range ops {
		o := ops[i]
		sorted[i] = &o
	}
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].Template != sorted[j].Template {
			return sorted[i].Template < sorted[j].Template
		}
		return sorted[i].Method < sorted[j].Method
	})
	for i, o := range sorted {
		if _, dup := r.byID[o.ID]; dup {
			return nil, fmt.Errorf("urlconf: operation %s is in the document twice", o.ID)
		}
		o.Index = i
		r.byID[o.ID] = o
		v := r.insert(o.Template)
		if v.Ops[o.Method] != nil {
			return nil, fmt.Errorf("urlconf: %s %s is both %s and %s", o.Method, o.Template, v.Ops[o.Method].ID, o.ID)
		}
		v.Ops[o.Method] = o
	}
	r.ops = sorted
	r.root.sortKeys()
	for _, v := range r.views {
		methods := make([]string, 0, len(v.Ops))
		v.Public = true
		for m, op := range v.Ops {
			methods = append(methods, m)
			v.Public = v.Public && op.Auth != spec.AuthRequired
		}
		v.Allow = Allow(methods)
	}
	return r, nil
}

// insert adds the template's nodes and returns its view.
func (r *Resolver) insert(tpl string) *View {
	n := &r.root
	var names []string
	for _, seg := range strings.Split(tpl, "/") {
		if name, ok := paramName(seg); ok {
			if n.param == nil {
				n.param = &node{}
			}
			n = n.param
			names = append(names, name)
			continue
		}
		if n.static == nil {
			n.static = map[string]*node{}
		}
		if n.static[seg] == nil {
			n.static[seg] = &node{}
		}
		n = n.static[seg]
	}
	if n.view == nil {
		n.view = &View{Template: tpl, Names: names, Ops: map[string]*Operation{}}
		r.views[tpl] = n.view
	}
	return n.view
}

func paramName(seg string) (string, bool) {
	if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
		return seg[1 : len(seg)-1], true
	}
	return "", false
}

// Operations returns every operation, sorted by template then method; an
// operation's Index is its place here.
func (r *Resolver) Operations() []*Operation { return r.ops }

// Operation returns the operation of an id, or nil.
func (r *Resolver) Operation(id string) *Operation { return r.byID[id] }

// View returns the view of a template, or nil.
func (r *Resolver) View(template string) *View { return r.views[template] }

var (
	servedMu sync.Mutex
	served   = map[*spec.Spec]*Resolver{}
)

// Of returns the resolver of a served document: sp's operations (the
// modelled document, corrected) and every operation of the long-tail
// index. It is built once per document and shared.
func Of(sp *spec.Spec) (*Resolver, error) {
	servedMu.Lock()
	defer servedMu.Unlock()
	if r := served[sp]; r != nil {
		return r, nil
	}
	var ops []Operation
	for _, op := range sp.Operations() {
		ops = append(ops, Operation{ID: op.Op.OperationID, Method: op.Method, Template: op.Path, Auth: auth(sp, op)})
	}
	idx, err := spec.LongTailIndex()
	if err != nil {
		return nil, err
	}
	for _, e := range idx {
		ops = append(ops, Operation{ID: e.ID, Method: e.Method, Template: e.Path, Auth: e.Auth, LongTail: true})
	}
	r, err := New(ops)
	if err != nil {
		return nil, err
	}
	served[sp] = r
	return r, nil
}

// auth is what a modelled operation's security asks of a caller.
func auth(sp *spec.Spec, op spec.Operation) spec.Auth {
	reqs := sp.Doc.Security
	if op.Op.Security != nil {
		reqs = *op.Op.Security
	}
	if len(reqs) == 0 {
		return spec.AuthNone
	}
	for _, r := range reqs {
		if len(r) == 0 {
			return spec.AuthOptional
		}
	}
	return spec.AuthRequired
}
