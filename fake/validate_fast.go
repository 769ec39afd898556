package fake

import (
	"net/url"
	"strconv"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
)

// Most requests carry a few path and query parameters of plain schemas (a
// string, an integer, a boolean) and nothing else kin-openapi would check:
// for them openapi3filter.ValidateRequest cost a tenth of a list request
// and about 45 allocations, to find nothing. paramPlan decides, per route
// once, whether every parameter check of the operation is one it can
// predict, and per request whether each value is one kin-openapi accepts
// for sure; only then is ValidateRequest skipped. Anything else (a
// constraint, a format, a composed or object schema, a header or cookie
// parameter, an empty or unusual value, a missing required one) goes
// through kin-openapi as before, which words the 400.
// TestParamPlanNeverPassesWhatKinRefuses holds it to that.

// paramKind is how a plain parameter's value is read.
type paramKind uint8

const (
	plainString  paramKind = iota + 1 // any value
	plainInteger                      // what strconv.ParseInt reads
	plainBoolean                      // what strconv.ParseBool reads
	// absentOnly: a schema this plan does not predict; the request passes
	// the plan only without the parameter (and it is optional).
	absentOnly
)

// planParam is one declared parameter as the plan checks it.
type planParam struct {
	name     string
	path     bool // in path, else in query
	kind     paramKind
	required bool
}

// paramPlan is a route's plan; ok is false when no request of the route
// can skip kin-openapi.
type paramPlan struct {
	ok     bool
	params []planParam
}

// plan returns the route's parameter plan, made on first use (long-tail
// routes are compiled on their first request too).
func (r *route) plan() *paramPlan {
	r.planOnce.Do(func() { r.paramPlan = newParamPlan(r) })
	return r.paramPlan
}

func newParamPlan(r *route) *paramPlan {
	p := &paramPlan{}
	op, item := r.kin.Operation, r.kin.PathItem
	if r.kin.Spec.IsOpenAPI31OrLater() {
		return p // JSON Schema 2020 validation: not predicted here
	}
	security := op.Security
	if security == nil {
		security = &r.kin.Spec.Security
	}
	if !noopSecurityPasses(r.kin.Spec, *security) {
		return p
	}
	var all []*openapi3.Parameter
	for _, ref := range item.Parameters {
		if ref.Value != nil && op.Parameters.GetByInAndName(ref.Value.In, ref.Value.Name) == nil {
			all = append(all, ref.Value)
		}
	}
	for _, ref := range op.Parameters {
		if ref.Value == nil {
			return p
		}
		all = append(all, ref.Value)
	}
	for _, prm := range all {
		if prm.Schema == nil && prm.Content == nil {
			continue // kin-openapi checks nothing
		}
		if prm.Content != nil || prm.Schema == nil || prm.Schema.Value == nil {
			return p
		}
		pp := planParam{name: prm.Name, required: prm.Required}
		switch prm.In {
		case openapi3.ParameterInPath:
			pp.path = true
			if prm.Style != "" && prm.Style != openapi3.SerializationSimple {
				return p
			}
		case openapi3.ParameterInQuery:
			if prm.Style != "" && prm.Style != openapi3.SerializationForm {
				return p
			}
		default:
			return p // header, cookie
		}
		pp.kind = plainKind(prm.Schema.Value)
		if pp.kind == absentOnly && (pp.path || pp.required || !absentPasses(prm.Schema.Value)) {
			return p
		}
		p.params = append(p.params, pp)
	}
	p.ok = true
	return p
}

// noopSecurityPasses reports whether ValidateSecurityRequirements passes
// with the fake's no-op authentication (the fake authenticates itself):
// it does when there is no requirement, or one whose schemes the document
// all declares. It depends on the route alone.
func noopSecurityPasses(doc *openapi3.T, srs openapi3.SecurityRequirements) bool {
	if len(srs) == 0 {
		return true
	}
	var schemes openapi3.SecuritySchemes
	if doc.Components != nil {
		schemes = doc.Components.SecuritySchemes
	}
next:
	for _, sr := range srs {
		for name := range sr {
			if ref := schemes[name]; ref == nil || ref.Value == nil {
				continue next
			}
		}
		return true
	}
	return false
}

// plainKind returns how a schema's values are read when the schema puts
// no constraint on them beyond its one type, else absentOnly.
func plainKind(s *openapi3.Schema) paramKind {
	if s.Type == nil || len(*s.Type) != 1 || s.Not != nil || len(s.AllOf) > 0 || len(s.AnyOf) > 0 ||
		len(s.OneOf) > 0 || s.Enum != nil || s.Format != "" || s.Pattern != "" || s.Const != nil ||
		s.Always != nil || s.If != nil {
		return absentOnly
	}
	switch {
	case s.Type.Is(openapi3.TypeString):
		if s.MinLength == 0 && s.MaxLength == nil {
			return plainString
		}
	case s.Type.Is(openapi3.TypeInteger):
		if s.Min == nil && s.Max == nil && s.MultipleOf == nil && !s.ExclusiveMin.IsSet() && !s.ExclusiveMax.IsSet() {
			return plainInteger
		}
	case s.Type.Is(openapi3.TypeBoolean):
		return plainBoolean
	}
	return absentOnly
}

// absentPasses reports whether an optional query parameter of this schema
// that the request leaves out is sure to pass: kin-openapi finds a
// primitive or array parameter only under its own name (an object's
// deepObject keys it finds under others).
func absentPasses(s *openapi3.Schema) bool {
	if s.Type == nil || len(*s.Type) != 1 || len(s.AllOf) > 0 || len(s.AnyOf) > 0 || len(s.OneOf) > 0 {
		return false
	}
	return !s.Type.Is(openapi3.TypeObject)
}

// passes reports whether kin-openapi is sure to accept the request's
// parameters: c's path parameters, and q, the query as validated.
func (p *paramPlan) passes(c echo.Context, q url.Values) bool {
	if !p.ok {
		return false
	}
	for _, pp := range p.params {
		var v string
		if pp.path {
			v = c.Param(pp.name)
			if v == "" {
				return false // kin-openapi: missing
			}
		} else {
			vs := q[pp.name]
			switch {
			case len(vs) == 0:
				if pp.required {
					return false
				}
				continue
			case len(vs) > 1 || pp.kind == absentOnly:
				return false
			}
			v = vs[0]
		}
		if !plainValue(pp.kind, v) {
			return false
		}
	}
	return true
}

// plainValue reports whether v parses as kind does in kin-openapi's
// parameter decoding (an empty value is left to it: for an integer it is
// its own error).
func plainValue(kind paramKind, v string) bool {
	switch kind {
	case plainString:
		return true
	case plainInteger:
		_, err := strconv.ParseInt(v, 10, 64)
		return err == nil
	case plainBoolean:
		_, err := strconv.ParseBool(v)
		return err == nil
	}
	return false
}

// routePlan is what route keeps for the plan (routes.go's struct embeds it).
type routePlan struct {
	planOnce  sync.Once
	paramPlan *paramPlan
}
