package main

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
)

// Area is the part of the vendor's document the fake models: the path
// prefixes spec/gen extracts (its Prefixes), as one regular expression.
const Area = `^/api/(credentials|catalog/licenses|catalog/invitations)/`

// Row is one difference between a vendor document and the document the
// fake serves, for one operation.
type Row struct {
	// Operation is the operationId (the fake's, else the vendor's), else
	// "METHOD path".
	Operation string
	Method    string
	Path      string
	// Facet is what of the operation differs: operation (the whole
	// operation), parameters, request body, responses, security or other.
	Facet string
	// Fake says how the fake's document stands to the vendor's: it "adds"
	// what the vendor's lacks, "lacks" what the vendor's has, or "differs".
	Fake string
	// Text is oasdiff's description of the change, from the vendor's
	// document to the fake's (one line for a change repeated in several
	// media types).
	Text string
	// ID is oasdiff's rule id (e.g. "endpoint-added").
	ID string
	// Since says, when the vendor document is not the pinned one, whether
	// the difference was already there against the pinned document
	// ("known": a correction made it), is new with this document ("new"),
	// or was there and is gone ("gone": the vendor now agrees with the
	// fake, so a correction may be redundant).
	Since string
}

// Options name the documents to compare.
type Options struct {
	// Vendor is the vendor document to judge (YAML or JSON; a whole
	// sdk_schema.yml or the extract spec/vendor.json).
	Vendor string
	// Fake is the document the fake serves (spec/openapi.json).
	Fake string
	// Pinned is the pinned vendor document (spec/vendor.json); when it is
	// not Vendor, every row says whether it is new since the pinned one.
	Pinned string
}

// excluded are the parts of a document no client sends or reads: the
// fake's documents carry no prose (spec/gen strips it).
var excluded = []string{
	diff.ExcludeDescriptionOption, diff.ExcludeExamplesOption, diff.ExcludeSummaryOption,
	diff.ExcludeTitleOption, diff.ExcludeTagsOption, diff.ExcludeExtensionsOption,
}

// Result is what Compare found.
type Result struct {
	Rows []Row
	// VendorVersion and FakeVersion are the documents' info.version.
	VendorVersion, FakeVersion string
}

// Compare lists, per operation of the area, what the fake's document adds,
// lacks or changes against the vendor's, sorted by operation.
func Compare(o Options) (*Result, error) {
	res, err := changes(o.Vendor, o.Fake)
	if err != nil {
		return nil, err
	}
	if o.Pinned == "" || o.Pinned == o.Vendor {
		return res, nil
	}
	pinned, err := changes(o.Pinned, o.Fake)
	if err != nil {
		return nil, err
	}
	rows, known := res.Rows, pinned.Rows
	seen := map[string]bool{}
	for _, r := range known {
		seen[r.key()] = true
	}
	now := map[string]bool{}
	for i := range rows {
		now[rows[i].key()] = true
		rows[i].Since = "new"
		if seen[rows[i].key()] {
			rows[i].Since = "known"
		}
	}
	for _, r := range known {
		if !now[r.key()] {
			r.Since = "gone"
			rows = append(rows, r)
		}
	}
	sortRows(rows)
	res.Rows = rows
	return res, nil
}

// key identifies a difference across two comparisons: the same operation
// (by the fake's operationId, which paths renamed by the vendor keep),
// rule and text.
func (r Row) key() string { return r.Method + " " + r.Operation + "\x00" + r.ID + "\x00" + r.Text }

// mediaType is the suffix oasdiff gives a change repeated per media type.
var mediaType = regexp.MustCompile(` \(media type: ([^)]+)\)$`)

