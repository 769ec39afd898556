// Command corrected writes spec/openapi.json: the vendor document
// (spec/vendor.json) with every correction of spec/corrections/*.yaml
// applied, and spec/openapi.requests.json, its request side alone
// (spec.RequestsOnly). Run it with `go generate ./spec` after changing
// either.
package main

import (
	"fmt"
	"os"

	"github.com/iblfake/iblfake/spec"
)

func main() {
	doc, corr, err := spec.Corrected()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile("openapi.json", doc, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	req, err := spec.RequestsOnly(doc)
	if err == nil {
		err = os.WriteFile("openapi.requests.json", req, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "corrected: %d corrections applied -> spec/openapi.json (%d bytes), spec/openapi.requests.json (%d bytes)\n",
		len(corr), len(doc), len(req))
}
