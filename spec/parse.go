package spec

import (
	"encoding/json"
	"fmt"
	"regexp"
	"runtime"
	"sort"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// parseDocument loads a JSON OpenAPI document as openapi3.Loader's
// LoadFromData does, but decodes the components and every path item on
// all cores at once: kin-openapi decodes each level of the document
// several times over, which made parsing the largest part of the fake's
// start-up.
func parseDocument(doc []byte) (*openapi3.T, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil {
		return nil, err
	}
	var paths map[string]json.RawMessage
	if raw, ok := top["paths"]; ok {
		if err := json.Unmarshal(raw, &paths); err != nil {
			return nil, fmt.Errorf("paths: %w", err)
		}
	}
	components := top["components"]
	delete(top, "paths")
	delete(top, "components")
	rest, err := json.Marshal(top)
	if err != nil {
		return nil, err
	}
	t := &openapi3.T{}
	if err := json.Unmarshal(rest, t); err != nil {
		return nil, err
	}

	// One job per path item plus one for the components, on every core.
	names := make([]string, 0, len(paths))
	for p := range paths {
		names = append(names, p)
	}
	sort.Strings(names)
	items := make([]*openapi3.PathItem, len(names))
	comps := &openapi3.Components{}
	errs := make([]error, len(names)+1)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range jobs {
				if j == len(names) {
					if components != nil {
						errs[j] = json.Unmarshal(components, comps)
					}
					continue
				}
				items[j] = &openapi3.PathItem{}
				if err := json.Unmarshal(paths[names[j]], items[j]); err != nil {
					errs[j] = fmt.Errorf("paths %s: %w", names[j], err)
				}
			}
		})
	}
	jobs <- len(names) // the components first: they are the largest job
	for j := range names {
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	t.Components = comps
	t.Paths = openapi3.NewPaths()
	for j, p := range names {
		t.Paths.Set(p, items[j])
	}
	if err := openapi3.NewLoader().ResolveRefsIn(t, nil); err != nil {
		return nil, err
	}
	return t, nil
}

// RequestsOnly returns doc (a JSON OpenAPI document) without its
// operations' responses, each replaced by a bare default response (a
// document must declare one), and without the components only responses
// refer to: what a server that validates requests but not responses needs
// (spec/openapi.requests.json). The output is compact, with sorted keys.
func RequestsOnly(doc []byte) ([]byte, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil {
		return nil, err
	}
	var paths map[string]json.RawMessage
	if err := json.Unmarshal(top["paths"], &paths); err != nil {
		return nil, fmt.Errorf("paths: %w", err)
	}
	var components map[string]map[string]json.RawMessage
	if raw, ok := top["components"]; ok {
		if err := json.Unmarshal(raw, &components); err != nil {
			return nil, fmt.Errorf("components: %w", err)
		}
	}
	paths, err := withoutResponses(paths)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	for k, v := range top {
		out[k] = v
	}
	out["paths"] = paths
	out["components"] = referencedComponents(components, paths)
	return json.Marshal(out)
}

// operationKeys are the keys of a path item that hold an operation.
var operationKeys = map[string]bool{
	"get": true, "put": true, "post": true, "delete": true, "options": true,
	"head": true, "patch": true, "trace": true,
}

// withoutResponses returns paths with every operation's responses
// replaced by a bare default response (a document must declare one).
func withoutResponses(paths map[string]json.RawMessage) (map[string]json.RawMessage, error) {
	out := make(map[string]json.RawMessage, len(paths))
	for p, raw := range paths {
		var item map[string]json.RawMessage
		if err := json.Unmarshal(raw, &item); err != nil {
			return nil, fmt.Errorf("paths %s: %w", p, err)
		}
		for k, opRaw := range item {
			if !operationKeys[k] {
				continue
			}
			var op map[string]json.RawMessage
			if err := json.Unmarshal(opRaw, &op); err != nil {
				return nil, fmt.Errorf("paths %s %s: %w", p, k, err)
			}
			op["responses"] = json.RawMessage(`{"default":{"description":""}}`)
			b, err := json.Marshal(op)
			if err != nil {
				return nil, err
			}
			item[k] = b
		}
		b, err := json.Marshal(item)
		if err != nil {
			return nil, err
		}
		out[p] = b
	}
	return out, nil
}

// componentRef finds local component references in raw JSON.
var componentRef = regexp.MustCompile(`"#/components/([A-Za-z]+)/([^"]+)"`)

// referencedComponents keeps the components paths refer to, directly or
// through other components, and every security scheme.
func referencedComponents(components map[string]map[string]json.RawMessage, paths map[string]json.RawMessage) map[string]map[string]json.RawMessage {
	keep := map[string]map[string]json.RawMessage{}
	if s, ok := components["securitySchemes"]; ok {
		keep["securitySchemes"] = s
	}
	var queue [][]byte
	for _, raw := range paths {
		queue = append(queue, raw)
	}
	for len(queue) > 0 {
		raw := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		for _, m := range componentRef.FindAllSubmatch(raw, -1) {
			section, name := string(m[1]), string(m[2])
			def, ok := components[section][name]
			if !ok {
				continue // ResolveRefsIn reports it
			}
			if keep[section] == nil {
				keep[section] = map[string]json.RawMessage{}
			}
			if _, seen := keep[section][name]; seen {
				continue
			}
			keep[section][name] = def
			queue = append(queue, def)
		}
	}
	return keep
}
