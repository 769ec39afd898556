package synth

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// merged flattens s's allOf into one schema: properties and required
// fields joined, and the first part's type, format, enum and bounds where
// s has none (drf-spectacular writes an enum field as allOf: [{$ref:
// SomeEnum}], nullable beside it). The result is a copy; s is shared.
func merged(s *openapi3.Schema) *openapi3.Schema {
	out := *s
	out.AllOf = nil
	out.Properties = maps.Clone(s.Properties)
	out.Required = slices.Clone(s.Required)
	for _, part := range s.AllOf {
		if part == nil || part.Value == nil {
			continue
		}
		p := part.Value
		if len(p.AllOf) > 0 {
			p = merged(p)
		}
		if out.Type == nil || out.Type.IsEmpty() {
			out.Type = p.Type
		}
		if out.Format == "" {
			out.Format = p.Format
		}
		if len(out.Enum) == 0 {
			out.Enum = p.Enum
		}
		if out.Pattern == "" {
			out.Pattern = p.Pattern
		}
		if out.Items == nil {
			out.Items = p.Items
		}
		if out.Min == nil {
			out.Min, out.ExclusiveMin = p.Min, p.ExclusiveMin
		}
		if out.Max == nil {
			out.Max, out.ExclusiveMax = p.Max, p.ExclusiveMax
		}
		if out.MinLength == 0 {
			out.MinLength = p.MinLength
		}
		if out.MaxLength == nil {
			out.MaxLength = p.MaxLength
		}
		if len(out.OneOf) == 0 {
			out.OneOf = p.OneOf
		}
		if len(out.AnyOf) == 0 {
			out.AnyOf = p.AnyOf
		}
		if out.Discriminator == nil {
			out.Discriminator = p.Discriminator
		}
		for k, v := range p.Properties {
			if out.Properties == nil {
				out.Properties = openapi3.Schemas{}
			}
			if _, have := out.Properties[k]; !have {
				out.Properties[k] = v
			}
		}
		for _, r := range p.Required {
			if !slices.Contains(out.Required, r) {
				out.Required = append(out.Required, r)
			}
		}
	}
	if (out.Type == nil || out.Type.IsEmpty()) && len(out.Properties) > 0 {
		out.Type = &openapi3.Types{"object"}
	}
	return &out
}

// sortedNames returns m's keys in order, for a stable walk.
func sortedNames[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

func itoa(i int) string { return strconv.Itoa(i) }

// singular names an array's items for the name heuristics: "emails" ->
// "email".
func singular(name string) string {
	switch {
	case strings.HasSuffix(name, "ies"):
		return name[:len(name)-3] + "y"
	case strings.HasSuffix(name, "ses"):
		return name[:len(name)-2]
	case strings.HasSuffix(name, "s"):
		return name[:len(name)-1]
	}
	return name
}

// jsonKey is v's JSON text, to tell unique items apart.
func jsonKey(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
