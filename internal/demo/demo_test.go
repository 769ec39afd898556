package demo_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/state"
	"github.com/iblfake/iblfake/internal/demo"
)

// day is the fixed "today" the tests build the demo tenant for.
var day = time.Date(2026, 3, 18, 15, 4, 5, 0, time.UTC)

// build starts a fake (responses validated against the document) with the
// demo tenant built for seed and returns it with its export.
func build(t *testing.T, seed uint64, opts ...fake.Option) (*fake.TestServer, []byte) {
	t.Helper()
	srv := fake.NewTestServer(t, append([]fake.Option{fake.WithSeed(seed), fake.WithDemo(), fake.WithClockAt(day)}, opts...)...)
	st, err := srv.ExportState()
	if err != nil {
		t.Fatalf("ExportState: %v", err)
	}
	js, err := json.Marshal(st)
	if err != nil {
		t.Fatalf("marshal state: %v", err)
	}
	return srv, js
}

func TestDemoReproducible(t *testing.T) {
	_, a := build(t, 42)
	_, b := build(t, 42)
	if !bytes.Equal(a, b) {
		t.Fatalf("two demo builds with seed 42 export differently (%d and %d bytes)", len(a), len(b))
	}
	_, c := build(t, 43)
	if bytes.Equal(a, c) {
		t.Fatal("seeds 42 and 43 export the same state")
	}
}

// get sends an authenticated GET and decodes the JSON answer.
func get(t *testing.T, srv *fake.TestServer, path string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+path, nil)
	req.Header.Set("Authorization", "Api-Token k")
	resp, err := srv.Client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: status = %d, want 200; body %s", path, resp.StatusCode, raw)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return m
}

func TestDemoTenantShape(t *testing.T) {
	srv, state := build(t, 7)
	if n := len(srv.Journal().Entries()); n != 0 {
		t.Errorf("journal holds %d requests after the build, want none", n)
	}
	const base = "/api/credentials/orgs/" + demo.Org + "/users/admin/"
	issuers := get(t, srv, base+"issuers/")["result"].(map[string]any)
	if got := issuers["count"].(float64); got != 3 {
		t.Errorf("issuers = %v, want 3", got)
	}
	creds := get(t, srv, base+"?page_size=100")["result"].(map[string]any)["data"].([]any)
	courses := 0
	for _, c := range creds {
		for _, ref := range c.(map[string]any)["courses"].([]any) {
			if id := ref.(map[string]any)["course_id"].(string); strings.HasPrefix(id, "course-v1:"+demo.Org+"+") {
				courses++
			}
		}
	}
	if courses < 10 {
		t.Errorf("credentials tied to demo courses = %d, want at least 10", courses)
	}
	// The analytics have shape: assertions on many days over the months
	// before today, none dated today or later.
	ot := get(t, srv, base+"assertions-over-time/?include_main_platform=false")
	if total := ot["total"].(float64); total < 400 {
		t.Errorf("assertions total = %v, want at least 400", total)
	}
	days := ot["data"].(map[string]any)
	if len(days) < 100 {
		t.Errorf("assertions fall on %d days, want at least 100", len(days))
	}
	recent, early := 0.0, 0.0 // the last 60 days; days 120-180 before today
	for d, n := range days {
		when, _ := time.Parse(time.DateOnly, d)
		if !when.Before(day.Truncate(24 * time.Hour)) {
			t.Errorf("an assertion is dated %s, not before today %s", d, day.Format(time.DateOnly))
		}
		switch ago := day.Sub(when).Hours() / 24; {
		case ago <= 60:
			recent += n.(float64)
		case ago > 120 && ago <= 180:
			early += n.(float64)
		}
	}
	if recent <= 2*early {
		t.Errorf("assertions in the last 60 days = %v, days 120-180 ago = %v; want the tenant growing", recent, early)
	}
	if n := strings.Count(string(state), `"revoked":true`); n == 0 {
		t.Error("no revoked assertion")
	}
	// Accredible configured, course certificates mapped to its templates.
	cfg := get(t, srv, base+"provider-config/")["result"].(map[string]any)["data"].([]any)
	if len(cfg) != 1 || cfg[0].(map[string]any)["provider_name"] != "accredible" || cfg[0].(map[string]any)["enabled"] != true {
		t.Errorf("provider configs = %v, want Accredible, enabled", cfg)
	}
	if n := get(t, srv, base+"external-mapping/")["result"].(map[string]any)["count"].(float64); n < 3 {
		t.Errorf("external mappings = %v, want a few", n)
	}
	// Catalog: every license kind and invitations in every state.
	for _, kind := range []string{"platform", "course", "program", "user"} {
		if n := get(t, srv, "/api/catalog/licenses/"+kind+"/?platform_key="+demo.Org)["count"].(float64); n == 0 {
			t.Errorf("no %s license", kind)
		}
	}
	seen := map[string]int{}
	for _, kind := range []string{"platform", "course", "program"} {
		env := get(t, srv, "/api/catalog/invitations/"+kind+"/?platform_key="+demo.Org+"&page_size=100")
		for _, r := range env["results"].([]any) {
			iv := r.(map[string]any)
			exp, _ := iv["expired"].(string)
			expAt, _ := time.Parse(time.RFC3339Nano, exp)
			switch {
			case iv["active"] == false:
				seen["cancelled"]++
			case iv["email"] == nil && iv["username"] == nil:
				seen["blank"]++
			case iv["started"] != nil:
				seen["redeemed"]++
			case exp != "" && expAt.Before(day):
				seen["expired"]++
			case exp != "":
				seen["pending, expiring"]++
			default:
				seen["pending"]++
			}
		}
	}
	for _, state := range []string{"pending", "pending, expiring", "expired", "cancelled", "blank", "redeemed"} {
		if seen[state] == 0 {
			t.Errorf("no %s invitation (saw %v)", state, seen)
		}
	}
	if got := srv.Clock().Now(); !got.Equal(day) {
		t.Errorf("clock after the build = %v, want it restored to %v", got, day)
	}
}

