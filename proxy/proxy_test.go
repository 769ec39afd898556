package proxy_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iblfake/iblfake/cassette"
	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/paritytest"
	"github.com/iblfake/iblfake/proxy"
)

// start serves a proxy to upstream over loopback.
func start(t *testing.T, o proxy.Options) (*proxy.Proxy, string) {
	t.Helper()
	p, err := proxy.New(o)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(p.Handler())
	t.Cleanup(func() {
		hs.Close()
		_ = p.Close()
	})
	return p, hs.URL
}

func deviating(t *testing.T) string {
	t.Helper()
	hs, srv, err := paritytest.DeviatingUpstream()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		hs.Close()
		_ = srv.Close()
	})
	return hs.URL
}

// violations collects the journal's violation lines by operation,
// request and response lines apart.
func violations(p *proxy.Proxy) (req, resp map[string][]string) {
	req, resp = map[string][]string{}, map[string][]string{}
	for _, e := range p.Journal().Entries() {
		for _, v := range e.Violations {
			if strings.HasPrefix(v, "request") {
				req[e.OperationID] = append(req[e.OperationID], v)
			} else {
				resp[e.OperationID] = append(resp[e.OperationID], v)
			}
		}
	}
	return req, resp
}

// The session's one deliberately bad request (a credential without a
// name) is the client's violation, whatever the upstream.
var sessionRequestViolations = map[string][]string{
	"credentials_orgs_users_create": {`request body /name: property "name" is missing`},
}

func TestEachDeviationIsFlaggedAndNothingElse(t *testing.T) {
	honest := fake.NewTestServer(t)
	wantDeviating := map[string][]string{}
	for _, d := range paritytest.Deviations {
		wantDeviating[d.OperationID] = append(wantDeviating[d.OperationID], d.Violation)
	}
	// The session lists issuers twice; both answers carry the string count.
	wantDeviating["credentials_orgs_users_issuers_retrieve"] = append(wantDeviating["credentials_orgs_users_issuers_retrieve"],
		wantDeviating["credentials_orgs_users_issuers_retrieve"]...)
	for _, tc := range []struct {
		name     string
		upstream string
		want     map[string][]string
	}{
		{"an upstream that is the fake", honest.URL, map[string][]string{}},
		{"an upstream that deviates in four places", deviating(t), wantDeviating},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, base := start(t, proxy.Options{Upstream: tc.upstream})
			n := paritytest.Session(paritytest.NewClient(t, base), "acme", "alice@acme.example")
			gotReq, gotResp := violations(p)
			if !equal(gotResp, tc.want) {
				t.Errorf("got response violations %q, want %q", gotResp, tc.want)
			}
			if !equal(gotReq, sessionRequestViolations) {
				t.Errorf("got request violations %q, want %q", gotReq, sessionRequestViolations)
			}
			s := p.Summary()
			if s.Exchanges != n || s.UpstreamErrors != 0 {
				t.Errorf("got %d exchanges, %d upstream errors; want %d, 0", s.Exchanges, s.UpstreamErrors, n)
			}
			withViolations := 1 // the bad request
			for _, vs := range tc.want {
				withViolations += len(vs)
			}
			if s.WithViolations != withViolations {
				t.Errorf("got %d exchanges with violations, want %d", s.WithViolations, withViolations)
			}
		})
	}
}

func equal(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		x, y := slices.Clone(v), slices.Clone(b[k])
		sort.Strings(x)
		sort.Strings(y)
		if !slices.Equal(x, y) {
			return false
		}
	}
	return true
}

// TestViolationsReachTheCaller: the answer carries its violations as a
// JSON array in X-Iblfake-Violations; an answer without any has none.
func TestViolationsReachTheCaller(t *testing.T) {
	_, base := start(t, proxy.Options{Upstream: deviating(t)})
	c := paritytest.NewClient(t, base)
	b := "/api/credentials/orgs/acme/users/admin/"
	clean := c.Must(200, "POST", b+"issuers/", map[string]any{"name": "Acme"})
	issuer := paritytest.At(clean.JSON(), "result", "entityId")
	if h := clean.Header.Get(proxy.ViolationsHeader); h != "" {
		t.Errorf("got %s: %s on a clean answer, want none", proxy.ViolationsHeader, h)
	}
	a := c.Must(200, "GET", b+"issuers/"+issuer, nil)
	var got []string
	if err := json.Unmarshal([]byte(a.Header.Get(proxy.ViolationsHeader)), &got); err != nil {
		t.Fatalf("got %q: %v", a.Header.Get(proxy.ViolationsHeader), err)
	}
	if want := []string{`response body /0/name: property "name" is missing`}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if !strings.Contains(string(a.Body), `"title"`) {
		t.Errorf("got %s, want the upstream's answer passed on unchanged", a.Body)
	}
}

