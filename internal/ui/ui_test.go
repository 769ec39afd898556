package ui_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/ui"
)

// TestTheShellHoldsNoState: the routes open without the token (the page,
// its stylesheet, script and icon) answer the same bytes on a server full
// of state as on an empty one, carry the dashboard's security headers, and
// nothing else of the dashboard answers without the token.
func TestTheShellHoldsNoState(t *testing.T) {
	t.Parallel()
	full, empty := demoServer(t), fake.NewTestServer(t, fake.WithAdminToken(adminToken))
	for _, p := range ui.OpenPaths {
		if p == "/ui" {
			c := *full.Client
			c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			resp, err := c.Get(full.URL + "/_fake/ui")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "ui/" {
				t.Errorf("GET /_fake/ui = %d to %q, want a redirect to the page", resp.StatusCode, resp.Header.Get("Location"))
			}
			continue
		}
		a, b := send(t, full, http.MethodGet, "/_fake"+p, "", ""), send(t, empty, http.MethodGet, "/_fake"+p, "", "")
		if a.status != http.StatusOK || a.body != b.body {
			t.Errorf("GET /_fake%s = %d, and differs between a full and an empty server: it must hold no state", p, a.status)
		}
		if strings.Contains(a.body, "demo") {
			t.Errorf("GET /_fake%s names the demo tenant", p)
		}
		csp := a.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") || a.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET /_fake%s: CSP %q, nosniff %q", p, csp, a.header.Get("X-Content-Type-Options"))
		}
	}
	if a := send(t, full, http.MethodGet, "/_fake/ui/app.js", "", ""); a.header.Get("ETag") != "" {
		again, _ := http.NewRequest(http.MethodGet, full.URL+"/_fake/ui/app.js", nil)
		again.Header.Set("If-None-Match", a.header.Get("ETag"))
		resp, err := full.Client.Do(again)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("a revalidation of app.js = %d, want 304", resp.StatusCode)
		}
	}
	for _, p := range []string{"/_fake/ui/f/overview", "/_fake/ui/f/tenants/demo/assertions", "/_fake/ui/events", "/_fake/ui/f/requests/1"} {
		if a := send(t, full, http.MethodGet, p, "", ""); a.status != http.StatusUnauthorized || strings.Contains(a.body, "demo") {
			t.Errorf("GET %s without the token = %d, want 401 and nothing of the tenant", p, a.status)
		}
	}
	// The shell fetches nothing from anywhere but the fake.
	page := send(t, full, http.MethodGet, "/_fake/ui/", "", "").body
	for _, ref := range append(attrs(page, "src"), attrs(page, "href")...) {
		if !strings.HasPrefix(ref, "/_fake/ui/") && !strings.HasPrefix(ref, "#") {
			t.Errorf("the shell refers to %q, outside the fake", ref)
		}
	}
}

