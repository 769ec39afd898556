package spec

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Doc.Validate(context.Background()); err != nil {
		t.Fatalf("the corrected document is not valid OpenAPI: %v", err)
	}
	if got, want := len(s.Operations()), 81; got != want {
		t.Fatalf("operations=%d, want %d", got, want)
	}
	if s.VendorVersion != "4.90.4-ai-plus" {
		t.Fatalf("VendorVersion=%q", s.VendorVersion)
	}
	if len(s.Doc.Servers) != 0 {
		t.Fatalf("servers not cleared: %v", s.Doc.Servers)
	}
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

// TestFidelityTableListsEveryCorrection keeps FIDELITY.md and the
// corrections in step: every correction id must appear in the table.
func TestFidelityTableListsEveryCorrection(t *testing.T) {
	_, corr, err := Corrected()
	if err != nil {
		t.Fatal(err)
	}
	table, err := os.ReadFile("../FIDELITY.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range corr {
		if !strings.Contains(string(table), "`"+c.ID+"`") {
			t.Errorf("FIDELITY.md does not list correction %q (%s)", c.ID, c.File)
		}
	}
}

// BenchmarkLoad is the document's share of start-up.
func BenchmarkLoad(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := parse(correctedJSON); err != nil {
			b.Fatal(err)
		}
	}
}
