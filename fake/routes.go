package fake

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/scenarios"
	"github.com/labstack/echo/v4"
)

// route is one vendor operation as the server serves it.
type route struct {
	id       string
	method   string
	template string // the spec's path, e.g. /api/credentials/orgs/{org}/...
	public   bool   // no security requirement in the spec
	// authOptional: a key or none (the spec lists an empty requirement
	// beside the key's).
	authOptional bool
	kin          *routers.Route
	tier         string // TierStateful, ... (coverage.go)
	// handler is the long tail's vendorHandler, made once per route.
	handler  echo.HandlerFunc
	formJSON bool // form bodies are turned into JSON for the handler
	// listParams are the query parameters the operation declares as
	// arrays; every other one given twice is read as its last value.
	listParams map[string]bool
	// blankDefaults are the query parameters whose declared default is
	// "": sent empty, they are absent (the vendor's client sends them so).
	blankDefaults map[string]bool
	// routePlan says when kin-openapi's parameter checks can be skipped
	// (validate_fast.go).
	routePlan
	// tenantScoped: the answer is a tenant's state, so a key of several
	// orgs must name one (tenant.go); tenantField is where it is missing.
	tenantScoped bool
	tenantField  string
	// longTail: no module models the operation (longtail.go).
	longTail bool
}

// routeTable holds the spec's path templates for trailing-slash redirects.
type routeTable struct {
	templates [][]string // split on "/"
}

// match reports whether path matches one of the spec's templates.
func (t *routeTable) match(path string) bool {
	segs := strings.Split(path, "/")
next:
	for _, tpl := range t.templates {
		if len(tpl) != len(segs) {
			continue
		}
		for i, s := range tpl {
			if strings.HasPrefix(s, "{") {
				if segs[i] == "" {
					continue next
				}
			} else if s != segs[i] {
				continue next
			}
		}
		return true
	}
	return false
}

// echoPath turns /a/{b}/c into Echo's /a/:b/c.
func echoPath(tpl string) string {
	var b strings.Builder
	for i, seg := range strings.Split(tpl, "/") {
		if i > 0 {
			b.WriteByte('/')
		}
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			b.WriteByte(':')
			b.WriteString(seg[1 : len(seg)-1])
		} else {
			b.WriteString(seg)
		}
	}
	return b.String()
}

// registerVendorRoutes serves every operation of the document: the handler
// handlers names for it, or a 501 saying the fake does not model it yet.
func (s *Server) registerVendorRoutes(handlers map[string]echo.HandlerFunc) error {
	s.routes = &routeTable{}
	paths := map[string]*pathMethods{}
	known := map[string]bool{}
	for _, op := range s.spec.Operations() {
		known[op.Op.OperationID] = true
	}
	for _, id := range slices.Sorted(maps.Keys(handlers)) {
		if !known[id] {
			// A typo must fail at start-up, not leave the operation a 501.
			return fmt.Errorf("a module serves %q, which is no operation of the document", id)
		}
	}
	for _, op := range s.spec.Operations() {
		r := &route{
			id:       op.Op.OperationID,
			method:   op.Method,
			template: op.Path,
			public:   publicOp(s.spec.Doc, op.Op),
			kin: &routers.Route{
				Spec: s.spec.Doc, Path: op.Path, PathItem: op.Item, Method: op.Method, Operation: op.Op,
			},
			formJSON:      !hasBinaryProperty(op.Op),
			listParams:    listParams(op.Item, op.Op),
			blankDefaults: blankDefaults(op.Item, op.Op),
		}
		r.authOptional = r.public && optionalAuth(s.spec.Doc, op.Op)
		s.routes.templates = append(s.routes.templates, strings.Split(op.Path, "/"))
		h, ok := handlers[r.id]
		r.tier = TierStateful
		if !ok {
			r.tier = TierUnavailable
			id := r.id
			h = func(c echo.Context) error {
				return api.Detail(http.StatusNotImplemented, "iblfake does not model "+id+" yet.")
			}
		}
		s.routeList = append(s.routeList, r)
		s.echo.Add(r.method, echoPath(r.template), s.vendorHandler(r, h))
		if r.method == http.MethodGet {
			// Django's View answers HEAD with its GET handler (body dropped).
			s.echo.Add(http.MethodHead, echoPath(r.template), s.vendorHandler(r, h))
		}
		pm := paths[r.template]
		if pm == nil {
			pm = &pathMethods{methods: map[string]bool{}, public: true}
			paths[r.template] = pm
		}
		pm.methods[r.method] = true
		pm.public = pm.public && r.public
	}
	s.registerMethodNotAllowed(paths)
	return nil
}

