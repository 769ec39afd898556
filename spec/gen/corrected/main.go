// Command corrected writes spec/openapi.json: the vendor document
// (spec/vendor.json) with every correction of spec/corrections/*.yaml
// applied, and spec/openapi.requests.json, its request side alone
// (spec.RequestsOnly), and spec/longtail.index.json, what routing needs of
// spec/longtail.json (spec.BuildLongTailIndex). Run it with `go generate
// ./spec` after changing any of them.
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
	tail, err := os.ReadFile("longtail.json")
	if err == nil {
		var idx []byte
		if idx, err = spec.BuildLongTailIndex(tail); err == nil {
			err = os.WriteFile("longtail.index.json", idx, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "corrected: %d corrections applied -> spec/openapi.json (%d bytes), spec/openapi.requests.json (%d bytes), spec/longtail.index.json\n",
		len(corr), len(doc), len(req))
}
