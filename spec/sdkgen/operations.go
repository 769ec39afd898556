package main

import (
	"fmt"
	"strings"
)

// newOperation adds an SDK operation the served document lacks: under the
// long tail's existing spelling of its path when the path is there (its
// path parameters renamed to that spelling), else under the SDK's path,
// named as drf-spectacular names it.
func (g *generator) newOperation(so *sdkOperation) (*correction, string, error) {
	m := so.Method
	path := m.Path
	k := shape(path)
	pathExists := false
	if existing := g.ops[k]; len(existing) > 0 {
		for _, e := range existing {
			path = e.Path
			if e.Doc == "modelled" {
				return nil, "", fmt.Errorf("%s %s: a modelled path outside the modelled area", m.HTTPMethod, m.Path)
			}
		}
		pathExists = true
	} else if p, ok := g.added[k]; ok {
		path, pathExists = p, true
	}
	op := deepCopy(so.Op)
	renamePathParams(op, pathParams(m.Path), pathParams(path))
	id := g.newOperationID(path, m.HTTPMethod, m.Name)
	op["operationId"] = id
	dropBodyOf204(op, &g.Report, id)
	g.refsIn(op)
	method := strings.ToLower(m.HTTPMethod)
	c := &correction{ID: "sdk-op-" + id, Kind: kindNewOperation, Patch: "add",
		Why:      fmt.Sprintf("The newer contract's %s %s, which the vendor document 4.90.4 lacks.", m.HTTPMethod, m.Path),
		Evidence: g.evidence(m.File, m.Line, m.Class+"."+m.Name)}
	if path != m.Path {
		c.Why = fmt.Sprintf("The newer contract's %s %s, which the vendor document 4.90.4 lacks; served under the document's spelling %s.", m.HTTPMethod, m.Path, path)
	}
	if pathExists {
		c.Pointer = "/paths/" + escapePointer(path) + "/" + method
		c.Value = op
	} else {
		c.Pointer = "/paths/" + escapePointer(path)
		c.Value = map[string]any{method: op}
		g.added[k] = path
	}
	g.ops[k] = mergeOps(g.ops[k], &servedOp{Doc: "longtail", Path: path, Method: m.HTTPMethod, Op: op})
	return c, id, nil
}

func mergeOps(m map[string]*servedOp, so *servedOp) map[string]*servedOp {
	if m == nil {
		m = map[string]*servedOp{}
	}
	m[so.Method] = so
	return m
}

// renamePathParams renames an operation's path parameters from the SDK's
// names to the served template's, by position.
func renamePathParams(op map[string]any, from, to []string) {
	rename := map[string]string{}
	for i := range from {
		if i < len(to) && from[i] != to[i] {
			rename[from[i]] = to[i]
		}
	}
	params, _ := op["parameters"].([]any)
	for _, p := range params {
		pm := p.(map[string]any)
		if pm["in"] == "path" {
			if n, ok := rename[pm["name"].(string)]; ok {
				pm["name"] = n
			}
		}
	}
}

// dropBodyOf204 leaves out the content a 204 declares: HTTP forbids it,
// and the SDK declaring one (defect S5) must not be copied.
func dropBodyOf204(op map[string]any, r *report, id string) {
	resp, _ := op["responses"].(map[string]any)
	if r204, ok := resp["204"].(map[string]any); ok {
		if _, has := r204["content"]; has {
			delete(r204, "content")
			r.keep("a 204 the SDK declares with a body is served without one (S5)", id)
		}
	}
}

