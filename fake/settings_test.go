package fake_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/faketest"
)

// outage is a scenario a laptop user uploads.
const outage = `name: my-outage
rules:
  - match: {operation: ai_mentor_orgs_users_mcp_servers_list}
    respond: {status: 503}
`

// scenarioStates is GET /_fake/scenarios as name -> active.
func scenarioStates(t *testing.T, c *faketest.Client) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, s := range c.Must(t, 200, "GET", "/_fake/scenarios", nil).Obj(t)["scenarios"].([]any) {
		sc := s.(map[string]any)
		out[sc["name"].(string)] = sc["active"].(bool)
	}
	return out
}

// restart opens path again and starts a fake on it, as the command does
// after a stop.
func restart(t *testing.T, path string, opts ...fake.Option) *faketest.Client {
	t.Helper()
	b, err := store.OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	return faketest.NewClient(t, append(opts, fake.WithStore(b))...)
}

// TestALaptopFakeComesBackAsItWasLeft: with --db, the scenarios uploaded
// (admin API and dashboard) and switched at runtime and the clock moved
// survive a restart (before: all lost); the command line's scenarios stay
// under what was switched since; a state import keeps them; a reset sets
// the clock back and keeps the scenarios; and none of it is state (no
// export shows it).
func TestALaptopFakeComesBackAsItWasLeft(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "iblfake.db")
	flagFile := filepath.Join(dir, "flagged.yaml")
	if err := os.WriteFile(flagFile, []byte("name: flagged\nrules: [{match: {method: DELETE}, respond: {delay: 1ms}}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The command line, every start.
	opts := []fake.Option{fake.WithScenario("rate-limit"), fake.WithScenarioFile(flagFile)}

	c := restart(t, path, opts...)
	// An upload of the --scenario file's name: after a restart the file wins.
	c.Must(t, 200, "POST", "/_fake/scenarios", faketest.RawBody{ContentType: "application/yaml",
		Data: "name: flagged\nrules: [{match: {method: PUT}, respond: {delay: 1ms}}]\n"})
	c.Must(t, 200, "POST", "/_fake/scenarios?activate=true", faketest.RawBody{ContentType: "application/yaml", Data: outage})
	c.Must(t, 200, "POST", "/_fake/ui/scenarios?file=later.yaml", faketest.RawBody{ContentType: "application/yaml",
		Data: "rules: [{match: {method: GET}, respond: {delay: 1ms}}]\n"})
	c.Must(t, 200, "POST", "/_fake/scenarios/slow-network/activate", nil)
	c.Must(t, 200, "POST", "/_fake/scenarios/public-revoked-assertion/deactivate", nil)
	c.Must(t, 200, "POST", "/_fake/scenarios/rate-limit/deactivate", nil)
	c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": "1h"})
	c.CreateIssuer(t, "acme", "State")
	st := exportOf(t, c, "")
	if _, ok := st.Buckets["fake.settings"]; ok {
		t.Error("GET /_fake/state exports the fake's settings")
	}
	c.Srv.Close()

	c = restart(t, path, opts...)
	faketest.Equal(t, "scenarios after a restart", scenarioStates(t, c), map[string]bool{
		"my-outage": true, "later": false, "slow-network": true, "public-revoked-assertion": false, "rate-limit": false,
		"intermittent-5xx": false, "expired-credentials": false, "permission-loss": false, "seat-exhaustion": false, "connection-drops": false,
		"flagged": true,
	})
	for _, s := range c.Must(t, 200, "GET", "/_fake/scenarios", nil).Obj(t)["scenarios"].([]any) {
		if sc := s.(map[string]any); sc["name"] == "flagged" && sc["source"] != flagFile {
			t.Errorf("flagged comes from %v after a restart, want the --scenario file %s", sc["source"], flagFile)
		}
	}
	if off := c.Srv.Clock().Offset(); off < time.Hour-time.Minute || off > time.Hour+time.Minute {
		t.Errorf("clock offset after a restart = %v, want 1h", off)
	}
	// A state import (everything) keeps the settings.
	c.Must(t, 200, "PUT", "/_fake/state", st)
	c.Srv.Close()

	c = restart(t, path, opts...)
	faketest.Equal(t, "my-outage after an import and a restart", scenarioStates(t, c)["my-outage"], true)
	// A reset sets the clock back to its start-up setting, for this start
	// and the next, and keeps the scenarios.
	c.Must(t, 200, "POST", "/_fake/reset?to=empty", nil)
	c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"now": "2026-05-01T00:00:00Z"})
	c.Srv.Close()

	c = restart(t, path, opts...)
	if !c.Srv.Clock().Frozen() || !c.Srv.Clock().Now().Equal(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("the frozen clock came back as %v (frozen %v)", c.Srv.Clock().Now(), c.Srv.Clock().Frozen())
	}
	c.Must(t, 200, "POST", "/_fake/reset", nil)
	c.Srv.Close()

	c = restart(t, path, opts...)
	if c.Srv.Clock().Frozen() || c.Srv.Clock().Offset() != 0 {
		t.Errorf("after a reset and a restart the clock is %v (offset %v), want real time", c.Srv.Clock().Now(), c.Srv.Clock().Offset())
	}
	faketest.Equal(t, "scenarios after a reset and a restart", scenarioStates(t, c)["my-outage"], true)
	for _, q := range []string{"", "?tenant=acme"} {
		if _, ok := exportOf(t, c, q).Buckets["fake.settings"]; ok {
			t.Errorf("GET /_fake/state%s exports the fake's settings", q)
		}
	}
}
