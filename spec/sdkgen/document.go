package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// drfActionSuffix is the numbered twin of an operationId as the Python
// generator writes it: drf-spectacular's "…_retrieve_2" becomes the method
// "…_retrieve2".
var drfActionSuffix = regexp.MustCompile(`^(.*_(?:list|retrieve|create|update|partial_update|destroy))(\d+)$`)

// operationID is the operationId of the document the SDK was generated
// from, read back from a method's name.
func operationID(method string) string {
	if m := drfActionSuffix.FindStringSubmatch(method); m != nil {
		return m[1] + "_" + m[2]
	}
	return method
}

// sdkOperation is one method as an OpenAPI operation of the SDK's
// document.
type sdkOperation struct {
	Method *Method
	// ID is the operationId (operationID of the method's name).
	ID string
	// Op is the operation object (parameters, requestBody, responses,
	// security, operationId).
	Op map[string]any
}

// buildOperation turns a method into an OpenAPI operation: parameters from
// its path, query and header parameters; a request body from its body
// parameter, or from its form parameters (as the model they spell out
// where one matches, else as an object of them); responses from its types
// map; security from its authentication settings.
func buildOperation(m *Method, models map[string]*Model) (*sdkOperation, error) {
	so := &sdkOperation{Method: m, ID: operationID(m.Name)}
	op := map[string]any{"operationId": so.ID}
	var params []any
	var form []Param
	var body *Param
	for i := range m.Params {
		p := &m.Params[i]
		switch p.In {
		case "path", "query", "header":
			s, err := paramSchema(p, models)
			if err != nil {
				return nil, fmt.Errorf("%s: parameter %s: %w", m.Name, p.Name, err)
			}
			param := map[string]any{"name": p.Name, "in": p.In, "schema": s}
			if p.Required || p.In == "path" {
				param["required"] = true
			}
			params = append(params, param)
		case "form", "file":
			form = append(form, *p)
		case "body":
			body = p
		}
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	var bodySchema map[string]any
	required := false
	switch {
	case body != nil:
		s, err := schemaOf(body.Type, models)
		if err != nil {
			return nil, fmt.Errorf("%s: body: %w", m.Name, err)
		}
		bodySchema, required = s, body.Required
	case len(form) > 0:
		if name := formModel(form, models); name != "" {
			bodySchema = map[string]any{"$ref": "#/components/schemas/" + name}
		} else {
			s, err := formSchema(form, models)
			if err != nil {
				return nil, fmt.Errorf("%s: form: %w", m.Name, err)
			}
			bodySchema = s
		}
		for _, p := range form {
			required = required || p.Required
		}
	}
	if bodySchema != nil {
		content := map[string]any{}
		types := m.ContentTypes
		if len(types) == 0 {
			types = []string{"application/json"}
		}
		for _, ct := range types {
			content[ct] = map[string]any{"schema": bodySchema}
		}
		rb := map[string]any{"content": content}
		if required {
			rb["required"] = true
		}
		op["requestBody"] = rb
	}
	responses := map[string]any{}
	for status, typ := range m.Responses {
		r := map[string]any{"description": ""}
		if typ != "" {
			s, err := responseSchema(typ, models)
			if err != nil {
				return nil, fmt.Errorf("%s: response %s: %w", m.Name, status, err)
			}
			r["content"] = map[string]any{responseMediaType(m.Accept): map[string]any{"schema": s}}
		}
		responses[status] = r
	}
	if len(responses) == 0 {
		responses["default"] = map[string]any{"description": ""}
	}
	op["responses"] = responses
	security := []any{}
	for _, a := range m.Auth {
		security = append(security, map[string]any{a: []any{}})
	}
	op["security"] = security
	so.Op = op
	return so, nil
}

// responseMediaType is the media type a method's answers are declared in:
// JSON when it accepts JSON, else the first it lists.
func responseMediaType(accept []string) string {
	for _, a := range accept {
		if a == "application/json" {
			return a
		}
	}
	if len(accept) > 0 {
		return accept[0]
	}
	return "application/json"
}

// paramSchema is a parameter's schema: its docstring's enum or model where
// the signature says only Any.
func paramSchema(p *Param, models map[string]*Model) (map[string]any, error) {
	s, err := schemaOf(p.Type, models)
	if err != nil {
		return nil, err
	}
	if len(s) == 0 && models[p.DocType] != nil {
		return map[string]any{"$ref": "#/components/schemas/" + p.DocType}, nil
	}
	return s, nil
}

// formModel is the model whose fields a form method's parameters are, by
// name and required flag (openapi-generator spells a form body's model out
// as parameters, read-only fields included), or "" when none or several
// differ in more than their name.
func formModel(form []Param, models map[string]*Model) string {
	want := map[string]bool{}
	for _, p := range form {
		want[p.Name] = p.Required
	}
	var found []string
	for name, m := range models {
		if m.Kind != "object" || len(m.Fields) != len(want) {
			continue
		}
		ok := true
		for _, f := range m.Fields {
			req, in := want[f.Name]
			if !in || req != f.Required {
				ok = false
				break
			}
		}
		if ok {
			found = append(found, name)
		}
	}
	sort.Strings(found)
	if len(found) == 0 {
		return ""
	}
	return found[0]
}

// formSchema is an object of a method's form parameters.
func formSchema(form []Param, models map[string]*Model) (map[string]any, error) {
	props := map[string]any{}
	var required []any
	for i := range form {
		p := &form[i]
		var s map[string]any
		var err error
		if p.In == "file" || isFileType(p.Type) {
			s = map[string]any{"type": "string", "format": "binary"}
		} else if s, err = paramSchema(p, models); err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name, err)
		}
		props[p.Name] = s
		if p.Required {
			required = append(required, p.Name)
		}
	}
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	return out, nil
}

// sdkDocument is the OpenAPI document the SDK spells out: every method's
// operation by path and method, and every model as a component.
type sdkDocument struct {
	// Ops are the operations in the methods' order.
	Ops []*sdkOperation
	// Schemas are the models' component schemas.
	Schemas map[string]map[string]any
	Models  map[string]*Model
}

// buildDocument builds the SDK's document from its methods and models.
func buildDocument(methods []Method, models map[string]*Model) (*sdkDocument, error) {
	d := &sdkDocument{Schemas: map[string]map[string]any{}, Models: models}
	for i := range methods {
		so, err := buildOperation(&methods[i], models)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", methods[i].File, err)
		}
		d.Ops = append(d.Ops, so)
	}
	for name, m := range models {
		s, err := componentOf(m, models)
		if err != nil {
			return nil, err
		}
		d.Schemas[name] = s
	}
	return d, nil
}

// JSON returns the document as an OpenAPI document (for the drift check).
// Of the operations of one URL shape and method (twin routes spelling a
// parameter two ways, the methods of an operation tagged twice) the first
// is kept: a document has one operation per URL and method.
func (d *sdkDocument) JSON(version string) map[string]any {
	paths := map[string]any{}
	seen := map[string]bool{}
	for _, so := range d.Ops {
		k := so.Method.HTTPMethod + " " + shape(so.Method.Path)
		if seen[k] {
			continue
		}
		seen[k] = true
		item, _ := paths[so.Method.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[so.Method.Path] = item
		}
		item[strings.ToLower(so.Method.HTTPMethod)] = so.Op
	}
	schemas := map[string]any{}
	for k, v := range d.Schemas {
		schemas[k] = v
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "ibl-data-manager", "version": version},
		"paths":   paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"PlatformApiKeyAuthentication": map[string]any{"type": "apiKey", "in": "header", "name": "Authorization"},
			},
		},
	}
}
