// Package conformance drives iblfake with the vendor's own generated
// TypeScript client (@iblai/iblai-api, pinned in ts/package-lock.json), so
// the fake is checked against the code real integrations run, not only
// against our reading of the document.
package conformance

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/journal"
	"github.com/iblfake/iblfake/internal/catalog"
	"github.com/iblfake/iblfake/internal/credentials"
	"github.com/iblfake/iblfake/internal/nodetest"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/iblfake/iblfake/spec"
)

// tsDir holds the node project: package.json, package-lock.json and the
// *.test.mjs files.
const tsDir = "ts"

// timeout bounds npm ci and the node run together.
const timeout = 3 * time.Minute

// TestTypeScriptClient runs `node --test` over ts/*.test.mjs against a fake
// started with NewTestServer, so every answer the client gets is also
// validated against the corrected document.
func TestTypeScriptClient(t *testing.T) {
	js := nodetest.Find(t, tsDir, "the TypeScript client conformance tests")
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	js.Install(ctx, t)

	files, err := filepath.Glob(filepath.Join(tsDir, "*.test.mjs"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no %s/*.test.mjs files (err %v)", tsDir, err)
	}
	args := []string{"--test", "--test-reporter=spec"}
	for _, f := range files {
		args = append(args, filepath.Base(f))
	}

	srv := fake.NewTestServer(t, fake.WithJournalSize(100_000))
	plan := writeTailPlan(t, srv)
	states := writeStatePlan(t, srv)
	cmd := js.Command(ctx, args...)
	cmd.Env = append(os.Environ(), "IBLFAKE_URL="+srv.URL, "IBLFAKE_TAIL_PLAN="+plan, "IBLFAKE_STATE_PLAN="+states, "NO_COLOR=1")
	out := js.Run(t, cmd)
	if m := regexp.MustCompile(`(?m)^ℹ tests (\d+)$`).FindSubmatch(out); m != nil {
		t.Logf("node --test ran %s tests", m[1])
	}
	checkCoverage(t, srv.Journal().Entries())
}

// tailCall is one synthesized operation as longtail.test.mjs calls it.
type tailCall struct {
	ID         string            `json:"id"`
	Method     string            `json:"method"`
	Path       string            `json:"path"`
	PathParams map[string]string `json:"path_params"`
	Query      url.Values        `json:"query"`
	Body       any               `json:"body"`
	// Absent: the call addresses an item of a resource no create made,
	// which DRF answers 404 {"detail": "Not found."}.
	Absent bool `json:"absent,omitempty"`
	// Declared is the one status an operation that declares no 2xx
	// declares (a 405 the service answers by design), 0 otherwise.
	Declared int `json:"declared,omitempty"`
}

// declaredOnly maps each long-tail operation that declares no 2xx to the
// one status it declares (spec.IndexEntry.Only), which the fake answers.
func declaredOnly(t *testing.T) map[string]int {
	t.Helper()
	idx, err := spec.LongTailIndex()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, e := range idx {
		if n, err := strconv.Atoi(e.Only); err == nil {
			out[e.ID] = n
		}
	}
	return out
}

// writeTailPlan writes, for every operation srv synthesizes, a request
// made from the document (synth.RequestFor), a path's DELETE last, and
// returns the file's path.
func writeTailPlan(t *testing.T, srv *fake.TestServer) string {
	t.Helper()
	var calls []tailCall
	items := itemOperations(t, srv)
	declared := declaredOnly(t)
	for _, row := range srv.Coverage() {
		if row.Tier != fake.TierSynthesized && row.Tier != fake.TierInferred {
			continue
		}
		op, err := spec.LongTailOperation(row.Method, row.Path)
		if err != nil {
			t.Fatal(err)
		}
		req := synth.RequestFor(op.Item, op.Op, synth.Options{Seed: synth.Key(row.OperationID), Tenant: "conf-tail"})
		calls = append(calls, tailCall{ID: row.OperationID, Method: row.Method, Path: row.Path, PathParams: req.Path, Query: req.Query, Body: req.Body,
			Absent: items[row.OperationID], Declared: declared[row.OperationID]})
	}
	slices.SortStableFunc(calls, func(a, b tailCall) int {
		if a.Path != b.Path {
			return strings.Compare(a.Path, b.Path)
		}
		return boolInt(a.Method == "DELETE") - boolInt(b.Method == "DELETE")
	})
	raw, err := json.Marshal(calls)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tail-plan.json")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// modelled returns the operationIds the fake serves: those of the
// credentials and the catalog (licenses and invitations) handlers, as
// fake.New registers them.
func modelled() []string {
	var ops []string
	for _, op := range credentials.New(&api.Deps{}).Operations() {
		ops = append(ops, op.ID)
	}
	for _, op := range catalog.New(&api.Deps{}).Operations() {
		ops = append(ops, op.ID)
	}
	slices.Sort(ops)
	return ops
}

// checkCoverage fails t if an operation the fake models (credentials and
// catalog) was never called (the tests call each through the generated
// client, and use fetch only for what it cannot express), or if a call
// answered 5xx (501 being an operation the fake does not model).
func checkCoverage(t *testing.T, entries []journal.Entry) {
	t.Helper()
	seen := map[string]bool{}
	for _, e := range entries {
		seen[e.OperationID] = true
		if e.Status >= 500 {
			t.Errorf("%s %s (%s) answered %d", e.Method, e.Path, e.OperationID, e.Status)
		}
	}
	ops := modelled()
	driven := 0
	for _, op := range ops {
		if seen[op] {
			driven++
		} else {
			t.Errorf("no ts/*.test.mjs test calls %s, which the fake models", op)
		}
	}
	t.Logf("the client called %d of the %d operations the fake models", driven, len(ops))
}

// itemOperations are the long tail's operations on one item of a resource
// (its retrieve, update, partial update and destroy, and its file/ read),
// by the fake's inference report: a request for an item no create made is
// DRF's 404.
func itemOperations(t *testing.T, srv *fake.TestServer) map[string]bool {
	t.Helper()
	resp, err := srv.Client.Get(srv.URL + "/_fake/resources")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rep struct {
		Families []struct {
			Stateful   bool              `json:"stateful"`
			Operations map[string]string `json:"operations"`
			File       string            `json:"file"`
		} `json:"families"`
		Singletons []struct {
			ItemQuery  string            `json:"item_query"`
			Operations map[string]string `json:"operations"`
		} `json:"singletons"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	// A list addressed by a query parameter: its PUT, PATCH and DELETE
	// name an item, by a parameter the generated client cannot send.
	for _, s := range rep.Singletons {
		for id, verb := range s.Operations {
			if s.ItemQuery != "" && (verb == "update" || verb == "partial_update" || verb == "destroy") {
				out[id] = true
			}
		}
	}
	for _, f := range rep.Families {
		if f.Stateful && f.File != "" {
			out[f.File] = true // an item's file/: 404 for an item no create made
		}
		for verb, id := range f.Operations {
			if f.Stateful && verb != "list" && verb != "create" {
				out[id] = true
			}
		}
	}
	return out
}

// stateCall is one operation of a family as longtail_state.test.mjs calls
// it: its method and URL template (to find the client's method), the
// parameters the document's example request gives, the body for a create.
type stateCall struct {
	Method     string            `json:"method"`
	Path       string            `json:"path"`
	PathParams map[string]string `json:"path_params"`
	Query      url.Values        `json:"query"`
	Body       any               `json:"body,omitempty"`
}

// stateFamily is one family the long tail keeps state for.
type stateFamily struct {
	Collection string               `json:"collection"`
	Param      string               `json:"param"`
	IDField    string               `json:"id_field"`
	Envelope   string               `json:"envelope"`
	Calls      map[string]stateCall `json:"calls"` // by verb
}

// writeStatePlan writes, for every family the fake infers with a create
// and a retrieve, the calls a client makes through its life (create,
// retrieve, list, update, destroy), and returns the file's path.
func writeStatePlan(t *testing.T, srv *fake.TestServer) string {
	t.Helper()
	resp, err := srv.Client.Get(srv.URL + "/_fake/resources")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rep struct {
		Families []struct {
			Collection string            `json:"collection"`
			Item       string            `json:"item"`
			Stateful   bool              `json:"stateful"`
			IDField    string            `json:"id_field"`
			Envelope   string            `json:"envelope"`
			Operations map[string]string `json:"operations"`
		} `json:"families"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil {
		t.Fatal(err)
	}
	methods := map[string]string{"list": "GET", "create": "POST", "retrieve": "GET", "update": "PUT", "partial_update": "PATCH", "destroy": "DELETE"}
	var out []stateFamily
	for _, f := range rep.Families {
		if !f.Stateful || f.Operations["create"] == "" || f.Operations["retrieve"] == "" {
			continue
		}
		fam := stateFamily{Collection: f.Collection, IDField: f.IDField, Envelope: f.Envelope, Calls: map[string]stateCall{}}
		fam.Param = f.Item[strings.LastIndex(f.Item, "{")+1 : strings.LastIndex(f.Item, "}")]
		for verb := range f.Operations {
			tpl := f.Item
			if verb == "list" || verb == "create" {
				tpl = f.Collection
			}
			op, err := spec.LongTailOperation(methods[verb], tpl)
			if err != nil {
				t.Fatal(err)
			}
			// A family whose paths name no tenant is the default tenant's for
			// a fake with no keys bound (FIDELITY.md, "tenants"): its reads,
			// which cannot name one, find what the create made there.
			tenant := "conf-state"
			if !strings.Contains(f.Item, "{org}") && !strings.Contains(f.Item, "{platform_key}") && !strings.Contains(f.Item, "{key}") {
				tenant = fake.DefaultTenant
			}
			req := synth.RequestFor(op.Item, op.Op, synth.Options{Seed: synth.Key(f.Collection), Tenant: tenant})
			q := url.Values{}
			for _, p := range append(op.Item.Parameters, op.Op.Parameters...) {
				if p.Value != nil && p.Value.In == "query" && p.Value.Required {
					q[p.Value.Name] = req.Query[p.Value.Name]
					if p.Value.Name == "platform_key" || p.Value.Name == "org" || p.Value.Name == "platform_org" {
						q[p.Value.Name] = []string{tenant}
					}
				}
			}
			call := stateCall{Method: methods[verb], Path: tpl, PathParams: req.Path, Query: q}
			if verb == "create" {
				body, _ := req.Body.(map[string]any)
				for _, n := range []string{"platform_key", "platform_org", "org", "key"} {
					if _, ok := body[n]; ok {
						body[n] = tenant
					}
				}
				call.Body = body
			}
			fam.Calls[verb] = call
		}
		out = append(out, fam)
	}
	raw, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "state-plan.json")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
