package fake

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/iblfake/iblfake/internal/urlconf"
	"github.com/labstack/echo/v4"
)

// TestBodyPlanNeverPassesWhatKinRefuses holds the body plan
// (validate_body_fast.go) to kin-openapi: over the JSON body schema of
// every modelled operation and a third of the long tail, with bodies made
// from the schema and then mutated at random (seeded: fields dropped,
// added, nulled, retyped, emptied, lengthened, nested values changed), a
// body the plan passes is one Schema.VisitJSON accepts. It also checks
// that most schemas have a plan and that many bodies pass it, so that the
// test is not passing by skipping nothing, and that the issue body the
// perf harness sends is skipped.
func TestBodyPlanNeverPassesWhatKinRefuses(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(26, 4))
	schemas, planned, passed, refused := 0, 0, 0, 0
	for i, op := range s.urls.Operations() {
		if op.LongTail && i%3 != 0 {
			continue
		}
		r, err := s.route(op)
		if err != nil {
			t.Fatal(err)
		}
		if r.kin.Operation.RequestBody == nil || r.kin.Operation.RequestBody.Value == nil {
			continue
		}
		schema := mediaSchema(r.kin.Operation.RequestBody.Value, echo.MIMEApplicationJSON)
		if schema == nil {
			continue
		}
		schemas++
		plan := r.bodyPlan(schema)
		if plan != nil {
			planned++
		}
		for n := range 60 {
			v := bodyValue(t, schema, uint64(i*1000+n))
			for range rng.IntN(4) {
				v = mutate(rng, v, 0)
			}
			if !plan.passes(v) {
				continue
			}
			passed++
			if err := schema.VisitJSON(v, bodyVisitOptions...); err != nil {
				raw, _ := json.Marshal(v)
				t.Fatalf("%s %s: the plan passes %s, kin-openapi refuses: %v", r.method, r.template, raw, err)
			}
		}
		// The same bodies unmutated and each with one field nulled: the
		// plan must tell the refused ones apart too.
		for n := range 5 {
			v := bodyValue(t, schema, uint64(i*1000+n))
			if m, ok := v.(map[string]any); ok {
				for k := range m {
					m[k] = nil
					break
				}
			}
			if !plan.passes(v) {
				if schema.VisitJSON(v, bodyVisitOptions...) != nil {
					refused++
				}
				continue
			}
			passed++
			if err := schema.VisitJSON(v, bodyVisitOptions...); err != nil {
				raw, _ := json.Marshal(v)
				t.Fatalf("%s %s: the plan passes %s, kin-openapi refuses: %v", r.method, r.template, raw, err)
			}
		}
	}
	if planned < schemas/2 || passed < planned*10 || refused == 0 {
		t.Fatalf("%d of %d body schemas have a plan, %d random bodies passed it, %d refused ones did not: too few to prove anything",
			planned, schemas, passed, refused)
	}
	t.Logf("%d of %d body schemas have a plan; %d random bodies passed it, each accepted by kin-openapi", planned, schemas, passed)

	// The perf harness's issue body is one the plan passes (else the
	// skip it measures is gone).
	const issue = "/api/credentials/orgs/{org}/users/{user_id}/{entity_id}/assertions/"
	i := slices.IndexFunc(s.urls.Operations(), func(op *urlconf.Operation) bool {
		return op.Method == "POST" && op.Template == issue
	})
	if i < 0 {
		t.Fatal("no issue operation")
	}
	r, _ := s.route(s.urls.Operations()[i])
	schema := mediaSchema(r.kin.Operation.RequestBody.Value, echo.MIMEApplicationJSON)
	body, _ := api.ParseJSON([]byte(`{"recipient":{"identity":"user1"},"course":"course-v1:perf+C1+2024"}`))
	if !r.bodyPlan(schema).passes(body) {
		t.Fatal("the issue body does not pass its plan")
	}
	body, _ = api.ParseJSON([]byte(`{"recipient":{"identity":""},"course":"course-v1:perf+C1+2024"}`))
	if r.bodyPlan(schema).passes(body) {
		t.Fatal("the plan passes a blank identity (minLength 1)")
	}
}

// bodyValue is a body made from schema (synth's value for the seed), as
// api.ParseJSON would read it sent as JSON.
func bodyValue(t *testing.T, schema *openapi3.Schema, seed uint64) any {
	raw, err := json.Marshal(synth.Value(schema.NewRef(), synth.Options{Seed: seed}))
	if err != nil {
		t.Fatal(err)
	}
	v, err := api.ParseJSON(raw)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// oddValues are what mutate puts in a field's place.
var oddValues = []func() any{
	func() any { return nil },
	func() any { return "" },
	func() any { return " " },
	func() any { return "x" },
	func() any { return strings.Repeat("é", 300) },
	func() any { return strings.Repeat("x", 5000) },
	func() any { return "\U0001F600" },
	func() any { return "2024-01-01T00:00:00Z" },
	func() any { return "not a url" },
	func() any { return json.Number("1") },
	func() any { return json.Number("0") },
	func() any { return json.Number("-3") },
	func() any { return json.Number("1.5") },
	func() any { return json.Number("1e400") },
	func() any { return json.Number("99999999999999999999") },
	func() any { return true },
	func() any { return false },
	func() any { return map[string]any{} },
	func() any { return map[string]any{"k": "v"} },
	func() any { return []any{} },
	func() any { return []any{"x", json.Number("2"), nil} },
}

// mutate changes one random place of v and returns it.
func mutate(rng *rand.Rand, v any, depth int) any {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		switch n := rng.IntN(10); {
		case n == 0 && len(keys) > 0:
			delete(x, keys[rng.IntN(len(keys))])
		case n == 1:
			x["unknown_field"] = oddValues[rng.IntN(len(oddValues))]()
		case len(keys) > 0 && depth < 4:
			k := keys[rng.IntN(len(keys))]
			x[k] = mutate(rng, x[k], depth+1)
		default:
			return oddValues[rng.IntN(len(oddValues))]()
		}
		return x
	case []any:
		switch {
		case len(x) > 0 && rng.IntN(3) > 0 && depth < 4:
			i := rng.IntN(len(x))
			x[i] = mutate(rng, x[i], depth+1)
			return x
		case rng.IntN(2) == 0:
			return append(x, oddValues[rng.IntN(len(oddValues))]())
		}
	}
	if rng.IntN(4) == 0 {
		return v // left as made
	}
	return oddValues[rng.IntN(len(oddValues))]()
}
