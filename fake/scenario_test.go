package fake_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/scenarios"
)

// scClient drives a fake over its real socket (faults need one).
type scClient struct {
	t    *testing.T
	srv  *fake.TestServer
	http *http.Client
}

func newSC(t *testing.T, opts ...fake.Option) *scClient {
	t.Helper()
	srv := fake.NewTestServer(t, opts...)
	return &scClient{t: t, srv: srv, http: &http.Client{Timeout: 5 * time.Second}}
}

// call sends a request and returns the status and body; err is the
// transport error (faults).
func (c *scClient) call(method, path string, body any, hdr ...string) (int, http.Header, []byte, error) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, c.srv.URL+path, rd)
	req.Header.Set("Authorization", "Api-Token k")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, raw, err
}

func (c *scClient) must(method, path string, body any, want int, hdr ...string) map[string]any {
	c.t.Helper()
	status, _, raw, err := c.call(method, path, body, hdr...)
	if err != nil || status != want {
		c.t.Fatalf("%s %s: status=%d err=%v body=%s, want %d", method, path, status, err, raw, want)
	}
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return out
}

const scBase = "/api/credentials/orgs/acme/users/admin"

// seed creates an issuer, a credential and one assertion to alice.
func (c *scClient) seed() (cred, assertion string) {
	is := c.must("POST", scBase+"/issuers/", map[string]any{"name": "Acme"}, 200)["result"].(map[string]any)["entityId"]
	cred = c.must("POST", scBase+"/", map[string]any{"name": "C", "issuer": is}, 200)["result"].(map[string]any)["entityId"].(string)
	assertion = c.must("POST", scBase+"/"+cred+"/assertions/", map[string]any{"recipient": map[string]any{"identity": "alice"}}, 200)["entityId"].(string)
	return cred, assertion
}

func TestScenarioPublicRevokedIsDefaultOnAndCanBeTurnedOff(t *testing.T) {
	t.Parallel()
	c := newSC(t)
	_, a := c.seed()
	c.must("PUT", scBase+"/assertions/"+a, map[string]any{"revoked": true, "revocationReason": "issued in error"}, 200)
	public := "/api/credentials/public/assertions/" + a + "/"
	body := c.must("GET", public, nil, 404)
	if body["revocationReason"] != "issued in error" || body["detail"] == nil {
		t.Fatalf("revoked body=%v", body)
	}
	entries := c.srv.Journal().Entries()
	if got := entries[len(entries)-1].Scenario; got != "public-revoked-assertion/revoked-is-404" {
		t.Fatalf("journal scenario=%q", got)
	}
	c.must("POST", "/_fake/scenarios/public-revoked-assertion/deactivate", nil, 200)
	if got := c.must("GET", public, nil, 200)["revoked"]; got != true {
		t.Fatalf("with the scenario off, revoked=%v", got)
	}
	// Unknown assertions stay a 404 with an empty body either way.
	if status, _, raw, _ := c.call("GET", "/api/credentials/public/assertions/nope/", nil); status != 404 || len(raw) != 0 {
		t.Fatalf("unknown: %d %q", status, raw)
	}
}

func TestScenarioFileFromStartUp(t *testing.T) {
	t.Parallel()
	c := newSC(t, fake.WithScenarioFile("../testdata/scenarios/flaky-create.yaml"))
	is := c.must("POST", scBase+"/issuers/", map[string]any{"name": "Acme"}, 200)["result"].(map[string]any)["entityId"]
	body := map[string]any{"name": "C", "issuer": is}
	for i := 0; i < 2; i++ {
		status, hdr, _, _ := c.call("POST", scBase+"/", body)
		if status != 503 || hdr.Get("Retry-After") != "5" {
			t.Fatalf("create %d: %d Retry-After=%q, want 503 5", i, status, hdr.Get("Retry-After"))
		}
	}
	c.must("POST", scBase+"/", body, 200)
	// Another tenant is not matched.
	c.must("POST", "/api/credentials/orgs/other/users/admin/issuers/", map[string]any{"name": "O"}, 200)
	// params: only page_size=100 is slowed, and then answered normally.
	start := time.Now()
	c.must("GET", scBase+"/?page_size=100", nil, 200)
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("page_size=100 answered in %s, want >= 150ms", d)
	}
	if e := c.srv.Journal().Entries(); e[len(e)-1].Scenario == "" {
		t.Fatalf("the delayed request's journal entry names no rule")
	}
	// Other page sizes are not matched: the journal says no rule answered
	// (a wall-clock bound here would flake on a loaded CI machine).
	c.must("GET", scBase+"/?page_size=10", nil, 200)
	entries := c.srv.Journal().Entries()
	if got := entries[len(entries)-1].Scenario; got != "" {
		t.Fatalf("page_size=10 answered by %q, want no rule", got)
	}
}

