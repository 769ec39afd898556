// Package spec holds the OpenAPI document iblfake serves and validates
// against: the vendor's published contract (vendor.json, extracted by
// regenerate.sh from a pinned npm package) with iblfake's corrections
// (corrections/*.yaml) applied on top, generated into openapi.json; and
// the long tail, every operation the fake does not model (longtail.json,
// with the corrections marked document: longtail, generated into
// openapi.longtail.json), which includes the newer contract read from the
// vendor's Python SDK (sdk.sh, spec/sdkgen: corrections/50-sdk.yaml).
//
// The two are kept apart on purpose: a newer vendor version is pulled by
// regenerate.sh, and the corrections are re-applied to it unchanged; a
// correction that no longer applies fails loudly when openapi.json is
// generated (go generate ./spec) and in the package's tests.
package spec

//go:generate go run ./gen/corrected

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"runtime/debug"
	"sort"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// VendorPackage and VendorPackageVersion name the npm package the contract
// comes from; regenerate.sh pins the same version and its integrity hash.
const (
	VendorPackage        = "@iblai/iblai-api"
	VendorPackageVersion = "4.90.4-ai"
)

//go:embed vendor.json
var vendorJSON []byte

//go:embed corrections/*.yaml
var correctionFiles embed.FS

// Spec is the corrected document, parsed and ready for validation.
type Spec struct {
	// Doc is the corrected document, with servers cleared so that routes
	// match on any host.
	Doc *openapi3.T
	// JSON is the corrected document as served at /_fake/openapi.json.
	JSON []byte
	// VendorVersion is info.version of the vendor's document.
	VendorVersion string
}

//go:embed openapi.json
var correctedJSON []byte

// requestsJSON is RequestsOnly(correctedJSON), made by go generate
// (TestRequestsDocumentIsFresh).
//
//go:embed openapi.requests.json
var requestsJSON []byte

var (
	loadOnce sync.Once
	loaded   *Spec
	loadErr  error

	requestsOnce sync.Once
	requests     *Spec
	requestsErr  error
)

// Load returns the corrected document. It is parsed once per process; every
// caller shares the result and must not modify it.
//
// The corrections are applied when the document is generated (go generate
// ./spec writes openapi.json from vendor.json and corrections/*.yaml), not at
// start-up: parsing the YAML and re-encoding the document cost a fifth of
// the start-up time. TestCorrectedDocumentIsFresh fails when openapi.json is
// not exactly what the vendor document and the corrections give.
func Load() (*Spec, error) {
	loadOnce.Do(func() { loaded, loadErr = parse(correctedJSON) })
	return loaded, loadErr
}

// LoadRequests returns the corrected document without the operations'
// responses and the schemas only responses use (RequestsOnly, applied by
// go generate): what a server that validates requests, not responses,
// needs. It parses in half the time of Load; the request side (paths, parameters, bodies, security) is the
// same JSON as Load's (TestLoadRequestsKeepsRequestSide), and JSON is still
// the whole corrected document, as /_fake/openapi.json serves it.
func LoadRequests() (*Spec, error) {
	requestsOnce.Do(func() {
		requests, requestsErr = parse(requestsJSON)
		if requests != nil {
			requests.JSON = correctedJSON
		}
	})
	return requests, requestsErr
}

// MustLoad is Load for callers that cannot go on without the document.
func MustLoad() *Spec {
	s, err := Load()
	if err != nil {
		panic(err)
	}
	return s
}

// parse loads a corrected document. The document is validated by the
// package's tests (TestLoad), not here, to keep start-up fast.
func parse(doc []byte) (*Spec, error) {
	// Loading allocates a few times the document's size in short-lived
	// maps; collecting them mid-load only slows start-up down.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	t, err := parseDocument(doc)
	if err != nil {
		return nil, fmt.Errorf("spec: corrected document does not load: %w", err)
	}
	version := ""
	if t.Info != nil {
		version = t.Info.Version
	}
	return &Spec{Doc: t, JSON: doc, VendorVersion: version}, nil
}

// Corrected applies every correction of the modelled part to the vendor
// document and returns the corrected document as JSON, with the
// corrections applied, in order. The long tail's corrections are
// CorrectedLongTail's.
func Corrected() ([]byte, []Correction, error) {
	return correct(vendorJSON, correctionFiles)
}

func correct(vendor []byte, files fs.FS) ([]byte, []Correction, error) {
	return applyCorrections(vendor, files, "", " ")
}

// CorrectedLongTail applies every long-tail correction (those with
// document: longtail) to the vendor's long tail, spec/longtail.json, which
// the caller reads (the binary embeds only the result), and returns the
// served long tail, spec/openapi.longtail.json, compact, with the
// corrections applied, in order.
func CorrectedLongTail(vendorTail []byte) ([]byte, []Correction, error) {
	return CorrectLongTail(vendorTail, correctionFiles)
}

// CorrectLongTail is CorrectedLongTail with the corrections of files (a
// file system holding corrections/*.yaml) in place of the embedded ones:
// spec/sdkgen reads the long tail without its own earlier output this way.
func CorrectLongTail(vendorTail []byte, files fs.FS) ([]byte, []Correction, error) {
	return applyCorrections(vendorTail, files, DocumentLongTail, "")
}

// DocumentLongTail is Correction.Document for a correction of the long
// tail.
const DocumentLongTail = "longtail"

// applyCorrections applies the corrections of files meant for document
// to doc, and returns the result as JSON (indented by indent, or compact)
// and the corrections it applied.
func applyCorrections(raw []byte, files fs.FS, document, indent string) ([]byte, []Correction, error) {
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, nil, fmt.Errorf("spec: the vendor document: %w", err)
	}
	all, err := readCorrections(files)
	if err != nil {
		return nil, nil, err
	}
	var corr []Correction
	for _, c := range all {
		if c.Document != document {
			continue
		}
		if err := c.apply(doc); err != nil {
			return nil, nil, fmt.Errorf("spec: correction %q (%s): %w", c.ID, c.File, err)
		}
		corr = append(corr, c)
	}
	// The vendor's server is the real host; serving on loopback must not miss
	// every route (measured on the vendor document with kin-openapi).
	delete(doc, "servers")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	if err := enc.Encode(doc); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), corr, nil
}

// Operation is one operation of the document with its method and path.
type Operation struct {
	Method string
	Path   string
	Op     *openapi3.Operation
	Item   *openapi3.PathItem
}

// Operations lists every operation of the document, sorted by path then
// method, for stable route registration.
func (s *Spec) Operations() []Operation {
	var out []Operation
	for path, item := range s.Doc.Paths.Map() {
		for method, op := range item.Operations() {
			out = append(out, Operation{Method: method, Path: path, Op: op, Item: item})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}