// vendorHandler wraps an operation's handler with what every vendor route
// does, in the real service's order: Django's request checks (too many
// query fields), then scenario rules that read no stored state (an outage
// answers whoever asks), then authentication and permissions (401/403),
// then the rules that read stored state (so they only ever see what the
// caller may see), then validation (400/413/415), then the handler.
func (s *Server) vendorHandler(r *route, h echo.HandlerFunc) echo.HandlerFunc {
	// Boxed once here, not on every request (see api.SetOperationBoxed).
	id, tier := any(r.id), any(r.tier)
	return func(c echo.Context) error {
		if err := decodeParams(c); err != nil {
			return err
		}
		api.SetOperationBoxed(c, id)
		c.Set(ctxTier, tier)
		c.Set(ctxRoute, r)
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
			if dmAdminOnly[r.id] && !dmAdmin {
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
		if r != nil && r.blankDefaults[name] && len(vs) == 1 && vs[0] == "" {
			delete(c.QueryParams(), name)
		}
	}
	api.SetRequestBody(c, api.ReadBody(req, s.opts.maxBodyBytes))
	return nil
}

// publicOp reports whether op asks no key of a caller: no security
// requirement, or an empty one among them (a key or none).
func publicOp(doc *openapi3.T, op *openapi3.Operation) bool {
	reqs := doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	if len(reqs) == 0 {
		return true
	}
	return optionalAuth(doc, op)
}

// optionalAuth reports whether op's security lists an empty requirement
// beside a key's: a caller may send a key or none.
func optionalAuth(doc *openapi3.T, op *openapi3.Operation) bool {
	reqs := doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	for _, r := range reqs {
		if len(r) == 0 {
			return true
		}
	}
	return false
}

// decodeParams gives handlers the path's parameters decoded, as Django
// decodes the path before it routes: Echo routes on the raw path when it
// holds an escape Go would not write (%41, %28) and hands the parameter
// on still escaped, so org%41 would otherwise be a tenant of its own. A
// parameter holding an escaped slash is a path Django splits there, which
// this route's pattern does not match: its 404.
func decodeParams(c echo.Context) error {
	if c.Request().URL.RawPath == "" {
		return nil
	}
	vals := c.ParamValues()
	for i, v := range vals {
		d, err := url.PathUnescape(v)
		if err != nil || strings.Contains(d, "/") {
			return echo.ErrNotFound
		}
		vals[i] = d
	}
	c.SetParamValues(vals...)
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
		for _, p := range flatProperties(mt.Schema.Value) {
			if p.Value != nil && p.Value.Format == "binary" {
				return true
			}
		}
	}
	return false
}

// blankDefaults returns the query parameters of an operation whose
// declared default is the empty string. The generated TypeScript client
// sends such a parameter empty when the caller leaves it out
// (catalogSearchProgramsCreate's query = ”), while the document also
// gives it minLength 1: the real service must take the client's request,
// so an empty value is read as no value.
func blankDefaults(item *openapi3.PathItem, op *openapi3.Operation) map[string]bool {
	out := map[string]bool{}
	for _, ps := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, p := range ps {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery && p.Value.Schema != nil &&
				p.Value.Schema.Value != nil && p.Value.Schema.Value.Default == "" {
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
