package synth_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/iblfake/iblfake/spec"
)

// BenchmarkValue makes the lowest 2xx JSON answer of every long-tail
// operation once per iteration: what a synthesized read costs when the
// long tail's cache misses (README, "What the long tail costs").
func BenchmarkValue(b *testing.B) {
	idx, err := spec.LongTailIndex()
	if err != nil {
		b.Fatal(err)
	}
	var schemas []*openapi3.SchemaRef
	var paths []string
	for _, e := range idx {
		op, err := spec.LongTailOperation(e.Method, e.Path)
		if err != nil {
			b.Fatal(err)
		}
		for _, code := range slices.Sorted(mapsKeys(op.Op.Responses.Map())) {
			resp := op.Op.Responses.Value(code)
			if code[0] != '2' || resp == nil || resp.Value == nil {
				continue
			}
			for mt, media := range resp.Value.Content {
				if media.Schema != nil && strings.Contains(mt, "json") {
					schemas = append(schemas, media.Schema)
					paths = append(paths, e.Path)
				}
			}
			break
		}
	}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, s := range schemas {
			synth.Value(s, synth.Options{Seed: uint64(j), Now: now, Tenant: "acme", Base: "http://127.0.0.1:8080", Path: paths[j]})
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(schemas)), "µs/answer")
}
