package contract

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// MaxLines bounds the violation lines one body check returns; past it a
// last line says that more were found and not listed. A list of 400,000
// items each missing the same key is one problem, and kin-openapi in
// multi-error mode builds an error (with its value, schema and path) for
// every failing item before any could be dropped: an answer full of
// violations cost about 100 times its size in memory (the second hostile
// test, M2). So a body that fails is checked in parts, and the check
// stops at the first line past MaxLines.
const MaxLines = 100

// smallNodes is the largest value (in JSON nodes: objects, arrays,
// scalars) checked in a single kin-openapi call with every violation at
// once; its errors cost at most about as many kin-openapi errors. A larger
// value is taken apart (an array into its items, an object into its
// properties) or, where its schema cannot be taken apart, gives its first
// violation only.
const smallNodes = 1000

// bodyCheck collects a body's violation lines, at most MaxLines distinct
// ones.
type bodyCheck struct {
	where string // "request body" or "response body"
	// one finds a value's first violation, all every one (MultiErrors).
	one, all []openapi3.SchemaValidationOption
	// split is false for an OpenAPI 3.1 document, whose schemas
	// kin-openapi checks with another validator: large values are then
	// checked whole, first violation only.
	split bool
	lines []string
	seen  map[string]bool
	more  bool // a line past MaxLines was found
}

func newBodyCheck(where string, split bool, opts ...openapi3.SchemaValidationOption) *bodyCheck {
	return &bodyCheck{
		where: where, split: split, seen: map[string]bool{},
		one: opts, all: append([]openapi3.SchemaValidationOption{openapi3.MultiErrors()}, opts...),
	}
}

// result is the lines found, and a last line if the check stopped early.
func (c *bodyCheck) result() []string {
	if c.more {
		return append(c.lines, fmt.Sprintf("%s: more violations, not listed (a check lists at most %d)", c.where, MaxLines))
	}
	return c.lines
}

// visit checks v against s; at is v's place in the body.
func (c *bodyCheck) visit(s *openapi3.Schema, v any, at []string) {
	if c.more || s == nil {
		return
	}
	switch {
	case countNodes(v, smallNodes+1) <= smallNodes:
		c.add(at, s.VisitJSON(v, c.all...))
	case !c.split || !separable(s):
		c.add(at, s.VisitJSON(v, c.one...))
	default:
		switch x := v.(type) {
		case []any:
			c.array(s, x, at)
		case map[string]any:
			c.object(s, x, at)
		default: // a scalar is one node, so small: not reached
			c.add(at, s.VisitJSON(v, c.one...))
		}
	}
}

// array checks the array's own keywords (type, minItems, maxItems,
// uniqueItems) with items left out, then each item.
func (c *bodyCheck) array(s *openapi3.Schema, x []any, at []string) {
	own := *s
	own.Items = nil
	c.add(at, own.VisitJSON(x, c.all...))
	if !s.Type.Permits(openapi3.TypeArray) || s.Items == nil {
		return
	}
	for i, item := range x {
		if c.more {
			return
		}
		c.visit(s.Items.Value, item, child(at, strconv.Itoa(i)))
	}
}

// object checks the object's own keywords (type, required, readOnly and
// writeOnly properties, unsupported properties, minProperties,
// maxProperties) with every property's schema replaced by one that takes
// any value (keeping its readOnly and writeOnly, which required and the
// direction checks read), then each property against its schema.
func (c *bodyCheck) object(s *openapi3.Schema, x map[string]any, at []string) {
	own := *s
	own.Properties = make(openapi3.Schemas, len(s.Properties))
	for k, p := range s.Properties {
		anyValue := &openapi3.Schema{Nullable: true}
		if p != nil && p.Value != nil {
			anyValue.ReadOnly, anyValue.WriteOnly = p.Value.ReadOnly, p.Value.WriteOnly
		}
		own.Properties[k] = &openapi3.SchemaRef{Value: anyValue}
	}
	own.AdditionalProperties = openapi3.AdditionalProperties{Has: s.AdditionalProperties.Has}
	opts := c.all
	if len(x) > smallNodes {
		// One "property is unsupported" error per key of a huge object.
		opts = c.one
	}
	c.add(at, own.VisitJSON(x, opts...))
	if !s.Type.Permits(openapi3.TypeObject) {
		return
	}
	keys := make([]string, 0, len(x))
	for k := range x {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	extra := s.AdditionalProperties
	for _, k := range keys {
		if c.more {
			return
		}
		if p := s.Properties[k]; p != nil {
			c.visit(p.Value, x[k], child(at, k))
		} else if (extra.Has == nil || *extra.Has) && extra.Schema != nil {
			c.visit(extra.Schema.Value, x[k], child(at, k))
		}
	}
}

// separable reports whether a schema's keywords can be checked apart from
// its items' or properties': not when it combines schemas (allOf, anyOf,
// oneOf, not: a part may declare a property readOnly, or accept what
// another refuses) or compares the value whole (enum, const).
func separable(s *openapi3.Schema) bool {
	return len(s.AllOf) == 0 && len(s.AnyOf) == 0 && len(s.OneOf) == 0 && s.Not == nil &&
		len(s.Enum) == 0 && s.Const == nil && s.Always == nil && s.Discriminator == nil
}

// add records err's lines, each once, until MaxLines.
func (c *bodyCheck) add(at []string, err error) {
	if err == nil {
		return
	}
	lines := schemaLines(c.where, at, err)
	if lines == nil {
		lines = []string{fmt.Sprintf("%s %s: %v", c.where, Pointer(at), err)}
	}
	for _, l := range lines {
		if c.seen[l] {
			continue
		}
		if len(c.lines) == MaxLines {
			c.more = true
			return
		}
		c.seen[l] = true
		c.lines = append(c.lines, l)
	}
}

// child is at with one more segment, never sharing at's array.
func child(at []string, seg string) []string {
	return append(at[:len(at):len(at)], seg)
}

// countNodes counts v's JSON nodes, stopping at limit.
func countNodes(v any, limit int) int {
	n := 1
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if n >= limit {
				return n
			}
			n += countNodes(e, limit-n)
		}
	case map[string]any:
		for _, e := range x {
			if n >= limit {
				return n
			}
			n += countNodes(e, limit-n)
		}
	}
	return n
}

// decodeBody decodes body with the decoder kin-openapi's own check uses
// for its media type, so the parts checked are the value that failed;
// false if there is none (a binary schema, an unregistered type).
func decodeBody(mt *openapi3.MediaType, header http.Header, body []byte) (any, bool) {
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil, false
	}
	if s := mt.Schema.Value; s.Type.Is(openapi3.TypeString) && s.Format == "binary" {
		return nil, false
	}
	media, _, _ := strings.Cut(header.Get("Content-Type"), ";")
	media = strings.ToLower(strings.TrimSpace(media))
	dec := openapi3filter.RegisteredBodyDecoder(media)
	if dec == nil && strings.HasSuffix(media, "+json") {
		dec = openapi3filter.RegisteredBodyDecoder("application/json")
	}
	if dec == nil {
		return nil, false
	}
	enc := func(name string) *openapi3.Encoding { return mt.Encoding[name] }
	v, err := dec(bytes.NewReader(body), header, mt.Schema, enc)
	if err != nil {
		return nil, false
	}
	return v, true
}
