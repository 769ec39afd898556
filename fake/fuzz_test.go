package fake_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/seed"
	"github.com/iblfake/iblfake/fake/state"
)

// fuzzServer is one fake shared by a fuzz target's inputs: building one per
// input would spend the time loading the spec. It records response
// validation failures for the input being run.
type fuzzServer struct {
	*fake.Server
	mu       sync.Mutex
	mismatch []string
}

func newFuzzServer(f *testing.F, opts ...fake.Option) *fuzzServer {
	f.Helper()
	fs := &fuzzServer{}
	check := fake.WithResponseValidation(func(r *http.Request, op string, status int, err error) {
		if err != nil {
			fs.mu.Lock()
			fs.mismatch = append(fs.mismatch, op+": "+err.Error())
			fs.mu.Unlock()
		}
	})
	srv, err := fake.New(append([]fake.Option{check, fake.WithMaxBodyBytes(1 << 20)}, opts...)...)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = srv.Close() })
	fs.Server = srv
	return fs
}

func (fs *fuzzServer) takeMismatches() []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	m := fs.mismatch
	fs.mismatch = nil
	return m
}

// FuzzRequest sends arbitrary method, path, query, Content-Type,
// Authorization and body through the real handler (routing, auth,
// validation, the handlers, the admin surface). The answer is never a 5xx
// (but the 501 of an operation not modelled yet, or what a scenario rule
// answers), never a panic, and always vendor-shaped: a JSON body (matching
// the corrected document on vendor routes), Django's HTML 404, or no body.
// Seeds: testdata/fuzz/FuzzRequest.
func FuzzRequest(f *testing.F) {
	srv := newFuzzServer(f)
	h := srv.Handler()
	f.Fuzz(func(t *testing.T, method, path, query, contentType, auth string, body []byte) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		req := &http.Request{
			Method: method, URL: &url.URL{Path: path, RawQuery: query}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{}, Host: "iblfake.test", RemoteAddr: "192.0.2.1:1234",
			Body: http.NoBody,
		}
		req.RequestURI = req.URL.RequestURI()
		if len(body) > 0 {
			req.Body, req.ContentLength = httpBody(body), int64(len(body))
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req) // a panic that escapes fails the input
		checkVendorShaped(t, srv.Server, req, rec)
		if m := srv.takeMismatches(); len(m) > 0 {
			t.Fatalf("%s %s?%s: the answer does not match the document: %v", method, path, query, m)
		}
	})
}

func httpBody(b []byte) *readCloser { return &readCloser{bytes.NewReader(b)} }

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

// checkVendorShaped fails t unless the recorded answer is one the vendor
// could send.
func checkVendorShaped(t *testing.T, srv *fake.Server, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	status, ct, body := rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes()
	scenario := ""
	if e := srv.Journal().Entries(); len(e) > 0 {
		scenario = e[len(e)-1].Scenario
	}
	var detail struct {
		Detail string `json:"detail"`
	}
	_ = json.Unmarshal(body, &detail)
	switch {
	case scenario != "":
		return // a scenario rule answers as its file says
	case status == http.StatusNotImplemented && strings.HasPrefix(detail.Detail, "iblfake does not model "):
	case status >= 500:
		t.Fatalf("%s %q: %d %.300q, never a 5xx", req.Method, req.URL.String(), status, body)
	}
	switch {
	case len(body) == 0:
		// 204, 301, HEAD and the public assertion's empty 404.
	case strings.HasPrefix(ct, "application/json"):
		if !json.Valid(body) {
			t.Fatalf("%s %q: %d with a JSON Content-Type but body %.300q", req.Method, req.URL.String(), status, body)
		}
	case strings.HasPrefix(ct, "text/html") && status == http.StatusNotFound:
		if !bytes.Contains(body, []byte("<h1>Not Found</h1>")) {
			t.Fatalf("%s %q: 404 HTML that is not Django's page: %.300q", req.Method, req.URL.String(), body)
		}
	case status < 300:
		// Served files (uploaded images) and exports carry their own types.
	default:
		t.Fatalf("%s %q: %d with Content-Type %q and body %.300q, want JSON", req.Method, req.URL.String(), status, ct, body)
	}
}

// FuzzImportState feeds arbitrary documents to the state import: decoded
// as PUT /_fake/state decodes them, Server.ImportState never panics and
// either refuses the document with a 400 *api.Error, changing nothing, or
// imports it so that exporting gives the same document back. (The entities
// inside are taken as they are, like a database restore: the document's
// structure is checked, not each resource's fields.) Seeds:
// testdata/fuzz/FuzzImportState (exports of real tenants and broken ones).
func FuzzImportState(f *testing.F) {
	srv := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		var st state.State
		dec := json.NewDecoder(bytes.NewReader(doc))
		dec.DisallowUnknownFields()
		if dec.Decode(&st) != nil || dec.More() {
			return // the handler's 400 "JSON parse error"
		}
		checkImport(t, srv.Server, &st)
	})
}