func TestSummaryText(t *testing.T) {
	p, base := start(t, proxy.Options{Upstream: deviating(t)})
	paritytest.Session(paritytest.NewClient(t, base), "acme", "alice@acme.example")
	var b strings.Builder
	_ = p.Summary().WriteText(&b)
	got := b.String()
	for _, want := range []string{
		`credentials_orgs_users_assertions_create +201 +1 +1\n    1x response status 201: the document declares 200\n`,
		`credentials_orgs_users_issuers_retrieve +200 +2 +2\n    2x response body /result/count: value must be an integer\n`,
		// Array indices are generalised, so a key wrong in every item is one line.
		`credentials_orgs_users_issuers_retrieve_2 +200 +1 +1\n    1x response body /\*/name: property "name" is missing\n`,
	} {
		if !regexp.MustCompile(want).MatchString(got) {
			t.Errorf("got\n%s\nwant it to contain\n%s", got, want)
		}
	}
}

func TestAdminSurface(t *testing.T) {
	var forwarded atomic.Int64
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		forwarded.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":{"success":true,"description":"Ok"},"result":[]}`)
	}))
	defer up.Close()
	const token = "admin-secret-token"
	p, base := start(t, proxy.Options{Upstream: up.URL, AdminToken: token, JournalSize: 2})
	c := paritytest.NewClient(t, base)
	for range 3 {
		c.Do("GET", "/api/credentials/orgs/acme/users/admin/issuers/", nil)
	}
	admin := &paritytest.Client{T: t, HTTP: http.DefaultClient, Base: base, Header: http.Header{"Authorization": {"Bearer " + token}}}
	anon := &paritytest.Client{T: t, HTTP: http.DefaultClient, Base: base}
	for _, tc := range []struct {
		name   string
		c      *paritytest.Client
		method string
		path   string
		status int
		body   string // a part of the answer
	}{
		{"health is open", anon, "GET", "/_fake/health", 200, `"mode":"proxy"`},
		{"the journal needs the token", anon, "GET", "/_fake/requests", 401, "requires Authorization: Bearer"},
		{"a wrong token", &paritytest.Client{T: t, HTTP: http.DefaultClient, Base: base, Header: http.Header{"Authorization": {"Bearer nope"}}},
			"GET", "/_fake/requests", 401, "Invalid admin token."},
		{"the journal keeps its size, counts every request", admin, "GET", "/_fake/requests", 200, `"total":3`},
		{"a limit", admin, "GET", "/_fake/requests?limit=1", 200, `"operation_id":"credentials_orgs_users_issuers_retrieve"`},
		{"the summary", admin, "GET", "/_fake/summary", 200, `"exchanges":3`},
		{"the document", admin, "GET", "/_fake/openapi.json", 200, `"openapi"`},
		{"what proxy mode has not", admin, "POST", "/_fake/reset", 404, "proxy mode"},
		{"the journal emptied", admin, "DELETE", "/_fake/requests", 204, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.c.Do(tc.method, tc.path, nil)
			if a.Status != tc.status || !strings.Contains(string(a.Body), tc.body) {
				t.Errorf("got %d %s, want %d with %q", a.Status, a.Body, tc.status, tc.body)
			}
		})
	}
	if n := len(p.Journal().Entries()); n != 0 {
		t.Errorf("got %d entries after DELETE, want 0", n)
	}
	if n := forwarded.Load(); n != 3 {
		t.Errorf("got %d requests upstream, want the 3 vendor ones: /_fake/ is never forwarded", n)
	}
}