// compareOperation compares an SDK operation with the long tail's and
// returns the merge patch that makes the served one say what the newer
// contract says (nil when it already does).
func (g *generator) compareOperation(so *sdkOperation, sv *servedOp) (*correction, error) {
	m := so.Method
	id, _ := sv.Op["operationId"].(string)
	old := sv.Op
	sdkOp := deepCopy(so.Op)
	renamePathParams(sdkOp, pathParams(m.Path), pathParams(sv.Path))
	newOp := deepCopy(old)
	var changes []string

	// Parameters: the SDK's set, required flags and types, in the served
	// order then the SDK's; a parameter only the served document has is
	// dropped, path parameters excepted (the URL decides them).
	sdkParams := map[string]map[string]any{}
	var sdkOrder []string
	for _, p := range asList(sdkOp["parameters"]) {
		pm := p.(map[string]any)
		k := pm["in"].(string) + ":" + pm["name"].(string)
		sdkParams[k] = pm
		sdkOrder = append(sdkOrder, k)
	}
	var params []any
	seen := map[string]bool{}
	for _, p := range asList(old["parameters"]) {
		pm := p.(map[string]any)
		k := pm["in"].(string) + ":" + pm["name"].(string)
		seen[k] = true
		sp, inSDK := sdkParams[k]
		switch {
		case !inSDK && pm["in"] == "path":
			params = append(params, pm)
		case !inSDK:
			changes = append(changes, fmt.Sprintf("drops %s parameter %s", pm["in"], pm["name"]))
		default:
			np := deepCopy(pm)
			// A parameter's annotation carries its type and format, not its
			// enum, pattern or nullability (openapi-generator leaves them in
			// the description): only what it carries is compared.
			oldSig, newSig := paramSig(schemaMap(pm["schema"]), g.tailComps), paramSig(schemaMap(sp["schema"]), g.sdkComps)
			if newSig.Type != "any" && oldSig.String() != newSig.String() && pm["in"] != "path" {
				np["schema"] = keepUnsaid(schemaMap(pm["schema"]), schemaMap(sp["schema"]), g.tailComps, g.sdkComps)
				changes = append(changes, fmt.Sprintf("%s parameter %s: %s -> %s", pm["in"], pm["name"], oldSig, newSig))
			} else if pm["in"] == "path" && oldSig.String() != newSig.String() && newSig.Type != "any" {
				g.Report.keep("a path parameter keeps the served type (the fake's routes decide a URL by its shape)", id+" "+pm["name"].(string))
			}
			or, _ := pm["required"].(bool)
			nr, _ := sp["required"].(bool)
			if or != nr && pm["in"] != "path" {
				if nr {
					np["required"] = true
					changes = append(changes, fmt.Sprintf("%s parameter %s becomes required", pm["in"], pm["name"]))
				} else {
					delete(np, "required")
					changes = append(changes, fmt.Sprintf("%s parameter %s becomes optional", pm["in"], pm["name"]))
				}
			}
			params = append(params, np)
		}
	}
	for _, k := range sdkOrder {
		if !seen[k] {
			params = append(params, sdkParams[k])
			req := ""
			if r, _ := sdkParams[k]["required"].(bool); r {
				req = " (required)"
			}
			changes = append(changes, fmt.Sprintf("adds %s parameter %s%s", sdkParams[k]["in"], sdkParams[k]["name"], req))
		}
	}
	if len(params) > 0 {
		newOp["parameters"] = params
	} else {
		delete(newOp, "parameters")
	}

	// The request body: the SDK's schema where it names another, its
	// media types, and whether one is required.
	changes = append(changes, g.compareBody(old, sdkOp, newOp, id)...)
	// The answers.
	changes = append(changes, g.compareResponses(old, sdkOp, newOp, id)...)
	// Security: public in the SDK and required in the served document, or
	// the other way round. An optional key (a requirement list holding {})
	// the SDK cannot tell from a required one, so it is kept.
	oldAuth, newAuth := authOf(old), authOf(sdkOp)
	switch {
	case oldAuth == newAuth, oldAuth == "optional":
	default:
		newOp["security"] = sdkOp["security"]
		changes = append(changes, fmt.Sprintf("authentication %s -> %s", oldAuth, newAuth))
	}
	if len(changes) == 0 {
		return nil, nil
	}
	g.refsIn(newOp)
	patch, ok := mergePatchOf(old, newOp)
	if !ok || !sameJSON(applyMerge(old, patch), newOp) {
		return nil, fmt.Errorf("%s: no merge patch gives the newer operation", id)
	}
	return &correction{ID: "sdk-op-" + id, Kind: kindOperation, Operation: id, Patch: "merge", Value: patch,
		Why:      "The newer contract " + strings.Join(changes, "; ") + ".",
		Evidence: g.evidence(m.File, m.Line, m.Class+"."+m.Name)}, nil
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func schemaMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	if m == nil {
		return map[string]any{}
	}
	return m
}