// checkImport imports st into srv: refused, it must be a 400 *api.Error
// that changed nothing; accepted, exporting must give st back.
func checkImport(t *testing.T, srv *fake.Server, st *state.State) {
	t.Helper()
	before, err := srv.ExportState()
	if err != nil {
		t.Fatal(err)
	}
	beforeTenant := &state.State{}
	if st.Tenant != "" {
		if beforeTenant, err = srv.ExportTenantState(st.Tenant); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.ImportState(st); err != nil {
		var ae *api.Error
		if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest {
			t.Fatalf("refused with %T %v, want a 400 *api.Error", err, err)
		}
		after, err := srv.ExportState()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(normState(before), normState(after)) {
			t.Fatalf("a refused import changed the state")
		}
		return
	}
	if st.Tenant != "" {
		checkTenantImport(t, srv, st, before, beforeTenant)
		return
	}
	got, err := srv.ExportState()
	if err != nil {
		t.Fatalf("export after a successful import: %v", err)
	}
	if want := normState(st); !reflect.DeepEqual(normState(got), want) {
		t.Fatalf("export after import differs:\n got %s\nwant %s", mustJSON(normState(got)), mustJSON(want))
	}
}

// checkTenantImport: an accepted tenant document is exactly what that
// tenant's export gives back, every other tenant's entry is as it was
// (before, beforeTenant: the whole store and the tenant before the
// import), and no sequence went back.
func checkTenantImport(t *testing.T, srv *fake.Server, st, before, beforeTenant *state.State) {
	t.Helper()
	got, err := srv.ExportTenantState(st.Tenant)
	if err != nil {
		t.Fatalf("tenant export after a successful import: %v", err)
	}
	if g, w := normState(got)["buckets"], normState(st)["buckets"]; !reflect.DeepEqual(g, w) {
		t.Fatalf("tenant export after import differs:\n got %s\nwant %s", mustJSON(g), mustJSON(w))
	}
	after, err := srv.ExportState()
	if err != nil {
		t.Fatal(err)
	}
	if o, w := othersOf(after, got), othersOf(before, beforeTenant); !reflect.DeepEqual(o, w) {
		t.Fatalf("a tenant import changed other entries:\n got %s\nwant %s", mustJSON(o), mustJSON(w))
	}
	for name, n := range before.Sequences {
		if after.Sequences[name] < n {
			t.Fatalf("sequence %s went back from %d to %d", name, n, after.Sequences[name])
		}
	}
}

// othersOf is all's entries (normState) that mine does not hold.
func othersOf(all, mine *state.State) map[string]map[string]string {
	out := map[string]map[string]string{}
	for b, items := range normState(all)["buckets"].(map[string]map[string]string) {
		for k, v := range items {
			if _, ok := mine.Buckets[b][k]; ok {
				continue
			}
			if out[b] == nil {
				out[b] = map[string]string{}
			}
			out[b][k] = v
		}
	}
	return out
}

// FuzzFixture feeds arbitrary YAML or JSON to ParseFixture (the --fixture
// files): it never panics, refuses with a *FixtureError naming the file and
// a reason (and a line inside the input when it has one), and what it
// accepts imports as ImportState promises. A document naming the seed
// format goes to seed.Parse, which never panics either and refuses with a
// *seed.Error naming the file. Seeds: testdata/fixtures and
// testdata/fuzz/FuzzFixture.
func FuzzFixture(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "fixtures", "*"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	srv := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.yaml"
		st, err := state.ParseFixture(name, data)
		if errors.Is(err, state.ErrSeedDocument) {
			_, err := seed.Parse(name, data)
			var se *seed.Error
			if err != nil && (!errors.As(err, &se) || se.File != name || se.Reason == "") {
				t.Fatalf("seed error %T %v, want a *seed.Error naming %s and a reason", err, err, name)
			}
			return
		}
		if err != nil {
			var fe *state.FixtureError
			if !errors.As(err, &fe) || fe.File != name || fe.Reason == "" {
				t.Fatalf("error %T %v, want a *FixtureError naming %s and a reason", err, err, name)
			}
			breaks := bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n"))
			if lines := bytes.Count(breaks, []byte("\n")) + 2; fe.Line < 0 || fe.Line > lines {
				t.Fatalf("error line %d outside the input's %d lines: %v", fe.Line, lines, fe)
			}
			return
		}
		checkImport(t, srv.Server, st)
	})
}

// normState is st as the bytes it stores (a JSON string's text, other
// values compacted), without what an export leaves out (empty buckets, zero
// sequences), for comparing documents.
func normState(st *state.State) map[string]any {
	buckets := map[string]map[string]string{}
	for name, items := range st.Buckets {
		for k, raw := range items {
			var stored string
			raw = bytes.TrimSpace(raw)
			if err := json.Unmarshal(raw, &stored); err != nil || len(raw) == 0 || raw[0] != '"' {
				var buf bytes.Buffer
				_ = json.Compact(&buf, raw)
				stored = buf.String()
			}
			if buckets[name] == nil {
				buckets[name] = map[string]string{}
			}
			buckets[name][k] = stored
		}
	}
	seqs := map[string]uint64{}
	for name, n := range st.Sequences {
		if n > 0 {
			seqs[name] = n
		}
	}
	return map[string]any{"buckets": buckets, "sequences": seqs}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
