// Command gen splits the vendor's OpenAPI document in two. The part iblfake
// models (every operation under spec.ModelledPrefixes, and the exact paths
// of spec.ModelledPaths) goes to
// vendor.json, plus every component it references, with the prose
// (descriptions, summaries, examples) dropped. Every other operation, the
// long tail the fake answers from its schemas, goes to longtail.json with
// the components it references, descriptions and summaries dropped but
// examples kept (a valid example is what a synthesized answer uses first).
// Both are the vendor's contract as published; the fake's corrections live apart in
// spec/corrections/*.yaml, which go generate ./spec (spec/gen/corrected)
// applies to write spec/openapi.json.
//
// Usage: go run ./spec/gen -in sdk_schema.yml -out spec/vendor.json -longtail spec/longtail.json
//
// spec/regenerate.sh fetches the pinned package and runs this.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/iblfake/iblfake/spec"
	"github.com/oasdiff/yaml"
)

// modelled reports whether the fake models path (spec.Modelled: the
// credentials, catalog-licenses and catalog-invitations prefixes, and
// GET /api/core/platform/users/).
func modelled(path string) bool { return spec.Modelled(path) }

// proseKeys are dropped wherever they are keywords (never when they name a
// schema property).
var proseKeys = map[string]bool{
	"description":  true,
	"summary":      true,
	"example":      true,
	"examples":     true,
	"externalDocs": true,
}

// longTailProse are the prose keywords dropped from the long tail: examples
// stay.
var longTailProse = map[string]bool{
	"description":  true,
	"summary":      true,
	"externalDocs": true,
}

func main() {
	in := flag.String("in", "", "the vendor's sdk_schema.yml")
	out := flag.String("out", "spec/vendor.json", "where to write the modelled part")
	longTail := flag.String("longtail", "spec/longtail.json", "where to write the long tail")
	flag.Parse()
	if err := run(*in, *out, *longTail); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(in, out, longTail string) error {
	if in == "" {
		return fmt.Errorf("-in is required")
	}
	raw, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	js, err := yaml.YAMLToJSON(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	var doc map[string]any
	if err := json.Unmarshal(js, &doc); err != nil {
		return err
	}
	for _, part := range []struct {
		file     string
		keep     func(path string) bool
		prose    map[string]bool
		indented bool
	}{
		{out, modelled, proseKeys, true},
		// The long tail is read by a program, never diffed by hand: compact.
		{longTail, func(p string) bool { return !modelled(p) }, longTailProse, false},
	} {
		sub, nops, err := extract(doc, part.keep, part.prose)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		if part.indented {
			enc.SetIndent("", " ")
		}
		enc.SetEscapeHTML(false)
		if err := enc.Encode(sub); err != nil {
			return err
		}
		if err := os.WriteFile(part.file, buf.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "gen: %d operations, %d schemas -> %s\n", nops,
			len(sub["components"].(map[string]any)["schemas"].(map[string]any)), part.file)
	}
	return nil
}

// extract returns the paths of doc that keep accepts, with the components
// they reference and prose dropped, and its operation count.
func extract(doc map[string]any, keepPath func(string) bool, prose map[string]bool) (map[string]any, int, error) {
	paths, _ := doc["paths"].(map[string]any)
	comps, _ := doc["components"].(map[string]any)
	if paths == nil || comps == nil {
		return nil, 0, fmt.Errorf("document has no paths or components")
	}
	keep := map[string]any{}
	nops := 0
	for p, item := range paths {
		if !keepPath(p) {
			continue
		}
		keep[p] = strip(item, "", prose)
		for m := range item.(map[string]any) {
			switch m {
			case "get", "put", "post", "delete", "patch", "head", "options":
				nops++
			}
		}
	}
	// Pull in referenced components until nothing new appears.
	outComps := map[string]any{}
	seen := map[string]bool{}
	queue := refs(keep)
	for len(queue) > 0 {
		ref := queue[0]
		queue = queue[1:]
		if seen[ref] {
			continue
		}
		seen[ref] = true
		parts := strings.Split(strings.TrimPrefix(ref, "#/components/"), "/")
		if len(parts) != 2 {
			return nil, 0, fmt.Errorf("unsupported $ref %q", ref)
		}
		group, _ := comps[parts[0]].(map[string]any)
		v, ok := group[parts[1]]
		if !ok {
			return nil, 0, fmt.Errorf("dangling $ref %q", ref)
		}
		v = strip(v, "", prose)
		g, _ := outComps[parts[0]].(map[string]any)
		if g == nil {
			g = map[string]any{}
			outComps[parts[0]] = g
		}
		g[parts[1]] = v
		queue = append(queue, refs(v)...)
	}
	if ss, ok := comps["securitySchemes"]; ok {
		outComps["securitySchemes"] = strip(ss, "", prose)
	}
	info, _ := doc["info"].(map[string]any)
	return map[string]any{
		"openapi": doc["openapi"],
		"info": map[string]any{
			"title":   info["title"],
			"version": info["version"],
		},
		"servers":    doc["servers"],
		"paths":      keep,
		"components": outComps,
	}, nops, nil
}

// strip drops the prose keywords from v, recursively. parent is the key
// under which v sits: inside "properties" every key is a field name and is
// kept, and so is anything under an example.
func strip(v any, parent string, prose map[string]bool) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		if parent == "example" || parent == "examples" {
			return v
		}
		for k, e := range t {
			if parent != "properties" && prose[k] {
				// "description" is a keyword here, unless it is the text of a
				// response, which OpenAPI requires; keep it empty.
				if k == "description" && parent == "response" {
					out[k] = ""
				}
				continue
			}
			child := k
			if parent == "responses" {
				child = "response"
			}
			out[k] = strip(e, child, prose)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = strip(e, "", prose)
		}
		return out
	default:
		return v
	}
}

// refs lists every $ref found in v, sorted for a stable walk.
func refs(v any) []string {
	set := map[string]bool{}
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				if s, ok := e.(string); ok && k == "$ref" {
					set[s] = true
				}
				walk(e)
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(v)
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}
