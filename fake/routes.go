package fake

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/internal/longtail"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/iblfake/iblfake/internal/urlconf"
	"github.com/iblfake/iblfake/scenarios"
	"github.com/iblfake/iblfake/spec"
	"github.com/labstack/echo/v4"
)

// route is one vendor operation as the server serves it: what the module
// that claims it declares (api.Operation), and what the server compiled
// from the document to validate it, on the operation's first request.
type route struct {
	op       *urlconf.Operation
	id       string
	method   string
	template string // the spec's path, e.g. /api/credentials/orgs/{org}/...
	public   bool   // no key is asked for
	// authOptional: a key or none (the spec lists an empty requirement
	// beside the key's).
	authOptional bool
	kin          *routers.Route
	tier         string // api.TierStateful, ... (coverage.go)
	dmAdminOnly  bool
	entity       func(echo.Context) (map[string]any, bool)
	// handler is the module's handler inside the vendor pipeline.
	handler  echo.HandlerFunc
	formJSON bool // form bodies are turned into JSON for the handler
	// listParams are the query parameters the operation declares as
	// arrays; every other one given twice is read as its last value.
	listParams map[string]bool
	// blankAbsent are the query parameters that, sent empty, are absent
	// (blankAbsent: the vendor's own clients send them so).
	blankAbsent map[string]bool
	// routePlan says when kin-openapi's parameter checks can be skipped
	// (validate_fast.go), routeBodyPlans when its body check can
	// (validate_body_fast.go).
	routePlan
	routeBodyPlans
	// tenantScoped: the answer is a tenant's state, so a key of several
	// orgs must name one (tenant.go); tenantField is where it is missing.
	tenantScoped bool
	tenantField  string
	// longTail: the long tail answers it, whose records are kept per
	// request tenant (so a request that names none is given one).
	longTail bool
}

// routes are a server's operations: which module's claim serves each (by
// urlconf.Operation.Index), and each route compiled on its first request.
type routes struct {
	claims []api.Operation
	long   []bool // the claim is the long tail's
	built  []atomic.Pointer[route]
	mu     sync.Mutex // compiling
}

// claim gives every operation of the document its handler: the first
// module that claims an id serves it (two claims by modules other than
// the long tail are an error, and so is an id no operation has: a typo
// must fail at start-up); the long tail offers every operation and serves
// what no other module claims.
func (s *Server) claim(modules []api.Module, tail *longtail.Module) error {
	ops := s.urls.Operations()
	rs := &routes{claims: make([]api.Operation, len(ops)), long: make([]bool, len(ops)), built: make([]atomic.Pointer[route], len(ops))}
	claimed := make([]bool, len(ops))
	for _, m := range modules {
		for _, o := range m.Operations() {
			op := s.urls.Operation(o.ID)
			if op == nil {
				return fmt.Errorf("%T serves %q, which is no operation of the served document (spec/openapi.json, spec/longtail.json)", m, o.ID)
			}
			if claimed[op.Index] {
				return fmt.Errorf("operation %s is served by two modules", o.ID)
			}
			claimed[op.Index] = true
			if o.Tier == "" {
				o.Tier = api.TierStateful
			}
			rs.claims[op.Index] = o
		}
	}
	for _, o := range tail.Operations() {
		if op := s.urls.Operation(o.ID); op != nil && !claimed[op.Index] {
			claimed[op.Index] = true
			rs.claims[op.Index], rs.long[op.Index] = o, true
		}
	}
	for i, ok := range claimed {
		if !ok {
			return fmt.Errorf("operation %s has no handler", ops[i].ID)
		}
	}
	s.routes = rs
	return nil
}

// route returns op's route, compiled on its first request: its validator
// from the modelled document, or from the long-tail document for an
// operation only that one holds (so a module may claim a long-tail
// operation without the spec being regenerated).
func (s *Server) route(op *urlconf.Operation) (*route, error) {
	if r := s.routes.built[op.Index].Load(); r != nil {
		return r, nil
	}
	s.routes.mu.Lock()
	defer s.routes.mu.Unlock()
	if r := s.routes.built[op.Index].Load(); r != nil {
		return r, nil
	}
	var kin *routers.Route
	if so, ok := s.specOps[op.ID]; ok {
		kin = &routers.Route{Spec: s.spec.Doc, Path: so.Path, PathItem: so.Item, Method: so.Method, Operation: so.Op}
	} else {
		lt, err := spec.LongTailOperation(op.Method, op.Template)
		if err != nil {
			return nil, err
		}
		kin = &routers.Route{Spec: lt.Doc, Path: op.Template, PathItem: lt.Item, Method: op.Method, Operation: lt.Op}
	}
	claim := s.routes.claims[op.Index]
	r := &route{
		op: op, id: op.ID, method: op.Method, template: op.Template,
		public: op.Auth != spec.AuthRequired, authOptional: op.Auth == spec.AuthOptional,
		kin: kin, tier: claim.Tier, dmAdminOnly: claim.DMAdminOnly, entity: claim.Entity,
		formJSON:    !hasBinaryProperty(kin.Operation),
		listParams:  listParams(kin.PathItem, kin.Operation),
		blankAbsent: blankAbsent(op.Template, kin.PathItem, kin.Operation),
		longTail:    s.routes.long[op.Index],
	}
	r.tenantScoped, r.tenantField = tenantScope(kin.PathItem, kin.Operation, r.tier == longtail.TierInferred)
	r.handler = s.vendorHandler(r, claim.Handle)
	s.routes.built[op.Index].Store(r)
	return r, nil
}

