package fake_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/fake"
)

// testAuth is the Authorization header the helpers send unless told
// otherwise.
const testAuth = "Api-Token test-key"

// client talks to one test server with a default Authorization header.
type client struct {
	srv  *fake.TestServer
	http *http.Client
	auth string
}

// newClient starts a fake for t (see fake.NewTestServer) and returns a
// client that sends testAuth and never follows redirects.
func newClient(t *testing.T, opts ...fake.Option) *client {
	t.Helper()
	srv := fake.NewTestServer(t, opts...)
	hc := *srv.Client
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &client{srv: srv, http: &hc, auth: testAuth}
}

// response is what a request answered.
type response struct {
	Status int
	Header http.Header
	Raw    []byte
	Body   any // decoded JSON, nil when the body is empty or not JSON
}

// obj returns the body as a JSON object, failing t otherwise.
func (r response) obj(t *testing.T) map[string]any {
	t.Helper()
	m, ok := r.Body.(map[string]any)
	if !ok {
		t.Fatalf("body = %s, want a JSON object", r.Raw)
	}
	return m
}

// arr returns the body as a JSON array, failing t otherwise.
func (r response) arr(t *testing.T) []any {
	t.Helper()
	a, ok := r.Body.([]any)
	if !ok {
		t.Fatalf("body = %s, want a JSON array", r.Raw)
	}
	return a
}

// result returns body["result"] of a wrapped response as an object.
func (r response) result(t *testing.T) map[string]any {
	t.Helper()
	m, ok := r.obj(t)["result"].(map[string]any)
	if !ok {
		t.Fatalf("body = %s, want {status, result:{...}}", r.Raw)
	}
	return m
}

// rawBody is a request body sent as it is with its Content-Type.
type rawBody struct {
	contentType string
	data        string
}

// do sends method path (relative to the server) with body: nil for none, a
// rawBody as it is, anything else as JSON. headers are name, value pairs;
// an "Authorization" pair replaces the default, with an empty value for
// none.
func (c *client) do(t *testing.T, method, path string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case rawBody:
		rd, ct = strings.NewReader(b.data), b.contentType
	default:
		js, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("marshal body: %v", err)
		}
		rd, ct = bytes.NewReader(js), "application/json"
	}
	req, err := http.NewRequest(method, c.srv.URL+path, rd)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
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
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	out := response{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	if len(raw) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out.Body); err != nil {
			t.Fatalf("%s %s: body %q is not JSON: %v", method, path, raw, err)
		}
	}
	return out
}

// must sends the request and fails t unless it answers want.
func (c *client) must(t *testing.T, want int, method, path string, body any, headers ...string) response {
	t.Helper()
	r := c.do(t, method, path, body, headers...)
	if r.Status != want {
		t.Fatalf("%s %s: status = %d, want %d; body %s", method, path, r.Status, want, r.Raw)
	}
	return r
}

// base is the credentials API root of org as user admin.
func base(org string) string { return "/api/credentials/orgs/" + org + "/users/admin/" }

// createIssuer creates an issuer in org and returns its entityId.
func (c *client) createIssuer(t *testing.T, org, name string) string {
	t.Helper()
	r := c.must(t, 200, "POST", base(org)+"issuers/", map[string]any{"name": name})
	return str(t, r.result(t), "entityId")
}

// createCredential creates a credential in org with extra fields over
// {name, issuer} and returns its entityId.
func (c *client) createCredential(t *testing.T, org, issuer, name string, extra map[string]any) string {
	t.Helper()
	body := map[string]any{"name": name, "issuer": issuer}
	for k, v := range extra {
		body[k] = v
	}
	r := c.must(t, 200, "POST", base(org), body)
	return str(t, r.result(t), "entityId")
}

// issue issues credential cred of org to username with extra body fields
// and returns the assertion's entityId.
func (c *client) issue(t *testing.T, org, cred, username string, extra map[string]any) string {
	t.Helper()
	body := map[string]any{"recipient": map[string]any{"identity": username}}
	for k, v := range extra {
		body[k] = v
	}
	r := c.must(t, 200, "POST", base(org)+cred+"/assertions/", body)
	return str(t, r.obj(t), "entityId")
}

// revoke revokes assertion id of org.
func (c *client) revoke(t *testing.T, org, id, reason string) {
	t.Helper()
	c.must(t, 200, "PUT", base(org)+"assertions/"+id, map[string]any{"revoked": true, "revocationReason": reason})
}

// str returns m[k] as a string, failing t otherwise.
func str(t *testing.T, m map[string]any, k string) string {
	t.Helper()
	s, ok := m[k].(string)
	if !ok {
		t.Fatalf("%q = %#v in %v, want a string", k, m[k], m)
	}
	return s
}

// page returns the data items of a page-number envelope.
func page(t *testing.T, env map[string]any) []map[string]any {
	t.Helper()
	data, ok := env["data"].([]any)
	if !ok {
		t.Fatalf("data = %#v, want a list", env["data"])
	}
	out := make([]map[string]any, len(data))
	for i, d := range data {
		out[i] = d.(map[string]any)
	}
	return out
}

// field returns key k of every item.
func field(items []map[string]any, k string) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, fmt.Sprint(it[k]))
	}
	return out
}

// jsonEq fails t unless got, decoded JSON, equals want written as JSON.
func jsonEq(t *testing.T, got any, want string) {
	t.Helper()
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want %q: %v", want, err)
	}
	if !reflect.DeepEqual(got, w) {
		g, _ := json.Marshal(got)
		t.Fatalf("body = %s, want %s", g, want)
	}
}

// equal fails t unless got equals want.
func equal[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}

// withKeys binds the keys the multi-org tests use: key-acme (acme),
// key-other (other), key-both (acme and other), key-main (acme and
// main) and key-dm (a DM admin).
func withKeys() []fake.Option {
	return []fake.Option{
		fake.WithAPIKey("key-dm", fake.DMAdmin),
		fake.WithAPIKey("key-acme", "acme"),
		fake.WithAPIKey("key-other", "other"),
		fake.WithAPIKey("key-both", "acme", "other"),
		fake.WithAPIKey("key-main", "acme", "main"),
	}
}
