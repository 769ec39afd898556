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

// Property is Properties(s)[name] without building the map: the last
// allOf part (in order, each merged the same way) that has the property,
// else the schema's own. A request's body is normalized field by field
// with it, so each request does not build its schema's property map again.
func Property(s *openapi3.Schema, name string) *openapi3.SchemaRef {
	p, _ := property(s, name)
	return p
}

func property(s *openapi3.Schema, name string) (*openapi3.SchemaRef, bool) {
	for i := len(s.AllOf) - 1; i >= 0; i-- {
		if part := s.AllOf[i].Value; part != nil {
			if p, ok := property(part, name); ok {
				return p, true
			}
		}
	}
	p, ok := s.Properties[name]
	return p, ok
}
