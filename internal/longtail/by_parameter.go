package longtail

import (
	"net/url"

	"github.com/getkin/kin-openapi/openapi3"
)

// byParameter picks the branch of an answer whose shape a query parameter
// decides (FIDELITY.md, "long-tail answers by a parameter"): where the
// answer's schema is a oneOf with a discriminator named as one of the
// operation's query parameters (the users analytics' metric, the
// conversations analytics' metric), the branch the discriminator's mapping
// gives for the request's value of it, or for its declared default when it
// is not sent. It returns that branch, the property and the value the
// answer's discriminator must hold; else s itself and "" (the synthesizer
// then picks a branch as it always does).
//
// The document cannot say "this answer when metric=headline" any other way:
// OpenAPI ties a discriminator to a property of the answer, not to the
// request; naming the property as the parameter it echoes keeps the
// choice in the corrected document, where the response validator reads it
// too.
func byParameter(s *openapi3.SchemaRef, op *openapi3.Operation, q url.Values) (*openapi3.SchemaRef, string, string) {
	if s == nil || s.Value == nil || s.Value.Discriminator == nil || len(s.Value.OneOf) == 0 || op == nil {
		return s, "", ""
	}
	d := s.Value.Discriminator
	var param *openapi3.Parameter
	for _, p := range op.Parameters {
		if p.Value != nil && p.Value.In == openapi3.ParameterInQuery && p.Value.Name == d.PropertyName {
			param = p.Value
		}
	}
	if param == nil {
		return s, "", ""
	}
	v := q.Get(d.PropertyName)
	if v == "" && param.Schema != nil && param.Schema.Value != nil {
		if def, ok := param.Schema.Value.Default.(string); ok {
			v = def
		}
	}
	ref, ok := d.Mapping[v]
	if !ok {
		return s, "", ""
	}
	for _, b := range s.Value.OneOf {
		if b.Ref == ref.Ref {
			return b, d.PropertyName, v
		}
	}
	return s, "", ""
}
