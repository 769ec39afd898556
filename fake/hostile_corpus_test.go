package fake_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/spec"
)

// TestHostileCorpus replays the hostile test of the fake as a generated
// corpus against one fake (keys bound to two orgs, a DM admin, an admin
// token), on the backend IBLFAKE_TEST_STORE names:
//
//   - schema: every field of every write operation's body given each of
//     hostileValues, and every key doubled by a case-variant twin;
//   - bodies: whole-body edge cases (empty, scalars, a BOM, truncated,
//     too deep, duplicate keys, invalid UTF-8, forms, multipart faults,
//     wrong media types) for every write operation;
//   - query: paging, repeated, NUL, huge and too many parameters on every
//     read operation;
//   - cross-tenant: the isolation test's randomized requests, with orgB's
//     key naming orgA's tenant, ids, users and licenses;
//   - admin: path and header tricks against the admin token;
//   - long-tail: orgA's records on every creatable long-tail resource,
//     then orgB's key reading, writing and deleting them in every way a
//     request names a tenant, and hostile values in long-tail bodies
//     (longTailCorpus);
//   - admin-cross-site: state-changing admin requests as a web page sends
//     them (a foreign Origin, Sec-Fetch-Site: cross-site, text/plain or
//     form bodies), with the admin token even: every one refused.
//
// It fails on any 5xx, any answer over 10 s (a hang), any panic logged, any
// 2xx to orgB's key carrying orgA's data, and any change to orgA's stored
// state; at the end every write orgA had acknowledged is still there.
// IBLFAKE_HOSTILE=full runs the whole corpus (about 120,000 requests); the
// default is a sample of about 4,000, so go test ./... stays fast.
func TestHostileCorpus(t *testing.T) {
	full := os.Getenv("IBLFAKE_HOSTILE") == "full"
	var logBuf syncBuffer
	srv := fake.NewTestServer(t, fake.WithAPIKey("key-acme", "acme"), fake.WithAPIKey("key-globex", "globex"),
		fake.WithAPIKey(isoDMKey, fake.DMAdmin), fake.WithAdminToken("T0K"),
		fake.WithLogger(slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	vic := &isoTenant{org: "acme", key: "key-acme", secret: "SECRET-ACME"}
	att := &isoTenant{org: "globex", key: "key-globex", secret: "SECRET-GLOBEX"}
	withAdmin := func(f func()) { adminToken = "T0K"; defer func() { adminToken = "" }(); f() }
	withAdmin(func() { isoSeed(t, srv, vic); isoSeed(t, srv, att) })
	rng := rand.New(rand.NewPCG(2026, 12))
	sample := func(n int) bool { return full || rng.IntN(n) == 0 }
	// The long tail: orgA's records first, so that the state compared at
	// the end holds them.
	seeded, tail := longTailCorpus(t, srv, rng, vic, att, sample)
	if seeded < 20 {
		t.Fatalf("orgA created %d long-tail records; the corpus no longer reaches the long tail", seeded)
	}
	before := isoVictimState(t, srv, vic.org)
	hc := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var counts = map[string]int{}
	var fails []string
	send := func(class, method, url, key string, ct string, body []byte, headers ...string) {
		req, err := http.NewRequest(method, url, bytes.NewReader(body))
		if err != nil {
			return // a URL net/http cannot even build is no request
		}
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		if key != "" {
			req.Header.Set("Authorization", "Api-Token "+key)
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		start := time.Now()
		resp, err := hc.Do(req)
		counts[class]++
		if err != nil {
			fails = append(fails, fmt.Sprintf("%s %s %.120s: no answer after %s: %v", class, method, url, time.Since(start).Round(time.Millisecond), err))
			return
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		counts[fmt.Sprintf("%dxx", resp.StatusCode/100)]++
		switch {
		case resp.StatusCode >= 500:
			fails = append(fails, fmt.Sprintf("%s %s %.120s: %d %.300s\nbody: %.300s", class, method, url, resp.StatusCode, raw, body))
		case resp.StatusCode/100 == 2 && key == att.key && class != "public" && bytes.Contains(raw, []byte(vic.secret)):
			fails = append(fails, fmt.Sprintf("%s %s %.120s: orgB's key read orgA's data: %.300s", class, method, url, raw))
		case class == "admin" && resp.StatusCode/100 == 2 && !strings.HasSuffix(req.URL.Path, "/health"):
			fails = append(fails, fmt.Sprintf("admin %s %s: %d without the admin token", method, url, resp.StatusCode))
		case class == "admin-cross-site" && resp.StatusCode != 403 && resp.StatusCode != 415 && resp.StatusCode != 405:
			fails = append(fails, fmt.Sprintf("admin %s %s %q: %d, want a refusal (403, 415 or 405) for a web page's request", method, url, headers, resp.StatusCode))
		}
	}
	ops := spec.MustLoad().Operations()
	for _, r := range tail {
		send(r.class, r.method, r.url, r.key, r.ct, r.body, r.headers...)
	}
	for _, r := range adminCrossSiteCorpus(srv.URL) {
		send(r.class, r.method, r.url, r.key, r.ct, r.body, r.headers...)
	}

	// schema: hostile values in every field (and every field of a nested
	// object), case-variant twins of every key; several base bodies per
	// operation in the full run.
	bases := 1
	if full {
		bases = 6
	}
	for _, op := range ops {
		if op.Method == http.MethodGet || op.Op.RequestBody == nil {
			continue
		}
		for range bases - 1 {
			method, url, body := isoRequest(rng, srv.URL, op, att, att)
			obj, _ := body.(map[string]any)
			for _, mut := range hostileMutations(obj) {
				raw, _ := json.Marshal(mut)
				send("schema", method, url, att.key, "application/json", raw)
			}
		}
		method, url, body := isoRequest(rng, srv.URL, op, att, att)
		obj, _ := body.(map[string]any)
		for _, mut := range hostileMutations(obj) {
			if sample(3) {
				raw, _ := json.Marshal(mut)
				send("schema", method, url, att.key, "application/json", raw)
			}
		}
		send("schema", method, url, att.key, "application/json", twinsLast(withCaseTwins(obj)))
		// bodies: whole-body edge cases.
		for _, b := range hostileBodies {
			if sample(2) {
				send("bodies", method, url, att.key, b.ct, []byte(b.body))
			}
		}
	}
	// query: hostile parameters on every read.
	for _, op := range ops {
		if op.Method != http.MethodGet {
			continue
		}
		_, url, _ := isoRequest(rng, srv.URL, op, att, att)
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		for _, q := range hostileQueries {
			if sample(2) {
				send("query", "GET", url+sep+q, att.key, "", nil)
			}
		}
	}
	// cross-tenant: orgB's key against orgA, as the isolation test does.
	n := 1500
	if full {
		n = 60000
	}
	for i := 0; i < n; i++ {
		op := ops[rng.IntN(len(ops))]
		method, url, body := isoRequest(rng, srv.URL, op, att, vic)
		var raw []byte
		if body != nil {
			raw, _ = json.Marshal(body)
		}
		class := "cross-tenant"
		if op.Op.Security != nil && len(*op.Op.Security) == 0 || op.Op.Security == nil {
			class = "public" // public by design: anyone may read a public assertion
		}
		send(class, method, url, att.key, "application/json", raw)
	}
	// admin: path and header tricks without the admin token.
	for _, p := range hostileAdminPaths {
		for _, h := range hostileAdminHeaders {
			if sample(2) {
				send("admin", "GET", srv.URL+p, "", "", nil, "Authorization", h)
				send("admin", "PUT", srv.URL+p, "", "application/json", []byte(`{"format":"iblfake-state/1","buckets":{},"sequences":{}}`), "Authorization", h)
			}
		}
	}
	if after := isoVictimState(t, srv, vic.org); after != before {
		t.Errorf("orgA's stored state changed during the corpus:\n%s", lineDiff(before, after))
	}
	if strings.Contains(logBuf.String(), "panic") {
		t.Errorf("the fake logged a panic:\n%.3000s", logBuf.String())
	}
	for _, f := range fails[:min(len(fails), 20)] {
		t.Error(f)
	}
	if len(fails) > 20 {
		t.Errorf("... and %d more", len(fails)-20)
	}
	total := 0
	keys := make([]string, 0, len(counts))
	for k, v := range counts {
		keys = append(keys, k)
		if !strings.HasSuffix(k, "xx") {
			total += v
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%d", k, counts[k])
	}
	t.Logf("hostile corpus: %d requests:%s; orgA's long-tail records attacked: %d; %d failures (5xx, hangs, leaks), orgA unchanged", total, b.String(), seeded, len(fails))
}

// hostileMutations returns obj with each field, and each field of a nested
// object, replaced by each of hostileValues in turn.
func hostileMutations(obj map[string]any) []map[string]any {
	var out []map[string]any
	for field, orig := range obj {
		for _, v := range hostileValues {
			mut := maps.Clone(obj)
			mut[field] = v
			out = append(out, mut)
		}
		if nested, ok := orig.(map[string]any); ok {
			for _, m := range hostileMutations(nested) {
				mut := maps.Clone(obj)
				mut[field] = m
				out = append(out, mut)
			}
		}
	}
	return out
}

// adminToken, when set, is sent by isoSend to /_fake/ routes (the corpus
// seeds through a fake that has one).
var adminToken string

// hostileValues are the wrong values every body field is given.
var hostileValues = []any{
	nil, "", " ", "\u0000", "a\u0000b", strings.Repeat("x", 300), strings.Repeat("x", 40000),
	-1, 0, 1.5, json.Number("1e400"), json.Number("99999999999999999999"), json.Number("-0.0"), json.Number("1.0"),
	true, []any{}, map[string]any{}, []any{[]any{[]any{}}}, "javascript:alert(1)", "2026-13-45",
	"9999-12-31T23:59:59-23:59", "0000-01-01T00:00:00+23:59", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "<script>alert(1)</script>",
	"../../etc/passwd", json.Number("9223372036854775808"), json.Number("-9223372036854775809"),
}

// hostileBodies are whole bodies sent to every write operation.
var hostileBodies = []struct{ ct, body string }{
	{"application/json", ""}, {"application/json", "null"}, {"application/json", "[]"}, {"application/json", "1"},
	{"application/json", `"s"`}, {"application/json", "\ufeff{}"}, {"application/json", `{"a":}`},
	{"application/json", `{"name": "x`}, {"application/json", strings.Repeat("[", 65) + strings.Repeat("]", 65)},
	{"application/json", strings.Repeat("[", 10000)}, {"application/json", `{"count": 1e999999}`},
	{"application/json", `{"name": "a", "name": "b"}`}, {"application/json", "{\"name\": \"\xff\xfe\"}"},
	{"application/json", `{} {}`}, {"application/json", `{"name": NaN}`},
	{"application/x-www-form-urlencoded", "name=x&name=y&%zz"}, {"application/x-www-form-urlencoded", strings.Repeat("a=1&", 1100)},
	{"multipart/form-data", "--x\r\n"}, {"multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nv\r\n"},
	{"text/plain", "hello"}, {"application/xml", "<a/>"}, {"application/scim+json", `{"name": "x"}`},
}

// hostileQueries are appended to every read operation's URL.
var hostileQueries = []string{
	"page=1000000000000000000", "page=-1", "page=0", "page=last", "page=abc", "page_size=-1", "page_size=0",
	"page_size=1000000000000", "page=1&page=2", "platform_key=acme", "platform_org=acme", "org=acme",
	"platform_key=acme%00", "search=%00", "q=" + strings.Repeat("q", 40000), strings.Repeat("sort=x&", 5000),
	strings.Repeat("x=1&", 1001), "start_date=2026-13-01", "end_date=9999-12-31", "include_revoked=tRuE",
	"license_id=99999999999999999999", "email=a%00b@x.test", "user_id=../../x",
}

// hostileAdminPaths try to reach the admin surface around its token check.
var hostileAdminPaths = []string{
	"/_fake/state", "//_fake/state", "/_fake/./state", "/%5Ffake/state", "/_FAKE/state", "/api/../_fake/state",
	"/_fake/health/../state", "/_fake/state/", "/_fake/groups?platform_key=acme", "/_fake/credential-groups?org=acme",
	"/_fake/scenarios", "/_fake/clock", "/_fake/requests", "/_fake/openapi.json",
}

var hostileAdminHeaders = []string{
	"", "Bearer", "Bearer ", "Bearer wrong", "bearer t0k", "Bearer t0k", "Token T0K", "Api-Token T0K",
	"Basic VDBLOg==", "Bearer T0K;", "Bearer  T0K x", "T0K", "Bearer=T0K", "Bearer T0", "Bearer T0KK",
}

// lineDiff lists the lines only one of before and after holds (at most 20
// of each).
func lineDiff(before, after string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	b, a := in(before), in(after)
	var out []string
	for _, l := range strings.Split(before, "\n") {
		if !a[l] && len(out) < 20 {
			out = append(out, "- "+l)
		}
	}
	n := len(out)
	for _, l := range strings.Split(after, "\n") {
		if !b[l] && len(out) < n+20 {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}