// serveVendor is the one route of every vendor path: the path resolved
// as Django resolves it (urlconf), then its method: the operation's
// pipeline, a plain OPTIONS's Allow, or DRF's 405; a path no template
// matches is Django's 404 (or its trailing-slash redirect, notFound).
func (s *Server) serveVendor(c echo.Context) error {
	req := c.Request()
	var m urlconf.Match
	if !s.urls.Resolve(req.URL.Path, &m) {
		return echo.ErrNotFound
	}
	c.SetParamNames(m.View.Names...)
	c.SetParamValues(m.Values()...)
	op := m.View.Op(req.Method)
	if op == nil {
		if req.Method == http.MethodOptions {
			return optionsAllow(c, m.View.Allow)
		}
		return s.methodNotAllowed(c, m.View)
	}
	r, err := s.route(op)
	if err != nil {
		return err
	}
	return r.handler(c)
}

// optionsAllow answers a plain OPTIONS request (no Origin: not a browser's
// preflight, which the CORS middleware answers) with the view's Allow
// header and no body. (DRF would answer 200 with its metadata JSON, whose
// view names the fake cannot know; see FIDELITY.md.)
func optionsAllow(c echo.Context, allow string) error {
	c.Response().Header().Set("Allow", allow)
	return c.NoContent(http.StatusNoContent)
}

// methodNotAllowed is DRF's 405 for a view that lacks the method, with its
// Allow header. Django resolves the path first and the method second, so
// GET .../issuers/authority/ is the authority view's 405, never the issuer
// detail of entity "authority". As DRF's APIView.dispatch runs initial()
// (authentication and permissions) before it looks up the method's
// handler, a protected view answers 401/403 first; a public one answers
// 405 at once.
func (s *Server) methodNotAllowed(c echo.Context, v *urlconf.View) error {
	if !v.Public {
		if err := s.readRequest(c, nil); err != nil {
			return err
		}
		s.setTenant(c)
		if _, _, err := s.authenticate(c); err != nil {
			return err
		}
	}
	ae := api.Detail(http.StatusMethodNotAllowed, fmt.Sprintf("Method \"%s\" not allowed.", c.Request().Method))
	ae.Header = http.Header{"Allow": {v.Allow}}
	return ae
}

// vendorHandler wraps an operation's handler with what every vendor route
// does, in the real service's order: Django's request checks (too many
// query fields), then scenario rules that read no stored state (an outage
// answers whoever asks), then authentication and permissions (401/403),
// then the rules that read stored state (so they only ever see what the
// caller may see), then validation (400/413/415), then the handler.
func (s *Server) vendorHandler(r *route, h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		rec := api.RequestOf(c)
		rec.Operation, rec.Tier, rec.Route = r.id, r.tier, r.kin
		if err := s.readRequest(c, r); err != nil {
			return err
		}
		s.setTenant(c)
		if answered, err := s.applyScenario(c, r, scenarios.BeforeAuth); answered || err != nil {
			return err
		}
		var orgs map[string]bool
		dmAdmin := false
		if !r.public || r.authOptional && c.Request().Header.Get(echo.HeaderAuthorization) != "" {
			// An operation whose key is optional still authenticates a
			// key that is sent (DRF runs its authentication classes), and
			// that key is held to its orgs.
			var err error
			if orgs, dmAdmin, err = s.authenticate(c); err != nil {
				return err
			}
			// A permission check, so before validation (DRF's initial()).
			if r.dmAdminOnly && !dmAdmin {
				return api.Detail(http.StatusForbidden, api.MsgForbidden)
			}
		}
		if err := s.resolveTenant(c, r, orgs, dmAdmin); err != nil {
			return err
		}
		if answered, err := s.applyScenario(c, r, scenarios.AfterAuth); answered || err != nil {
			return err
		}
		input, err := s.validateRequest(c, r)
		if err != nil {
			return err
		}
		if s.opts.responseChecker != nil {
			return s.checkResponse(c, r, input, h)
		}
		return h(c)
	}
}

