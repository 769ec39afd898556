package spec

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestLongTailIsFresh fails when openapi.longtail.json, the long tail the
// fake serves, is not exactly the vendor's long tail (longtail.json) with
// every long-tail correction applied.
func TestLongTailIsFresh(t *testing.T) {
	vendorTail, err := os.ReadFile("longtail.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, corr, err := CorrectedLongTail(vendorTail)
	if err != nil {
		t.Fatal(err)
	}
	if len(corr) == 0 {
		t.Fatal("no long-tail correction applied; the SDK's (corrections/50-sdk.yaml) are missing")
	}
	if !bytes.Equal(doc, longTailJSON) {
		t.Fatal("spec/openapi.longtail.json is stale: run `go generate ./spec` and commit the result")
	}
}

// TestLongTailIndexIsFresh fails when longtail.index.json is not the index
// of the served long tail.
func TestLongTailIndexIsFresh(t *testing.T) {
	idx, err := BuildLongTailIndex(longTailJSON)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(idx, longTailIndexJSON) {
		t.Fatal("spec/longtail.index.json is stale: run `go generate ./spec` and commit the result")
	}
}

// TestEveryLongTailOperationCompiles compiles every operation of the
// served long tail as the fake does on its first request: each path item
// parses with the components it refers to, so a generated correction that
// refers to a schema the long tail lacks fails here.
func TestEveryLongTailOperationCompiles(t *testing.T) {
	idx, err := LongTailIndex()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range idx {
		op, err := LongTailOperation(e.Method, e.Path)
		if err != nil {
			t.Errorf("%s %s (%s): %v", e.Method, e.Path, e.ID, err)
			continue
		}
		if op.Op.OperationID != e.ID {
			t.Errorf("%s %s: operationId %q, the index says %q", e.Method, e.Path, op.Op.OperationID, e.ID)
		}
	}
}

// TestOperationIDsAreUnique: no operationId names two operations of the
// served document (the modelled part and the long tail together), so the
// operations the SDK's corrections add never shadow one in the journal,
// coverage or a scenario.
func TestOperationIDsAreUnique(t *testing.T) {
	seen := map[string]string{}
	s := MustLoad()
	for _, op := range s.Operations() {
		seen[op.Op.OperationID] = op.Method + " " + op.Path
	}
	idx, err := LongTailIndex()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range idx {
		if prev, dup := seen[e.ID]; dup {
			t.Errorf("operationId %s names %s and %s %s", e.ID, prev, e.Method, e.Path)
		}
		seen[e.ID] = e.Method + " " + e.Path
	}
}

// sdkPin reads the commit spec/sdk.sh pins.
func sdkPin(t *testing.T) string {
	t.Helper()
	script, err := os.ReadFile("sdk.sh")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^COMMIT="([0-9a-f]{40})"`).FindSubmatch(script)
	if m == nil {
		t.Fatal("spec/sdk.sh pins no COMMIT")
	}
	return string(m[1])
}

// TestSDKOutputNamesThePinnedCommit: the generated corrections and the
// method list were generated from the commit spec/sdk.sh pins (CI cannot
// reach the SDK's repository to regenerate them, so it checks they agree),
// every generated correction is of the long tail and cites that commit,
// and no generated correction touches the modelled area.
func TestSDKOutputNamesThePinnedCommit(t *testing.T) {
	pin := sdkPin(t)
	raw, err := os.ReadFile("corrections/50-sdk.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(raw), GeneratedHeader) || !strings.Contains(string(raw), "commit "+pin) {
		t.Fatalf("corrections/50-sdk.yaml is not spec/sdkgen's output for the pinned commit %s: run spec/sdk.sh", pin)
	}
	var list struct {
		Commit  string            `json:"commit"`
		Methods []json.RawMessage `json:"methods"`
	}
	mraw, err := os.ReadFile("pysdk.methods.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(mraw, &list); err != nil {
		t.Fatal(err)
	}
	if list.Commit != pin {
		t.Fatalf("pysdk.methods.json is of commit %s, spec/sdk.sh pins %s: run spec/sdk.sh", list.Commit, pin)
	}
	vendorTail, err := os.ReadFile("longtail.json")
	if err != nil {
		t.Fatal(err)
	}
	_, corr, err := CorrectedLongTail(vendorTail)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range corr {
		if !c.Generated {
			continue
		}
		n++
		if c.Document != DocumentLongTail || !strings.HasPrefix(c.Evidence, "PYSDK@"+pin[:8]+" ") {
			t.Errorf("%s: document %q, evidence %q", c.ID, c.Document, c.Evidence)
		}
		if p := strings.ReplaceAll(strings.TrimPrefix(c.Pointer, "/paths/"), "~1", "/"); strings.HasPrefix(c.Pointer, "/paths/") && Modelled(p) {
			t.Errorf("%s: adds %s, inside the modelled area", c.ID, p)
		}
	}
	if n == 0 {
		t.Fatal("no generated correction")
	}
}

// TestSDKMethodsMapToServedOperations: every method of the SDK's list
// names an operation the served document has, with the method's HTTP
// method and a template of the same shape as the method's path (the
// conformance test sends them; this catches a list out of step with the
// document without a server).
func TestSDKMethodsMapToServedOperations(t *testing.T) {
	var list struct {
		Methods []struct {
			Method      string `json:"method"`
			HTTPMethod  string `json:"http_method"`
			Path        string `json:"path"`
			OperationID string `json:"operation_id"`
		} `json:"methods"`
	}
	raw, err := os.ReadFile("pysdk.methods.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	served := map[string]string{}
	for _, op := range MustLoad().Operations() {
		served[op.Op.OperationID] = op.Method + " " + shapeOf(op.Path)
	}
	idx, err := LongTailIndex()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range idx {
		served[e.ID] = e.Method + " " + shapeOf(e.Path)
	}
	for _, m := range list.Methods {
		want := m.HTTPMethod + " " + shapeOf(m.Path)
		if got, ok := served[m.OperationID]; !ok || got != want {
			t.Errorf("%s: operation %s is %q in the served document, the SDK sends %q", m.Method, m.OperationID, got, want)
		}
	}
}

// shapeOf is a path template without its parameters' names.
func shapeOf(path string) string {
	return regexp.MustCompile(`\{[^}]*\}`).ReplaceAllString(path, "{}")
}

// BenchmarkLongTailFirstUse is what the long tail costs a process once,
// on its first long-tail request: the index decoded (LongTailIndex) and
// the served long tail's top level, paths and components split
// (LongTailOperation's first call); each operation's own parse comes on
// its first request.
func BenchmarkLongTailFirstUse(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(longTailIndexJSON) + len(longTailJSON)))
	for b.Loop() {
		var idx []IndexEntry
		if err := json.Unmarshal(longTailIndexJSON, &idx); err != nil {
			b.Fatal(err)
		}
		var top, paths map[string]json.RawMessage
		var comps map[string]map[string]json.RawMessage
		if err := json.Unmarshal(longTailJSON, &top); err != nil {
			b.Fatal(err)
		}
		if err := json.Unmarshal(top["paths"], &paths); err != nil {
			b.Fatal(err)
		}
		if err := json.Unmarshal(top["components"], &comps); err != nil {
			b.Fatal(err)
		}
	}
}
