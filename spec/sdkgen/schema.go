package main

import (
	"fmt"
	"strconv"
	"strings"
)

// schemaOf turns a Python annotation of the SDK into an OpenAPI 3.0 schema,
// as openapi-generator wrote the annotation from it. Optional[X] gives X:
// whether a field may be null is read from the model's to_dict, not from
// Optional, which the generator also writes for fields that are merely not
// required. A model's name gives a $ref.
func schemaOf(t *pyNode, models map[string]*Model) (map[string]any, error) {
	switch t.Kind {
	case "name":
		return namedSchema(t.Name, models)
	case "str":
		// A forward reference written as a string.
		return namedSchema(t.Str, models)
	case "sub":
		switch t.Name {
		case "Optional":
			return schemaOf(t.Args[0], models)
		case "Annotated":
			s, err := schemaOf(t.Args[0], models)
			if err != nil {
				return nil, err
			}
			for _, a := range t.Args[1:] {
				if a.Kind == "call" && a.Name == "Field" {
					constrain(s, a)
				}
			}
			return s, nil
		case "List", "Set", "list", "set":
			items, err := schemaOf(t.Args[0], models)
			if err != nil {
				return nil, err
			}
			s := map[string]any{"type": "array", "items": items}
			if t.Name == "Set" || t.Name == "set" {
				s["uniqueItems"] = true
			}
			return s, nil
		case "Dict", "dict":
			v, err := schemaOf(t.Args[1], models)
			if err != nil {
				return nil, err
			}
			return map[string]any{"type": "object", "additionalProperties": v}, nil
		case "Union":
			return unionSchema(t, models)
		case "Tuple":
			return map[string]any{}, nil
		}
	}
	return nil, fmt.Errorf("annotation %s: not a type the SDK writes", t)
}

// unionSchema is Union[...]: numbers (StrictFloat, StrictInt), a file
// (StrictBytes, StrictStr, Tuple), or any of several types.
func unionSchema(t *pyNode, models map[string]*Model) (map[string]any, error) {
	var kinds []map[string]any
	for _, a := range t.Args {
		s, err := schemaOf(a, models)
		if err != nil {
			return nil, err
		}
		kinds = append(kinds, s)
	}
	types := map[string]bool{}
	for _, k := range kinds {
		if ty, ok := k["type"].(string); ok {
			types[ty] = true
		}
	}
	if types["number"] && types["integer"] && len(types) == 2 {
		// Union[StrictFloat, StrictInt]: a number; a constraint given on
		// either member holds for both.
		out := map[string]any{"type": "number"}
		for _, k := range kinds {
			for key, v := range k {
				if key != "type" && key != "format" {
					out[key] = v
				}
			}
		}
		return out, nil
	}
	if t.String() == "Union[StrictBytes, StrictStr, Tuple[StrictStr, StrictBytes]]" {
		return map[string]any{"type": "string", "format": "binary"}, nil
	}
	var oneOf []any
	for _, k := range kinds {
		oneOf = append(oneOf, k)
	}
	return map[string]any{"oneOf": oneOf}, nil
}

// namedSchema is the schema of a bare name: a Python or pydantic type, or
// a model of the SDK.
func namedSchema(name string, models map[string]*Model) (map[string]any, error) {
	switch name {
	case "StrictStr", "str":
		return map[string]any{"type": "string"}, nil
	case "StrictInt", "int":
		return map[string]any{"type": "integer"}, nil
	case "StrictFloat", "float":
		return map[string]any{"type": "number", "format": "double"}, nil
	case "StrictBool", "bool":
		return map[string]any{"type": "boolean"}, nil
	case "datetime":
		return map[string]any{"type": "string", "format": "date-time"}, nil
	case "date":
		return map[string]any{"type": "string", "format": "date"}, nil
	case "UUID":
		return map[string]any{"type": "string", "format": "uuid"}, nil
	case "bytearray", "bytes", "StrictBytes":
		return map[string]any{"type": "string", "format": "binary"}, nil
	case "Any", "object":
		return map[string]any{}, nil
	}
	if _, ok := models[name]; ok {
		return map[string]any{"$ref": "#/components/schemas/" + name}, nil
	}
	return nil, fmt.Errorf("type %q is neither a Python type nor a model of the SDK", name)
}

