// Package contract holds the corrected document as the proxy and the
// parity check use it: which operation a request addresses, and where a
// request or a response departs from that operation, one line per
// violation with its JSON pointer.
//
// It routes through urlconf, as the fake does, rather than through
// kin-openapi's routers: the document's server URL would make every
// loopback request miss them, and Django's resolver (which the fake
// follows) prefers a static segment over a parameter, which a router that
// matches in registration order does not.
package contract

import (
	"net/url"
	"sync"

	"github.com/getkin/kin-openapi/routers"
	"github.com/iblfake/iblfake/internal/urlconf"
	"github.com/iblfake/iblfake/spec"
)

// Document is the corrected document, ready to route and check against.
// It is safe for concurrent use.
type Document struct {
	sp   *spec.Spec
	urls *urlconf.Resolver
	// routes are the operations' kin-openapi routes, made on first use
	// (a long-tail operation's from the long-tail document).
	mu     sync.Mutex
	routes map[string]*routers.Route
}

// Match is the operation a request addresses.
type Match struct {
	// OperationID is the operation's id, e.g. credentials_orgs_users_create.
	OperationID string
	// Method and Template are the operation's, e.g. POST and
	// /api/credentials/orgs/{org}/users/{user_id}/.
	Method, Template string
	// Params are the path parameters, unescaped.
	Params map[string]string
	// Route is what kin-openapi's validators take.
	Route *routers.Route
}

// New prepares sp for routing and checking: every operation of the
// served document, the long tail's included, resolved as the fake
// resolves them (urlconf).
func New(sp *spec.Spec) *Document {
	urls, err := urlconf.Of(sp)
	if err != nil {
		// The embedded long-tail index is checked by spec's tests; a
		// document without it still routes its own operations.
		var ops []urlconf.Operation
		for _, op := range sp.Operations() {
			ops = append(ops, urlconf.Operation{ID: op.Op.OperationID, Method: op.Method, Template: op.Path})
		}
		urls, _ = urlconf.New(ops)
	}
	return &Document{sp: sp, urls: urls, routes: map[string]*routers.Route{}}
}

// Find returns the operation method and the escaped path address, or nil:
// the path decoded and resolved as Django resolves it (urlconf), HEAD
// served by the GET operation, a /api/ibl/catalog/ path by its
// /api/catalog/ twin; nil for a path no template matches or whose view
// lacks the method.
func (d *Document) Find(method, escapedPath string) *Match {
	path, err := url.PathUnescape(escapedPath)
	if err != nil {
		return nil
	}
	var m urlconf.Match
	if !d.urls.Resolve(path, &m) {
		return nil
	}
	op := m.View.Op(method)
	if op == nil {
		return nil
	}
	route := d.route(op)
	if route == nil {
		return nil
	}
	out := &Match{OperationID: op.ID, Method: op.Method, Template: op.Template, Params: map[string]string{}, Route: route}
	for i, name := range m.View.Names {
		out.Params[name] = m.Values()[i]
	}
	return out
}

// route is op's kin-openapi route, from the modelled document or the
// long-tail one.
func (d *Document) route(op *urlconf.Operation) *routers.Route {
	d.mu.Lock()
	defer d.mu.Unlock()
	if r := d.routes[op.ID]; r != nil {
		return r
	}
	var r *routers.Route
	if item := d.sp.Doc.Paths.Find(op.Template); item != nil && item.GetOperation(op.Method) != nil {
		r = &routers.Route{Spec: d.sp.Doc, Path: op.Template, PathItem: item, Method: op.Method, Operation: item.GetOperation(op.Method)}
	} else if lt, err := spec.LongTailOperation(op.Method, op.Template); err == nil {
		r = &routers.Route{Spec: lt.Doc, Path: op.Template, PathItem: lt.Item, Method: op.Method, Operation: lt.Op}
	}
	d.routes[op.ID] = r
	return r
}