// authOf says what an operation's security asks: "required", "optional"
// or "none".
func authOf(op map[string]any) string {
	sec, ok := op["security"].([]any)
	if !ok || len(sec) == 0 {
		return "none"
	}
	for _, r := range sec {
		if m, _ := r.(map[string]any); len(m) == 0 {
			return "optional"
		}
	}
	return "required"
}

// bodySchema is an operation's request body schema (the first media
// type's) and its media types.
func bodySchema(op map[string]any) (map[string]any, []string, bool) {
	rb, _ := op["requestBody"].(map[string]any)
	if rb == nil {
		return nil, nil, false
	}
	content, _ := rb["content"].(map[string]any)
	types := sortedKeys(content)
	var s map[string]any
	for _, t := range types {
		if mt, ok := content[t].(map[string]any); ok {
			s = schemaMap(mt["schema"])
			break
		}
	}
	req, _ := rb["required"].(bool)
	return s, types, req
}

// compareBody makes newOp's request body the SDK's where they differ in
// schema, media types or being required. A body the served document
// declares and the SDK has none for is kept (the SDK cannot send one, and
// an older client still may).
func (g *generator) compareBody(old, sdkOp, newOp map[string]any, id string) []string {
	os, otypes, oreq := bodySchema(old)
	ns, ntypes, nreq := bodySchema(sdkOp)
	var changes []string
	switch {
	case ns == nil && os == nil:
		return nil
	case ns == nil:
		g.Report.keep("a request body the SDK does not send is kept (an older client sends it)", id)
		if oreq {
			newOp["requestBody"].(map[string]any)["required"] = false
			delete(newOp["requestBody"].(map[string]any), "required")
			changes = append(changes, "sends no request body (no longer required)")
		}
		return changes
	case os == nil:
		newOp["requestBody"] = sdkOp["requestBody"]
		return []string{fmt.Sprintf("takes a request body (%s)", sig(ns, g.sdkComps))}
	}
	oldSig, newSig := sig(os, g.tailComps), sig(ns, g.sdkComps)
	schema := os
	if newSig.Type != "any" && oldSig.String() != newSig.String() {
		schema = ns
		changes = append(changes, fmt.Sprintf("request body %s -> %s", oldSig, newSig))
	}
	types := otypes
	// "*/*" is what the 4.90.4 document lists beside the parsers' types;
	// openapi-generator leaves it out, so its absence says nothing.
	if strings.Join(withoutAny(otypes), ",") != strings.Join(withoutAny(ntypes), ",") {
		types = ntypes
		changes = append(changes, fmt.Sprintf("request media types %s -> %s", strings.Join(otypes, ", "), strings.Join(ntypes, ", ")))
	}
	if len(changes) > 0 {
		content := map[string]any{}
		for _, t := range types {
			content[t] = map[string]any{"schema": schema}
		}
		newOp["requestBody"].(map[string]any)["content"] = content
	}
	if oreq != nreq {
		rb := newOp["requestBody"].(map[string]any)
		if nreq {
			rb["required"] = true
			changes = append(changes, "request body becomes required")
		} else {
			delete(rb, "required")
			changes = append(changes, "request body becomes optional")
		}
	}
	return changes
}

