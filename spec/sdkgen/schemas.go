package main

import (
	"fmt"
	"sort"
	"strings"
)

// compareSchemas compares every schema of the long tail the SDK also
// models, then adds the SDK's schemas the corrections refer to and the long
// tail lacks (and those they refer to in turn).
func (g *generator) compareSchemas() ([]correction, error) {
	var out []correction
	for _, name := range sortedKeys(g.tailComps) {
		model := g.sdk.Models[name]
		if model == nil {
			continue // the SDK does not know it: kept as it is
		}
		c, err := g.compareSchema(name, model)
		if err != nil {
			return nil, err
		}
		if c != nil {
			out = append(out, *c)
		}
	}
	added := map[string]bool{}
	for {
		progress := false
		for _, name := range sortedKeys(g.need) {
			if _, inTail := g.tailComps[name]; inTail || added[name] {
				continue
			}
			s, ok := g.sdkComps[name]
			if !ok {
				return nil, fmt.Errorf("schema %s is referred to but neither the long tail nor the SDK has it", name)
			}
			added[name], progress = true, true
			g.refsIn(s)
			m := g.sdk.Models[name]
			out = append(out, correction{ID: "sdk-schema-" + name, Kind: kindNewSchema, Schema: name, Value: s,
				Why:      fmt.Sprintf("The newer contract's %s %s, which the vendor document 4.90.4 lacks.", name, describeModel(m)),
				Evidence: g.evidence(m.File, m.Line, m.Name)})
		}
		if !progress {
			break
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// describeModel says what kind of schema a model is.
func describeModel(m *Model) string {
	switch m.Kind {
	case "enum":
		return "enum"
	case "oneOf":
		return "oneOf"
	}
	return fmt.Sprintf("object (%d fields)", len(m.Fields))
}

// compareSchema makes a long-tail schema say what the SDK's model of the
// same name says: its fields (added, changed, dropped), their types,
// nullability and read-only flags, and which are required. writeOnly
// fields keep the served document's required flag: the SDK's models
// require them (defect S1), and the fake never answers them.
func (g *generator) compareSchema(name string, model *Model) (*correction, error) {
	old, _ := g.tailComps[name].(map[string]any)
	sdkS, _ := g.sdkComps[name].(map[string]any)
	if old == nil || sdkS == nil {
		return nil, nil
	}
	var changes []string
	var newS map[string]any
	switch model.Kind {
	case "enum", "oneOf":
		// An enum is its values: the SDK writes a type drf-spectacular's
		// BlankEnum and NullEnum leave out.
		if os, ns := sig(old, g.tailComps), sig(sdkS, g.sdkComps); os.Enum == ns.Enum && (model.Kind == "enum" || os.String() == ns.String()) {
			return nil, nil
		}
		newS = deepCopy(sdkS)
		changes = append(changes, fmt.Sprintf("is %s, not %s", sig(sdkS, g.sdkComps), sig(old, g.tailComps)))
		g.Report.Fields["enum changed"]++
	default:
		if _, isObject := old["properties"]; !isObject && old["type"] != "object" {
			newS = deepCopy(sdkS)
			changes = append(changes, fmt.Sprintf("is an object of %d fields, not %s", len(model.Fields), sig(old, g.tailComps)))
			g.Report.Fields["schema replaced"]++
			break
		}
		newS = deepCopy(old)
		props, _ := newS["properties"].(map[string]any)
		if props == nil {
			props = map[string]any{}
			newS["properties"] = props
		}
		oldProps, _ := old["properties"].(map[string]any)
		sdkProps, _ := sdkS["properties"].(map[string]any)
		var adds, drops []string
		for _, f := range model.Fields {
			sp := sdkProps[f.Name].(map[string]any)
			op, had := oldProps[f.Name].(map[string]any)
			if !had {
				props[f.Name] = sp
				adds = append(adds, fmt.Sprintf("%s (%s)", f.Name, sig(sp, g.sdkComps)))
				g.Report.Fields["added"]++
				continue
			}
			np, why := mergeProperty(op, sp, g.tailComps, g.sdkComps)
			if why != "" {
				props[f.Name] = np
				changes = append(changes, f.Name+": "+why)
				g.Report.Fields["changed"]++
			}
		}
		inSDK := map[string]bool{}
		for _, f := range model.Fields {
			inSDK[f.Name] = true
		}
		for _, p := range sortedKeys(oldProps) {
			if !inSDK[p] {
				delete(props, p)
				drops = append(drops, p)
				g.Report.Fields["dropped"]++
			}
		}
		// Required: the SDK's, but a writeOnly field keeps its own flag.
		oldReq := map[string]bool{}
		for _, r := range asList(old["required"]) {
			oldReq[r.(string)] = true
		}
		sdkReq := map[string]bool{}
		for _, r := range asList(sdkS["required"]) {
			sdkReq[r.(string)] = true
		}
		var req []string
		var plus, minus []string
		for _, p := range sortedKeys(props) {
			want := sdkReq[p]
			if w, _ := schemaMap(props[p])["writeOnly"].(bool); w && want != oldReq[p] {
				if want {
					g.Report.keep("a writeOnly field the SDK's model requires stays as the document has it (S1)", name+"."+p)
				}
				want = oldReq[p]
			}
			if want {
				req = append(req, p)
			}
			if _, had := oldProps[p]; had && want != oldReq[p] {
				if want {
					plus = append(plus, p)
				} else {
					minus = append(minus, p)
				}
			}
		}
		if len(req) > 0 {
			var list []any
			for _, r := range req {
				list = append(list, r)
			}
			newS["required"] = list
		} else {
			delete(newS, "required")
		}
		if len(adds) > 0 {
			changes = append([]string{"adds " + strings.Join(adds, ", ")}, changes...)
		}
		if len(drops) > 0 {
			changes = append(changes, "drops "+strings.Join(drops, ", "))
		}
		if len(plus) > 0 {
			changes = append(changes, "requires "+strings.Join(plus, ", "))
			g.Report.Fields["now required"] += len(plus)
		}
		if len(minus) > 0 {
			changes = append(changes, "no longer requires "+strings.Join(minus, ", "))
			g.Report.Fields["no longer required"] += len(minus)
		}
	}
	if sameJSON(old, newS) {
		return nil, nil
	}
	g.refsIn(newS)
	patch, ok := mergePatchOf(deepCopy(old), deepCopy(newS))
	if !ok || !sameJSON(applyMerge(deepCopy(old), patch), newS) {
		// A null value a merge patch cannot carry: replace the schema.
		return &correction{ID: "sdk-schema-" + name, Kind: kindSchema, Schema: name, Value: newS,
			Why:      fmt.Sprintf("The newer contract's %s %s.", name, strings.Join(changes, "; ")),
			Evidence: g.evidence(model.File, model.Line, model.Name)}, nil
	}
	return &correction{ID: "sdk-schema-" + name, Kind: kindSchema, Patch: "merge",
		Pointer:  "/components/schemas/" + escapePointer(name),
		Value:    patch,
		Why:      fmt.Sprintf("The newer contract's %s %s.", name, strings.Join(changes, "; ")),
		Evidence: g.evidence(model.File, model.Line, model.Name)}, nil
}

// setFlag sets or clears a boolean keyword of a property, wrapping a bare
// $ref in allOf to set one.
func setFlag(p map[string]any, flag string, want bool) map[string]any {
	if _, isRef := p["$ref"]; isRef && want {
		p = map[string]any{"allOf": []any{map[string]any{"$ref": p["$ref"]}}}
	}
	if want {
		p[flag] = true
	} else {
		delete(p, flag)
	}
	return p
}

// mergeProperty compares a served property with the SDK's and returns the
// property the newer contract gives, and what changed ("" for nothing).
// The SDK wins where its annotation says something: the type and format,
// an enum, a pattern or bounds it declares, nullability (but of a field of
// any type, which openapi-generator always makes nullable), read-only.
// Where it says nothing (no enum, pattern or bounds: openapi-generator
// leaves out those of a oneOf, a $ref or a parameter) the served schema's
// stay, and so do writeOnly and the formats a Python type cannot carry.
func mergeProperty(old, sdk map[string]any, oldComps, sdkComps components) (map[string]any, string) {
	os, ns := sig(old, oldComps), sig(sdk, sdkComps)
	if ns.Type == "any" {
		if os.ReadOnly == ns.ReadOnly {
			return old, ""
		}
		return setFlag(deepCopy(old), "readOnly", ns.ReadOnly), fmt.Sprintf("read-only %v", ns.ReadOnly)
	}
	typeDiffers := os.Type != ns.Type || os.Format != ns.Format
	enumDiffers := ns.Enum != "" && ns.Enum != os.Enum
	patternDiffers := ns.Pattern != "" && ns.Pattern != os.Pattern
	boundsDiffer := ns.Bounds != "" && ns.Bounds != os.Bounds
	if typeDiffers || enumDiffers || patternDiffers || boundsDiffer {
		np := keepUnsaid(old, sdk, oldComps, sdkComps)
		if !typeDiffers {
			for _, k := range []string{"enum", "pattern", "minLength", "maxLength", "minimum", "maximum"} {
				if v, ok := old[k]; ok {
					if _, has := np[k]; !has {
						np[k] = v
					}
				}
			}
		}
		return np, fmt.Sprintf("%s -> %s", os, ns)
	}
	np := old
	var what []string
	if os.Nullable != ns.Nullable {
		np = setFlag(deepCopy(np), "nullable", ns.Nullable)
		what = append(what, fmt.Sprintf("nullable %v", ns.Nullable))
	}
	if os.ReadOnly != ns.ReadOnly {
		np = setFlag(deepCopy(np), "readOnly", ns.ReadOnly)
		what = append(what, fmt.Sprintf("read-only %v", ns.ReadOnly))
	}
	return np, strings.Join(what, ", ")
}
