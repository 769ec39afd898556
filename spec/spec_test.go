package spec

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestLoad(t *testing.T) {
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Doc.Validate(context.Background()); err != nil {
		t.Fatalf("the corrected document is not valid OpenAPI: %v", err)
	}
	if got, want := len(s.Operations()), vendorOperations(t)+addedOperations(t); got != want {
		t.Fatalf("operations=%d, want %d (the vendor document's and those the corrections add)", got, want)
	}
	if s.VendorVersion != "4.90.4-ai-plus" {
		t.Fatalf("VendorVersion=%q", s.VendorVersion)
	}
	if len(s.Doc.Servers) != 0 {
		t.Fatalf("servers not cleared: %v", s.Doc.Servers)
	}
}

// httpMethods are the keys of a path item that name operations.
var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "patch": true, "head": true, "options": true}

// vendorOperations counts the operations of the vendor document.
func vendorOperations(t *testing.T) int {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(vendorJSON, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, item := range doc.Paths {
		for m := range item {
			if httpMethods[m] {
				n++
			}
		}
	}
	return n
}

// addedOperations counts the operations the corrections add as new paths
// (the 4.205 operations the vendor document lacks: 40-drift-4205.yaml).
func addedOperations(t *testing.T) int {
	t.Helper()
	_, corr, err := Corrected()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range corr {
		item, ok := c.Value.(map[string]any)
		if c.Patch != "add" || !strings.HasPrefix(c.Pointer, "/paths/") || !ok {
			continue
		}
		for m := range item {
			if httpMethods[m] {
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no correction adds an operation; the 4.205 operations are missing")
	}
	return n
}

// TestCorrectedDocumentIsFresh fails when openapi.json is not exactly the
// vendor document with every correction applied.
func TestCorrectedDocumentIsFresh(t *testing.T) {
	doc, _, err := Corrected()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(doc, correctedJSON) {
		t.Fatal("spec/openapi.json is stale: run `go generate ./spec` and commit the result")
	}
}

// TestRequestsDocumentIsFresh fails when openapi.requests.json is not the
// request side of openapi.json.
func TestRequestsDocumentIsFresh(t *testing.T) {
	doc, err := RequestsOnly(correctedJSON)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(doc, requestsJSON) {
		t.Fatal("spec/openapi.requests.json is stale: run `go generate ./spec` and commit the result")
	}
}

// TestFidelityTableListsEveryCorrection keeps FIDELITY.md and the
// corrections in step: every correction written by hand, of either part of
// the document, must appear in the table by id; a generated file
// (spec/sdkgen's) is described as a whole, so FIDELITY.md must name it.
func TestFidelityTableListsEveryCorrection(t *testing.T) {
	_, corr, err := Corrected()
	if err != nil {
		t.Fatal(err)
	}
	vendorTail, err := os.ReadFile("longtail.json")
	if err != nil {
		t.Fatal(err)
	}
	_, tailCorr, err := CorrectedLongTail(vendorTail)
	if err != nil {
		t.Fatal(err)
	}
	table, err := os.ReadFile("../FIDELITY.md")
	if err != nil {
		t.Fatal(err)
	}
	missing := map[string]bool{}
	for _, c := range append(corr, tailCorr...) {
		want := "`" + c.ID + "`"
		if c.Generated {
			want = "`spec/" + c.File + "`"
		}
		if !strings.Contains(string(table), want) && !missing[want] {
			missing[want] = true
			t.Errorf("FIDELITY.md does not name %s (correction %q)", want, c.ID)
		}
	}
}

// TestParseDocumentMatchesLoader proves the parallel parse gives the
// document kin-openapi's own loader gives.
func TestParseDocumentMatchesLoader(t *testing.T) {
	want, err := openapi3.NewLoader().LoadFromData(correctedJSON)
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseDocument(correctedJSON)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mustJSON(t, got), mustJSON(t, want)) {
		t.Fatal("parseDocument and openapi3.Loader.LoadFromData give different documents")
	}
}

// TestLoadRequestsKeepsRequestSide proves LoadRequests validates requests
// exactly as Load does: every operation keeps its parameters, body and
// security, and the document is still valid OpenAPI.
func TestLoadRequestsKeepsRequestSide(t *testing.T) {
	full, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	req, err := LoadRequests()
	if err != nil {
		t.Fatal(err)
	}
	if err := req.Doc.Validate(context.Background()); err != nil {
		t.Fatalf("the requests-only document is not valid OpenAPI: %v", err)
	}
	ops := req.Operations()
	if len(ops) != len(full.Operations()) {
		t.Fatalf("requests-only document has %d operations, want %d", len(ops), len(full.Operations()))
	}
	for i, op := range full.Operations() {
		r := ops[i]
		if r.Method != op.Method || r.Path != op.Path || r.Op.OperationID != op.Op.OperationID {
			t.Fatalf("operation %d: %s %s, want %s %s", i, r.Method, r.Path, op.Method, op.Path)
		}
		for what, pair := range map[string][2]any{
			"parameters":  {r.Op.Parameters, op.Op.Parameters},
			"path params": {r.Item.Parameters, op.Item.Parameters},
			"requestBody": {r.Op.RequestBody, op.Op.RequestBody},
			"security":    {r.Op.Security, op.Op.Security},
		} {
			if !bytes.Equal(mustJSON(t, pair[0]), mustJSON(t, pair[1])) {
				t.Errorf("%s: %s differ", op.Op.OperationID, what)
			}
		}
		if r.Op.Responses.Len() != 1 {
			t.Errorf("%s: responses kept", op.Op.OperationID)
		}
	}
	if !bytes.Equal(mustJSON(t, req.Doc.Components.SecuritySchemes), mustJSON(t, full.Doc.Components.SecuritySchemes)) {
		t.Error("security schemes differ")
	}
	if len(req.Doc.Components.Schemas) >= len(full.Doc.Components.Schemas) {
		t.Errorf("requests-only document keeps %d of %d schemas", len(req.Doc.Components.Schemas), len(full.Doc.Components.Schemas))
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// BenchmarkLoad is the document's share of start-up: kin-openapi's loader,
// the parallel parse of the whole document (Load, for tests that validate
// responses) and of the requests-only document (LoadRequests, the server).
func BenchmarkLoad(b *testing.B) {
	b.Run("loader", func(b *testing.B) {
		for b.Loop() {
			if _, err := openapi3.NewLoader().LoadFromData(correctedJSON); err != nil {
				b.Fatal(err)
			}
		}
	})
	for name, doc := range map[string][]byte{"full": correctedJSON, "requests": requestsJSON} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := parse(doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
