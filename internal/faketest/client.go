// Package faketest holds what the HTTP tests of fake, fake/credentials and
// fake/catalog share: a client for a fake.TestServer (requests with a
// default key, answers decoded), JSON assertions, and the helpers that make
// issuers, credentials, assertions, licenses and directories over the API.
//
// It is for tests only. It is a package, not a _test.go file, because a
// _test.go file is seen only by its own package's tests and three packages'
// tests use these (as bbolt keeps internal/btesting). It imports testing,
// which the iblfake command must not link (TestBinaryDoesNotLinkTesting in
// fake/testserver_test.go): no non-test code may import it.
package faketest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/fake"
)

// DefaultAuth is the Authorization header a client sends unless told
// otherwise.
const DefaultAuth = "Api-Token test-key"

// Client talks to one test server with a default Authorization header.
type Client struct {
	Srv  *fake.TestServer
	HTTP *http.Client
	// Auth is the Authorization header of every request ("" for none); a
	// test changes it to act as another key.
	Auth string
}

// NewClient starts a fake for t (see fake.NewTestServer) and returns a
// client that sends DefaultAuth and never follows redirects.
func NewClient(t testing.TB, opts ...fake.Option) *Client {
	t.Helper()
	srv := fake.NewTestServer(t, opts...)
	hc := *srv.Client
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Client{Srv: srv, HTTP: &hc, Auth: DefaultAuth}
}

// Response is what a request answered.
type Response struct {
	Status int
	Header http.Header
	Raw    []byte
	Body   any // decoded JSON, nil when the body is empty or not JSON
}

// Obj returns the body as a JSON object, failing t otherwise.
func (r Response) Obj(t testing.TB) map[string]any {
	t.Helper()
	m, ok := r.Body.(map[string]any)
	if !ok {
		t.Fatalf("body = %s, want a JSON object", r.Raw)
	}
	return m
}

// Arr returns the body as a JSON array, failing t otherwise.
func (r Response) Arr(t testing.TB) []any {
	t.Helper()
	a, ok := r.Body.([]any)
	if !ok {
		t.Fatalf("body = %s, want a JSON array", r.Raw)
	}
	return a
}

// Result returns body["result"] of a wrapped response as an object.
func (r Response) Result(t testing.TB) map[string]any {
	t.Helper()
	m, ok := r.Obj(t)["result"].(map[string]any)
	if !ok {
		t.Fatalf("body = %s, want {status, result:{...}}", r.Raw)
	}
	return m
}

// RawBody is a request body sent as it is with its Content-Type.
type RawBody struct {
	ContentType string
	Data        string
}

// Do sends method path (relative to the server) with body: nil for none, a
// RawBody as it is, anything else as JSON. headers are name, value pairs;
// an "Authorization" pair replaces the default, with an empty value for
// none.
func (c *Client) Do(t testing.TB, method, path string, body any, headers ...string) Response {
	t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case RawBody:
		rd, ct = strings.NewReader(b.Data), b.ContentType
	default:
		js, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("marshal body: %v", err)
		}
		rd, ct = bytes.NewReader(js), "application/json"
	}
	req, err := http.NewRequest(method, c.Srv.URL+path, rd)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if c.Auth != "" {
		req.Header.Set("Authorization", c.Auth)
	}
	if len(headers)%2 != 0 {
		t.Fatalf("headers %q are not name, value pairs", headers)
	}
	for i := 0; i < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	out := Response{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	if len(raw) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out.Body); err != nil {
			t.Fatalf("%s %s: body %q is not JSON: %v", method, path, raw, err)
		}
	}
	return out
}

// Must sends the request and fails t unless it answers want.
func (c *Client) Must(t testing.TB, want int, method, path string, body any, headers ...string) Response {
	t.Helper()
	r := c.Do(t, method, path, body, headers...)
	if r.Status != want {
		t.Fatalf("%s %s: status = %d, want %d; body %s", method, path, r.Status, want, r.Raw)
	}
	return r
}
