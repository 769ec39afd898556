package synth

import (
	"math/rand/v2"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestPropertyIsProperties: Property answers what Properties' map holds
// for every name, over random schemas of nested allOf parts that share
// property names (and a nil ref now and then).
func TestPropertyIsProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(26, 1))
	names := []string{"a", "b", "c", "d", "e"}
	var gen func(depth int) *openapi3.Schema
	gen = func(depth int) *openapi3.Schema {
		s := &openapi3.Schema{Properties: openapi3.Schemas{}}
		for _, n := range names {
			switch rng.IntN(4) {
			case 0:
				s.Properties[n] = openapi3.NewStringSchema().NewRef()
			case 1:
				if rng.IntN(8) == 0 {
					s.Properties[n] = nil
				}
			}
		}
		if depth < 3 {
			for range rng.IntN(3) {
				if rng.IntN(10) == 0 {
					s.AllOf = append(s.AllOf, &openapi3.SchemaRef{}) // unresolved
					continue
				}
				s.AllOf = append(s.AllOf, gen(depth+1).NewRef())
			}
		}
		return s
	}
	for i := range 2000 {
		s := gen(0)
		all := Properties(s)
		for _, n := range append(names, "missing") {
			if got, want := Property(s, n), all[n]; got != want {
				t.Fatalf("schema %d, %q: Property %p, Properties %p", i, n, got, want)
			}
		}
	}
}
