package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/iblfake/iblfake/fake"
)

// The browser tests drive the dashboard in headless Chromium, as a
// frontend developer would use it, against a fake with the demo tenant
// behind an admin token. Where no Chromium starts they skip, saying why;
// with CI=true (as .ci/run sets) that is a failure instead.

// chromium finds the browser: $IBLFAKE_CHROMIUM, else the first of the
// usual names on PATH.
func chromium() string {
	if p := os.Getenv("IBLFAKE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless_shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// noBrowser skips the test, or fails it under CI.
func noBrowser(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s: under CI (CI=true) the browser tests must run", why)
	}
	t.Skipf("%s: skipping the browser tests (install Debian's chromium, or set IBLFAKE_CHROMIUM; with CI=true this fails)", why)
}

// browserRun is one driven browser tab and what it saw.
type browserRun struct {
	t    *testing.T
	ctx  context.Context
	srv  *fake.TestServer
	dir  string // screenshots
	mu   sync.Mutex
	seen []string // URLs the page requested
	auth []string // Authorization headers it sent to /_fake/ui/f/
	bad  []string // exceptions, console errors, security messages
}

// startBrowser starts headless Chromium (the flags a closed network
// needs, a new empty profile) and watches what the page does.
func startBrowser(t *testing.T, srv *fake.TestServer) *browserRun {
	t.Helper()
	path := chromium()
	if path == "" {
		noBrowser(t, "no Chromium on PATH")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("hide-scrollbars", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 768),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	// The first Do starts the browser and ties it to the context it is
	// given, so it gets the tab's own context, bounded from outside.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			noBrowser(t, fmt.Sprintf("Chromium (%s) did not start: %v", path, err))
		}
	case <-time.After(20 * time.Second):
		cancelTab()
		noBrowser(t, fmt.Sprintf("Chromium (%s) did not start within 20 s", path))
	}
	dir := os.Getenv("IBLFAKE_UI_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b := &browserRun{t: t, ctx: ctx, srv: srv, dir: dir}
	requests := chromedp.Events(ctx, network.RequestWillBeSent)
	exceptions := chromedp.Events(ctx, runtime.ExceptionThrown)
	console := chromedp.Events(ctx, runtime.ConsoleAPICalled)
	logs := chromedp.Events(ctx, log.EntryAdded)
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.seen = append(b.seen, ev.Request.URL)
			if strings.Contains(ev.Request.URL, "/_fake/ui/f/") {
				a, _ := ev.Request.Headers["Authorization"].(string)
				b.auth = append(b.auth, a)
			}
			b.mu.Unlock()
		}
	}()
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			b.note("exception: " + ev.ExceptionDetails.Text)
		}
	}()
	go func() {
		for ev, err := range console {
			if err != nil {
				return
			}
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				b.note(fmt.Sprintf("console.error %v", ev.Args))
			}
		}
	}()
	go func() {
		for ev, err := range logs {
			if err != nil {
				return
			}
			e := ev.Entry
			// 4xx answers the tests ask for are logged as network errors;
			// a refused script, style or connection is a security one.
			if e.Source == log.EntrySourceSecurity || strings.Contains(e.Text, "Content Security Policy") || strings.Contains(e.Text, "Refused") {
				b.note("security: " + e.Text)
			}
		}
	}()
	return b
}

func (b *browserRun) note(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bad = append(b.bad, s)
}

// do runs actions, failing the test with what was being done.
func (b *browserRun) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.failShot(what)
		b.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *browserRun, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// waitFor waits until a JavaScript condition holds.
func (b *browserRun) waitFor(what, cond string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		b.failShot(what)
		b.t.Fatalf("waiting for %s (%s): %v", what, cond, err)
	}
}