// constrain copies a Field(...)'s constraints onto s.
func constrain(s map[string]any, field *pyNode) {
	num := func(n *pyNode) any {
		if i, err := strconv.Atoi(n.Str); err == nil {
			return i
		}
		f, _ := strconv.ParseFloat(n.Str, 64)
		return f
	}
	for key, v := range field.Kw {
		if v.Kind != "num" {
			continue
		}
		switch key {
		case "max_length":
			if s["type"] == "array" {
				s["maxItems"] = num(v)
			} else {
				s["maxLength"] = num(v)
			}
		case "min_length":
			if s["type"] == "array" {
				s["minItems"] = num(v)
			} else {
				s["minLength"] = num(v)
			}
		case "ge":
			s["minimum"] = num(v)
		case "le":
			s["maximum"] = num(v)
		case "gt":
			s["minimum"], s["exclusiveMinimum"] = num(v), true
		case "lt":
			s["maximum"], s["exclusiveMaximum"] = num(v), true
		}
	}
}

// responseSchema is the schema of a response types map entry ("Mentor",
// "List[Mentor]", "Dict[str, object]", "object", "bytearray").
func responseSchema(typ string, models map[string]*Model) (map[string]any, error) {
	n, err := parsePy(typ)
	if err != nil {
		return nil, err
	}
	return schemaOf(n, models)
}

// componentOf is the component schema of a model.
func componentOf(m *Model, models map[string]*Model) (map[string]any, error) {
	switch m.Kind {
	case "enum":
		if len(m.Enum) == 0 {
			// drf-spectacular's NullEnum: null alone.
			return map[string]any{"enum": []any{nil}}, nil
		}
		return map[string]any{"type": m.EnumType, "enum": m.Enum}, nil
	case "oneOf":
		var oneOf []any
		for _, o := range m.OneOf {
			s, err := namedSchema(o, models)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", m.File, err)
			}
			oneOf = append(oneOf, s)
		}
		return map[string]any{"oneOf": oneOf}, nil
	}
	props := map[string]any{}
	var required []any
	for _, f := range m.Fields {
		s, err := fieldSchema(f, models)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", m.File, f.Name, err)
		}
		props[f.Name] = s
		if f.Required {
			required = append(required, f.Name)
		}
	}
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	return out, nil
}

// fieldSchema is a model field's property schema: its type, with readOnly,
// nullable, an inline enum or pattern, and its default. A $ref with
// siblings is wrapped in allOf, as drf-spectacular writes it.
func fieldSchema(f Field, models map[string]*Model) (map[string]any, error) {
	s, err := schemaOf(f.Type, models)
	if err != nil {
		return nil, err
	}
	extra := map[string]any{}
	if f.ReadOnly {
		extra["readOnly"] = true
	}
	if f.Nullable {
		extra["nullable"] = true
	}
	if len(f.Enum) > 0 {
		// The validator's set holds "" where the document allowed a blank
		// (drf-spectacular's BlankEnum), and null is allowed where the
		// field is nullable.
		var vals []any
		for _, v := range f.Enum {
			vals = append(vals, v)
		}
		target := s
		if s["type"] == "array" {
			target = s["items"].(map[string]any)
		}
		target["enum"] = vals
		if f.Nullable {
			target["enum"] = append(vals, nil)
		}
	}
	if f.Pattern != "" {
		s["pattern"] = f.Pattern
	}
	if f.Default != nil {
		if d, ok := literal(f.Default); ok {
			extra["default"] = d
		}
	}
	if len(extra) == 0 {
		return s, nil
	}
	if _, isRef := s["$ref"]; isRef {
		extra["allOf"] = []any{s}
		return extra, nil
	}
	for k, v := range extra {
		s[k] = v
	}
	return s, nil
}

// literal is a Python literal default as JSON.
func literal(n *pyNode) (any, bool) {
	switch n.Kind {
	case "str":
		return n.Str, true
	case "num":
		if i, err := strconv.Atoi(n.Str); err == nil {
			return i, true
		}
		f, err := strconv.ParseFloat(n.Str, 64)
		return f, err == nil
	case "name":
		switch n.Name {
		case "True":
			return true, true
		case "False":
			return false, true
		}
	}
	return nil, false
}

// isFileType reports whether a parameter's annotation is a file upload.
func isFileType(t *pyNode) bool {
	return strings.Contains(t.String(), "StrictBytes")
}
