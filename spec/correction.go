package spec

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/oasdiff/yaml"
)

// Correction is one departure from the vendor's published document. Each
// carries its reason and evidence; FIDELITY.md lists every one of them.
//
// Exactly one action is set:
//   - Body replaces the request body schema of Operation for every media type
//     it declares (adding application/json when it declares none).
//   - Response sets the JSON schema of one response status of Operation.
//   - Params adds parameters to Operation, replacing same-named ones.
//   - Schema adds or replaces components.schemas[Schema] with Value.
//   - Patch applies a JSON-Patch-like edit (add, replace, remove, merge) at
//     Pointer, relative to Operation when one is named.
type Correction struct {
	ID        string           `json:"id"`
	Operation string           `json:"operation,omitempty"`
	Body      any              `json:"body,omitempty"`
	Response  *ResponseFix     `json:"response,omitempty"`
	Params    []map[string]any `json:"params,omitempty"`
	Schema    string           `json:"schema,omitempty"`
	Value     any              `json:"value,omitempty"`
	Patch     string           `json:"patch,omitempty"`
	Pointer   string           `json:"pointer,omitempty"`
	Why       string           `json:"why"`
	Evidence  string           `json:"evidence"`
	// File is the corrections file the entry came from.
	File string `json:"-"`
}

// ResponseFix is the Response action: the status and its JSON schema (nil
// for a response without a body).
type ResponseFix struct {
	Status string `json:"status"`
	Schema any    `json:"schema"`
}

