package fake_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
	"github.com/iblfake/iblfake/scenarios"
)

// guessed is a rule as a newcomer writes it: "list" is the natural guess
// for the issuer list, whose id is drf-spectacular's "..._retrieve".
const guessed = "name: broken-list\nrules:\n  - name: garbled\n    match:\n      operation: credentials_orgs_users_issuers_list\n    fault: malformed_body\n"

// wantRefusal fails t unless msg is the refusal of guessed from file:
// the file, the operation's line, and the id that was meant.
func wantRefusal(t *testing.T, how, msg, file string) {
	t.Helper()
	if !strings.HasPrefix(msg, file+":5: ") {
		t.Errorf("%s: %q, want it to start with %s:5: (the operation's line)", how, msg, file)
	}
	if !strings.Contains(msg, "did you mean credentials_orgs_users_issuers_retrieve (GET /api/credentials/orgs/{org}/users/{user_id}/issuers/)") {
		t.Errorf("%s: %q, want credentials_orgs_users_issuers_retrieve suggested first", how, msg)
	}
}

// TestAScenarioNamingNoServedOperationIsRefusedEveryWayItLoads: a rule
// whose operation the served document lacks can never fire, so a fault
// injection test built on it would pass while injecting nothing. Every
// way a scenario reaches the fake refuses it with file, line and the
// closest ids: the --scenario file (WithScenarioFile), a definition from
// Go, POST /_fake/scenarios, the engine itself. A long-tail operation is
// an operation of the document too.
func TestAScenarioNamingNoServedOperationIsRefusedEveryWayItLoads(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "broken.yaml")
	if err := os.WriteFile(file, []byte(guessed), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := fake.New(fake.WithScenarioFile(file))
	if err == nil {
		t.Fatal("WithScenarioFile: a rule naming no served operation was loaded")
	}
	wantRefusal(t, "WithScenarioFile", err.Error(), file)

	sc, err := scenarios.Parse("defined.yaml", []byte(guessed))
	if err != nil {
		t.Fatal(err)
	}
	for _, active := range []bool{true, false} {
		_, err = fake.New(fake.WithScenarioDefinition(sc, active))
		var se *scenarios.Error
		if !errors.As(err, &se) {
			t.Fatalf("WithScenarioDefinition(active %v): %v, want a *scenarios.Error", active, err)
		}
		wantRefusal(t, "WithScenarioDefinition", err.Error(), "defined.yaml")
	}

	c := faketest.NewClient(t)
	r := c.Must(t, 400, "POST", "/_fake/scenarios?activate=true", faketest.RawBody{ContentType: "application/yaml", Data: guessed})
	detail, _ := r.Obj(t)["detail"].(string)
	wantRefusal(t, "POST /_fake/scenarios", detail, "request body")
	if c.Srv.Scenarios().Known("broken-list") {
		t.Error("the refused scenario is known to the engine")
	}

	if err := c.Srv.Scenarios().Add(sc); err == nil {
		t.Error("Scenarios().Add took a rule naming no served operation")
	}

	// What is served is accepted: a modelled id, a long-tail id (whatever
	// --long-tail says), and globs over either.
	for _, op := range []string{"credentials_orgs_users_issuers_retrieve", "ai_mentor_orgs_users_mcp_servers_list",
		"catalog_licenses_*_assignment*_create", "ai_mentor_*"} {
		ok, err := scenarios.Parse("ok.yaml", []byte("rules:\n  - match: {operation: \""+op+"\"}\n    respond: {status: 503}\n"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fake.New(fake.WithScenarioDefinition(ok, true), fake.WithLongTail(fake.LongTailUnavailable)); err != nil {
			t.Errorf("%s: %v, want it accepted", op, err)
		}
	}
	// A glob that matches nothing is refused too.
	glob, _ := scenarios.Parse("glob.yaml", []byte("rules:\n  - match: {operation: \"credentials_orgs_users_isuers_*\"}\n    respond: {status: 503}\n"))
	if _, err := fake.New(fake.WithScenarioDefinition(glob, true)); err == nil || !strings.Contains(err.Error(), "glob.yaml:2: ") {
		t.Errorf("a glob matching nothing: %v, want a refusal at glob.yaml:2", err)
	}
}

// TestSlowNetworkPlusAnOutageIsASlow503: a delay-only rule composes with
// a later rule that answers, whichever scenario was activated first; the
// journal and the X-Iblfake-Scenario header name both rules.
func TestSlowNetworkPlusAnOutageIsASlow503(t *testing.T) {
	t.Parallel()
	outage := "name: my-outage\nrules:\n  - name: down\n    match: {operation: credentials_orgs_users_issuers_retrieve}\n    respond:\n      status: 503\n      headers: {Retry-After: \"7\"}\n      body: {detail: \"Service temporarily unavailable, try again later.\"}\n"
	for _, order := range [][]string{{"slow-network", "my-outage"}, {"my-outage", "slow-network"}} {
		c := newSC(t)
		// Uploaded, as the dashboard and curl add one.
		resp, err := c.http.Post(c.srv.URL+"/_fake/scenarios", "application/yaml", strings.NewReader(outage))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("adding my-outage: %s", resp.Status)
		}
		for _, name := range order {
			c.must("POST", "/_fake/scenarios/"+name+"/activate", nil, 200)
		}
		start := time.Now()
		status, hdr, raw, err := c.call("GET", scBase+"/issuers/", nil)
		took := time.Since(start)
		if err != nil || status != 503 || hdr.Get("Retry-After") != "7" {
			t.Fatalf("%v: %d %s (Retry-After %q, %v), want the outage's 503", order, status, raw, hdr.Get("Retry-After"), err)
		}
		if took < 100*time.Millisecond {
			t.Errorf("%v: the 503 came after %s, want slow-network's 100-400 ms first", order, took)
		}
		applied := hdr.Get(fake.AppliedHeader)
		if !strings.Contains(applied, "slow-network/latency") || !strings.Contains(applied, "my-outage/down") {
			t.Errorf("%v: %s = %q, want both rules named", order, fake.AppliedHeader, applied)
		}
		entries := c.srv.Journal().Entries()
		if got := entries[len(entries)-1].Scenario; got != applied {
			t.Errorf("%v: journal names %q, header %q; want the same", order, got, applied)
		}
		// Another operation is only slow, and answered by its handler.
		status, hdr, _, _ = c.call("GET", scBase+"/", nil)
		if status != 200 || hdr.Get(fake.AppliedHeader) != "slow-network/latency" {
			t.Errorf("%v: credential list %d %q, want 200 delayed by slow-network only", order, status, hdr.Get(fake.AppliedHeader))
		}
	}
}
