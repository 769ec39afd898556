package synth

import (
	"fmt"
	"net/url"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// Request is a request a client could send to an operation, made from its
// schemas: for tests and conformance runs that call every operation.
type Request struct {
	// Path holds the path parameters' values.
	Path map[string]string
	// Query holds the required query parameters.
	Query url.Values
	// Body is a JSON body of the request schema, nil when the operation
	// takes none (or takes only a form).
	Body any
}

// RequestFor makes a request for op (of path item item): org and platform
// parameters are opts.Tenant, a user segment "alice" (an integer one 1),
// other parameters and the body values of their schemas.
func RequestFor(item *openapi3.PathItem, op *openapi3.Operation, opts Options) Request {
	opts.Request = true
	r := Request{Path: map[string]string{}, Query: url.Values{}}
	params := slices.Clone(item.Parameters)
	params = append(params, op.Parameters...)
	for _, p := range params {
		v := p.Value
		if v == nil || v.Schema == nil || v.Schema.Value == nil {
			continue
		}
		isInt := v.Schema.Value.Type.Is("integer")
		switch v.In {
		case "path":
			val := "1"
			switch {
			case v.Name == "org" || v.Name == "platform_key" || v.Name == "platform_org" || v.Name == "tenant":
				val = opts.Tenant
			case (v.Name == "user_id" || v.Name == "username" || v.Name == "user") && !isInt:
				val = "alice"
			case !isInt:
				o := opts
				o.Seed = Mix(opts.Seed, "path:"+v.Name)
				val = fmt.Sprint(Value(v.Schema, o))
			}
			r.Path[v.Name] = val
		case "query":
			if !v.Required {
				continue
			}
			o := opts
			o.Seed = Mix(opts.Seed, "query:"+v.Name)
			val := Value(v.Schema, o)
			if list, ok := val.([]any); ok {
				for _, item := range list {
					r.Query.Add(v.Name, fmt.Sprint(item))
				}
				continue
			}
			r.Query.Set(v.Name, fmt.Sprint(val))
		}
	}
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		if mt := rb.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
			o := opts
			o.Seed = Mix(opts.Seed, "body")
			r.Body = Value(mt.Schema, o)
		}
	}
	return r
}