func TestScenarioBuiltins(t *testing.T) {
	t.Parallel()
	t.Run("rate-limit per request header", func(t *testing.T) {
		c := newSC(t)
		for i := 0; i < 5; i++ {
			c.must("GET", scBase+"/", nil, 200, fake.ScenarioHeader, "rate-limit")
		}
		status, hdr, raw, _ := c.call("GET", scBase+"/", nil, fake.ScenarioHeader, "rate-limit")
		if status != 429 || hdr.Get("Retry-After") != "5" || !strings.Contains(string(raw), "throttled") {
			t.Fatalf("6th: %d %q %s", status, hdr.Get("Retry-After"), raw)
		}
		// Without the header the same fake answers normally.
		c.must("GET", scBase+"/", nil, 200)
	})
	t.Run("expired-credentials", func(t *testing.T) {
		c := newSC(t, fake.WithScenario("expired-credentials"))
		status, hdr, raw, _ := c.call("GET", scBase+"/", nil)
		if status != 401 || hdr.Get("Www-Authenticate") != "Token" || string(raw) != `{"detail":"Invalid token."}` {
			t.Fatalf("%d %v %s", status, hdr, raw)
		}
	})
	t.Run("permission-loss", func(t *testing.T) {
		c := newSC(t, fake.WithScenario("permission-loss"))
		c.must("GET", scBase+"/", nil, 403)
	})
	t.Run("intermittent-5xx", func(t *testing.T) {
		c := newSC(t, fake.WithScenario("intermittent-5xx"))
		n503 := 0
		for i := 0; i < 80; i++ {
			status, _, _, _ := c.call("GET", scBase+"/", nil)
			if status == 503 {
				n503++
			} else if status != 200 {
				t.Fatalf("status %d", status)
			}
		}
		if n503 < 8 || n503 > 35 {
			t.Fatalf("%d of 80 failed at p=0.25", n503)
		}
	})
	t.Run("slow-network", func(t *testing.T) {
		c := newSC(t, fake.WithScenario("slow-network"))
		start := time.Now()
		c.must("GET", scBase+"/", nil, 200)
		if d := time.Since(start); d < 100*time.Millisecond {
			t.Fatalf("answered in %s", d)
		}
	})
	t.Run("seat-exhaustion", func(t *testing.T) {
		c := newSC(t, fake.WithScenario("seat-exhaustion"))
		body := c.must("POST", "/api/catalog/licenses/user/assignment/?license_id=1", map[string]any{"license_id": 1, "email": "a@b.co"}, 400)
		if !strings.Contains(body["detail"].(string), "seats") {
			t.Fatalf("body=%v", body)
		}
	})
	t.Run("connection-drops", func(t *testing.T) {
		c := newSC(t, fake.WithScenario("connection-drops"))
		drops := 0
		for i := 0; i < 30; i++ {
			if _, _, _, err := c.call("GET", scBase+"/", nil); err != nil {
				drops++
			}
		}
		if drops == 0 || drops == 30 {
			t.Fatalf("%d of 30 dropped at p=0.34", drops)
		}
	})
}

func TestScenarioFaults(t *testing.T) {
	t.Parallel()
	def := func(fault, extra string) fake.Option {
		sc, err := scenarios.Parse("f.yaml", []byte("name: f\nrules:\n  - match: {operation: credentials_orgs_users_retrieve}\n    fault: "+fault+"\n"+extra))
		if err != nil {
			t.Fatal(err)
		}
		return fake.WithScenarioDefinition(sc, true)
	}
	t.Run("connection_reset", func(t *testing.T) {
		c := newSC(t, def("connection_reset", ""))
		_, _, _, err := c.call("GET", scBase+"/", nil)
		if err == nil || !(strings.Contains(err.Error(), "reset") || strings.Contains(err.Error(), "EOF")) {
			t.Fatalf("err=%v, want a reset", err)
		}
		c.must("GET", scBase+"/issuers/", nil, 200) // the fake keeps serving
	})
	t.Run("empty_response", func(t *testing.T) {
		c := newSC(t, def("empty_response", ""))
		if _, _, _, err := c.call("GET", scBase+"/", nil); err == nil || !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "EOF") {
			t.Fatalf("err=%v, want EOF", err)
		}
	})
	t.Run("malformed_body", func(t *testing.T) {
		c := newSC(t, def("malformed_body", ""))
		status, hdr, raw, err := c.call("GET", scBase+"/", nil)
		var v any
		if err != nil || status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") || json.Unmarshal(raw, &v) == nil {
			t.Fatalf("%d %q %s %v: want 200 JSON that does not parse", status, hdr.Get("Content-Type"), raw, err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		c := newSC(t, def("timeout", "    respond: {delay: 2s}\n"))
		c.http.Timeout = 200 * time.Millisecond
		start := time.Now()
		_, _, _, err := c.call("GET", scBase+"/", nil)
		if err == nil || time.Since(start) < 200*time.Millisecond {
			t.Fatalf("err=%v after %s, want a client timeout", err, time.Since(start))
		}
	})
}

func TestScenarioAdminAndHeaderErrors(t *testing.T) {
	t.Parallel()
	c := newSC(t)
	req, _ := http.NewRequest("POST", c.srv.URL+"/_fake/scenarios?activate=true",
		strings.NewReader("name: down\nrules:\n  - match: {method: DELETE}\n    respond: {status: 500, body: {detail: boom}}\n"))
	req.Header.Set("Content-Type", "application/yaml")
	resp, err := c.http.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("upload: %v %v", resp, err)
	}
	resp.Body.Close()
	c.must("DELETE", scBase+"/nope", nil, 500)
	list := c.must("GET", "/_fake/scenarios", nil, 200)["scenarios"].([]any)
	first := list[0].(map[string]any)
	rule := first["rules"].([]any)[0].(map[string]any)
	if first["name"] != "public-revoked-assertion" && first["name"] != "down" || rule["applied"] == nil {
		t.Fatalf("list=%v", list[0])
	}
	// A malformed upload names the line.
	req, _ = http.NewRequest("POST", c.srv.URL+"/_fake/scenarios", strings.NewReader("rules:\n  - fault: nope\n"))
	resp, _ = c.http.Do(req)
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(raw), "request body:2: unknown fault") {
		t.Fatalf("malformed upload: %d %s", resp.StatusCode, raw)
	}
	// An unknown scenario in the header is a clear 400.
	body := c.must("GET", scBase+"/", nil, 400, fake.ScenarioHeader, "nope")
	if !strings.Contains(body["detail"].(string), `Unknown scenario "nope"`) {
		t.Fatalf("body=%v", body)
	}
	c.must("POST", "/_fake/scenarios/nope/activate", nil, 404)
}
