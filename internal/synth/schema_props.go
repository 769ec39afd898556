package synth

import "github.com/getkin/kin-openapi/openapi3"

// Properties are a schema's properties with those of its allOf parts
// merged in (a part's over the schema's own), as DRF serializers that
// extend others are documented.
func Properties(s *openapi3.Schema) openapi3.Schemas {
	out := openapi3.Schemas{}
	for k, v := range s.Properties {
		out[k] = v
	}
	for _, part := range s.AllOf {
		if part.Value != nil {
			for k, v := range Properties(part.Value) {
				out[k] = v
			}
		}
	}
	return out
}
