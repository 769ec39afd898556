package fake_test

import (
	"strings"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/scenarios"
)

// sdkHeaders are request headers browser SDKs add on their own: Sentry's
// (when the API host is among its tracePropagationTargets),
// OpenTelemetry web's, and jQuery's and older axios' X-Requested-With.
const sdkHeaders = "authorization,baggage,content-type,sentry-trace,traceparent,x-requested-with"

// preflightFrom sends a browser's preflight for a POST with sdkHeaders.
func preflightFrom(t *testing.T, c *client, origin, path string) response {
	t.Helper()
	return c.do(t, "OPTIONS", path, nil, "Authorization", "",
		"Origin", origin, "Access-Control-Request-Method", "POST",
		"Access-Control-Request-Headers", sdkHeaders)
}

// TestCORSPreflightAllowsTheHeadersBrowserSDKsAdd: by default a preflight
// allows the headers it asks for, so a page with Sentry or OpenTelemetry
// can call the fake at all; WithCORSHeaders pins a list instead.
func TestCORSPreflightAllowsTheHeadersBrowserSDKsAdd(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	r := preflightFrom(t, c, "http://localhost:3000", base("acme")+"issuers/")
	equal(t, "status", r.Status, 204)
	equal(t, "Allow-Headers", r.Header.Get("Access-Control-Allow-Headers"), sdkHeaders)
	equal(t, "Allow-Origin", r.Header.Get("Access-Control-Allow-Origin"), "*")
	if v := r.Header.Values("Vary"); !strings.Contains(strings.Join(v, ","), "Access-Control-Request-Headers") {
		t.Errorf("Vary = %q, want Access-Control-Request-Headers in it (the answer depends on it)", v)
	}
	pinned := newClient(t, fake.WithCORSHeaders("Authorization", "Content-Type"))
	r = preflightFrom(t, pinned, "http://localhost:3000", base("acme")+"issuers/")
	equal(t, "pinned Allow-Headers", r.Header.Get("Access-Control-Allow-Headers"), "Authorization, Content-Type")
}

// TestCORSCredentialsOnlyForANamedOrigin: a named origin (or one a
// pattern matches) is echoed with Access-Control-Allow-Credentials, so a
// page there may send credentials; under "*" another origin gets "*" and
// never credentials, which browsers would refuse anyway.
func TestCORSCredentialsOnlyForANamedOrigin(t *testing.T) {
	t.Parallel()
	c := newClient(t, fake.WithCORS("*", "https://app.example", "http://localhost:*"))
	for _, origin := range []string{"https://app.example", "http://localhost:5173"} {
		r := preflightFrom(t, c, origin, base("acme")+"issuers/")
		equal(t, origin+" preflight Allow-Origin", r.Header.Get("Access-Control-Allow-Origin"), origin)
		equal(t, origin+" preflight Allow-Credentials", r.Header.Get("Access-Control-Allow-Credentials"), "true")
		get := c.must(t, 200, "GET", base("acme")+"issuers/", nil, "Origin", origin)
		equal(t, origin+" GET Allow-Origin", get.Header.Get("Access-Control-Allow-Origin"), origin)
		equal(t, origin+" GET Allow-Credentials", get.Header.Get("Access-Control-Allow-Credentials"), "true")
		if !strings.Contains(strings.Join(get.Header.Values("Vary"), ","), "Origin") {
			t.Errorf("%s: Vary = %q, want Origin (the answer depends on it)", origin, get.Header.Values("Vary"))
		}
	}
	// A pattern stands for one host part, not a path or another scheme.
	for _, other := range []string{"https://evil.example", "http://localhost.evil.example/x:1"} {
		r := preflightFrom(t, c, other, base("acme")+"issuers/")
		equal(t, other+" Allow-Origin", r.Header.Get("Access-Control-Allow-Origin"), "*")
		equal(t, other+" Allow-Credentials", r.Header.Get("Access-Control-Allow-Credentials"), "")
	}
	only := newClient(t, fake.WithCORS("https://app.example"))
	r := preflightFrom(t, only, "https://evil.example", base("acme")+"issuers/")
	equal(t, "unlisted Allow-Origin", r.Header.Get("Access-Control-Allow-Origin"), "")
	equal(t, "unlisted Allow-Headers", r.Header.Get("Access-Control-Allow-Headers"), "")
	star := newClient(t)
	get := star.must(t, 200, "GET", base("acme")+"issuers/", nil, "Origin", "https://app.example")
	equal(t, "default Allow-Origin", get.Header.Get("Access-Control-Allow-Origin"), "*")
	equal(t, "default Allow-Credentials", get.Header.Get("Access-Control-Allow-Credentials"), "")
}

