package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/iblfake/iblfake/spec"
)

// served is the document the fake serves before the SDK's corrections:
// the modelled part (spec/openapi.json) and the long tail (spec/longtail.json
// with every long-tail correction not generated from the SDK).
type served struct {
	Modelled map[string]any
	Tail     map[string]any
}

// servedOp is one operation of the served document.
type servedOp struct {
	// Doc is "modelled" or "longtail".
	Doc    string
	Path   string
	Method string
	Op     map[string]any
}

// shape is a path template with its parameters' names left out: two
// templates of the same shape match the same URLs.
func shape(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

// pathParams are a template's parameter names in order.
func pathParams(path string) []string {
	var out []string
	for _, s := range strings.Split(path, "/") {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			out = append(out, s[1:len(s)-1])
		}
	}
	return out
}

// Change kinds, as the report counts them.
const (
	kindNewOperation = "new operation"
	kindOperation    = "changed operation"
	kindNewSchema    = "new schema"
	kindSchema       = "changed schema"
)

// correction is one generated correction (spec.Correction's YAML form).
type correction struct {
	ID        string
	Operation string
	Schema    string
	Patch     string
	Pointer   string
	Value     any
	Why       string
	Evidence  string
	// Kind is what the correction does, for the report.
	Kind string
}

// generator compares the SDK's document with the served one and collects
// the corrections that bring the SDK's operations and fields into the long
// tail.
type generator struct {
	sdk    *sdkDocument
	commit string
	served served
	// sdkComps and tailComps are the two documents' schemas.
	sdkComps, tailComps components
	// ops indexes the served operations by shape and method.
	ops map[string]map[string]*servedOp
	// ids are the served operationIds and those given to new operations.
	ids map[string]bool
	// added are the paths new operations were added under (by shape).
	added map[string]string
	// need are the schemas the corrections refer to, to be added when the
	// long tail lacks them.
	need map[string]bool
	// only, when set, limits the comparison to the SDK operations whose
	// path it accepts (the modelled area, for -judge).
	only func(path string) bool
	// Report counts what was found, for the summary and the decisions.
	Report report
}

// report is what a generation found.
type report struct {
	// Methods are the SDK's methods; Modelled those of the fake's modelled
	// area (judged by hand, never generated).
	Methods, Modelled int
	// ModelledMissing are SDK operations of the modelled area the fake
	// lacks ("METHOD path" of the SDK).
	ModelledMissing []string
	// Unchanged counts long-tail operations the SDK agrees with.
	Unchanged int
	// Kept lists departures from "the newer wins", each a reason and where.
	Kept map[string][]string
	// Counts counts corrections by kind, and Fields fields by change.
	Counts map[string]int
	Fields map[string]int
	// Expected maps each SDK method (Class.name) to the operationId the
	// fake serves it as.
	Expected map[string]string
}

func (r *report) keep(reason, where string) {
	if r.Kept == nil {
		r.Kept = map[string][]string{}
	}
	r.Kept[reason] = append(r.Kept[reason], where)
}

// evidence cites a method or a model at the pinned commit.
func (g *generator) evidence(file string, line int, what string) string {
	return fmt.Sprintf("PYSDK@%s %s:%d (%s)", shortCommit(g.commit), file, line, what)
}

func shortCommit(c string) string {
	if len(c) > 8 {
		return c[:8]
	}
	return c
}

// newGenerator indexes the served documents.
func newGenerator(sdk *sdkDocument, commit string, sv served) *generator {
	g := &generator{sdk: sdk, commit: commit, served: sv, ids: map[string]bool{},
		ops: map[string]map[string]*servedOp{}, added: map[string]string{}, need: map[string]bool{},
		sdkComps: components{}, tailComps: components{}}
	g.Report.Counts, g.Report.Fields, g.Report.Expected = map[string]int{}, map[string]int{}, map[string]string{}
	for name, s := range sdk.Schemas {
		g.sdkComps[name] = s
	}
	g.tailComps = schemasOf(sv.Tail)
	for _, d := range []struct {
		name string
		doc  map[string]any
	}{{"modelled", sv.Modelled}, {"longtail", sv.Tail}} {
		paths, _ := d.doc["paths"].(map[string]any)
		for path, item := range paths {
			for method, op := range item.(map[string]any) {
				o, ok := op.(map[string]any)
				if !ok {
					continue
				}
				so := &servedOp{Doc: d.name, Path: path, Method: strings.ToUpper(method), Op: o}
				k := shape(path)
				if g.ops[k] == nil {
					g.ops[k] = map[string]*servedOp{}
				}
				g.ops[k][so.Method] = so
				if id, _ := o["operationId"].(string); id != "" {
					g.ids[id] = true
				}
			}
		}
	}
	return g
}

// schemasOf returns a document's components.schemas.
func schemasOf(doc map[string]any) components {
	c, _ := doc["components"].(map[string]any)
	s, _ := c["schemas"].(map[string]any)
	return components(s)
}

