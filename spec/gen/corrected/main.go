// Command corrected writes the documents the fake serves from the vendor's
// and the corrections of spec/corrections/*.yaml: spec/openapi.json (the
// modelled part, spec/vendor.json corrected), spec/openapi.requests.json
// (its request side alone, spec.RequestsOnly), spec/openapi.longtail.json
// (the long tail, spec/longtail.json with the long-tail corrections) and
// spec/longtail.index.json (what routing needs of it,
// spec.BuildLongTailIndex). Run it with `go generate ./spec` after
// changing any of them.
package main

import (
	"fmt"
	"os"

	"github.com/iblfake/iblfake/spec"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "corrected:", err)
		os.Exit(1)
	}
}

func run() error {
	doc, corr, err := spec.Corrected()
	if err != nil {
		return err
	}
	if err := os.WriteFile("openapi.json", doc, 0o644); err != nil {
		return err
	}
	req, err := spec.RequestsOnly(doc)
	if err != nil {
		return err
	}
	if err := os.WriteFile("openapi.requests.json", req, 0o644); err != nil {
		return err
	}
	vendorTail, err := os.ReadFile("longtail.json")
	if err != nil {
		return err
	}
	tail, tailCorr, err := spec.CorrectedLongTail(vendorTail)
	if err != nil {
		return err
	}
	if err := os.WriteFile("openapi.longtail.json", tail, 0o644); err != nil {
		return err
	}
	idx, err := spec.BuildLongTailIndex(tail)
	if err != nil {
		return err
	}
	if err := os.WriteFile("longtail.index.json", idx, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "corrected: %d corrections -> spec/openapi.json (%d bytes), spec/openapi.requests.json (%d bytes); %d long-tail corrections -> spec/openapi.longtail.json (%d bytes), spec/longtail.index.json (%d bytes)\n",
		len(corr), len(doc), len(req), len(tailCorr), len(tail), len(idx))
	return nil
}
