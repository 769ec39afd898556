package spec

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// longTailJSON is the served long tail, spec/openapi.longtail.json: every
// operation of the vendor document the fake does not model, with the
// components they reference, descriptions dropped and examples kept
// (spec/gen writes them to longtail.json beside vendor.json), with the
// long-tail corrections applied (CorrectedLongTail, made by go generate;
// TestLongTailIsFresh).
//
//go:embed openapi.longtail.json
var longTailJSON []byte

// longTailIndexJSON is BuildLongTailIndex(longTailJSON), made by go
// generate (TestLongTailIndexIsFresh): what routing needs of the long
// tail, small enough to read at start-up, where the document itself is not
// parsed.
//
//go:embed longtail.index.json
var longTailIndexJSON []byte

// Auth says what a long-tail operation's security asks of a caller.
type Auth string

// The security requirements of the vendor document's operations.
const (
	// AuthRequired: a platform API key (PlatformApiKeyAuthentication).
	AuthRequired Auth = "required"
	// AuthOptional: a key or none (an empty requirement among them).
	AuthOptional Auth = "optional"
	// AuthNone: a public operation.
	AuthNone Auth = "none"
)

// IndexEntry is one long-tail operation as routing and the coverage list
// need it.
type IndexEntry struct {
	ID     string `json:"id"`
	Method string `json:"method"`
	Path   string `json:"path"`
	Auth   Auth   `json:"auth"`
	// OK is the lowest 2xx status the operation declares ("" for none: it
	// cannot be synthesized).
	OK string `json:"ok,omitempty"`
	// Only is the one status an operation without a 2xx declares (a
	// redirect, a 405), "" otherwise.
	Only string `json:"only,omitempty"`
}

var (
	indexOnce sync.Once
	index     []IndexEntry
	indexErr  error
)

// LongTailIndex returns every long-tail operation, sorted by path then
// method; read once per process and shared.
func LongTailIndex() ([]IndexEntry, error) {
	indexOnce.Do(func() {
		indexErr = json.Unmarshal(longTailIndexJSON, &index)
	})
	return index, indexErr
}

// BuildLongTailIndex derives the index from a long-tail document.
func BuildLongTailIndex(doc []byte) ([]byte, error) {
	var d struct {
		Security []map[string]any                      `json:"security"`
		Paths    map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	var out []IndexEntry
	for path, item := range d.Paths {
		for m, raw := range item {
			if !operationKeys[m] {
				continue
			}
			var op struct {
				ID        string                     `json:"operationId"`
				Security  *[]map[string]any          `json:"security"`
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("%s %s: %w", m, path, err)
			}
			reqs := d.Security
			if op.Security != nil {
				reqs = *op.Security
			}
			auth := AuthRequired
			switch {
			case len(reqs) == 0:
				auth = AuthNone
			default:
				for _, r := range reqs {
					if len(r) == 0 {
						auth = AuthOptional
					}
				}
			}
			ok := ""
			for code := range op.Responses {
				if len(code) == 3 && code[0] == '2' && (ok == "" || code < ok) {
					ok = code
				}
			}
			only := ""
			if ok == "" && len(op.Responses) == 1 {
				for code := range op.Responses {
					only = code
				}
			}
			out = append(out, IndexEntry{ID: op.ID, Method: strings.ToUpper(m), Path: path, Auth: auth, OK: ok, Only: only})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// LongTailOp is one long-tail operation, compiled: a document of its own
// (its path item and the components it references) parsed by kin-openapi,
// for request validation, response validation and synthesis.
type LongTailOp struct {
	Doc  *openapi3.T
	Item *openapi3.PathItem
	Op   *openapi3.Operation
}

var (
	tailOnce  sync.Once
	tailPaths map[string]json.RawMessage
	tailComps map[string]map[string]json.RawMessage
	tailTop   map[string]json.RawMessage
	tailErr   error

	compiled sync.Map // path -> *compiledItem
)

type compiledItem struct {
	once sync.Once
	doc  *openapi3.T
	err  error
}

// LongTailOperation compiles the long-tail operation method path on first
// use (process-wide, shared by every server; the result must not be
// modified). The first call reads the long-tail document's top level (a
// few milliseconds); each path item is then parsed on its own, with only
// the components it references.
func LongTailOperation(method, path string) (*LongTailOp, error) {
	tailOnce.Do(func() {
		if tailErr = json.Unmarshal(longTailJSON, &tailTop); tailErr != nil {
			return
		}
		if tailErr = json.Unmarshal(tailTop["paths"], &tailPaths); tailErr != nil {
			return
		}
		tailErr = json.Unmarshal(tailTop["components"], &tailComps)
	})
	if tailErr != nil {
		return nil, fmt.Errorf("spec: long tail: %w", tailErr)
	}
	raw, ok := tailPaths[path]
	if !ok {
		return nil, fmt.Errorf("spec: long tail has no path %s", path)
	}
	v, _ := compiled.LoadOrStore(path, &compiledItem{})
	ci := v.(*compiledItem)
	ci.once.Do(func() {
		paths := map[string]json.RawMessage{path: raw}
		doc := map[string]any{
			"openapi":    tailTop["openapi"],
			"info":       tailTop["info"],
			"paths":      paths,
			"components": referencedComponents(tailComps, paths),
		}
		js, err := json.Marshal(doc)
		if err != nil {
			ci.err = err
			return
		}
		ci.doc, ci.err = parseDocument(js)
	})
	if ci.err != nil {
		return nil, fmt.Errorf("spec: long tail %s: %w", path, ci.err)
	}
	item := ci.doc.Paths.Value(path)
	op := item.GetOperation(strings.ToUpper(method))
	if op == nil {
		return nil, fmt.Errorf("spec: long tail has no %s %s", method, path)
	}
	return &LongTailOp{Doc: ci.doc, Item: item, Op: op}, nil
}
