// Command drift judges a vendor OpenAPI document against the document the
// fake serves: per operation of the fake's area (credentials, catalog
// licenses and invitations), what the fake's document adds, lacks or
// changes in parameters, request bodies, responses and security, as
// oasdiff (github.com/oasdiff/oasdiff) finds it, in one table. Given a
// vendor document other than the pinned one, each row also says whether it
// is new since the pinned document, so a new vendor version's drift stands
// apart from the corrections the fake already makes.
//
// It is a module of its own: oasdiff needs a newer getkin/kin-openapi than
// the fake pins, and none of it belongs in the fake's binary. Run it
// through spec/drift.sh, or from this directory:
//
//	go run . -vendor ../vendor.json -fake ../openapi.json            # the pinned vendor document
//	go run . -vendor sdk_schema.yml -pinned ../vendor.json -summary  # a newer one, one row per operation
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "drift:", err)
		os.Exit(2)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("drift", flag.ContinueOnError)
	vendor := fs.String("vendor", "../vendor.json", "the vendor document to judge (YAML or JSON)")
	fake := fs.String("fake", "../openapi.json", "the document the fake serves")
	pinned := fs.String("pinned", "../vendor.json", "the pinned vendor document; rows of another -vendor say whether they are new since it")
	summary := fs.Bool("summary", false, "one row per operation with the count of differences per facet")
	if err := fs.Parse(args); err != nil {
		return err
	}
	res, err := Compare(Options{Vendor: *vendor, Fake: *fake, Pinned: *pinned})
	if err != nil {
		return err
	}
	fmt.Fprintln(out, headline(res))
	if *summary {
		return WriteSummary(out, res.Rows)
	}
	return WriteTable(out, res.Rows)
}

// headline says what was compared and how much differs.
func headline(res *Result) string {
	rows := res.Rows
	ops := map[string]bool{}
	stances := map[string]int{}
	fresh := 0
	for _, r := range rows {
		ops[r.Operation] = true
		stances[r.Fake]++
		if r.Since == "new" || r.Since == "gone" {
			fresh++
		}
	}
	s := fmt.Sprintf("drift: vendor %s -> fake (on %s): %d operations differ; the fake adds %d, lacks %d, changes %d",
		res.VendorVersion, res.FakeVersion, len(ops), stances["adds"], stances["lacks"], stances["differs"])
	if len(rows) > 0 && rows[0].Since != "" {
		s += fmt.Sprintf("; %d new or gone since the pinned document", fresh)
	}
	return s
}