// TestCORSExposesRetryAfterAndTheFakesHeaders: a page may read
// Retry-After on a throttled answer (to test its back-off), the fake's
// own X-Iblfake-Scenario, and whatever header a scenario rule adds; error
// answers carry the CORS headers as successes do.
func TestCORSExposesRetryAfterAndTheFakesHeaders(t *testing.T) {
	t.Parallel()
	sc, err := scenarios.Parse("custom.yaml", []byte("name: custom\nrules:\n  - match: {tenant: custom}\n    respond: {status: 503, headers: {X-Upstream: edge-3, Retry-After: \"2\"}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, origin := range []string{"http://127.0.0.1:5173", "https://app.example"} {
		c := newClient(t, fake.WithCORS("*", "https://app.example"), fake.WithScenarioDefinition(sc, true))
		for i := 0; i < 5; i++ {
			c.must(t, 200, "GET", base("acme")+"issuers/", nil, fake.ScenarioHeader, "rate-limit", "Origin", origin)
		}
		r := c.must(t, 429, "GET", base("acme")+"issuers/", nil, fake.ScenarioHeader, "rate-limit", "Origin", origin)
		exposed := r.Header.Get("Access-Control-Expose-Headers")
		for _, h := range []string{"Retry-After", "WWW-Authenticate", fake.AppliedHeader} {
			if !strings.Contains(exposed, h) {
				t.Errorf("%s: 429 Expose-Headers = %q, want %s in it", origin, exposed, h)
			}
		}
		equal(t, origin+" Retry-After", r.Header.Get("Retry-After"), "5")
		equal(t, origin+" Allow-Origin on the 429", r.Header.Get("Access-Control-Allow-Origin") != "", true)
		r = c.must(t, 503, "GET", base("custom")+"issuers/", nil, "Origin", origin)
		if exposed := r.Header.Get("Access-Control-Expose-Headers"); !strings.Contains(exposed, "X-Upstream") ||
			strings.Count(exposed, "Retry-After") != 1 {
			t.Errorf("%s: scenario answer Expose-Headers = %q, want X-Upstream added and Retry-After once", origin, exposed)
		}
		// Without an Origin (not a browser) nothing is exposed.
		r = c.must(t, 503, "GET", base("custom")+"issuers/", nil)
		equal(t, "no Origin: Expose-Headers", r.Header.Get("Access-Control-Expose-Headers"), "")
	}
}

// TestCORSPrivateNetworkPreflight: Chromium asks before a page on a public
// origin calls a loopback fake; the answer allows it.
func TestCORSPrivateNetworkPreflight(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	r := c.do(t, "OPTIONS", base("acme")+"issuers/", nil, "Authorization", "",
		"Origin", "https://staging.app.example", "Access-Control-Request-Method", "GET",
		"Access-Control-Request-Private-Network", "true")
	equal(t, "Allow-Private-Network", r.Header.Get("Access-Control-Allow-Private-Network"), "true")
	r = preflightFrom(t, c, "https://staging.app.example", base("acme")+"issuers/")
	equal(t, "not asked: Allow-Private-Network", r.Header.Get("Access-Control-Allow-Private-Network"), "")
}

// TestAdminCORSStaysClosedAndCredentialFree: the vendor API's reflected
// headers and credentials never reach /_fake/: without
// WithAdminCORS a preflight there gets nothing, even from an origin the
// vendor API names; with it, the named origin gets a fixed header list
// and no credentials (the admin surface takes a bearer token, no cookie).
func TestAdminCORSStaysClosedAndCredentialFree(t *testing.T) {
	t.Parallel()
	c := newClient(t, fake.WithCORS("*", "https://app.example"))
	for _, origin := range []string{"https://app.example", "https://evil.example"} {
		r := preflightFrom(t, c, origin, "/_fake/reset")
		for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Headers"} {
			equal(t, origin+" admin preflight "+h, r.Header.Get(h), "")
		}
		get := c.must(t, 200, "GET", "/_fake/state", nil, "Origin", origin)
		equal(t, origin+" admin GET Allow-Origin", get.Header.Get("Access-Control-Allow-Origin"), "")
		equal(t, origin+" admin GET Expose-Headers", get.Header.Get("Access-Control-Expose-Headers"), "")
	}
	dash := newClient(t, fake.WithAdminCORS("https://dash.test"))
	r := preflightFrom(t, dash, "https://dash.test", "/_fake/reset")
	equal(t, "admin Allow-Origin", r.Header.Get("Access-Control-Allow-Origin"), "https://dash.test")
	equal(t, "admin Allow-Headers", r.Header.Get("Access-Control-Allow-Headers"), "Authorization, Content-Type, Accept")
	equal(t, "admin Allow-Credentials", r.Header.Get("Access-Control-Allow-Credentials"), "")
}
