package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// MethodCall is one SDK method as spec/pysdk.methods.json lists it: how the
// SDK sends it with only its required arguments, and the operation the fake
// serves it as. conformance's TestPythonSDKMethodsReachTheirOperations
// sends each to the fake.
type MethodCall struct {
	// Method is Class.name, Source its file and line at the pinned commit.
	Method string `json:"method"`
	Source string `json:"source"`
	// HTTPMethod and Path are the request's; PathValues fill Path's
	// parameters, Query and Header the required ones, with sample values of
	// the parameters' types.
	HTTPMethod string            `json:"http_method"`
	Path       string            `json:"path"`
	PathValues map[string]string `json:"path_values,omitempty"`
	Query      map[string]string `json:"query,omitempty"`
	Header     map[string]string `json:"header,omitempty"`
	// ContentType is the media type the SDK sends a body in by default
	// (the first JSON one it lists, else the first: ApiClient.
	// select_header_content_type), "" for a method without a body; Body
	// whether one is required.
	ContentType string `json:"content_type,omitempty"`
	Body        bool   `json:"body,omitempty"`
	// Public: the method sends no credentials.
	Public bool `json:"public,omitempty"`
	// OperationID is the operation the fake serves the method as.
	OperationID string `json:"operation_id"`
}

// methodList renders the SDK's methods as spec/pysdk.methods.json: a header
// naming the commit, then one method a line.
func methodList(g *generator, methods []Method, models map[string]*Model, commit, version string) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "{\"generated_by\": \"spec/sdkgen; DO NOT EDIT\", \"sdk\": \"iblai/iblai-python-sdk\", \"commit\": %q, \"document\": %q, \"methods\": [\n", commit, version)
	for i := range methods {
		m := &methods[i]
		key := m.Class + "." + m.Name
		id, ok := g.Report.Expected[key]
		if !ok || id == "" {
			return nil, fmt.Errorf("%s: no operation the fake serves it as", key)
		}
		c := MethodCall{Method: key, Source: fmt.Sprintf("%s:%d", m.File, m.Line), HTTPMethod: m.HTTPMethod, Path: m.Path,
			OperationID: id, Public: len(m.Auth) == 0}
		for j := range m.Params {
			p := &m.Params[j]
			s, err := paramSchema(p, models)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", key, p.Name, err)
			}
			switch {
			case p.In == "path":
				if c.PathValues == nil {
					c.PathValues = map[string]string{}
				}
				c.PathValues[p.Name] = sampleValue(p.Name, s, models)
			case p.In == "query" && p.Required:
				if c.Query == nil {
					c.Query = map[string]string{}
				}
				c.Query[p.Name] = sampleValue(p.Name, s, models)
			case p.In == "header" && p.Required:
				if c.Header == nil {
					c.Header = map[string]string{}
				}
				c.Header[p.Name] = sampleValue(p.Name, s, models)
			case p.In == "body" || p.In == "form" || p.In == "file":
				c.ContentType = defaultContentType(m.ContentTypes)
				c.Body = c.Body || p.Required
			}
		}
		line, err := json.Marshal(c)
		if err != nil {
			return nil, err
		}
		b.Write(line)
		if i < len(methods)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]}\n")
	return b.Bytes(), nil
}

// defaultContentType is ApiClient.select_header_content_type: the first
// media type naming JSON, else the first.
func defaultContentType(types []string) string {
	for _, t := range types {
		if strings.Contains(strings.ToLower(t), "json") {
			return t
		}
	}
	if len(types) > 0 {
		return types[0]
	}
	return "application/json"
}

// sampleValues are values for string parameters by name, as a caller of
// the SDK fills them.
var sampleValues = []struct {
	name  *regexp.Regexp
	value string
}{
	{regexp.MustCompile(`^(org|platform_key|platform_org|key|tenant|platform)$`), "main"},
	{regexp.MustCompile(`^(user_id|username|student_id|learner_id)$`), "admin"},
	{regexp.MustCompile(`course_id|course_key`), "course-v1:main+DS101+2026"},
	{regexp.MustCompile(`program_id|program_key`), "program-v1:main+DSP+2026"},
	{regexp.MustCompile(`email`), "admin@example.com"},
	{regexp.MustCompile(`url|uri`), "https://example.com/"},
}

// sampleValue is a value of schema s for a parameter named name.
func sampleValue(name string, s map[string]any, models map[string]*Model) string {
	if ref, ok := s["$ref"].(string); ok {
		if m := models[strings.TrimPrefix(ref, "#/components/schemas/")]; m != nil && m.Kind == "enum" && len(m.Enum) > 0 {
			return fmt.Sprint(m.Enum[0])
		}
	}
	if e, ok := s["enum"].([]any); ok && len(e) > 0 {
		return fmt.Sprint(e[0])
	}
	switch s["type"] {
	case "integer", "number":
		return "1"
	case "boolean":
		return "true"
	case "array":
		items, _ := s["items"].(map[string]any)
		return sampleValue(name, items, models)
	}
	switch s["format"] {
	case "date-time":
		return "2026-01-15T09:30:00Z"
	case "date":
		return "2026-01-15"
	case "uuid":
		return "3fa85f64-5717-4562-b3fc-2c963f66afa6"
	}
	for _, sv := range sampleValues {
		if sv.name.MatchString(name) {
			return sv.value
		}
	}
	return "sample"
}
