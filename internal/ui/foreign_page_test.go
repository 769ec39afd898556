package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/iblfake/iblfake/fake"
)

// TestAForeignPageCannotSteerAnOpenFake opens, in headless Chromium, a page
// served from another loopback origin that sends the fake's admin surface
// every "simple" request a browser sends without asking first (POSTs of
// text/plain, forms and no body, with mode no-cors) to reset it, plant and
// activate a scenario and move its clock, and reads /_fake/state. The fake
// is open (no admin token, the laptop default): afterwards its state, its
// scenarios and its clock are as they were, and the page read nothing.
// Then the fake's own dashboard page, same-origin, still changes the clock.
func TestAForeignPageCannotSteerAnOpenFake(t *testing.T) {
	t.Parallel()
	srv := fake.NewTestServer(t, fake.WithDemo(), fake.WithSeed(42))
	before := send(t, srv, http.MethodGet, "/_fake/state?tenant=demo", "", "")
	if before.status != 200 || !strings.Contains(before.body, "demo") {
		t.Fatalf("state before = %d", before.status)
	}
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!doctype html><title>a page</title><p>hello</p>`)
	}))
	t.Cleanup(evil.Close)

	b := startBrowser(t, srv)
	b.do("open the foreign page", chromedp.Navigate(evil.URL))
	attack := fmt.Sprintf(`(async () => {
		const fake = %q, sent = [];
		const fire = async (path, opts) => {
			try { await fetch(fake + path, Object.assign({mode: 'no-cors', credentials: 'include'}, opts)); sent.push(path); }
			catch (e) { sent.push(path + ' failed'); }
		};
		await fire('/_fake/reset', {method: 'POST', body: 'x', headers: {'Content-Type': 'text/plain'}});
		await fire('/_fake/reset', {method: 'POST'});
		const form = new URLSearchParams(); form.set('{"advance":"87600h"}', '');
		await fire('/_fake/clock', {method: 'POST', body: form});
		await fire('/_fake/scenarios?activate=true', {method: 'POST', headers: {'Content-Type': 'text/plain'},
			body: 'name: evil\nrules:\n  - match: {operation: "*"}\n    respond: {status: 503}\n'});
		await fire('/_fake/state', {method: 'PUT', body: '{"format":"iblfake-state/1","buckets":{}}'});
		let read = 'nothing';
		try { const r = await fetch(fake + '/_fake/state'); read = await r.text(); } catch (e) { read = 'refused'; }
		return JSON.stringify({sent, read: read.slice(0, 40)});
	})()`, srv.URL)
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](attack, chromedp.EvalAwaitPromise))
	cancel()
	if err != nil {
		t.Fatalf("the page's requests: %v", err)
	}
	var got struct {
		Sent []string
		Read string
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Sent) != 5 {
		t.Fatalf("the page sent %v", got.Sent)
	}
	if got.Read != "refused" {
		t.Errorf("the page read /_fake/state: %q", got.Read)
	}
	after := send(t, srv, http.MethodGet, "/_fake/state?tenant=demo", "", "")
	if after.body != before.body {
		t.Fatalf("the demo tenant changed (%d bytes before, %d after)", len(before.body), len(after.body))
	}
	if sc := send(t, srv, http.MethodGet, "/_fake/scenarios", "", ""); strings.Contains(sc.body, `"evil"`) {
		t.Errorf("the page planted a scenario: %s", sc.body)
	}
	if clk := send(t, srv, http.MethodGet, "/_fake/clock", "", ""); !strings.Contains(clk.body, `"offset":"0s"`) {
		t.Errorf("the page moved the clock: %s", clk.body)
	}

	// The dashboard itself is same-origin: it still moves the clock.
	b.do("open the dashboard", chromedp.Navigate(srv.URL+"/_fake/ui/#/state"))
	ctx, cancel = context.WithTimeout(b.ctx, 10*time.Second)
	status, err := chromedp.Run(ctx, chromedp.Evaluate[float64](fmt.Sprintf(`fetch(%q, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{"advance": "1h"}'}).then(r => r.status)`, srv.URL+"/_fake/clock"), chromedp.EvalAwaitPromise))
	cancel()
	if err != nil || status != 200 {
		t.Fatalf("the dashboard's own clock move = %v %v, want 200", status, err)
	}
}