// TestTheOverviewCountsWhatTheAPIAnswers compares the overview's counts for
// the demo tenant with what the vendor API itself answers: its issuers,
// each credential's assertions (active, revoked, expired, from the lists'
// include_* flags), its licenses by kind with their seats, and its
// invitations by kind.
func TestTheOverviewCountsWhatTheAPIAnswers(t *testing.T) {
	t.Parallel()
	srv := demoServer(t, fake.WithClockAt(time.Now()))
	page := fragment(t, srv, "/overview", http.StatusOK)
	row := between(page, `<tr data-tenant="demo">`, `</tr>`)
	if row == "" {
		t.Fatalf("the overview has no row for the demo tenant:\n%s", page)
	}
	got := dataValues(t, row)
	want := map[string]int{}
	count := func(v any) int { return int(v.(map[string]any)["count"].(float64)) }
	base := "/api/credentials/orgs/demo/users/admin/"
	want["Issuers"] = count(vendor(t, srv, base+"issuers/?page_size=1000").(map[string]any)["result"])
	// Every credential, the unlisted ones too: the dashboard's rows, each of
	// which the API answers by id (TestEveryEntityShownIsTheAPIsAnswer).
	ids := rowIDs(fragment(t, srv, "/tenants/demo/credentials", http.StatusOK))
	want["Credentials"] = len(ids)
	listed := count(vendor(t, srv, base+"?page_size=100").(map[string]any)["result"])
	if listed == 0 || listed > len(ids) {
		t.Fatalf("the API lists %d credentials, the dashboard %d", listed, len(ids))
	}
	var all, active, unrevoked int
	for _, id := range ids {
		q := base + id + "/assertions/?page_size=1"
		all += count(vendor(t, srv, q+"&include_revoked=true&include_expired=true"))
		active += count(vendor(t, srv, q))
		unrevoked += count(vendor(t, srv, q+"&include_expired=true"))
	}
	want["Assertions"], want["Assertions.active"] = all, active
	want["Assertions.expired"], want["Assertions.revoked"] = unrevoked-active, all-unrevoked
	var seats, total int
	for _, kind := range []string{"platform", "user", "course", "program"} {
		list := vendor(t, srv, "/api/catalog/licenses/"+kind+"/?platform_key=demo&page_size=100").(map[string]any)
		want["Licenses."+kind] = count(list)
		want["Licenses"] += count(list)
		for _, l := range list["results"].([]any) {
			if u, ok := l.(map[string]any)["usage_count"].(float64); ok {
				seats += int(u)
				total += int(l.(map[string]any)["count"].(float64))
			}
		}
	}
	want["Seats"] = seats
	for _, kind := range []string{"platform", "course", "program"} {
		want["Invitations"] += count(vendor(t, srv, "/api/catalog/invitations/"+kind+"/?platform_key=demo&page_size=1"))
	}
	for k, n := range want {
		if got[k] != strconv.Itoa(n) {
			t.Errorf("the overview shows %s = %q, the API answers %d", k, got[k], n)
		}
	}
	if !strings.Contains(row, fmt.Sprintf(" of %d", total)) {
		t.Errorf("the overview does not show the %d seats of the licenses", total)
	}
	parts := 0
	for _, s := range []string{"pending", "redeemed", "blank", "expired", "cancelled"} {
		n, _ := strconv.Atoi(got["Invitations."+s])
		parts += n
	}
	if parts != want["Invitations"] {
		t.Errorf("the invitations' states add up to %d of %d", parts, want["Invitations"])
	}
	if want["Assertions.revoked"] == 0 || want["Assertions.expired"] == 0 || seats == 0 {
		t.Errorf("the demo tenant should have revoked and expired assertions and used seats: %v", want)
	}
}

var rowID = regexp.MustCompile(`<tr data-id="([^"]+)"`)