// changes runs oasdiff's diff and its checks (every level) from the vendor
// document to the fake's, over the area, and folds a change repeated in
// several media types into one row.
func changes(vendor, fake string) (*Result, error) {
	loader := openapi3.NewLoader()
	base, err := load.NewSpecInfo(loader, load.NewSource(vendor))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", vendor, err)
	}
	rev, err := load.NewSpecInfo(openapi3.NewLoader(), load.NewSource(fake))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fake, err)
	}
	cfg := diff.NewConfig(diff.WithExcludeElements(excluded))
	cfg.MatchPath = Area
	d, sources, err := diff.GetWithOperationsSourcesMap(cfg, base, rev)
	if err != nil {
		return nil, err
	}
	found := checker.CheckBackwardCompatibilityUntilLevel(checker.NewConfig(checker.GetAllChecks()), d, sources, checker.INFO)
	l := checker.NewDefaultLocalizer()
	seen := map[string]bool{}
	media := map[string][]string{}
	var rows []*Row
	for _, c := range found {
		if c.GetOperation() == "" {
			continue // about the document, not an operation (the version)
		}
		text := c.GetUncolorizedText(l)
		var mt string
		if m := mediaType.FindStringSubmatch(text); m != nil {
			text, mt = strings.TrimSuffix(text, m[0]), m[1]
		}
		op := cmp.Or(c.GetOperationId(), c.GetOperation()+" "+c.GetPath())
		r := Row{Operation: op, Method: c.GetOperation(), Path: c.GetPath(), Facet: facet(c.GetId()),
			Fake: stance(c.GetId()), Text: text, ID: c.GetId()}
		k := r.key()
		if mt != "" {
			media[k] = append(media[k], mt)
		}
		if !seen[k] {
			seen[k] = true
			rows = append(rows, &r)
		}
	}
	out := make([]Row, 0, len(rows))
	for _, r := range rows {
		switch mts := media[r.key()]; len(mts) {
		case 0:
		case 1:
			r.Text += " (media type: " + mts[0] + ")"
		default:
			r.Text += fmt.Sprintf(" (%d media types)", len(mts))
		}
		out = append(out, *r)
	}
	sortRows(out)
	return &Result{Rows: out, VendorVersion: version(base.Spec), FakeVersion: version(rev.Spec)}, nil
}

func version(t *openapi3.T) string {
	if t == nil || t.Info == nil {
		return ""
	}
	return t.Info.Version
}

func sortRows(rows []Row) {
	slices.SortStableFunc(rows, func(a, b Row) int {
		return cmp.Or(cmp.Compare(a.Operation, b.Operation), cmp.Compare(facetOrder(a.Facet), facetOrder(b.Facet)),
			cmp.Compare(a.Text, b.Text), cmp.Compare(a.Since, b.Since))
	})
}

// Facets, in the order the table lists them.
var facets = []string{"operation", "parameters", "request body", "responses", "security", "other"}

func facetOrder(f string) int { return slices.Index(facets, f) }

// facet sorts an oasdiff rule into what of an operation it is about.
func facet(id string) string {
	switch {
	case strings.HasPrefix(id, "endpoint-"), strings.HasPrefix(id, "api-path-"), strings.HasPrefix(id, "api-removed"):
		return "operation"
	case strings.Contains(id, "security"):
		return "security"
	case strings.Contains(id, "request-parameter"), strings.Contains(id, "request-path-param"),
		strings.Contains(id, "request-header"), strings.Contains(id, "request-non-path"):
		return "parameters"
	case strings.Contains(id, "request-body"), strings.Contains(id, "request-property"), strings.Contains(id, "request-required-property"),
		strings.Contains(id, "request-optional-property"), strings.Contains(id, "request-discriminator"):
		return "request body"
	case strings.HasPrefix(id, "response-"):
		return "responses"
	}
	return "other"
}

// stance says how the fake stands to the vendor for a rule: oasdiff words
// its rules from the vendor's document (base) to the fake's (revision).
func stance(id string) string {
	switch {
	case strings.HasPrefix(id, "new-"), strings.Contains(id, "-added"):
		return "adds"
	case strings.Contains(id, "-removed"), strings.Contains(id, "-deleted"):
		return "lacks"
	}
	return "differs"
}
