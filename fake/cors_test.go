package fake_test

import (
	"strings"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
	"github.com/iblfake/iblfake/scenarios"
)

// sdkHeaders are request headers browser SDKs add on their own: Sentry's
// (when the API host is among its tracePropagationTargets),
// OpenTelemetry web's, and jQuery's and older axios' X-Requested-With.
const sdkHeaders = "authorization,baggage,content-type,sentry-trace,traceparent,x-requested-with"

// preflightFrom sends a browser's preflight for a POST with sdkHeaders.
func preflightFrom(t *testing.T, c *faketest.Client, origin, path string) faketest.Response {
	t.Helper()
	return c.Do(t, "OPTIONS", path, nil, "Authorization", "",
		"Origin", origin, "Access-Control-Request-Method", "POST",
		"Access-Control-Request-Headers", sdkHeaders)
}

// TestCORSPreflightAllowsTheHeadersBrowserSDKsAdd: by default a preflight
// allows the headers it asks for, so a page with Sentry or OpenTelemetry
// can call the fake at all; WithCORSHeaders pins a list instead.
func TestCORSPreflightAllowsTheHeadersBrowserSDKsAdd(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	r := preflightFrom(t, c, "http://localhost:3000", faketest.Base("acme")+"issuers/")
	faketest.Equal(t, "status", r.Status, 204)
	faketest.Equal(t, "Allow-Headers", r.Header.Get("Access-Control-Allow-Headers"), sdkHeaders)
	faketest.Equal(t, "Allow-Origin", r.Header.Get("Access-Control-Allow-Origin"), "*")
	if v := r.Header.Values("Vary"); !strings.Contains(strings.Join(v, ","), "Access-Control-Request-Headers") {
		t.Errorf("Vary = %q, want Access-Control-Request-Headers in it (the answer depends on it)", v)
	}
	pinned := faketest.NewClient(t, fake.WithCORSHeaders("Authorization", "Content-Type"))
	r = preflightFrom(t, pinned, "http://localhost:3000", faketest.Base("acme")+"issuers/")
	faketest.Equal(t, "pinned Allow-Headers", r.Header.Get("Access-Control-Allow-Headers"), "Authorization, Content-Type")
}

// TestCORSCredentialsOnlyForANamedOrigin: a named origin (or one a
// pattern matches) is echoed with Access-Control-Allow-Credentials, so a
// page there may send credentials; under "*" another origin gets "*" and
// never credentials, which browsers would refuse anyway.
func TestCORSCredentialsOnlyForANamedOrigin(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithCORS("*", "https://app.example", "http://localhost:*"))
	for _, origin := range []string{"https://app.example", "http://localhost:5173"} {
		r := preflightFrom(t, c, origin, faketest.Base("acme")+"issuers/")
		faketest.Equal(t, origin+" preflight Allow-Origin", r.Header.Get("Access-Control-Allow-Origin"), origin)
		faketest.Equal(t, origin+" preflight Allow-Credentials", r.Header.Get("Access-Control-Allow-Credentials"), "true")
		get := c.Must(t, 200, "GET", faketest.Base("acme")+"issuers/", nil, "Origin", origin)
		faketest.Equal(t, origin+" GET Allow-Origin", get.Header.Get("Access-Control-Allow-Origin"), origin)
		faketest.Equal(t, origin+" GET Allow-Credentials", get.Header.Get("Access-Control-Allow-Credentials"), "true")
		if !strings.Contains(strings.Join(get.Header.Values("Vary"), ","), "Origin") {
			t.Errorf("%s: Vary = %q, want Origin (the answer depends on it)", origin, get.Header.Values("Vary"))
		}
	}
	// A pattern stands for one host part, not a path or another scheme.
	for _, other := range []string{"https://evil.example", "http://localhost.evil.example/x:1"} {
		r := preflightFrom(t, c, other, faketest.Base("acme")+"issuers/")
		faketest.Equal(t, other+" Allow-Origin", r.Header.Get("Access-Control-Allow-Origin"), "*")
		faketest.Equal(t, other+" Allow-Credentials", r.Header.Get("Access-Control-Allow-Credentials"), "")
	}
	only := faketest.NewClient(t, fake.WithCORS("https://app.example"))
	r := preflightFrom(t, only, "https://evil.example", faketest.Base("acme")+"issuers/")
	faketest.Equal(t, "unlisted Allow-Origin", r.Header.Get("Access-Control-Allow-Origin"), "")
	faketest.Equal(t, "unlisted Allow-Headers", r.Header.Get("Access-Control-Allow-Headers"), "")
	star := faketest.NewClient(t)
	get := star.Must(t, 200, "GET", faketest.Base("acme")+"issuers/", nil, "Origin", "https://app.example")
	faketest.Equal(t, "default Allow-Origin", get.Header.Get("Access-Control-Allow-Origin"), "*")
	faketest.Equal(t, "default Allow-Credentials", get.Header.Get("Access-Control-Allow-Credentials"), "")
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
		c := faketest.NewClient(t, fake.WithCORS("*", "https://app.example"), fake.WithScenarioDefinition(sc, true))
		for i := 0; i < 5; i++ {
			c.Must(t, 200, "GET", faketest.Base("acme")+"issuers/", nil, fake.ScenarioHeader, "rate-limit", "Origin", origin)
		}
		r := c.Must(t, 429, "GET", faketest.Base("acme")+"issuers/", nil, fake.ScenarioHeader, "rate-limit", "Origin", origin)
		exposed := r.Header.Get("Access-Control-Expose-Headers")
		for _, h := range []string{"Retry-After", "WWW-Authenticate", fake.AppliedHeader} {
			if !strings.Contains(exposed, h) {
				t.Errorf("%s: 429 Expose-Headers = %q, want %s in it", origin, exposed, h)
			}
		}
		faketest.Equal(t, origin+" Retry-After", r.Header.Get("Retry-After"), "5")
		faketest.Equal(t, origin+" Allow-Origin on the 429", r.Header.Get("Access-Control-Allow-Origin") != "", true)
		r = c.Must(t, 503, "GET", faketest.Base("custom")+"issuers/", nil, "Origin", origin)
		if exposed := r.Header.Get("Access-Control-Expose-Headers"); !strings.Contains(exposed, "X-Upstream") ||
			strings.Count(exposed, "Retry-After") != 1 {
			t.Errorf("%s: scenario answer Expose-Headers = %q, want X-Upstream added and Retry-After once", origin, exposed)
		}
		// Without an Origin (not a browser) nothing is exposed.
		r = c.Must(t, 503, "GET", faketest.Base("custom")+"issuers/", nil)
		faketest.Equal(t, "no Origin: Expose-Headers", r.Header.Get("Access-Control-Expose-Headers"), "")
	}
}