func rowIDs(page string) []string {
	var out []string
	for _, m := range rowID.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

// shown is an entity as a fragment shows it: the vendor call, where the
// entity sits in its answer, and the entity's JSON.
type shown struct {
	api, in string
	view    any
}

// entityOf reads the entity, and each related row, off an entity fragment.
func entityOf(t *testing.T, page string) (shown, []shown) {
	t.Helper()
	var main shown
	main.api = "GET " + between(page, `data-testid="api-path">`, `</code>`)
	main.in = attrs(page, "data-in")[0]
	if err := json.Unmarshal([]byte(between(page, `data-testid="entity-json">`, `</pre>`)), &main.view); err != nil {
		t.Fatalf("the entity's JSON does not parse: %v\n%s", err, page)
	}
	var related []shown
	for _, block := range strings.Split(page, `<details class="rel"`)[1:] {
		var r shown
		r.api, r.in = between(block, `<p class="call"><code>`, `</code>`), "results[]"
		if err := json.Unmarshal([]byte(between(block, `<pre class="json">`, `</pre>`)), &r.view); err != nil {
			t.Fatalf("a related row's JSON does not parse: %v", err)
		}
		related = append(related, r)
	}
	return main, related
}

// checkAnswers fails unless the vendor call s names answers s's entity
// where s says.
func checkAnswers(t *testing.T, srv *fake.TestServer, s shown) {
	t.Helper()
	method, path, _ := strings.Cut(s.api, " ")
	if method != http.MethodGet {
		t.Fatalf("the call %q is not a GET", s.api)
	}
	ans := vendor(t, srv, path)
	var at []any
	switch s.in {
	case "":
		at = []any{ans}
	case "result":
		at = []any{ans.(map[string]any)["result"]}
	case "[0]":
		at = []any{ans.([]any)[0]}
	case "results[]":
		at = ans.(map[string]any)["results"].([]any)
	default:
		t.Fatalf("unknown place %q", s.in)
	}
	for _, v := range at {
		if reflect.DeepEqual(v, s.view) {
			return
		}
	}
	want, _ := json.MarshalIndent(s.view, "", " ")
	t.Errorf("%s does not answer the entity the dashboard shows (at %q):\nshown %s\nanswered %.2000v", s.api, s.in, want, ans)
}

// TestEveryEntityShownIsTheAPIsAnswer opens entities of every kind the
// dashboard lists for the demo tenant (and a license's assignments) and
// calls the vendor API the page names: the JSON the page shows is exactly
// what that call answers, since both come from the module's view code.
func TestEveryEntityShownIsTheAPIsAnswer(t *testing.T) {
	t.Parallel()
	srv := demoServer(t)
	checked := 0
	for _, kind := range []string{"issuers", "credentials", "assertions", "licenses", "invitations"} {
		ids := rowIDs(fragment(t, srv, "/tenants/demo/"+kind, http.StatusOK))
		if len(ids) == 0 {
			t.Fatalf("the demo tenant shows no %s", kind)
		}
		if len(ids) > 6 {
			ids = append(ids[:3], ids[len(ids)-3:]...)
		}
		for _, id := range ids {
			main, related := entityOf(t, fragment(t, srv, "/tenants/demo/"+kind+"/"+id, http.StatusOK))
			checkAnswers(t, srv, main)
			for _, r := range related {
				checkAnswers(t, srv, r)
			}
			checked += 1 + len(related)
		}
	}
	t.Logf("%d entities shown as the API answers them", checked)
}

// TestFiltersAndPagesList: the assertion list filters by state, user and
// credential as the overview's links ask, and pages by 50.
func TestFiltersAndPagesList(t *testing.T) {
	t.Parallel()
	srv := demoServer(t, fake.WithClockAt(time.Now()))
	total := func(page string) int {
		n, _ := strconv.Atoi(attrs(page, "data-total")[0])
		return n
	}
	all := fragment(t, srv, "/tenants/demo/assertions", http.StatusOK)
	if got := len(rowIDs(all)); got != 50 {
		t.Errorf("the first page shows %d rows, want 50", got)
	}
	sum := 0
	for _, st := range []string{"active", "revoked", "expired"} {
		page := fragment(t, srv, "/tenants/demo/assertions?state="+st, http.StatusOK)
		sum += total(page)
		if strings.Count(page, `<span class="badge`) != len(rowIDs(page)) || strings.Contains(page, ">"+map[string]string{"active": "revoked", "revoked": "active", "expired": "active"}[st]+"</span>") {
			t.Errorf("state=%s shows rows of another state", st)
		}
	}
	if sum != total(all) {
		t.Errorf("active, revoked and expired add up to %d of %d", sum, total(all))
	}
	second := fragment(t, srv, "/tenants/demo/assertions?page=2", http.StatusOK)
	if a, b := rowIDs(all), rowIDs(second); len(b) == 0 || a[0] == b[0] {
		t.Error("page 2 repeats page 1")
	}
	// The latest issued first, across pages.
	issued := regexp.MustCompile(`<td data-label="Issued"><a class="open" href="[^"]*"><time datetime="([^"]+)"`)
	var times []string
	for _, page := range []string{all, second} {
		for _, m := range issued.FindAllStringSubmatch(page, -1) {
			times = append(times, m[1])
		}
	}
	for i := 1; i < len(times); i++ {
		if times[i] > times[i-1] {
			t.Fatalf("row %d was issued at %s, after row %d (%s): not the latest first", i+1, times[i], i, times[i-1])
		}
	}
	if len(times) != 100 {
		t.Errorf("read %d issue times off two pages, want 100", len(times))
	}
	user := attrs(all, "href")
	var byUser string
	for _, h := range user {
		if strings.Contains(h, "assertions?user=") {
			byUser = strings.TrimPrefix(h, "#")
			break
		}
	}
	page := fragment(t, srv, byUser, http.StatusOK)
	name := strings.TrimPrefix(byUser, "/tenants/demo/assertions?user=")
	list := vendor(t, srv, "/api/credentials/orgs/demo/users/"+name+"/assertions/?include_revoked=true&include_expired=true&exclude_main_tenant_assertions=true&page_size=100")
	if n := int(list.(map[string]any)["count"].(float64)); n != total(page) {
		t.Errorf("%s: the dashboard lists %d assertions, the API %d", byUser, total(page), n)
	}
}

// TestPagesEscapeWhatTheyShow: a credential named with markup is shown as
// text in its list and its JSON, never as markup.
func TestPagesEscapeWhatTheyShow(t *testing.T) {
	t.Parallel()
	srv := fake.NewTestServer(t, fake.WithAdminToken(adminToken))
	evil := `<img src=x onerror="alert(1)">`
	base := "/api/credentials/orgs/acme/users/admin/"
	is := send(t, srv, http.MethodPost, base+"issuers/", "Api-Token k", `{"name": "Issuer </pre><script>alert(2)</script>"}`)
	var out map[string]map[string]any
	_ = json.Unmarshal([]byte(is.body), &out)
	body, _ := json.Marshal(map[string]any{"name": evil, "issuer": out["result"]["entityId"], "description": "a\"b'c&d"})
	cr := send(t, srv, http.MethodPost, base, "Api-Token k", string(body))
	_ = json.Unmarshal([]byte(cr.body), &out)
	id := out["result"]["entityId"].(string)
	for _, p := range []string{"/overview", "/tenants/acme/credentials", "/tenants/acme/issuers", "/tenants/acme/credentials/" + id} {
		page := fragment(t, srv, p, http.StatusOK)
		for _, raw := range []string{"<img", "<script", "onerror=\"", "</pre><"} {
			if strings.Contains(page, raw) {
				t.Errorf("%s holds %q unescaped", p, raw)
			}
		}
	}
	main, _ := entityOf(t, fragment(t, srv, "/tenants/acme/credentials/"+id, http.StatusOK))
	if main.view.(map[string]any)["name"] != evil {
		t.Errorf("the escaped JSON does not read back as the name: %v", main.view)
	}
}

// TestBadInputIsAnswered4xx: malformed pages, filters, kinds, ids and
// request numbers are 400s and 404s with a fragment saying why, never a
// 500.
func TestBadInputIsAnswered4xx(t *testing.T) {
	t.Parallel()
	srv := demoServer(t)
	cases := map[string]int{
		"/tenants/demo/assertions?page=0":                           400,
		"/tenants/demo/assertions?page=-3":                          400,
		"/tenants/demo/assertions?page=x":                           400,
		"/tenants/demo/assertions?page=99999999999999999999":        400,
		"/tenants/demo/assertions?state=lost":                       400,
		"/tenants/demo/licenses?kind=spaceship":                     400,
		"/tenants/demo/invitations?kind=user":                       400,
		"/tenants/demo/invitations?status=maybe":                    400,
		"/tenants/demo/assertions?user=" + strings.Repeat("u", 300): 400,
		"/tenants/demo/spaceships":                                  404,
		"/tenants/demo/credentials/nope":                            404,
		"/tenants/demo/assertions/nope":                             404,
		"/tenants/demo/licenses/nope":                               404,
		"/tenants/demo/licenses/user-x":                             404,
		"/tenants/demo/licenses/user-99999":                         404,
		"/tenants/demo/invitations/user-1":                          404,
		"/tenants/other/credentials/nope":                           404,
		"/tenants/%25zz/credentials":                                200,
		"/tenants/nobody/assertions?page=7":                         200,
		"/requests/abc":                                             400,
		"/requests/0":                                               404,
		"/requests/18446744073709551615":                            404,
	}
	for path, want := range cases {
		page := fragment(t, srv, path, want)
		if want >= 400 && !strings.Contains(page, `class="empty error"`) {
			t.Errorf("%s: the %d fragment says nothing: %s", path, want, page)
		}
	}
	// Another tenant's entity is not found under this one.
	id := rowIDs(fragment(t, srv, "/tenants/demo/credentials", 200))[0]
	fragment(t, srv, "/tenants/acme/credentials/"+id, 404)
	if a := send(t, srv, http.MethodGet, "/_fake/ui/events?after=x", "Bearer "+adminToken, ""); a.status != 400 {
		t.Errorf("events?after=x = %d, want 400", a.status)
	}
}

// TestUploadedScenarioErrorsNameTheFile: a scenario file the parser refuses
// is a 400 naming the uploaded file, its line and the reason; one it takes
// is added, switched on, and answers the next request.
func TestUploadedScenarioErrorsNameTheFile(t *testing.T) {
	t.Parallel()
	srv := demoServer(t)
	bad := "name: teapot\nrules:\n  - match: {operation: credentials_orgs_users_retrieve}\n    respnd: {status: 418}\n"
	a := send(t, srv, http.MethodPost, "/_fake/ui/scenarios?file=dir/teapot.yaml", "Bearer "+adminToken, bad)
	var out map[string]any
	_ = json.Unmarshal([]byte(a.body), &out)
	if msg, _ := out["detail"].(string); a.status != 400 || !strings.HasPrefix(msg, "teapot.yaml:4:") || !strings.Contains(msg, "respnd") {
		t.Fatalf("a malformed upload = %d %s, want a 400 naming teapot.yaml, line 4 and the field", a.status, a.body)
	}
	good := strings.Replace(bad, "respnd", "respond", 1)
	a = send(t, srv, http.MethodPost, "/_fake/ui/scenarios?file=teapot.yaml&activate=true", "Bearer "+adminToken, good)
	if a.status != 200 || !strings.Contains(a.body, `"added":"teapot"`) {
		t.Fatalf("an upload = %d %s", a.status, a.body)
	}
	if r := send(t, srv, http.MethodGet, "/api/credentials/orgs/demo/users/admin/", "Api-Token k", ""); r.status != 418 {
		t.Errorf("the uploaded scenario did not answer: %d", r.status)
	}
	page := fragment(t, srv, "/scenarios", 200)
	if !strings.Contains(page, `data-scenario="teapot" data-active="true"`) {
		t.Error("the scenarios page does not show the uploaded scenario on")
	}
}

// TestAnUploadedScenarioNamingNoOperationIsRefused: the dashboard's
// upload checks match.operation against the served document as every
// other way of loading does: a 400 naming the file, the line and the id
// that was meant, and nothing added.
func TestAnUploadedScenarioNamingNoOperationIsRefused(t *testing.T) {
	t.Parallel()
	srv := demoServer(t)
	bad := "name: typo\nrules:\n  - match: {operation: credentials_org_users_create}\n    respond: {status: 503}\n"
	a := send(t, srv, http.MethodPost, "/_fake/ui/scenarios?file=typo.yaml&activate=true", "Bearer "+adminToken, bad)
	var out map[string]any
	_ = json.Unmarshal([]byte(a.body), &out)
	msg, _ := out["detail"].(string)
	if a.status != 400 || !strings.HasPrefix(msg, "typo.yaml:3:") || !strings.Contains(msg, "did you mean credentials_orgs_users_create (") {
		t.Fatalf("an upload naming no operation = %d %s, want a 400 at typo.yaml:3 suggesting credentials_orgs_users_create", a.status, a.body)
	}
	if srv.Scenarios().Known("typo") {
		t.Error("the refused upload was added")
	}
}

// TestTheLiveLogStreamsEachRequest opens the live log's stream over
// loopback, as the page does: each request answered from then on arrives
// as a row of the log's own table (method, path, operation, tier, status,
// tenant, the scenario rule), its detail shows what it sent and got, and
// once the stream closes requests keep no bodies.
func TestTheLiveLogStreamsEachRequest(t *testing.T) {
	t.Parallel()
	srv := demoServer(t, fake.WithScenario("permission-loss"))
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/_fake/ui/events?after=0", nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := srv.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("events = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	events := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev strings.Builder
		for sc.Scan() {
			if sc.Text() == "" {
				events <- ev.String()
				ev.Reset()
				continue
			}
			ev.WriteString(sc.Text() + "\n")
		}
		close(events)
	}()
	path := "/api/credentials/orgs/demo/users/admin/issuers/"
	if a := send(t, srv, http.MethodPost, path, "Api-Token k", `{"name": "Streamed"}`); a.status != 403 {
		t.Fatalf("the scenario did not answer: %d", a.status)
	}
	var row string
	deadline := time.After(5 * time.Second)
	for row == "" {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("the stream ended")
			}
			if strings.HasPrefix(ev, "event: rows\n") {
				row = ev
			}
		case <-deadline:
			t.Fatal("no row arrived within 5 s")
		}
	}
	for _, want := range []string{`data-status="403"`, `data-op="credentials_orgs_users_issuers_create"`, `data-tenant="demo"`,
		`data-scenario="permission-loss/`, ">stateful<", ">POST<", "issuers/"} {
		if !strings.Contains(row, want) {
			t.Errorf("the streamed row lacks %s:\n%s", want, row)
		}
	}
	seq := regexp.MustCompile(`data-seq="(\d+)"`).FindStringSubmatch(row)[1]
	detail := fragment(t, srv, "/requests/"+seq, 200)
	for _, want := range []string{"Streamed", "Api-Token [secret]", "permission-loss/", "403"} {
		if !strings.Contains(detail, want) {
			t.Errorf("the request's detail lacks %q", want)
		}
	}
	if strings.Contains(detail, "Api-Token k") {
		t.Error("the detail shows the caller's API key")
	}
	cancel()
	resp.Body.Close()
	// Once no stream is open, a request keeps no bodies.
	for i := 0; i < 50; i++ {
		send(t, srv, http.MethodPost, path, "Api-Token k", `{"name": "Unseen"}`)
		last := srv.Journal().Total()
		if d := fragment(t, srv, fmt.Sprintf("/requests/%d", last), 200); strings.Contains(d, "were not kept") {
			return
		}
		time.Sleep(20 * time.Millisecond) // the stream's end reaches the server
	}
	t.Error("requests kept their bodies after the stream closed")
}