// TestUpstreamFailures: the caller sees a DRF-shaped 502 or 504, the
// journal and the cassette say why, and verify will skip the record.
func TestUpstreamFailures(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// net/http notices the caller leaving only once the body is read.
		_, _ = io.ReadAll(r.Body)
		select { // bounded: the proxy gives up long before
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer slow.Close()
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close() // nothing listens there now
	for _, tc := range []struct {
		name, upstream string
		status         int
		detail, note   string
	}{
		{"a timeout", slow.URL, 504, "The upstream did not answer within 200ms.", "timeout after 200ms"},
		{"a refused connection", gone.URL, 502, "The upstream could not be reached: ", "connection refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tape := filepath.Join(t.TempDir(), "c.jsonl")
			p, base := start(t, proxy.Options{Upstream: tc.upstream, Timeout: 200 * time.Millisecond, Record: tape})
			began := time.Now()
			a := paritytest.NewClient(t, base).Do("POST", "/api/credentials/orgs/acme/users/admin/issuers/", map[string]any{"name": "A"})
			if a.Status != tc.status || !strings.HasPrefix(paritytest.At(a.JSON(), "detail"), tc.detail) {
				t.Errorf("got %d %s, want %d {\"detail\": %q...}", a.Status, a.Body, tc.status, tc.detail)
			}
			if d := time.Since(began); d > 3*time.Second {
				t.Errorf("took %v, want the timeout to bound it", d)
			}
			e := p.Journal().Entries()
			if len(e) != 1 || e[0].Status != tc.status || !strings.Contains(e[0].Note, tc.note) {
				t.Errorf("got journal %+v, want one %d entry noting %q", e, tc.status, tc.note)
			}
			_ = p.Close()
			recs, _, err := cassette.ReadFile(tape)
			if err != nil || len(recs) != 1 || !strings.Contains(recs[0].Error, tc.note) || recs[0].Status != tc.status {
				t.Errorf("got %+v, %v; want one record with the error", recs, err)
			}
			if s := p.Summary(); s.UpstreamErrors != 1 {
				t.Errorf("got %d upstream errors, want 1", s.UpstreamErrors)
			}
		})
	}
}

// TestAWriteIsNeverSentTwice: net/http resends a request that fails on a
// reused connection if it can rewind the body and the request is
// idempotent or carries an Idempotency-Key. The proxy must not: the
// upstream may have acted on it.
func TestAWriteIsNeverSentTwice(t *testing.T) {
	var posts atomic.Int64
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, "{}")
			return
		}
		posts.Add(1)
		_, _ = io.ReadAll(r.Body)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close() // gone before answering, the connection reused
		}
	}))
	defer up.Close()
	for _, body := range []any{map[string]any{"name": "A"}, nil} {
		posts.Store(0)
		_, base := start(t, proxy.Options{Upstream: up.URL})
		c := paritytest.NewClient(t, base)
		c.Header.Set("Idempotency-Key", "k-1")
		c.Do("GET", "/api/credentials/orgs/acme/users/admin/issuers/", nil) // leaves an idle connection
		a := c.Do("POST", "/api/credentials/orgs/acme/users/admin/issuers/", body)
		if a.Status != http.StatusBadGateway {
			t.Errorf("body %v: got %d %s, want 502", body, a.Status, a.Body)
		}
		if n := posts.Load(); n != 1 {
			t.Errorf("body %v: got %d POSTs upstream, want 1", body, n)
		}
	}
}

