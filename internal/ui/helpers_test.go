package ui_test

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/fake"
)

// adminToken is the token every test server of this package is started
// with, so each test also proves the dashboard works behind one.
const adminToken = "ui-test-token"

// demoServer is a fake with the demo tenant (seeded, so runs repeat) behind
// the admin token.
func demoServer(t *testing.T, opts ...fake.Option) *fake.TestServer {
	t.Helper()
	return fake.NewTestServer(t, append([]fake.Option{fake.WithDemo(), fake.WithSeed(42), fake.WithAdminToken(adminToken)}, opts...)...)
}

// answer is one HTTP answer, read whole.
type answer struct {
	status int
	header http.Header
	body   string
}

// send makes one request to srv; auth is the Authorization header ("" for
// none).
func send(t *testing.T, srv *fake.TestServer, method, path, auth, body string) answer {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := srv.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, string(b)}
}

// fragment fetches a dashboard fragment with the admin token and fails
// unless it is one with status want.
func fragment(t *testing.T, srv *fake.TestServer, path string, want int) string {
	t.Helper()
	a := send(t, srv, http.MethodGet, "/_fake/ui/f"+path, "Bearer "+adminToken, "")
	if a.status != want || a.header.Get("X-Iblfake-Fragment") != "1" {
		t.Fatalf("GET /_fake/ui/f%s = %d (fragment header %q), want a %d fragment; body %.300s", path, a.status,
			a.header.Get("X-Iblfake-Fragment"), want, a.body)
	}
	return a.body
}

// vendor calls the vendor API with an API key and decodes its JSON answer.
func vendor(t *testing.T, srv *fake.TestServer, path string) any {
	t.Helper()
	a := send(t, srv, http.MethodGet, path, "Api-Token demo-key", "")
	if a.status != http.StatusOK {
		t.Fatalf("GET %s = %d: %.300s", path, a.status, a.body)
	}
	var v any
	if err := json.Unmarshal([]byte(a.body), &v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return v
}

// attrs returns the values of an attribute in a fragment, in order.
func attrs(page, name string) []string {
	var out []string
	for _, m := range regexp.MustCompile(` `+regexp.QuoteMeta(name)+`="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// dataValues maps each data-stat or data-part name of an overview row to
// its data-value.
func dataValues(t *testing.T, row string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`data-(?:stat|part)="([^"]+)" data-value="([^"]*)"`).FindAllStringSubmatch(row, -1) {
		out[html.UnescapeString(m[1])] = m[2]
	}
	return out
}

// between is the text of page between the first start after from and the
// next end, unescaped; "" when absent.
func between(page, start, end string) string {
	i := strings.Index(page, start)
	if i < 0 {
		return ""
	}
	rest := page[i+len(start):]
	j := strings.Index(rest, end)
	if j < 0 {
		return ""
	}
	return html.UnescapeString(rest[:j])
}
