package frontend_test

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/iblfake/iblfake/spec"
)

// planCall is one operation as the harness fills an endpoint's arguments
// from it: the path parameters, required query parameters and body the
// document's schemas give (synth.RequestFor, the same requests the
// TypeScript conformance suite sends), for the demo tenant.
type planCall struct {
	ID         string            `json:"id"`
	Method     string            `json:"method"`
	Path       string            `json:"path"`
	PathParams map[string]string `json:"path_params"`
	Query      url.Values        `json:"query"`
	Body       any               `json:"body,omitempty"`
	// Form: the body is a form's fields (multipart or urlencoded), not
	// JSON.
	Form bool `json:"form,omitempty"`
}

// writePlan writes a planCall for every operation srv serves (both
// documents) and returns the file's path.
func writePlan(t *testing.T, srv *fake.TestServer, tenant string) string {
	t.Helper()
	modelled := map[string]spec.Operation{}
	for _, op := range spec.MustLoad().Operations() {
		modelled[op.Op.OperationID] = op
	}
	var calls []planCall
	for _, row := range srv.Coverage() {
		op, ok := modelled[row.OperationID]
		if !ok {
			lt, err := spec.LongTailOperation(row.Method, row.Path)
			if err != nil {
				t.Fatal(err)
			}
			op = spec.Operation{Method: row.Method, Path: row.Path, Op: lt.Op, Item: lt.Item}
		}
		opts := synth.Options{Seed: synth.Key(row.OperationID), Tenant: tenant, Request: true}
		req := synth.RequestFor(op.Item, op.Op, opts)
		call := planCall{ID: row.OperationID, Method: row.Method, Path: row.Path, PathParams: req.Path, Query: req.Query, Body: req.Body}
		if call.Body == nil && op.Op.RequestBody != nil && op.Op.RequestBody.Value != nil {
			for _, media := range []string{"multipart/form-data", "application/x-www-form-urlencoded"} {
				if mt := op.Op.RequestBody.Value.Content.Get(media); mt != nil && mt.Schema != nil {
					opts.Seed = synth.Mix(opts.Seed, "body")
					call.Body, call.Form = synth.Value(mt.Schema, opts), true
					break
				}
			}
		}
		calls = append(calls, call)
	}
	raw, err := json.Marshal(calls)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