// visit sets the page's fragment and waits until the page it names
// replaced the one shown and shows sel.
func (b *browserRun) visit(hash, sel string) {
	b.t.Helper()
	b.do("open "+hash, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const old = document.querySelector('#view .page');
		if (old) old.setAttribute('data-old', '');
		if (location.hash === %[1]q) window.dispatchEvent(new HashChangeEvent('hashchange'));
		else location.hash = %[1]q;
	})()`, hash)))
	b.waitFor(hash, fmt.Sprintf("!document.querySelector('#view .page[data-old]') && !!document.querySelector(%q)", sel))
}

// shot keeps a screenshot of the viewport, at 1366x768 and at 390x844.
func (b *browserRun) shot(name string) {
	b.t.Helper()
	for _, size := range [][2]int64{{1366, 768}, {390, 844}} {
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		err := chromedp.Do(ctx, chromedp.EmulateViewport(size[0], size[1]),
			chromedp.Evaluate[chromedp.Void](`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))`, chromedp.EvalAwaitPromise))
		var png []byte
		if err == nil {
			png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
		}
		cancel()
		if err != nil {
			b.t.Logf("screenshot %s: %v", name, err)
			continue
		}
		file := filepath.Join(b.dir, fmt.Sprintf("%s-%dx%d.png", name, size[0], size[1]))
		if err := os.WriteFile(file, png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 768)); err != nil {
		b.t.Fatalf("restoring the viewport: %v", err)
	}
}

// failShot keeps what the page showed when a step failed.
func (b *browserRun) failShot(what string) {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		name := "failed-" + strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return '-'
		}, strings.ToLower(what)) + ".png"
		_ = os.WriteFile(filepath.Join(b.dir, name), png, 0o644)
		b.t.Logf("the page when it failed: %s", filepath.Join(b.dir, name))
	}
}

// TestTheDashboardInABrowser clicks through every page of the dashboard:
// the token prompt, the overview's counts against the API's, an entity
// against the API's answer, a scenario switched on and its rule seen in
// the live log, the clock moved until an assertion expires, a scenario
// file refused with its line, a tenant's file refused, another imported,
// exported again and reset. It keeps a
// screenshot of every page at laptop and phone widths
// (IBLFAKE_UI_SCREENSHOTS names the directory).
func TestTheDashboardInABrowser(t *testing.T) {
	began := time.Now()
	srv := demoServer(t)
	b := startBrowser(t, srv)
	t.Logf("screenshots in %s", b.dir)

	// The page asks for the token once, keeps it for the tab, and shows
	// the overview.
	b.do("load the shell", chromedp.Navigate(srv.URL+"/_fake/ui/"))
	b.waitFor("the token prompt", `document.getElementById('token-dialog').open`)
	b.shot("token")
	b.do("give the token",
		chromedp.SendKeys(chromedp.CSS("#token-input"), adminToken),
		chromedp.Click(chromedp.CSS("#token-ok")))
	b.waitFor("the overview", `!!document.querySelector('tr[data-tenant="demo"]')`)
	if got := eval[string](b, `sessionStorage.getItem('iblfake.adminToken')`); got != adminToken {
		t.Errorf("the tab keeps %q, want the token", got)
	}
	if c := eval[string](b, `document.cookie`); c != "" {
		t.Errorf("the page set cookies: %q", c)
	}
	issuers := vendor(t, srv, "/api/credentials/orgs/demo/users/admin/issuers/").(map[string]any)["result"].(map[string]any)["count"]
	if got := eval[string](b, `document.querySelector('tr[data-tenant="demo"] [data-stat="Issuers"]').textContent`); got != fmt.Sprint(issuers) {
		t.Errorf("the overview shows %s issuers, the API answers %v", got, issuers)
	}
	licenses := 0
	for _, kind := range []string{"platform", "user", "course", "program"} {
		licenses += int(vendor(t, srv, "/api/catalog/licenses/"+kind+"/?platform_key=demo").(map[string]any)["count"].(float64))
	}
	if got := eval[string](b, `document.querySelector('tr[data-tenant="demo"] [data-stat="Licenses"]').textContent`); got != strconv.Itoa(licenses) {
		t.Errorf("the overview shows %s licenses, the API answers %d", got, licenses)
	}
	b.shot("overview")

	// A credential as the API renders it, with the call that answers it.
	b.visit("#/tenants/demo/credentials", `table[data-kind="credentials"] tr[data-id]`)
	b.shot("credentials")
	id := eval[string](b, `document.querySelector('table[data-kind="credentials"] tr[data-id]').dataset.id`)
	b.do("open a credential", chromedp.Click(chromedp.CSS(`tr[data-id="`+id+`"] a.open`)))
	b.waitFor("the credential", `!!document.querySelector('[data-testid="entity-json"]') && location.hash.endsWith(`+strconv.Quote(id)+`)`)
	var shownJSON any
	if err := json.Unmarshal([]byte(eval[string](b, `document.querySelector('[data-testid="entity-json"]').textContent`)), &shownJSON); err != nil {
		t.Fatal(err)
	}
	apiPath := eval[string](b, `document.querySelector('[data-testid="api-path"]').textContent`)
	if answer := vendor(t, srv, apiPath).(map[string]any)["result"]; fmt.Sprint(answer) != fmt.Sprint(shownJSON) {
		t.Errorf("the page shows\n%v\nGET %s answers\n%v", shownJSON, apiPath, answer)
	}
	b.shot("credential")
	b.visit("#/tenants/demo/licenses?kind=course", `table[data-kind="licenses"] tr[data-id]`)
	lic := eval[string](b, `document.querySelector('table[data-kind="licenses"] tr[data-id]').dataset.id`)
	b.visit("#/tenants/demo/licenses/"+lic, `details.rel`)
	b.do("open an assignment", chromedp.Click(chromedp.CSS(`details.rel summary`)))
	b.shot("license")

	// Switch a scenario on: the next request is answered by its rule, and
	// the live log shows it as it arrives.
	b.visit("#/scenarios", `article[data-scenario="permission-loss"][data-active="false"]`)
	b.do("turn permission-loss on", chromedp.Click(chromedp.CSS(`article[data-scenario="permission-loss"] button[data-call]`)))
	b.waitFor("permission-loss on", `!!document.querySelector('article[data-scenario="permission-loss"][data-active="true"]')`)
	b.visit("#/requests", `#live-state[data-state="live"]`)
	if a := send(t, srv, http.MethodGet, "/api/credentials/orgs/demo/users/admin/", "Api-Token k", ""); a.status != http.StatusForbidden {
		t.Fatalf("with permission-loss on, a request = %d", a.status)
	}
	b.waitFor("the request's row", `!!document.querySelector('tr.req[data-scenario^="permission-loss/"][data-status="403"]')`)
	b.do("open the request", chromedp.Click(chromedp.CSS(`tr.req[data-scenario^="permission-loss/"]`)))
	b.waitFor("its detail", `(document.querySelector('[data-testid="detail-scenario"]') || {}).textContent?.startsWith('permission-loss/')`)
	b.waitFor("its answer's body", `document.getElementById('req-detail').textContent.includes('You do not have permission')`)
	status := func(v string) string {
		return fmt.Sprintf(`(s => { s.value = %q; s.dispatchEvent(new Event('change', {bubbles: true})); })(document.getElementById('f-status'))`, v)
	}
	b.do("filter on 2xx", chromedp.Evaluate[chromedp.Void](status("2")))
	b.waitFor("the 403 hidden", `document.querySelector('tr.req[data-status="403"]').hidden`)
	b.do("filter on any", chromedp.Evaluate[chromedp.Void](status("")))
	b.shot("requests")
	b.do("pause", chromedp.Click(chromedp.CSS("#pause")))
	send(t, srv, http.MethodGet, "/api/credentials/orgs/demo/users/admin/?paused=1", "Api-Token k", "")
	b.waitFor("the paused count", `document.getElementById('pause').textContent.includes('1 new')`)
	if n := eval[int](b, `document.querySelectorAll('tr.req[data-status="403"]').length`); n != 1 {
		t.Errorf("a paused log shows %d rows of 403, want 1", n)
	}
	b.do("resume", chromedp.Click(chromedp.CSS("#pause")))
	b.waitFor("the row after resuming", `document.querySelectorAll('tr.req[data-status="403"]').length === 2`)
	b.visit("#/scenarios", `article[data-scenario="permission-loss"][data-active="true"]`)
	if n := eval[string](b, `document.querySelector('article[data-scenario="permission-loss"] td[data-applied]').dataset.applied`); n != "2" {
		t.Errorf("permission-loss's rule applied %s times, want 2", n)
	}
	b.do("turn permission-loss off", chromedp.Click(chromedp.CSS(`article[data-scenario="permission-loss"] button[data-call]`)))
	b.waitFor("permission-loss off", `!!document.querySelector('article[data-scenario="permission-loss"][data-active="false"]')`)

	// A scenario file the fake refuses is shown with its file, line and
	// reason.
	bad := filepath.Join(t.TempDir(), "broken.yaml")
	if err := os.WriteFile(bad, []byte("name: broken\nrules:\n  - match: {operation: x}\n    respnd: {status: 500}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.do("upload a broken scenario", chromedp.SetUploadFiles(chromedp.CSS(`form[data-upload] input[type=file]`), []string{bad}),
		chromedp.Click(chromedp.CSS(`form[data-upload] button`)))
	b.waitFor("the upload's error", `!document.querySelector('form[data-upload] .form-error').hidden`)
	if msg := eval[string](b, `document.querySelector('form[data-upload] .form-error').textContent`); !strings.HasPrefix(msg, "broken.yaml:4:") || !strings.Contains(msg, "respnd") {
		t.Errorf("the upload's error says %q, want broken.yaml, line 4 and the field", msg)
	}
	b.shot("scenarios")

	// Move the clock past an active assertion's expiry: the page shows it
	// expired, as the public endpoint answers.
	var expiring string // a credential whose assertions expire
	for _, c := range vendor(t, srv, "/api/credentials/orgs/demo/users/admin/?page_size=100").(map[string]any)["result"].(map[string]any)["data"].([]any) {
		if c.(map[string]any)["expires"] != nil {
			expiring = c.(map[string]any)["entityId"].(string)
			break
		}
	}
	b.visit("#/tenants/demo/assertions?state=active&credential="+expiring, `table[data-kind="assertions"] tr[data-id]`)
	found := eval[[]string](b, `(() => { const r = [...document.querySelectorAll('tr[data-id]')].find(r => r.querySelector('td[data-label="Expires"] time'));
		return r ? [r.dataset.id, r.querySelector('td[data-label="Expires"] time').getAttribute('datetime')] : []; })()`)
	if len(found) != 2 {
		t.Fatal("no active assertion of the demo tenant expires")
	}
	expires, err := time.Parse(time.RFC3339Nano, found[1])
	if err != nil {
		t.Fatal(err)
	}
	b.visit("#/tenants/demo/assertions/"+found[0], `[data-testid="entity-json"]`)
	if st := eval[string](b, `document.querySelector('dl.kv .badge').textContent`); st != "active" {
		t.Fatalf("the assertion shows %q before the clock moves", st)
	}
	hours := int(math.Ceil(time.Until(expires).Hours())) + 24
	b.visit("#/state", `form[data-call] input[name="advance"]`)
	b.do("move the clock", chromedp.SendKeys(chromedp.CSS(`input[name="advance"]`), strconv.Itoa(hours)+"h"),
		chromedp.Click(chromedp.CSS(`form[data-call] input[name="advance"] ~ button, form[data-call]:has(input[name="advance"]) button`)))
	b.waitFor("the clock moved", `document.getElementById('flash').className === 'ok' && !document.getElementById('flash').hidden`)
	if d := srv.Clock().Now().Sub(expires); d < 0 {
		t.Fatalf("the clock is %v before the expiry after the move", -d)
	}
	b.shot("clock")
	b.visit("#/tenants/demo/assertions/"+found[0], `dl.kv .badge`)
	b.waitFor("the assertion expired", `document.querySelector('dl.kv .badge').textContent === 'expired'`)
	if a := send(t, srv, http.MethodGet, "/api/credentials/public/assertions/"+found[0]+"/", "", ""); a.status != http.StatusNotFound || !strings.Contains(a.body, "expired") {
		t.Errorf("the public endpoint answers the expired assertion %d %s", a.status, a.body)
	}
	b.shot("assertion-expired")

	// Import another fake's tenant from its export. One whose ids the
	// demo tenant already holds is refused, and the page says why; one
	// made beside the same demo tenant is imported.
	clash := fake.NewTestServer(t, fake.WithFixture(filepath.Join("..", "..", "testdata", "fixtures", "small.yaml")))
	b.visit("#/state", `input[type=file][data-import=""]`)
	b.do("import a clashing tenant", chromedp.SetUploadFiles(chromedp.CSS(`input[type=file][data-import=""]`), []string{exportFile(t, clash, "acme")}))
	b.waitFor("the refusal", `document.getElementById('flash').className === 'error' && document.getElementById('flash').textContent.includes("another tenant's entry")`)
	b.shot("import-refused")
	source := demoServer(t)
	makeTenant(t, source, "acme")
	b.do("import acme", chromedp.SetUploadFiles(chromedp.CSS(`input[type=file][data-import=""]`), []string{exportFile(t, source, "acme")}))
	b.waitFor("acme imported", `!!document.querySelector('tr[data-tenant="acme"]')`)
	b.visit("#/", `tr[data-tenant="acme"]`)
	base := "/api/credentials/orgs/acme/users/admin/"
	want := map[string]int{"Issuers": int(vendor(t, source, base+"issuers/").(map[string]any)["result"].(map[string]any)["count"].(float64))}
	creds := vendor(t, source, base+"?page_size=100").(map[string]any)["result"].(map[string]any)
	want["Credentials"] = int(creds["count"].(float64))
	for _, c := range creds["data"].([]any) {
		want["Assertions"] += int(vendor(t, source, base+c.(map[string]any)["entityId"].(string)+"/assertions/?include_revoked=true&include_expired=true").(map[string]any)["count"].(float64))
	}
	for stat, n := range want {
		got := eval[string](b, `document.querySelector('tr[data-tenant="acme"] [data-stat="`+stat+`"]').dataset.value`)
		if got != strconv.Itoa(n) {
			t.Errorf("after the import the overview shows acme's %s = %s; its own API answers %d", stat, got, n)
		}
	}
	b.shot("overview-imported")

	// Export acme as a file (what the import took), then reset it alone.
	downloads := t.TempDir()
	if _, err := chromedp.CallBrowser(b.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads}); err != nil {
		t.Fatal(err)
	}
	b.visit("#/state", `tr[data-tenant="acme"] button[data-export="acme"]`)
	b.do("export acme", chromedp.Click(chromedp.CSS(`tr[data-tenant="acme"] button[data-export="acme"]`)))
	var exported []byte
	for wait := time.Now(); exported == nil && time.Since(wait) < 10*time.Second; time.Sleep(50 * time.Millisecond) {
		exported, _ = os.ReadFile(filepath.Join(downloads, "acme-state.json"))
	}
	held, err := srv.ExportTenantState("acme")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Tenant  string
		Buckets map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(exported, &got); err != nil || got.Tenant != "acme" || len(got.Buckets) != len(held.Buckets) {
		t.Errorf("the exported file (%d bytes, %v) is not acme's state: tenant %q, %d buckets of %d", len(exported), err, got.Tenant, len(got.Buckets), len(held.Buckets))
	}
	dialogs := chromedp.Events(b.ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil || !strings.Contains(ev.Message, "acme") {
				return
			}
			_, _ = chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			return
		}
	}()
	b.do("reset acme", chromedp.Click(chromedp.CSS(`tr[data-tenant="acme"] button[data-reset-tenant="acme"]`)))
	b.waitFor("acme gone", `!document.querySelector('tr[data-tenant="acme"]') && !!document.querySelector('tr[data-tenant="demo"]')`)
	if a := send(t, srv, http.MethodGet, "/api/credentials/orgs/acme/users/admin/issuers/", "Api-Token k", ""); !strings.Contains(a.body, `"count":0`) {
		t.Errorf("after the reset acme's issuers are %s", a.body)
	}
	b.visit("#/tenants/nobody/invitations", `.empty`)
	b.shot("empty-tenant")

	b.mu.Lock()
	defer b.mu.Unlock()
	for _, u := range b.seen {
		if !strings.HasPrefix(u, srv.URL+"/") && !strings.HasPrefix(u, "blob:") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page fetched %s, outside the fake", u)
		}
		if strings.Contains(u, adminToken) {
			t.Errorf("the token is in a URL: %s", u)
		}
	}
	for i, a := range b.auth {
		if a != "Bearer "+adminToken && i > 0 {
			t.Errorf("a fragment was fetched with Authorization %q", a)
		}
	}
	for _, s := range b.bad {
		t.Errorf("the page reported: %s", s)
	}
	t.Logf("the browser test took %v", time.Since(began).Round(10*time.Millisecond))
}

