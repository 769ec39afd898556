// Package frontend_test runs the vendor's own frontend data layer
// (@iblai/data-layer, pinned with its exact peers in js/package-lock.json)
// against a demo fake, as an app configures it: every one of its
// data-manager endpoints, classified by what the component that consumes
// it reads (TestDataLayerEndpoints), and the UI flows of the vendor's
// components replayed call by call (TestUIFlows). expected.json holds what
// must keep working; README.md says how to read and regenerate it.
package frontend_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/nodetest"
)

// jsDir holds the node project: package.json, package-lock.json and the
// harness.
const jsDir = "js"

// timeout bounds npm ci and one node run together.
const timeout = 4 * time.Minute

// demoSeed is the demo the harness runs against (--demo --seed 42).
const demoSeed = 42

// frontendKey is the API key the flows' fake binds to the demo tenant,
// which the app gets from the LMS token exchange (WithLMS) and sends as
// "Authorization: Token <key>".
const frontendKey = "frontend-demo-key"

// TestDataLayerEndpoints dispatches every data-manager endpoint of the
// data layer against a demo fake and fails when an endpoint that
// expected.json lists as working no longer works.
func TestDataLayerEndpoints(t *testing.T) {
	res := runHarness(t, "endpoints")
	exp := loadExpectations(t)
	checkEndpoints(t, res, exp)
}

// TestUIFlows replays the vendor components' flows and fails when a flow
// that expected.json expects to pass does not.
func TestUIFlows(t *testing.T) {
	res := runHarness(t, "flows")
	exp := loadExpectations(t)
	checkFlows(t, res, exp)
}

// runHarness starts a demo fake for mode ("endpoints" or "flows"), runs
// the harness against it and returns what it found.
func runHarness(t *testing.T, mode string) *results {
	t.Helper()
	js := nodetest.Find(t, jsDir, "the frontend data layer against the fake")
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	js.Install(ctx, t)

	// The app's lmsUrl is the fake too (WithLMS): it boots from the fake alone.
	opts := []fake.Option{fake.WithDemo(), fake.WithSeed(demoSeed), fake.WithJournalSize(100_000), fake.WithLMS()}
	if mode == "flows" {
		// The flows boot the app as a tenant's user does: the token comes
		// from the fake's LMS, bound to the demo tenant.
		opts = append(opts, fake.WithAPIKey(frontendKey, "demo"))
	}
	srv := fake.NewTestServer(t, opts...)
	plan := writePlan(t, srv, "demo")
	out := filepath.Join(t.TempDir(), "results.json")
	if dir := os.Getenv("IBLFAKE_FRONTEND_OUT"); dir != "" {
		out = filepath.Join(dir, "frontend-"+mode+".json")
	}
	cmd := js.Command(ctx, "--import", "./expose.mjs", "run.mjs", mode)
	cmd.Env = append(os.Environ(), "IBLFAKE_URL="+srv.URL, "IBLFAKE_PLAN="+plan, "IBLFAKE_RESULTS="+out,
		"IBLFAKE_FRONTEND_KEY="+frontendKey, "IBLFAKE_LMS=1", "NO_COLOR=1")
	start := time.Now()
	output := js.Run(t, cmd)
	if m := regexp.MustCompile(`(?m)^frontend: .*$`).Find(output); m != nil {
		t.Logf("%s (%s)", m, time.Since(start).Round(100*time.Millisecond))
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("the harness wrote no results: %v\n%s", err, output)
	}
	var res results
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatalf("results %s: %v", out, err)
	}
	return &res
}
