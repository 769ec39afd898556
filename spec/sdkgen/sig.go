package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// A signature is what a property's (or a parameter's) schema says in the
// terms the SDK can express: its type (a component by name, an array, a
// map, a scalar with the formats Python types carry), an enum's values,
// bounds, lengths, a pattern, and whether it is nullable or read-only.
// Two schemas the SDK would write the same annotation for have the same
// signature, so comparing signatures finds the changes of the newer
// document, not what its Python rendering loses (descriptions, examples,
// "uri" and "email" formats, writeOnly).
type signature struct {
	// Type is "string", "integer", "number", "boolean", "any",
	// "ref:NAME", "array<…>", "map<…>", "object" (an inline object with
	// properties) or "oneOf<…>".
	Type     string
	Format   string
	Enum     string
	Bounds   string
	Pattern  string
	Nullable bool
	ReadOnly bool
	// WriteOnly is the served document's writeOnly (the SDK cannot say).
	WriteOnly bool
}

// typeText is the signature without nullable and read-only.
func (s signature) typeText() string {
	t := s.Type
	if s.Format != "" {
		t += " (" + s.Format + ")"
	}
	if s.Enum != "" {
		t += " enum " + s.Enum
	}
	if s.Bounds != "" {
		t += " " + s.Bounds
	}
	if s.Pattern != "" {
		t += " pattern " + s.Pattern
	}
	return t
}

// String renders the signature for a correction's why.
func (s signature) String() string {
	t := s.typeText()
	if s.Nullable {
		t += ", nullable"
	}
	if s.ReadOnly {
		t += ", read-only"
	}
	return t
}

// sigFormats are the string formats a Python type carries (datetime,
// date, UUID, bytes); other formats ("uri", "email", "decimal") the SDK
// writes as plain strings, so they are never a difference.
var sigFormats = map[string]bool{"date-time": true, "date": true, "uuid": true, "binary": true}

// components resolves references for signatures: the document's schemas.
type components map[string]any

// sig is the signature of schema s in the document whose schemas are comps.
func sig(s map[string]any, comps components) signature {
	var out signature
	out.Nullable, _ = s["nullable"].(bool)
	out.ReadOnly, _ = s["readOnly"].(bool)
	out.WriteOnly, _ = s["writeOnly"].(bool)
	// allOf of one: the $ref beside keywords, as drf-spectacular writes it.
	if all, ok := s["allOf"].([]any); ok && len(all) == 1 {
		inner := sig(all[0].(map[string]any), comps)
		inner.Nullable = inner.Nullable || out.Nullable
		inner.ReadOnly = inner.ReadOnly || out.ReadOnly
		inner.WriteOnly = inner.WriteOnly || out.WriteOnly
		return inner
	}
	if ref, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		// An enum is compared by its values, so that a renamed enum
		// (drf-spectacular's hash suffix) with the same values is the same.
		if c, ok := comps[name].(map[string]any); ok {
			_, isOneOf := c["oneOf"]
			if vals, isEnum := c["enum"].([]any); isEnum || isOneOf {
				e := sig(c, comps)
				e.Nullable = e.Nullable || out.Nullable || hasNull(vals)
				e.ReadOnly = out.ReadOnly
				e.WriteOnly = out.WriteOnly
				return e
			}
		}
		out.Type = "ref:" + name
		return out
	}
	// oneOf of enums (Enum, BlankEnum, NullEnum): one enum of all their
	// values, as openapi-generator's field validator lists them.
	if one, ok := s["oneOf"].([]any); ok {
		var vals []any
		allEnums := true
		typ := ""
		var parts []string
		for _, o := range one {
			os := sig(o.(map[string]any), comps)
			parts = append(parts, os.String())
			c := resolve(o.(map[string]any), comps)
			ev, isEnum := c["enum"].([]any)
			if !isEnum {
				allEnums = false
				continue
			}
			if t, _ := c["type"].(string); t != "" {
				typ = t
			}
			vals = append(vals, ev...)
		}
		if allEnums {
			if typ == "" {
				typ = "string"
			}
			out.Type = typ
			out.Enum = enumText(vals)
			out.Nullable = out.Nullable || hasNull(vals)
			return out
		}
		sort.Strings(parts)
		out.Type = "oneOf<" + strings.Join(parts, " | ") + ">"
		return out
	}
	typ, _ := s["type"].(string)
	switch typ {
	case "":
		out.Type = "any"
		if _, ok := s["properties"]; ok {
			out.Type = "object"
		}
	case "array":
		items, _ := s["items"].(map[string]any)
		out.Type = "array<" + sig(items, comps).String() + ">"
	case "object":
		switch ap := s["additionalProperties"].(type) {
		case map[string]any:
			out.Type = "map<" + sig(ap, comps).String() + ">"
		default:
			out.Type = "map<any>"
		}
		if props, ok := s["properties"].(map[string]any); ok && len(props) > 0 {
			out.Type = "object"
		}
	case "number":
		out.Type = "number"
	default:
		out.Type = typ
	}
	if f, _ := s["format"].(string); sigFormats[f] && typ == "string" {
		out.Format = f
	}
	if vals, ok := s["enum"].([]any); ok {
		out.Enum = enumText(vals)
		out.Nullable = out.Nullable || hasNull(vals)
	}
	var bounds []string
	for _, k := range []string{"minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems"} {
		if v, ok := s[k]; ok {
			bounds = append(bounds, fmt.Sprintf("%s=%v", k, jsonText(v)))
		}
	}
	out.Bounds = strings.Join(bounds, " ")
	out.Pattern, _ = s["pattern"].(string)
	return out
}

// resolve follows a $ref (or an allOf of one) to its component.
func resolve(s map[string]any, comps components) map[string]any {
	for i := 0; i < 8; i++ {
		if all, ok := s["allOf"].([]any); ok && len(all) == 1 {
			s = all[0].(map[string]any)
			continue
		}
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		c, ok := comps[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
		if !ok {
			return s
		}
		s = c
	}
	return s
}

// enumText is an enum's values, sorted, null left out (it is nullable).
func enumText(vals []any) string {
	var out []string
	for _, v := range vals {
		if v == nil {
			continue
		}
		out = append(out, jsonText(v))
	}
	sort.Strings(out)
	return "[" + strings.Join(out, ",") + "]"
}

func hasNull(vals []any) bool {
	for _, v := range vals {
		if v == nil {
			return true
		}
	}
	return false
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
