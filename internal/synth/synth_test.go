package synth_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/iblfake/iblfake/spec"
)

// TestEveryLongTailAnswerValidates synthesizes the body of every declared
// response of every long-tail operation (all of them, not a sample) and
// validates it against its schema, as the response validator does.
func TestEveryLongTailAnswerValidates(t *testing.T) {
	idx, err := spec.LongTailIndex()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	bodies, fails := 0, 0
	for _, e := range idx {
		op, err := spec.LongTailOperation(e.Method, e.Path)
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range slices.Sorted(mapsKeys(op.Op.Responses.Map())) {
			resp := op.Op.Responses.Value(code)
			if resp == nil || resp.Value == nil {
				continue
			}
			for mt, media := range resp.Value.Content {
				if media.Schema == nil || !strings.Contains(mt, "json") {
					continue
				}
				bodies++
				v := synth.Value(media.Schema, synth.Options{Seed: synth.Key(e.ID, code), Now: now, Tenant: "acme", Base: fakeBase, Path: e.Path})
				if err := media.Schema.Value.VisitJSON(roundTrip(t, v), openapi3.VisitAsResponse(), openapi3.MultiErrors()); err != nil {
					fails++
					if fails <= 10 {
						raw, _ := json.Marshal(v)
						t.Errorf("%s %s (%s) %s: %v\nvalue: %.500s", e.Method, e.Path, e.ID, code, err, raw)
					}
				}
			}
		}
	}
	if fails > 0 {
		t.Errorf("%d of %d synthesized bodies do not validate", fails, bodies)
	}
	t.Logf("%d synthesized bodies over %d operations validate", bodies, len(idx))
}

// TestValuesAreDeterministic: the same seed gives the same value; another
// seed another.
func TestValuesAreDeterministic(t *testing.T) {
	s := openapi3.NewObjectSchema().
		WithProperty("email", openapi3.NewStringSchema().WithFormat("email")).
		WithProperty("name", openapi3.NewStringSchema()).
		WithProperty("created", openapi3.NewDateTimeSchema()).
		WithProperty("count", openapi3.NewIntegerSchema())
	opts := synth.Options{Seed: 42, Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	a, _ := json.Marshal(synth.Value(s.NewRef(), opts))
	b, _ := json.Marshal(synth.Value(s.NewRef(), opts))
	if string(a) != string(b) {
		t.Fatalf("same seed, two values:\n%s\n%s", a, b)
	}
	opts.Seed = 43
	c, _ := json.Marshal(synth.Value(s.NewRef(), opts))
	if string(a) == string(c) {
		t.Fatalf("two seeds, one value: %s", a)
	}
}

// TestAPropertyDependsOnlyOnItsName: two schemas sharing a property give it
// the same value for one seed, so an item reads the same alone and in a
// list whose item schema has other fields.
func TestAPropertyDependsOnlyOnItsName(t *testing.T) {
	detail := openapi3.NewObjectSchema().WithProperty("email", openapi3.NewStringSchema()).WithProperty("bio", openapi3.NewStringSchema())
	brief := openapi3.NewObjectSchema().WithProperty("email", openapi3.NewStringSchema())
	opts := synth.Options{Seed: 7}
	d := synth.Value(detail.NewRef(), opts).(map[string]any)
	b := synth.Value(brief.NewRef(), opts).(map[string]any)
	if d["email"] != b["email"] {
		t.Fatalf("email %v alone, %v in the other schema", d["email"], b["email"])
	}
	if !strings.Contains(d["email"].(string), "@") {
		t.Errorf("email %q does not look like one", d["email"])
	}
}

// TestBoundsCycles: a schema that refers to itself ends within the depth
// limit and still validates.
func TestBoundsCycles(t *testing.T) {
	node := openapi3.NewObjectSchema()
	ref := &openapi3.SchemaRef{Ref: "#/components/schemas/Node", Value: node}
	node.WithProperty("name", openapi3.NewStringSchema())
	node.Properties["children"] = openapi3.NewArraySchema().WithItems(node).NewRef()
	node.Properties["children"].Value.Items = ref
	node.Required = []string{"name"}
	v := synth.Value(ref, synth.Options{Seed: 1})
	if err := node.VisitJSON(roundTrip(t, v)); err != nil {
		t.Fatalf("cyclic value does not validate: %v", err)
	}
	raw, _ := json.Marshal(v)
	if len(raw) > 1<<20 {
		t.Fatalf("cyclic value is %d bytes", len(raw))
	}
}

func roundTrip(t *testing.T, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("value does not encode: %v", err)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

var _ = fmt.Sprint

// fakeBase is the origin the tests' answers are made for.
const fakeBase = "http://127.0.0.1:8080"
