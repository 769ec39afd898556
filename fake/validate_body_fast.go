package fake

import (
	"encoding/json"
	"math"
	"reflect"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// Most request bodies are objects of plain fields (strings, booleans,
// integers, free-form objects) that pass their schema: for them
// kin-openapi's Schema.VisitJSON cost a tenth of an issue request (it
// sorts the keys and allocates per field) to find nothing. A body plan is
// the schema compiled once into the few checks kin-openapi makes of such
// schemas (type, nullable, required, string length, item counts,
// additional properties); a body the plan accepts is one VisitJSON
// accepts, so VisitJSON is skipped for it. A schema with anything else (a
// format, a pattern, an enum, a bound, a composition, OpenAPI 3.1) has no
// plan: a field of such a schema passes the plan only when it is absent,
// and a body whose own schema has none is always visited. Anything the
// plan does not accept goes to VisitJSON as before, which words the 400.
// TestBodyPlanNeverPassesWhatKinRefuses holds it to that, like the
// parameter plan (validate_fast.go).

// bodyKind is the one type a planned schema declares.
type bodyKind uint8

const (
	bodyAny bodyKind = iota // no type and no constraint: any value but null
	bodyString
	bodyBoolean
	bodyInteger
	bodyNumber
	bodyObject
	bodyArray
)

// bodyNode is a planned schema.
type bodyNode struct {
	kind     bodyKind
	nullable bool
	// bodyString: the bounds of the length kin-openapi counts.
	minLength uint64
	maxLength *uint64
	// bodyArray: the bounds of the item count, and the items' plan
	// (anyItem: no items schema; otherwise nil items: only an empty list
	// passes).
	minItems uint64
	maxItems *uint64
	items    *bodyNode
	anyItem  bool
	// bodyObject: the declared properties' plans (a nil plan: the
	// property passes only when absent), the required names, and what an
	// undeclared key may be (extraOK: anything; else, with extra nil,
	// nothing).
	props    map[string]*bodyNode
	required []string
	extraOK  bool
	extra    *bodyNode
}

// bodyPlan returns the plan of schema, a body schema of the route, made
// on first use; nil when the schema has none.
func (r *route) bodyPlan(schema *openapi3.Schema) *bodyNode {
	if p, ok := r.bodyPlans.Load(schema); ok {
		return p.(*bodyNode)
	}
	var p *bodyNode
	if !r.kin.Spec.IsOpenAPI31OrLater() {
		p = planBody(schema, map[*openapi3.Schema]*bodyNode{})
	}
	r.bodyPlans.Store(schema, p)
	return p
}

// planBody compiles s (nil when it cannot be planned); made holds the
// schemas compiled so far, so that a recursive schema ends.
func planBody(s *openapi3.Schema, made map[*openapi3.Schema]*bodyNode) *bodyNode {
	if s == nil {
		return nil
	}
	if n, ok := made[s]; ok {
		return n
	}
	if !onlyPlannedFields(s) {
		made[s] = nil
		return nil
	}
	n := &bodyNode{nullable: s.Nullable}
	if s.Type == nil {
		// No type: kin-openapi takes any value but null (unless
		// nullable) when nothing else is set.
		if s.MinLength != 0 || s.MaxLength != nil || s.MinItems != 0 || s.MaxItems != nil || s.Items != nil ||
			len(s.Required) > 0 || len(s.Properties) > 0 || !emptyAdditional(s.AdditionalProperties) {
			made[s] = nil
			return nil
		}
		made[s] = n
		return n
	}
	if len(*s.Type) != 1 {
		made[s] = nil
		return nil
	}
	typ := (*s.Type)[0]
	stringish := s.MinLength != 0 || s.MaxLength != nil
	arrayish := s.MinItems != 0 || s.MaxItems != nil || s.Items != nil
	objectish := len(s.Required) > 0 || len(s.Properties) > 0 || !emptyAdditional(s.AdditionalProperties)
	switch {
	case typ == openapi3.TypeString && !arrayish && !objectish:
		n.kind, n.minLength, n.maxLength = bodyString, s.MinLength, s.MaxLength
	case typ == openapi3.TypeBoolean && !stringish && !arrayish && !objectish:
		n.kind = bodyBoolean
	case typ == openapi3.TypeInteger && !stringish && !arrayish && !objectish:
		n.kind = bodyInteger
	case typ == openapi3.TypeNumber && !stringish && !arrayish && !objectish:
		n.kind = bodyNumber
	case typ == openapi3.TypeArray && !stringish && !objectish:
		n.kind, n.minItems, n.maxItems = bodyArray, s.MinItems, s.MaxItems
	case typ == openapi3.TypeObject && !stringish && !arrayish:
		n.kind = bodyObject
	default:
		made[s] = nil
		return nil
	}
	made[s] = n // before the children: a schema may contain itself
	switch n.kind {
	case bodyArray:
		if s.Items == nil {
			n.anyItem = true
		} else {
			n.items = planBody(s.Items.Value, made)
		}
	case bodyObject:
		n.required = s.Required
		n.props = make(map[string]*bodyNode, len(s.Properties))
		for name, ref := range s.Properties {
			if ref != nil {
				n.props[name] = planBody(ref.Value, made)
			} else {
				n.props[name] = nil // kin-openapi reads it as undeclared: not predicted
			}
		}
		ap := s.AdditionalProperties
		switch {
		case ap.Has != nil && !*ap.Has:
			// Undeclared keys are refused: extraOK stays false.
		case ap.Schema == nil:
			n.extraOK = true
		default:
			n.extra = planBody(ap.Schema.Value, made)
		}
	}
	return n
}

// emptyAdditional reports whether additionalProperties is left unset.
func emptyAdditional(ap openapi3.AdditionalProperties) bool { return ap.Has == nil && ap.Schema == nil }

// onlyPlannedFields reports whether s sets nothing but what a plan checks
// (its type, nullable, string lengths, items and their counts,
// properties, required, additionalProperties) and what kin-openapi does
// not check in a request body (annotations; readOnly, which the fake's
// validation does not refuse, and writeOnly, a response check): every
// other field of the schema, including any kin-openapi adds later, is
// zero. The check copies the schema, clears those fields and compares the
// rest with the empty schema.
func onlyPlannedFields(s *openapi3.Schema) bool {
	c := *s
	// Checked by the plan.
	c.Type, c.Nullable, c.MinLength, c.MaxLength = nil, false, 0, nil
	c.MinItems, c.MaxItems, c.Items = 0, nil, nil
	c.Properties, c.Required, c.AdditionalProperties = nil, nil, openapi3.AdditionalProperties{}
	// Not checked by VisitJSON with bodyVisitOptions.
	c.Extensions, c.Origin, c.Title, c.Description, c.Default, c.Example = nil, nil, "", "", nil, nil
	c.ExternalDocs, c.Deprecated, c.XML, c.ReadOnly, c.WriteOnly = nil, false, nil, false, false
	return reflect.DeepEqual(c, openapi3.Schema{})
}

// passes reports whether VisitJSON is sure to accept v (a request body
// as api.ParseJSON or the form conversion made it, normalized). A nil
// plan passes nothing.
func (n *bodyNode) passes(v any) bool {
	if n == nil {
		return false
	}
	if v == nil {
		return n.nullable
	}
	switch n.kind {
	case bodyAny:
		return true
	case bodyString:
		s, ok := v.(string)
		if !ok {
			return false
		}
		if n.minLength == 0 && n.maxLength == nil {
			return true
		}
		l := kinLength(s)
		return l >= n.minLength && (n.maxLength == nil || l <= *n.maxLength)
	case bodyBoolean:
		_, ok := v.(bool)
		return ok
	case bodyInteger:
		f, ok := finiteNumber(v)
		return ok && f == math.Trunc(f)
	case bodyNumber:
		_, ok := finiteNumber(v)
		return ok
	case bodyArray:
		xs, ok := v.([]any)
		if !ok || uint64(len(xs)) < n.minItems || (n.maxItems != nil && uint64(len(xs)) > *n.maxItems) {
			return false
		}
		if n.anyItem {
			return true
		}
		for _, x := range xs {
			if !n.items.passes(x) {
				return false
			}
		}
		return true
	case bodyObject:
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		for k, x := range m {
			p, declared := n.props[k]
			switch {
			case declared:
				if !p.passes(x) {
					return false
				}
			case n.extraOK:
			case !n.extra.passes(x):
				return false
			}
		}
		for _, k := range n.required {
			if _, ok := m[k]; !ok {
				return false
			}
		}
		return true
	}
	return false
}

// kinLength is a string's length as kin-openapi counts it for minLength
// and maxLength (visitJSONString's loop).
func kinLength(s string) uint64 {
	var n uint64
	for _, r := range s {
		if r >= 0xd800 && r < 0xe000 { // utf16.IsSurrogate
			n += 2
		} else {
			n++
		}
	}
	return n
}

// finiteNumber returns v as the float64 kin-openapi checks a number as,
// and whether v is a number it takes (a json.Number that converts, an
// integer, a finite float).
func finiteNumber(v any) (float64, bool) {
	var f float64
	switch x := v.(type) {
	case json.Number:
		var err error
		if f, err = x.Float64(); err != nil {
			return 0, false
		}
	case int:
		f = float64(x)
	case int64:
		f = float64(x)
	case float64:
		f = x
	default:
		return 0, false
	}
	return f, !math.IsNaN(f) && !math.IsInf(f, 0)
}

// routeBodyPlans is what route keeps for its body plans, by schema (a
// route's body has one schema per media type).
type routeBodyPlans struct {
	bodyPlans sync.Map // *openapi3.Schema → *bodyNode
}
