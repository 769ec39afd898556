package fake_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/scenarios"
)

// TestCORSInABrowser runs fetch from a page on another loopback origin in
// headless Chromium, as a frontend with Sentry, OpenTelemetry and axios
// would call the fake: the SDKs' headers pass the preflight, a throttled
// answer's Retry-After is readable, credentials pass from a named origin
// and fail under "*" (as every browser refuses them there), and the admin
// surface stays out of reach. It needs Chromium as fake/ui's browser test
// does (chromium on PATH, or IBLFAKE_CHROMIUM); without one it skips, and
// under CI=true fails. Not parallel: Chromium starts with a burst of CPU,
// kept apart from the timing-sensitive parallel tests (TestChaos reads a
// 10 MiB body within a one-second read timeout).
func TestCORSInABrowser(t *testing.T) {
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprint(w, "<!doctype html><title>frontend</title><p>a frontend on its own origin</p>")
	}))
	t.Cleanup(page.Close)
	throttle, err := scenarios.Parse("throttle.yaml", []byte(`name: throttle
rules:
  - match: {tenant: throttled}
    respond:
      status: 429
      headers: {Retry-After: "5"}
      body: {detail: "Request was throttled. Expected available in 5 seconds."}
`))
	if err != nil {
		t.Fatal(err)
	}
	anyOrigin := fake.NewTestServer(t, fake.WithScenarioDefinition(throttle, true))
	named := fake.NewTestServer(t, fake.WithCORS(page.URL), fake.WithScenarioDefinition(throttle, true))

	ctx := headlessChromium(t)
	if _, err := chromedp.Run(ctx, chromedp.Navigate(page.URL)); err != nil {
		t.Fatalf("opening the page: %v", err)
	}
	// Each case is one fetch; its outcome is the status and the two
	// headers a frontend reads, or the error fetch rejects with.
	script := fmt.Sprintf(`(async () => {
  const any = %q, named = %q, out = {};
  const sdk = {
    'Authorization': 'Api-Token browser-key',
    'sentry-trace': '771a43a4192642f0b136d5159a501700-b2b8f2a1c3d4e5f6-1',
    'baggage': 'sentry-environment=test,sentry-public_key=abc',
    'traceparent': '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    'X-Requested-With': 'XMLHttpRequest',
  };
  const issuers = org => '/api/credentials/orgs/' + org + '/users/admin/issuers/';
  async function attempt(name, url, init) {
    try {
      const r = await fetch(url, init);
      out[name] = {status: r.status, retryAfter: r.headers.get('Retry-After'), applied: r.headers.get(%q)};
    } catch (e) {
      out[name] = {error: String(e)};
    }
  }
  await attempt('sdkGet', any + issuers('acme'), {headers: sdk});
  await attempt('sdkPost', any + issuers('acme'), {method: 'POST', headers: {...sdk, 'Content-Type': 'application/json'}, body: JSON.stringify({name: 'From the page'})});
  await attempt('throttledAny', any + issuers('throttled'), {headers: sdk});
  await attempt('credentialsAny', any + issuers('acme'), {headers: sdk, credentials: 'include'});
  await attempt('credentialsNamed', named + issuers('acme'), {headers: sdk, credentials: 'include'});
  await attempt('throttledNamed', named + issuers('throttled'), {headers: sdk, credentials: 'include'});
  await attempt('adminAny', any + '/_fake/state', {});
  await attempt('adminNamed', named + '/_fake/state', {credentials: 'include'});
  return JSON.stringify(out);
})()`, anyOrigin.URL, named.URL, fake.AppliedHeader)
	runCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	raw, err := chromedp.Run(runCtx, chromedp.Evaluate[string](script, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running fetch in the page: %v", err)
	}
	type outcome struct {
		Status     int
		RetryAfter *string
		Applied    *string
		Error      string
	}
	var got map[string]outcome
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatalf("the page's results %q: %v", raw, err)
	}
	t.Logf("page %s, fakes %s (any origin) and %s (names the page): %s", page.URL, anyOrigin.URL, named.URL, raw)
	wantStatus := func(name string, status int) {
		t.Helper()
		if o := got[name]; o.Error != "" || o.Status != status {
			t.Errorf("%s: %+v, want status %d", name, o, status)
		}
	}
	wantRefused := func(name string) {
		t.Helper()
		if o := got[name]; o.Error == "" {
			t.Errorf("%s: %+v, want fetch to fail (the browser refuses the answer)", name, o)
		}
	}
	wantStatus("sdkGet", 200)
	wantStatus("sdkPost", 200)
	for _, name := range []string{"throttledAny", "throttledNamed"} {
		wantStatus(name, 429)
		if o := got[name]; o.RetryAfter == nil || *o.RetryAfter != "5" {
			t.Errorf("%s: Retry-After read as %v in the page, want \"5\"", name, o.RetryAfter)
		}
		if o := got[name]; o.Applied == nil || *o.Applied != "throttle/rule-1" {
			t.Errorf("%s: %s read as %v in the page, want throttle/rule-1", name, fake.AppliedHeader, o.Applied)
		}
	}
	wantRefused("credentialsAny")
	wantStatus("credentialsNamed", 200)
	wantRefused("adminAny")
	wantRefused("adminNamed")
	// The page's POST reached the fake's state.
	entries := anyOrigin.Journal().Entries()
	created := false
	for _, e := range entries {
		created = created || e.Method == "POST" && e.Status == 200
	}
	if !created {
		t.Error("the page's POST is not in the journal as answered 200")
	}
}

// headlessChromium starts headless Chromium for t, with the flags fake/ui's
// browser test uses on a closed network, and returns its tab's context.
// Without a browser it skips t, or fails it under CI=true.
func headlessChromium(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("IBLFAKE_CHROMIUM")
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless_shell"} {
		if path != "" {
			break
		}
		path, _ = exec.LookPath(name)
	}
	skip := func(why string) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: under CI (CI=true) the browser tests must run", why)
		}
		t.Skipf("%s: skipping (install Debian's chromium, or set IBLFAKE_CHROMIUM; with CI=true this fails)", why)
	}
	if path == "" {
		skip("no Chromium on PATH")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			skip(fmt.Sprintf("Chromium (%s) did not start: %v", path, err))
		}
	case <-time.After(20 * time.Second):
		cancelTab()
		skip(fmt.Sprintf("Chromium (%s) did not start within 20 s", path))
	}
	return ctx
}