// TestCORSPrivateNetworkPreflight: Chromium asks before a page on a public
// origin calls a loopback fake; the answer allows it.
func TestCORSPrivateNetworkPreflight(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	r := c.Do(t, "OPTIONS", faketest.Base("acme")+"issuers/", nil, "Authorization", "",
		"Origin", "https://staging.app.example", "Access-Control-Request-Method", "GET",
		"Access-Control-Request-Private-Network", "true")
	faketest.Equal(t, "Allow-Private-Network", r.Header.Get("Access-Control-Allow-Private-Network"), "true")
	r = preflightFrom(t, c, "https://staging.app.example", faketest.Base("acme")+"issuers/")
	faketest.Equal(t, "not asked: Allow-Private-Network", r.Header.Get("Access-Control-Allow-Private-Network"), "")
}

// TestAdminCORSStaysClosedAndCredentialFree: the vendor API's reflected
// headers and credentials never reach /_fake/: without
// WithAdminCORS a preflight there gets nothing, even from an origin the
// vendor API names; with it, the named origin gets a fixed header list
// and no credentials (the admin surface takes a bearer token, no cookie).
func TestAdminCORSStaysClosedAndCredentialFree(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithCORS("*", "https://app.example"))
	for _, origin := range []string{"https://app.example", "https://evil.example"} {
		r := preflightFrom(t, c, origin, "/_fake/reset")
		for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Headers"} {
			faketest.Equal(t, origin+" admin preflight "+h, r.Header.Get(h), "")
		}
		get := c.Must(t, 200, "GET", "/_fake/state", nil, "Origin", origin)
		faketest.Equal(t, origin+" admin GET Allow-Origin", get.Header.Get("Access-Control-Allow-Origin"), "")
		faketest.Equal(t, origin+" admin GET Expose-Headers", get.Header.Get("Access-Control-Expose-Headers"), "")
	}
	dash := faketest.NewClient(t, fake.WithAdminCORS("https://dash.test"))
	r := preflightFrom(t, dash, "https://dash.test", "/_fake/reset")
	faketest.Equal(t, "admin Allow-Origin", r.Header.Get("Access-Control-Allow-Origin"), "https://dash.test")
	faketest.Equal(t, "admin Allow-Headers", r.Header.Get("Access-Control-Allow-Headers"), "Authorization, Content-Type, Accept")
	faketest.Equal(t, "admin Allow-Credentials", r.Header.Get("Access-Control-Allow-Credentials"), "")
}