func TestDemoClockRestoredWhenRunning(t *testing.T) {
	srv := fake.NewTestServer(t, fake.WithSeed(1), fake.WithDemo(), fake.WithClockOffset(-time.Hour))
	if srv.Clock().Frozen() || srv.Clock().Offset() != -time.Hour {
		t.Fatalf("clock after the build: frozen %v, offset %v; want running at -1h", srv.Clock().Frozen(), srv.Clock().Offset())
	}
}

func TestDemoNeedsAKeyForItsOrg(t *testing.T) {
	_, err := fake.New(fake.WithDemo(), fake.WithAPIKey("k", "acme"))
	if err == nil || !strings.Contains(err.Error(), "--api-key KEY="+demo.Org) {
		t.Fatalf("New = %v, want an error asking for a key bound to %q", err, demo.Org)
	}
	// With the admin surface protected too: the build sends the token.
	srv := fake.NewTestServer(t, fake.WithDemo(), fake.WithAPIKey("k", "acme", demo.Org), fake.WithAdminToken("s3cret"), fake.WithSeed(3))
	if get(t, srv, "/api/catalog/licenses/user/?platform_key="+demo.Org)["count"].(float64) == 0 {
		t.Fatal("no demo license built with a bound key")
	}
}

func TestDemoSkipsANonEmptyStore(t *testing.T) {
	srv, _ := build(t, 5)
	again, err := fake.New(fake.WithStore(srv.Store()), fake.WithDemo(), fake.WithSeed(6))
	if err != nil {
		t.Fatalf("New over a filled store: %v", err)
	}
	before, _ := srv.ExportState()
	after, _ := again.ExportState()
	a, _ := json.Marshal(before)
	b, _ := json.Marshal(after)
	if !bytes.Equal(a, b) {
		t.Fatal("a second demo build changed a store that already held state")
	}
}

func TestDemoAsFixture(t *testing.T) {
	// The demo tenant, exported and written as a YAML fixture, loads back
	// to the very same state.
	srv, want := build(t, 11)
	st, _ := srv.ExportState()
	y, err := state.MarshalYAML(st)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := state.ParseFixture("demo.yaml", y)
	if err != nil {
		t.Fatal(err)
	}
	dst := fake.NewTestServer(t)
	if err := dst.ImportState(parsed); err != nil {
		t.Fatal(err)
	}
	back, _ := dst.ExportState()
	got, _ := json.Marshal(back)
	if !bytes.Equal(got, want) {
		t.Fatalf("the demo tenant changed through a YAML fixture (%d bytes, want %d)", len(got), len(want))
	}
}