func readCorrections(files fs.FS) ([]Correction, error) {
	names, err := fs.Glob(files, "corrections/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var all []Correction
	seen := map[string]string{}
	for _, name := range names {
		raw, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, err
		}
		js, err := yaml.YAMLToJSON(raw)
		if err != nil {
			return nil, fmt.Errorf("spec: %s: %w", name, err)
		}
		var list []Correction
		dec := json.NewDecoder(strings.NewReader(string(js)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&list); err != nil {
			return nil, fmt.Errorf("spec: %s: %w", name, err)
		}
		for i := range list {
			c := &list[i]
			c.File = name
			if c.ID == "" || c.Why == "" || c.Evidence == "" {
				return nil, fmt.Errorf("spec: %s: entry %d needs id, why and evidence", name, i)
			}
			if prev, dup := seen[c.ID]; dup {
				return nil, fmt.Errorf("spec: %s: correction id %q already used in %s", name, c.ID, prev)
			}
			seen[c.ID] = name
		}
		all = append(all, list...)
	}
	return all, nil
}

func (c *Correction) apply(doc map[string]any) error {
	actions := 0
	for _, set := range []bool{c.Body != nil, c.Response != nil, c.Params != nil, c.Schema != "", c.Patch != ""} {
		if set {
			actions++
		}
	}
	if actions != 1 {
		return fmt.Errorf("needs exactly one of body, response, params, schema, patch")
	}
	if c.Schema != "" {
		schemas, err := walk(doc, "/components/schemas")
		if err != nil {
			return err
		}
		schemas.(map[string]any)[c.Schema] = c.Value
		return nil
	}
	var op map[string]any
	if c.Operation != "" {
		var err error
		if op, err = findOperation(doc, c.Operation); err != nil {
			return err
		}
	}
	switch {
	case c.Body != nil:
		if op == nil {
			return fmt.Errorf("body needs an operation")
		}
		rb, _ := op["requestBody"].(map[string]any)
		if rb == nil {
			rb = map[string]any{}
			op["requestBody"] = rb
		}
		content, _ := rb["content"].(map[string]any)
		if content == nil {
			content = map[string]any{"application/json": map[string]any{}}
			rb["content"] = content
		}
		for mt := range content {
			content[mt] = map[string]any{"schema": c.Body}
		}
		return nil
	case c.Response != nil:
		if op == nil {
			return fmt.Errorf("response needs an operation")
		}
		responses, _ := op["responses"].(map[string]any)
		if responses == nil {
			responses = map[string]any{}
			op["responses"] = responses
		}
		r := map[string]any{"description": ""}
		if c.Response.Schema != nil {
			r["content"] = map[string]any{"application/json": map[string]any{"schema": c.Response.Schema}}
		}
		responses[c.Response.Status] = r
		return nil
	case c.Params != nil:
		if op == nil {
			return fmt.Errorf("params needs an operation")
		}
		params, _ := op["parameters"].([]any)
		for _, p := range c.Params {
			replaced := false
			for i, old := range params {
				o := old.(map[string]any)
				if o["name"] == p["name"] && o["in"] == p["in"] {
					params[i] = p
					replaced = true
				}
			}
			if !replaced {
				params = append(params, p)
			}
		}
		op["parameters"] = params
		return nil
	default:
		var root any = doc
		if op != nil {
			root = op
		}
		return patch(root, c.Patch, c.Pointer, c.Value)
	}
}

func findOperation(doc map[string]any, id string) (map[string]any, error) {
	paths, _ := doc["paths"].(map[string]any)
	for _, item := range paths {
		for _, v := range item.(map[string]any) {
			if op, ok := v.(map[string]any); ok && op["operationId"] == id {
				return op, nil
			}
		}
	}
	return nil, fmt.Errorf("no operation %q in the vendor document", id)
}

// walk returns the value at pointer (RFC 6901) below root.
func walk(root any, pointer string) (any, error) {
	cur := root
	if pointer == "" {
		return cur, nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch t := cur.(type) {
		case map[string]any:
			v, ok := t[tok]
			if !ok {
				return nil, fmt.Errorf("pointer %q: no key %q", pointer, tok)
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(t) {
				return nil, fmt.Errorf("pointer %q: bad index %q", pointer, tok)
			}
			cur = t[i]
		default:
			return nil, fmt.Errorf("pointer %q: cannot descend into %T", pointer, cur)
		}
	}
	return cur, nil
}

func patch(root any, op, pointer string, value any) error {
	i := strings.LastIndex(pointer, "/")
	if i < 0 {
		return fmt.Errorf("pointer %q must start with /", pointer)
	}
	parent, err := walk(root, pointer[:i])
	if err != nil {
		return err
	}
	key := strings.ReplaceAll(strings.ReplaceAll(pointer[i+1:], "~1", "/"), "~0", "~")
	m, ok := parent.(map[string]any)
	if !ok {
		if arr, isArr := parent.([]any); isArr && op == "add" && key == "-" {
			// Appending needs the array's owner; re-walk to set it.
			return setAt(root, pointer[:i], append(arr, value))
		}
		return fmt.Errorf("pointer %q: parent is not an object", pointer)
	}
	_, exists := m[key]
	switch op {
	case "add":
		m[key] = value
	case "replace":
		if !exists {
			return fmt.Errorf("replace: %q does not exist", pointer)
		}
		m[key] = value
	case "remove":
		if !exists {
			return fmt.Errorf("remove: %q does not exist", pointer)
		}
		delete(m, key)
	case "merge":
		if !exists {
			return fmt.Errorf("merge: %q does not exist", pointer)
		}
		m[key] = mergePatch(m[key], value)
	default:
		return fmt.Errorf("unknown patch %q (add, replace, remove, merge)", op)
	}
	return nil
}

func setAt(root any, pointer string, value any) error {
	i := strings.LastIndex(pointer, "/")
	parent, err := walk(root, pointer[:i])
	if err != nil {
		return err
	}
	m, ok := parent.(map[string]any)
	if !ok {
		return fmt.Errorf("pointer %q: parent is not an object", pointer)
	}
	m[pointer[i+1:]] = value
	return nil
}

// mergePatch applies an RFC 7386 JSON merge patch.
func mergePatch(target, p any) any {
	pm, ok := p.(map[string]any)
	if !ok {
		return p
	}
	tm, ok := target.(map[string]any)
	if !ok {
		tm = map[string]any{}
	}
	for k, v := range pm {
		if v == nil {
			delete(tm, k)
			continue
		}
		tm[k] = mergePatch(tm[k], v)
	}
	return tm
}