// compareResponses makes newOp's success answers the SDK's: its 2xx
// statuses (the fake answers the lowest) and their schemas, a declared
// error status added. Where the SDK declares no body, or one of any shape,
// and the served document a schema, the schema is kept: the newer client
// reads nothing, an older one reads what it did. A 204 keeps no body
// (S5).
func (g *generator) compareResponses(old, sdkOp, newOp map[string]any, id string) []string {
	oresp := schemaMap(old["responses"])
	nresp := schemaMap(sdkOp["responses"])
	out := schemaMap(newOp["responses"])
	var changes []string
	sdk2xx := false
	for st := range nresp {
		if strings.HasPrefix(st, "2") {
			sdk2xx = true
		}
	}
	for _, st := range sortedKeys(oresp) {
		if strings.HasPrefix(st, "2") && sdk2xx {
			if _, ok := nresp[st]; !ok {
				delete(out, st)
				changes = append(changes, "answers no "+st)
			}
		}
	}
	for _, st := range sortedKeys(nresp) {
		nr := schemaMap(nresp[st])
		or, had := oresp[st].(map[string]any)
		ns := responseBody(nr)
		if st == "204" && ns != nil {
			g.Report.keep("a 204 the SDK declares with a body is served without one (S5)", id)
			ns = nil
			nr = map[string]any{"description": ""}
		}
		if !had {
			if !strings.HasPrefix(st, "2") && !strings.HasPrefix(st, "3") {
				// An error status: declared for Prefer: code= and scenarios.
				out[st] = nr
				changes = append(changes, "declares "+st)
				continue
			}
			out[st] = nr
			changes = append(changes, fmt.Sprintf("answers %s (%s)", st, bodyText(ns, g.sdkComps)))
			continue
		}
		os := responseBody(or)
		if len(ns) == 0 {
			if len(os) > 0 {
				// The newer document declares no body, or one of any shape.
				g.Report.keep("an answer the SDK declares without a body, or of any shape, keeps the document's schema", id+" "+st)
			}
			continue
		}
		if os == nil {
			out[st] = nr
			changes = append(changes, fmt.Sprintf("%s answers %s", st, bodyText(ns, g.sdkComps)))
			continue
		}
		oldSig, newSig := sig(os, g.tailComps), sig(ns, g.sdkComps)
		if newSig.Type != "any" && oldSig.String() != newSig.String() {
			r := deepCopy(or)
			setResponseBody(r, ns)
			out[st] = r
			changes = append(changes, fmt.Sprintf("%s answers %s, not %s", st, newSig, oldSig))
		}
	}
	return changes
}

// responseBody is a response's schema (its JSON one, else its first).
func responseBody(r map[string]any) map[string]any {
	content, _ := r["content"].(map[string]any)
	if content == nil {
		return nil
	}
	if mt, ok := content["application/json"].(map[string]any); ok {
		return schemaMap(mt["schema"])
	}
	for _, t := range sortedKeys(content) {
		if mt, ok := content[t].(map[string]any); ok {
			return schemaMap(mt["schema"])
		}
	}
	return nil
}

// setResponseBody sets the schema of every media type of a response.
func setResponseBody(r map[string]any, s map[string]any) {
	content, _ := r["content"].(map[string]any)
	for _, t := range sortedKeys(content) {
		content[t].(map[string]any)["schema"] = s
	}
}

func bodyText(s map[string]any, comps components) string {
	if s == nil {
		return "no body"
	}
	return sig(s, comps).String()
}

// keepUnsaid is the SDK's schema for a changed parameter or property, with
// what the served one says and the SDK cannot (writeOnly, a "uri" or
// "email" format of a string) carried over.
func keepUnsaid(old, sdkS map[string]any, oldComps, sdkComps components) map[string]any {
	out := deepCopy(sdkS)
	if w, _ := old["writeOnly"].(bool); w {
		out["writeOnly"] = true
	}
	if f, _ := old["format"].(string); f != "" && !sigFormats[f] && old["type"] == "string" && out["type"] == "string" {
		if _, has := out["format"]; !has {
			out["format"] = f
		}
	}
	return out
}

// withoutAny is a list of media types without "*/*".
func withoutAny(types []string) []string {
	var out []string
	for _, t := range types {
		if t != "*/*" {
			out = append(out, t)
		}
	}
	return out
}

// paramSig is the part of a parameter's signature its Python annotation
// carries: the type and format.
func paramSig(s map[string]any, comps components) signature {
	full := sig(s, comps)
	return signature{Type: full.Type, Format: full.Format}
}
