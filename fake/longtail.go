package fake

import (
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/routers"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/spec"
	"github.com/labstack/echo/v4"
)

// The long tail is every operation of the vendor document no module
// models (spec/longtail.json). It is routed by one catch-all, over a
// router built once per process from the document's index, so a server
// (and NewTestServer) costs no more to build for the 1,094 operations; each
// operation's validator is compiled on its first request
// (spec.LongTailOperation), and its answer synthesized from its response
// schema (synthesize.go), or a 501 with --long-tail 501.

// LongTail modes (WithLongTail, --long-tail).
const (
	// LongTailSynthesize answers the long tail from its schemas (default).
	LongTailSynthesize = "synthesize"
	// LongTailUnavailable answers every long-tail operation 501.
	LongTailUnavailable = "501"
)

// WithLongTail sets how the operations no module models are answered:
// LongTailSynthesize (the default) or LongTailUnavailable.
func WithLongTail(mode string) Option {
	return func(o *options) error {
		switch mode {
		case LongTailSynthesize, LongTailUnavailable:
			o.longTail = mode
			return nil
		}
		return fmt.Errorf("WithLongTail: %q is neither %q nor %q", mode, LongTailSynthesize, LongTailUnavailable)
	}
}

// tailNode is one path segment of the long-tail router: its static
// children, its parameter child, and at a template's last segment the
// operations by method.
type tailNode struct {
	static   map[string]*tailNode
	param    *tailNode
	template string
	// names are the template's parameter names in order: templates that
	// share a parameter node may name it differently
	// (".../{id}/" and ".../{provider}/{service}/").
	names []string
	ops   map[string]*spec.IndexEntry
}

var (
	tailOnce      sync.Once
	tailRoot      *tailNode
	tailTemplates map[string]*tailNode // template -> its last node
	// tailItems maps a collection template to its item path's parameter
	// (".../things/" -> "id" for ".../things/{id}/"): the resources.
	tailItems map[string]string
	tailErr   error
)

// tailTemplate returns the router node of a long-tail template, or nil.
func tailTemplate(tpl string) *tailNode {
	if _, err := tailRouter(); err != nil {
		return nil
	}
	return tailTemplates[tpl]
}

// tailRouter returns the process-wide long-tail router.
func tailRouter() (*tailNode, error) {
	tailOnce.Do(func() {
		idx, err := spec.LongTailIndex()
		if err != nil {
			tailErr = err
			return
		}
		tailRoot = &tailNode{}
		tailTemplates = map[string]*tailNode{}
		for i := range idx {
			e := &idx[i]
			n := tailRoot
			var names []string
			for _, seg := range strings.Split(e.Path, "/") {
				if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
					if n.param == nil {
						n.param = &tailNode{}
					}
					n = n.param
					names = append(names, seg[1:len(seg)-1])
					continue
				}
				if n.static == nil {
					n.static = map[string]*tailNode{}
				}
				if n.static[seg] == nil {
					n.static[seg] = &tailNode{}
				}
				n = n.static[seg]
			}
			n.template, n.names = e.Path, names
			tailTemplates[e.Path] = n
			if n.ops == nil {
				n.ops = map[string]*spec.IndexEntry{}
			}
			n.ops[e.Method] = e
		}
		tailItems = map[string]string{}
		for tpl := range tailTemplates {
			if parent, param, ok := itemParent(tpl); ok && tailTemplates[parent] != nil {
				tailItems[parent] = param
			}
		}
	})
	return tailRoot, tailErr
}

// match finds the template path fills, static segments before parameters
// (as Django's URLconf lists them), and the parameter values.
func (n *tailNode) match(segs []string, values []string) (*tailNode, []string) {
	if len(segs) == 0 {
		if n.ops != nil {
			return n, values
		}
		return nil, nil
	}
	if c := n.static[segs[0]]; c != nil {
		if m, vs := c.match(segs[1:], values); m != nil {
			return m, vs
		}
	}
	if n.param != nil && segs[0] != "" {
		if m, vs := n.param.match(segs[1:], append(values, segs[0])); m != nil {
			return m, vs
		}
	}
	return nil, nil
}

