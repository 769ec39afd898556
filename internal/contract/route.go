// Package contract holds the corrected document as the proxy and the
// parity check use it: which operation a request addresses, and where a
// request or a response departs from that operation, one line per
// violation with its JSON pointer.
//
// It routes by the operation's path template itself rather than through
// kin-openapi's routers: the document's server URL would make every
// loopback request miss them, and Django's resolver (which the fake
// follows) prefers a static segment over a parameter, which a router that
// matches in registration order does not.
package contract

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/routers"
	"github.com/iblfake/iblfake/spec"
)

// catalogAlias is the second mount of the catalog app the vendor's Python
// SDK uses (FIDELITY.md, "/api/ibl/catalog/"); it addresses the same
// operations as /api/catalog/.
const catalogAlias = "/api/ibl/catalog/"

// Document is the corrected document, ready to route and check against.
// It is safe for concurrent use.
type Document struct {
	ops []operation
}

type operation struct {
	segs  []string // the template split on "/"
	op    spec.Operation
	route *routers.Route
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

// New prepares sp for routing and checking.
func New(sp *spec.Spec) *Document {
	d := &Document{}
	for _, op := range sp.Operations() {
		d.ops = append(d.ops, operation{
			segs: strings.Split(op.Path, "/"),
			op:   op,
			route: &routers.Route{
				Spec: sp.Doc, Path: op.Path, PathItem: op.Item, Method: op.Method, Operation: op.Op,
			},
		})
	}
	return d
}

// Find returns the operation method and the escaped path address, or nil.
// HEAD is served by the GET operation (Django's View does so), and a
// /api/ibl/catalog/ path by its /api/catalog/ twin. Where several
// templates match, the first in Operations' order wins: sorted by path,
// a static segment ("b", any letter, digit, "-" or "_") comes before a
// parameter ("{"), so a static segment wins over a parameter from the
// left, as Django tries its static patterns first
// (TestStaticBeforeParameter).
func (d *Document) Find(method, escapedPath string) *Match {
	if method == http.MethodHead {
		method = http.MethodGet
	}
	if strings.HasPrefix(escapedPath, catalogAlias) {
		escapedPath = "/api" + escapedPath[len("/api/ibl"):]
	}
	segs := strings.Split(escapedPath, "/")
	var best *operation
	for i := range d.ops {
		o := &d.ops[i]
		if o.op.Method != method || !matches(o.segs, segs) {
			continue
		}
		best = o
		break
	}
	if best == nil {
		return nil
	}
	m := &Match{
		OperationID: best.op.Op.OperationID, Method: best.op.Method, Template: best.op.Path,
		Params: map[string]string{}, Route: best.route,
	}
	for i, s := range best.segs {
		if name, ok := param(s); ok {
			v, err := url.PathUnescape(segs[i])
			if err != nil {
				v = segs[i]
			}
			m.Params[name] = v
		}
	}
	return m
}

// matches reports whether path segments fit template segments: equal
// static segments, a non-empty value for each parameter.
func matches(tpl, segs []string) bool {
	if len(tpl) != len(segs) {
		return false
	}
	for i, s := range tpl {
		if _, ok := param(s); ok {
			if segs[i] == "" {
				return false
			}
		} else if s != segs[i] {
			return false
		}
	}
	return true
}

func param(seg string) (string, bool) {
	if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
		return seg[1 : len(seg)-1], true
	}
	return "", false
}