// exportFile writes srv's export of tenant to a file, as the page's Export
// downloads it.
func exportFile(t *testing.T, srv *fake.TestServer, tenant string) string {
	t.Helper()
	st, err := srv.ExportTenantState(tenant)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(st)
	file := filepath.Join(t.TempDir(), tenant+"-state.json")
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// makeTenant builds a small tenant through srv's API: an issuer, two
// credentials, three assertions (one revoked) and a user license.
func makeTenant(t *testing.T, srv *fake.TestServer, org string) {
	t.Helper()
	base := "/api/credentials/orgs/" + org + "/users/admin/"
	post := func(path, body string) map[string]any {
		t.Helper()
		a := send(t, srv, http.MethodPost, path, "Api-Token k", body)
		var out map[string]any
		if err := json.Unmarshal([]byte(a.body), &out); err != nil || a.status != http.StatusOK {
			t.Fatalf("POST %s = %d %s", path, a.status, a.body)
		}
		return out
	}
	is := post(base+"issuers/", `{"name": "Acme Academy"}`)["result"].(map[string]any)["entityId"]
	var first string
	for i, name := range []string{"Data Science", "Go Basics"} {
		cr := post(base, fmt.Sprintf(`{"name": %q, "issuer": %q}`, name, is))["result"].(map[string]any)["entityId"].(string)
		for _, u := range []string{"ada", "bob"}[:2-i] {
			post(base+cr+"/assertions/", fmt.Sprintf(`{"recipient": {"identity": %q}}`, u))
		}
		if first == "" {
			first = cr
		}
	}
	a := post(base+first+"/assertions/", `{"recipient": {"identity": "cy"}}`)
	put := send(t, srv, http.MethodPut, base+"assertions/"+a["entityId"].(string), "Api-Token k", `{"revoked": true, "revocationReason": "test"}`)
	if put.status != http.StatusOK {
		t.Fatalf("revoke = %d %s", put.status, put.body)
	}
	post("/api/catalog/licenses/user/create/", `{"platform_key": "`+org+`", "name": "Seats", "count": 5}`)
}