// tailMatch is the long-tail template path fills, if any, with its
// parameters' names and values.
func tailMatch(path string) (*tailNode, []string, []string) {
	root, err := tailRouter()
	if err != nil || root == nil {
		return nil, nil, nil
	}
	n, values := root.match(strings.Split(path, "/"), nil)
	if n == nil {
		return nil, nil, nil
	}
	return n, n.names, values
}

// serveLongTail is the catch-all: a long-tail operation through the vendor
// pipeline; a long-tail path without the method, DRF's 405; anything else
// Django's 404 (or its trailing-slash redirect).
func (s *Server) serveLongTail(c echo.Context) error {
	req := c.Request()
	n, names, values := tailMatch(req.URL.Path)
	if n == nil {
		return echo.ErrNotFound
	}
	method := req.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	c.SetParamNames(names...)
	c.SetParamValues(values...)
	e := n.ops[method]
	if e == nil {
		return s.tailMethodNotAllowed(c, n)
	}
	r, err := s.tailRoute(e)
	if err != nil {
		return err
	}
	return r.handler(c)
}

// tailRoute returns the server's route for a long-tail operation, compiled
// on first use.
func (s *Server) tailRoute(e *spec.IndexEntry) (*route, error) {
	s.tailMu.Lock()
	defer s.tailMu.Unlock()
	if r := s.tailRoutes[e.ID]; r != nil {
		return r, nil
	}
	op, err := spec.LongTailOperation(e.Method, e.Path)
	if err != nil {
		return nil, err
	}
	r := &route{
		id: e.ID, method: e.Method, template: e.Path, public: e.Auth != spec.AuthRequired, authOptional: e.Auth == spec.AuthOptional,
		kin:           &routers.Route{Spec: op.Doc, Path: e.Path, PathItem: op.Item, Method: e.Method, Operation: op.Op},
		formJSON:      !hasBinaryProperty(op.Op),
		listParams:    listParams(op.Item, op.Op),
		blankDefaults: blankDefaults(op.Item, op.Op),
		tier:          s.tailTier(e),
		longTail:      true,
	}
	r.tenantScoped, r.tenantField = tenantScope(op.Item, op.Op, r.tier == TierSynthesizedEcho)
	h := s.synthesize
	if r.tier == TierUnavailable {
		id := r.id
		h = func(c echo.Context) error {
			return api.Detail(http.StatusNotImplemented, "iblfake does not model "+id+".")
		}
	}
	r.handler = s.vendorHandler(r, h)
	if s.tailRoutes == nil {
		s.tailRoutes = map[string]*route{}
	}
	s.tailRoutes[e.ID] = r
	return r, nil
}

// tailTier is how the server answers a long-tail operation.
func (s *Server) tailTier(e *spec.IndexEntry) string {
	switch {
	case s.opts.longTail == LongTailUnavailable || e.OK == "":
		return TierUnavailable
	case rememberable(e):
		return TierSynthesizedEcho
	}
	return TierSynthesized
}

// tailMethodNotAllowed is DRF's 405 for a long-tail path whose view lacks
// the method (after authentication, unless every method of the path is
// public), and the path's Allow on a plain OPTIONS.
func (s *Server) tailMethodNotAllowed(c echo.Context, n *tailNode) error {
	allowed := map[string]bool{http.MethodOptions: true}
	public := true
	for m, e := range n.ops {
		allowed[m] = true
		public = public && e.Auth != spec.AuthRequired
	}
	if allowed[http.MethodGet] {
		allowed[http.MethodHead] = true
	}
	var allow []string
	for _, m := range drfMethodOrder {
		if allowed[m] {
			allow = append(allow, m)
		}
	}
	header := strings.Join(allow, ", ")
	if c.Request().Method == http.MethodOptions {
		return optionsAllow(header)(c)
	}
	return s.methodNotAllowed(header, public)(c)
}