// readRequest reads what every later step looks at, once: the query (more
// than Django's 1,000 fields is its 400; a parameter given twice is its
// last value, as Django's QueryDict.get reads it, unless the operation
// declares it a list) and the body, under the body limit (api.ReadBody;
// a body over the limit is answered after authentication, as Django reads
// the body only when the view does). r is nil for a path's 405 handler.
func (s *Server) readRequest(c echo.Context, r *route) error {
	req := c.Request()
	if queryFields(req.URL.RawQuery) > maxFields {
		return tooManyFields()
	}
	takePreferParams(c)
	for name, vs := range c.QueryParams() {
		if len(vs) > 1 && (r == nil || !r.listParams[name]) {
			c.QueryParams()[name] = vs[len(vs)-1:]
		}
		if r != nil && r.blankAbsent[name] && len(vs) == 1 && vs[0] == "" {
			delete(c.QueryParams(), name)
		}
	}
	api.RequestOf(c).Body = api.ReadBody(req, s.opts.maxBodyBytes)
	return nil
}

// hasBinaryProperty reports whether a form body of op carries a file (a
// property of format binary). Such bodies reach the handler as the raw
// multipart request, which reads the file itself.
func hasBinaryProperty(op *openapi3.Operation) bool {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return false
	}
	for _, mt := range op.RequestBody.Value.Content {
		if mt.Schema == nil || mt.Schema.Value == nil {
			continue
		}
		for _, p := range synth.Properties(mt.Schema.Value) {
			if p.Value != nil && p.Value.Format == "binary" {
				return true
			}
		}
	}
	return false
}

// blankAbsent returns the query parameters of an operation (of path
// template) that an empty value leaves out, as if not sent, where the
// document gives them minLength 1 and so would refuse the empty value
// ("This field may not be blank."); the real service must take what the
// vendor's own clients send:
//
//   - a parameter whose declared default is the empty string: the
//     generated TypeScript client sends it empty when the caller leaves
//     it out (catalogSearchProgramsCreate's query = "");
//   - the search service's free-text query (an optional "query" of an
//     operation under /api/search/): the vendor's pickers send the search
//     box's text, "" before anything is typed (@iblai/web-containers
//     CoursesTab and ProgramsTab, through @iblai/data-layer's
//     getPersonnalizedSearch, the query argument the box's text or the
//     empty string; FIDELITY.md, "The vendor's frontend").
func blankAbsent(template string, item *openapi3.PathItem, op *openapi3.Operation) map[string]bool {
	out := map[string]bool{}
	searchBox := strings.HasPrefix(template, "/api/search/")
	for _, ps := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, p := range ps {
			if p.Value == nil || p.Value.In != openapi3.ParameterInQuery || p.Value.Schema == nil || p.Value.Schema.Value == nil {
				continue
			}
			if p.Value.Schema.Value.Default == "" || searchBox && p.Value.Name == "query" && !p.Value.Required {
				out[p.Value.Name] = true
			}
		}
	}
	return out
}

// listParams returns the query parameters of an operation (its own and its
// path's) whose schema is an array.
func listParams(item *openapi3.PathItem, op *openapi3.Operation) map[string]bool {
	out := map[string]bool{}
	for _, ps := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, p := range ps {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery && p.Value.Schema != nil &&
				p.Value.Schema.Value != nil && p.Value.Schema.Value.Type.Is("array") {
				out[p.Value.Name] = true
			}
		}
	}
	return out
}

// takePreferParams moves Prism's __ parameters out of the query, into the
// request's record, where the long tail reads them (longtail.PreferParams).
func takePreferParams(c echo.Context) {
	q := c.QueryParams()
	for _, k := range longtail.PreferParams {
		if vs, ok := q[k]; ok {
			rec := api.RequestOf(c)
			if rec.PreferParams == nil {
				rec.PreferParams = map[string]string{}
			}
			rec.PreferParams[k] = vs[len(vs)-1]
			delete(q, k)
		}
	}
}

// closest says, for the journal, which route a request no operation
// answered came closest to: for a 405 the view its path resolves to and
// what that view allows; for a 404 the template the resolver finds within
// one segment of the path (urlconf.Nearest), with its operations. "" when
// there is none.
func (s *Server) closest(method, path string, status int) string {
	if status == http.StatusMethodNotAllowed {
		var m urlconf.Match
		if !s.urls.Resolve(path, &m) {
			return ""
		}
		return fmt.Sprintf("%s is %s, which has no %s (Allow: %s)", path, describeView(m.View), method, m.View.Allow)
	}
	near, ok := s.urls.Nearest(path)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%s: %s", describeView(near.View), near.Why)
}

// describeView is a view's template and its operations by method.
func describeView(v *urlconf.View) string {
	var ops []string
	for _, m := range urlconf.MethodOrder {
		if op := v.Ops[m]; op != nil {
			ops = append(ops, m+" "+op.ID)
		}
	}
	return fmt.Sprintf("%s (%s)", v.Template, strings.Join(ops, ", "))
}
