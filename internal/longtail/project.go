package longtail

import (
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/internal/drf"
	"github.com/iblfake/iblfake/internal/synth"
)

// render is a stored object as an answer of schema s: each property s
// declares (writeOnly ones never: DRF does not render them) from the
// object where its value is one s allows, else from base, a value of s
// made for the item (so a required property is always there, and an item
// read through another schema than the one it was written with still
// answers validly).
func render(obj map[string]any, s *openapi3.SchemaRef, base func() map[string]any) map[string]any {
	ps := props(s)
	if len(ps) == 0 {
		return obj
	}
	out := make(map[string]any, len(ps))
	var b map[string]any
	for name, p := range ps {
		if p == nil || p.Value == nil || p.Value.WriteOnly {
			continue
		}
		if v, ok := obj[name]; ok && fits(p, v) {
			out[name] = v
			continue
		}
		if b == nil {
			b = base()
		}
		if v, ok := b[name]; ok {
			out[name] = v
		}
	}
	return out
}

// withID puts an item's id into an answer of schema s that does not have
// the family's id field but another id property (a list item's pk where
// the item's detail has id), so a list names each item as its path does.
func withID(out map[string]any, s *openapi3.SchemaRef, idField, id string) {
	ps := props(s)
	if ps[idField] != nil || id == "" {
		return
	}
	for _, n := range idNames {
		if p := ps[n]; p != nil && p.Value != nil && !p.Value.WriteOnly {
			if v, ok := typed(p, id); ok {
				out[n] = v
			}
			return
		}
	}
}

// fits reports whether v is a value schema p allows in an answer.
func fits(p *openapi3.SchemaRef, v any) bool {
	return p.Value.VisitJSON(v, openapi3.VisitAsResponse(), openapi3.WithStringFormatValidators(answerFormats)) == nil
}

// answerFormats are the string formats an answer's values are checked
// for, beside kin-openapi's own: a uuid that is no UUID (a declared
// example's "course-v1:edX+DemoX+Demo_Course" in a uuid field) breaks
// every generated client that parses it.
var answerFormats = map[string]openapi3.StringFormatValidator{"uuid": uuidFormat{}}

type uuidFormat struct{}

func (uuidFormat) Validate(v string) error {
	if len(v) != 36 || v[8] != '-' || v[13] != '-' || v[18] != '-' || v[23] != '-' {
		return errNotUUID
	}
	for i, r := range v {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			continue
		}
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return errNotUUID
		}
	}
	return nil
}

type notUUID struct{}

func (notUUID) Error() string { return "not a UUID" }

var errNotUUID error = notUUID{}

// overlay writes a request's fields over obj: those the request schema
// declares and does not make read-only (DRF ignores read-only input, it
// does not refuse it), as the validator left them.
func overlay(obj, body map[string]any, req *openapi3.SchemaRef) {
	ps := props(req)
	for k, v := range body {
		if ps != nil {
			p := ps[k]
			if p == nil || p.Value == nil || p.Value.ReadOnly {
				continue
			}
		}
		obj[k] = v
	}
}

// stamp sets the timestamp fields names to now, written as s types them.
func stamp(obj map[string]any, names []string, s *openapi3.SchemaRef, now time.Time) {
	ps := props(s)
	for _, n := range names {
		p := ps[n]
		if p == nil || p.Value == nil {
			continue
		}
		switch p.Value.Format {
		case "date":
			obj[n] = now.UTC().Format("2006-01-02")
		default:
			obj[n] = drf.FormatDateTime(now)
		}
	}
}

// typed is a path value as property p holds it: an integer where p is
// one, else the string.
func typed(p *openapi3.SchemaRef, v string) (any, bool) {
	if p == nil || p.Value == nil {
		return nil, false
	}
	switch {
	case p.Value.Type.Is("integer"):
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil
	case p.Value.Type.Is("string"):
		return v, true
	}
	return nil, false
}

// clone copies a stored object before it is changed (a view's objects are
// shared by readers).
func clone(obj map[string]any) map[string]any { return maps.Clone(obj) }

// synthBase is a value of s for one item, seeded by what identifies it.
func synthBase(s *openapi3.SchemaRef, opts synth.Options) func() map[string]any {
	return func() map[string]any {
		if m, ok := synth.Value(s, opts).(map[string]any); ok {
			return m
		}
		return map[string]any{}
	}
}

// modelName is a schema's name as DRF's uniqueness message words a
// model: "MentorList" -> "mentor list".
func modelName(s *openapi3.SchemaRef) string {
	name := refName(s)
	var b strings.Builder
	for i, r := range name {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte(' ')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