// TestResettingATenantGoesBackToItsSeed: the page's "Reset" of one tenant
// (POST /_fake/reset?tenant=, what the script sends) returns a seeded
// tenant to its start-up state (the demo, rebuilt) and empties one the
// seed lacks, leaving every other tenant's; the state page offers both
// resets of everything, to the seed and to empty.
func TestResettingATenantGoesBackToItsSeed(t *testing.T) {
	t.Parallel()
	srv := demoServer(t)
	before, err := srv.ExportTenantState("demo")
	if err != nil {
		t.Fatal(err)
	}
	send(t, srv, http.MethodPost, "/api/credentials/orgs/acme/users/admin/issuers/", "Api-Token k", `{"name": "Acme"}`)
	send(t, srv, http.MethodPost, "/api/credentials/orgs/demo/users/admin/issuers/", "Api-Token k", `{"name": "Made on the laptop"}`)
	if a := send(t, srv, http.MethodPost, "/_fake/reset?tenant=demo", "Bearer "+adminToken, ""); a.status != 200 {
		t.Fatalf("POST /_fake/reset?tenant=demo = %d %s", a.status, a.body)
	}
	after, err := srv.ExportTenantState("demo")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after.Buckets, before.Buckets) {
		t.Error("the demo tenant is not back to its start-up state")
	}
	page := fragment(t, srv, "/overview", 200)
	if !strings.Contains(page, `data-tenant="demo"`) || !strings.Contains(page, `data-tenant="acme"`) {
		t.Error("the reset of demo touched another tenant")
	}
	steer := fragment(t, srv, "/state", 200)
	for _, want := range []string{`data-call="POST /_fake/reset"`, `data-call="POST /_fake/reset?to=empty"`, `data-reset-tenant="acme"`} {
		if !strings.Contains(steer, want) {
			t.Errorf("the state page lacks %s", want)
		}
	}
}