// run compares every SDK operation, then every schema the long tail holds
// or now needs, and returns the corrections in order: schemas first (new
// operations refer to them), then operations, each sorted.
func (g *generator) run() ([]correction, error) {
	ops := append([]*sdkOperation(nil), g.sdk.Ops...)
	sort.SliceStable(ops, func(i, j int) bool {
		if ops[i].Method.Path != ops[j].Method.Path {
			return ops[i].Method.Path < ops[j].Method.Path
		}
		return ops[i].Method.HTTPMethod < ops[j].Method.HTTPMethod
	})
	g.Report.Methods = len(ops)
	var opCorr []correction
	// An operation the document tags twice is a method of two classes
	// (AnalyticsApi and AiAnalyticsApi): the first compares it.
	done := map[string]bool{}
	for _, so := range ops {
		m := so.Method
		key := m.Class + "." + m.Name
		if g.only != nil && !g.only(m.Path) {
			continue
		}
		existing := g.ops[shape(m.Path)][m.HTTPMethod]
		if existing != nil && done[shape(m.Path)+" "+m.HTTPMethod] {
			g.Report.Expected[key], _ = existing.Op["operationId"].(string)
			continue
		}
		done[shape(m.Path)+" "+m.HTTPMethod] = true
		switch {
		case existing != nil && existing.Doc == "modelled":
			g.Report.Modelled++
			g.Report.Expected[key], _ = existing.Op["operationId"].(string)
		case existing != nil:
			c, err := g.compareOperation(so, existing)
			if err != nil {
				return nil, err
			}
			g.Report.Expected[key], _ = existing.Op["operationId"].(string)
			if c == nil {
				g.Report.Unchanged++
				continue
			}
			opCorr = append(opCorr, *c)
		case g.only == nil && spec.Modelled(m.Path):
			g.Report.Modelled++
			g.Report.ModelledMissing = append(g.Report.ModelledMissing, m.HTTPMethod+" "+m.Path)
		default:
			c, id, err := g.newOperation(so)
			if err != nil {
				return nil, err
			}
			g.Report.Expected[key] = id
			opCorr = append(opCorr, *c)
		}
	}
	// The long tail's operations no SDK method reaches stay: an older
	// client still calls them.
	for k, byMethod := range g.ops {
		for m, so := range byMethod {
			if so.Doc == "longtail" && !done[k+" "+m] {
				id, _ := so.Op["operationId"].(string)
				g.Report.keep("an operation of the document the SDK has no method for is kept", id)
			}
		}
	}
	schemaCorr, err := g.compareSchemas()
	if err != nil {
		return nil, err
	}
	for _, c := range append(schemaCorr, opCorr...) {
		g.Report.Counts[c.Kind]++
	}
	return append(schemaCorr, opCorr...), nil
}

// refsIn adds every schema v refers to to g.need.
func (g *generator) refsIn(v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if s, ok := e.(string); ok && k == "$ref" {
				g.need[strings.TrimPrefix(s, "#/components/schemas/")] = true
			}
			g.refsIn(e)
		}
	case []any:
		for _, e := range t {
			g.refsIn(e)
		}
	}
}

// escapePointer escapes a JSON-pointer token.
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// nonWord are the characters drf-spectacular writes as "_" in an id.
var nonWord = regexp.MustCompile(`\W`)

// drfBase is drf-spectacular's operationId prefix for a path: the path
// without /api/ and its parameters, hyphens and other non-word characters
// as underscores.
func drfBase(path string) string {
	var toks []string
	for _, s := range strings.Split(strings.TrimPrefix(path, "/api/"), "/") {
		if s == "" || strings.HasPrefix(s, "{") {
			continue
		}
		toks = append(toks, nonWord.ReplaceAllString(s, "_"))
	}
	return strings.Join(toks, "_")
}

// drfAction is the action drf-spectacular names an operation by: the
// method's, and for GET list or retrieve as the SDK's name says.
func drfAction(method, sdkName string) string {
	switch method {
	case "GET":
		if strings.HasSuffix(strings.TrimRight(sdkName, "0123456789"), "_list") {
			return "list"
		}
		return "retrieve"
	case "POST":
		return "create"
	case "PUT":
		return "update"
	case "PATCH":
		return "partial_update"
	case "DELETE":
		return "destroy"
	}
	return strings.ToLower(method)
}

// newOperationID names an operation the served document lacks as
// drf-spectacular names it (drfBase + action), numbered _2, _3, ... past
// the ids already taken, as drf-spectacular numbers colliding ids.
func (g *generator) newOperationID(path, method, sdkName string) string {
	base := drfBase(path) + "_" + drfAction(method, sdkName)
	// The SDK's own name is the newer document's id: kept when it is this
	// base, or this base numbered, and free.
	own := operationID(sdkName)
	numbered := strings.HasPrefix(own, base+"_") && strings.Trim(own[len(base)+1:], "0123456789") == "" && len(own) > len(base)+1
	if !g.ids[own] && (own == base || numbered) {
		g.ids[own] = true
		return own
	}
	id := base
	for n := 2; g.ids[id]; n++ {
		id = fmt.Sprintf("%s_%d", base, n)
	}
	g.ids[id] = true
	return id
}
