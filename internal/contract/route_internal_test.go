package contract

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/spec"
)

// TestStaticBeforeParameter: where two templates match a path, the one
// with a static segment where the other has a parameter wins, from the
// left (Django tries static patterns first). The corrected document has
// no such pair today; this keeps a correction that adds one from routing
// to the wrong operation.
func TestStaticBeforeParameter(t *testing.T) {
	op := func(id string) *openapi3.PathItem {
		return &openapi3.PathItem{Get: &openapi3.Operation{OperationID: id, Responses: openapi3.NewResponses()}}
	}
	d := New(&spec.Spec{Doc: &openapi3.T{Paths: openapi3.NewPaths(
		openapi3.WithPath("/a/{x}/{y}/", op("both-params")),
		openapi3.WithPath("/a/{x}/c/", op("second-static")),
		openapi3.WithPath("/a/b/{y}/", op("first-static")),
	)}})
	for _, tc := range []struct{ path, want string }{
		{"/a/b/c/", "first-static"},
		{"/a/z/c/", "second-static"},
		{"/a/z/z/", "both-params"},
	} {
		if m := d.Find("GET", tc.path); m == nil || m.OperationID != tc.want {
			t.Errorf("%s: got %v, want %s", tc.path, m, tc.want)
		}
	}
}