// TestARequestDetailNamesTheClosestRoute: a request no operation answered
// shows, in its detail, the route it came closest to.
func TestARequestDetailNamesTheClosestRoute(t *testing.T) {
	t.Parallel()
	srv := demoServer(t, fake.WithJournalBodies())
	send(t, srv, http.MethodGet, "/api/credentials/orgs/demo/users/admin/isuers/", "Api-Token k", "")
	detail := fragment(t, srv, fmt.Sprintf("/requests/%d", srv.Journal().Total()), 200)
	if !strings.Contains(detail, `data-testid="detail-closest"`) || !strings.Contains(detail, "/api/credentials/orgs/{org}/users/{user_id}/issuers/") {
		t.Errorf("the detail does not name the closest route:\n%s", detail)
	}
}

// TestLiveLogsAreBounded: at most ui.MaxStreams live logs are open at once
// (each renders every request the fake answers); one more is a 429 with
// Retry-After, and closing one makes room.
func TestLiveLogsAreBounded(t *testing.T) {
	t.Parallel()
	srv := demoServer(t)
	open := func() (*http.Response, context.CancelFunc) {
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/_fake/ui/events", nil)
		req.Header.Set("Authorization", "Bearer "+adminToken)
		resp, err := srv.Client.Do(req)
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		return resp, cancel
	}
	var cancels []context.CancelFunc
	defer func() {
		for _, c := range cancels {
			c()
		}
	}()
	for i := range ui.MaxStreams {
		resp, cancel := open()
		cancels = append(cancels, cancel)
		if resp.StatusCode != 200 {
			t.Fatalf("stream %d = %d", i+1, resp.StatusCode)
		}
		defer resp.Body.Close()
	}
	resp, cancel := open()
	cancel()
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("stream %d = %d (Retry-After %q), want 429", ui.MaxStreams+1, resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	cancels[0]()
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, cancel := open()
		cancels = append(cancels, cancel)
		resp.Body.Close()
		if resp.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a closed stream made no room: %d", resp.StatusCode)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestLongTailItemsAreBrowsable: an item a client made through the long
// tail is listed under its tenant (the long tail's kind), opens as its
// detail answers it, and another tenant's list does not hold it.
func TestLongTailItemsAreBrowsable(t *testing.T) {
	t.Parallel()
	srv := demoServer(t)
	made := send(t, srv, http.MethodPost, "/api/ai-bot/v1/bots/acme/bot-commands/", "Api-Token k", `{"bot": 1, "command": "browse-me", "mentor": 2}`)
	if made.status != 201 {
		t.Fatalf("create: %d %s", made.status, made.body)
	}
	list := send(t, srv, http.MethodGet, "/_fake/ui/f/tenants/acme/resources", "Bearer "+adminToken, "")
	if list.status != 200 || !strings.Contains(list.body, "bot_command") || !strings.Contains(list.body, "/api/ai-bot/v1/bots/acme/bot-commands/") {
		t.Fatalf("the tenant's long-tail items: %d %.500s", list.status, list.body)
	}
	id := regexp.MustCompile(`tenants/acme/resources/([0-9a-f]{16})`).FindStringSubmatch(list.body)
	if id == nil {
		t.Fatalf("no item row links to its entity: %.800s", list.body)
	}
	item := send(t, srv, http.MethodGet, "/_fake/ui/f/tenants/acme/resources/"+id[1], "Bearer "+adminToken, "")
	if item.status != 200 || !strings.Contains(item.body, "browse-me") {
		t.Fatalf("the item: %d %.500s", item.status, item.body)
	}
	if other := send(t, srv, http.MethodGet, "/_fake/ui/f/tenants/globex/resources", "Bearer "+adminToken, ""); strings.Contains(other.body, "browse-me") {
		t.Error("globex's list holds acme's item")
	}
}