// TestNoSecretInACassette records a session that sends its key in the
// Authorization header, a cookie and an X-Api-Key header, and names the
// key and the admin token in a body too, with the learner's email and
// name redacted: none of them is anywhere in the file.
func TestNoSecretInACassette(t *testing.T) {
	tape := filepath.Join(t.TempDir(), "c.jsonl")
	up := fake.NewTestServer(t)
	const adminToken = "admin-tok-5550123"
	_, base := start(t, proxy.Options{Upstream: up.URL, Record: tape, AdminToken: adminToken,
		Redact: []string{"email", "identity", "username"}})
	c := paritytest.NewClient(t, base)
	c.Header.Set("Cookie", "sessionid=cookie-value-31337")
	c.Header.Set("X-Api-Key", "xkey-424242")
	paritytest.Session(c, "acme", "alice.smith@acme.example")
	c.Must(200, "POST", "/api/credentials/orgs/acme/users/admin/issuers/", map[string]any{
		"name": "Leaky " + paritytest.Key + " " + adminToken, "url": "https://x.example/?k=" + paritytest.Key})
	raw, err := os.ReadFile(tape)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{paritytest.Key, adminToken, "cookie-value-31337", "xkey-424242", "alice.smith", "Api-Token", "Cookie", "alice"} {
		if strings.Contains(strings.ToLower(string(raw)), strings.ToLower(secret)) {
			i := strings.Index(strings.ToLower(string(raw)), strings.ToLower(secret))
			t.Errorf("got %q in the cassette (…%s…), want it never recorded", secret, raw[max(0, i-80):min(len(raw), i+80)])
		}
	}
	if !strings.Contains(string(raw), "@example.com") || !strings.Contains(string(raw), "[secret]") {
		t.Errorf("want placeholders and secret marks in the cassette")
	}
}

// TestLinksPointAtTheProxy: a page's links and an image's URL name the
// upstream; the caller gets them pointing at the proxy, and the cassette
// keeps what the upstream said.
func TestLinksPointAtTheProxy(t *testing.T) {
	up := fake.NewTestServer(t)
	tape := filepath.Join(t.TempDir(), "c.jsonl")
	p, base := start(t, proxy.Options{Upstream: up.URL, Record: tape})
	c := paritytest.NewClient(t, base)
	b := "/api/credentials/orgs/acme/users/admin/"
	for _, n := range []string{"A", "B"} {
		c.Must(200, "POST", b+"issuers/", map[string]any{"name": n})
	}
	page := c.Must(200, "GET", b+"issuers/?page_size=1", nil)
	next := paritytest.At(page.JSON(), "result", "next")
	if !strings.HasPrefix(next, base+b+"issuers/") {
		t.Errorf("got next %q, want it under %s", next, base)
	}
	img := c.Upload(b+"images/", "logo", paritytest.GIF)
	if u := paritytest.At(img.JSON(), "image"); !strings.HasPrefix(u, base+"/media/") {
		t.Errorf("got image %q, want it under %s", u, base)
	}
	if got := c.Do("GET", strings.TrimPrefix(paritytest.At(img.JSON(), "image"), base), nil); got.Status != 200 || string(got.Body) != string(paritytest.GIF) {
		t.Errorf("got %d, want the image through the proxy", got.Status)
	}
	_ = p.Close()
	raw, _ := os.ReadFile(tape)
	if !strings.Contains(string(raw), up.URL+b+"issuers/?page") {
		t.Errorf("want the cassette to keep the upstream's own links")
	}
}

// TestConcurrentExchanges: requests in parallel share the journal, the
// summary and the cassette; every one is recorded on a line of its own
// with its own number.
func TestConcurrentExchanges(t *testing.T) {
	up := fake.NewTestServer(t)
	tape := filepath.Join(t.TempDir(), "c.jsonl")
	p, base := start(t, proxy.Options{Upstream: up.URL, Record: tape, Sync: cassette.SyncOnClose})
	const workers, each = 8, 25
	done := make(chan struct{})
	for w := range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			c := paritytest.NewClient(t, base)
			for i := range each {
				c.Do("POST", "/api/credentials/orgs/acme/users/admin/issuers/", map[string]any{"name": strings.Repeat("x", w+i+1)})
			}
		}()
	}
	for range workers {
		<-done
	}
	_ = p.Close()
	recs, torn, err := cassette.ReadFile(tape)
	if err != nil || torn != nil || len(recs) != workers*each {
		t.Fatalf("got %d records, torn %v, err %v; want %d whole ones", len(recs), torn, err, workers*each)
	}
	seen := map[int64]bool{}
	for _, r := range recs {
		seen[r.Seq] = true
	}
	if len(seen) != workers*each || p.Journal().Total() != workers*each || p.Summary().Exchanges != workers*each {
		t.Errorf("got %d distinct seqs, journal %d, summary %d; want %d each", len(seen), p.Journal().Total(), p.Summary().Exchanges, workers*each)
	}
}
