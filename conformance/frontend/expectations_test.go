package frontend_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
)

// expectedFile is what must keep working: the endpoints that work and the
// flows expected to pass, with the reason for each flow expected to fail.
const expectedFile = "expected.json"

// updateEnv, set to 1, rewrites expectedFile from the run instead of
// checking it (README.md).
const updateEnv = "IBLFAKE_UPDATE_FRONTEND"

// results is what js/run.mjs writes.
type results struct {
	Counts    map[string]int `json:"counts"`
	Endpoints []struct {
		ID      string   `json:"id"` // slice.endpoint
		Class   string   `json:"class"`
		Reasons []string `json:"reasons"`
	} `json:"endpoints"`
	Flows []struct {
		Name   string `json:"name"`
		Passes bool   `json:"passes"`
		// FailedAt is the step that failed and why.
		FailedAt string `json:"failed_at"`
	} `json:"flows"`
}

// expectations is expectedFile.
type expectations struct {
	Comment          string         `json:"comment"`
	EndpointsWorking []string       `json:"endpoints_working"`
	Flows            []expectedFlow `json:"flows"`
}

// expectedFlow is one flow: Pass, or expected to fail for Reason (a flow
// whose fix lives elsewhere is flipped to pass when it lands).
type expectedFlow struct {
	Name   string `json:"name"`
	Pass   bool   `json:"pass"`
	Reason string `json:"reason,omitempty"`
}

const expectationsComment = "What the vendor's data layer must keep doing against the demo fake " +
	"(conformance/frontend/README.md). Regenerate: IBLFAKE_UPDATE_FRONTEND=1 go test ./conformance/frontend/"

// fileMu serialises the two tests' updates of expectedFile.
var fileMu sync.Mutex

func loadExpectations(t *testing.T) *expectations {
	t.Helper()
	fileMu.Lock()
	defer fileMu.Unlock()
	raw, err := os.ReadFile(expectedFile)
	if err != nil {
		t.Fatal(err)
	}
	var e expectations
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatalf("%s: %v", expectedFile, err)
	}
	return &e
}

// checkEndpoints fails t for every endpoint expected to work that does not
// (or is not in the run at all), and reports the ones that newly work.
func checkEndpoints(t *testing.T, res *results, exp *expectations) {
	t.Helper()
	class := map[string]string{}
	var working []string
	for _, e := range res.Endpoints {
		class[e.ID] = e.Class
		if e.Class == "works" {
			working = append(working, e.ID)
		}
	}
	if os.Getenv(updateEnv) == "1" {
		updateExpectations(t, func(e *expectations) { e.EndpointsWorking = working })
		t.Logf("%s: %d endpoints working", expectedFile, len(working))
		return
	}
	for _, id := range exp.EndpointsWorking {
		switch c, ok := class[id]; {
		case !ok:
			t.Errorf("%s: the run has no endpoint %s", expectedFile, id)
		case c != "works":
			reasons := ""
			for _, e := range res.Endpoints {
				if e.ID == id {
					reasons = strings.Join(e.Reasons, "; ")
				}
			}
			t.Errorf("%s no longer works: %s (%s)", id, c, reasons)
		}
	}
	for _, id := range working {
		if !slices.Contains(exp.EndpointsWorking, id) {
			t.Logf("newly works: %s (regenerate %s: %s=1)", id, expectedFile, updateEnv)
		}
	}
}

// checkFlows fails t for every flow expected to pass that does not, and
// for a flow of the run expectedFile does not list (or the reverse);
// a flow expected to fail that passes is reported, to be flipped.
func checkFlows(t *testing.T, res *results, exp *expectations) {
	t.Helper()
	want := map[string]expectedFlow{}
	for _, f := range exp.Flows {
		want[f.Name] = f
	}
	passed := 0
	for _, f := range res.Flows {
		if f.Passes {
			passed++
		}
	}
	t.Logf("flows end to end: %d of %d", passed, len(res.Flows))
	if os.Getenv(updateEnv) == "1" {
		updateExpectations(t, func(e *expectations) {
			var flows []expectedFlow
			for _, f := range res.Flows {
				ef := expectedFlow{Name: f.Name, Pass: f.Passes}
				if !f.Passes {
					ef.Reason = want[f.Name].Reason
					if ef.Reason == "" {
						ef.Reason = f.FailedAt
					}
				}
				flows = append(flows, ef)
			}
			e.Flows = flows
		})
		return
	}
	seen := map[string]bool{}
	for _, f := range res.Flows {
		seen[f.Name] = true
		w, ok := want[f.Name]
		switch {
		case !ok:
			t.Errorf("%s lists no flow %q", expectedFile, f.Name)
		case w.Pass && !f.Passes:
			t.Errorf("flow %q no longer passes: %s", f.Name, f.FailedAt)
		case !w.Pass && f.Passes:
			t.Logf("flow %q now passes (expected to fail: %s): flip it in %s", f.Name, w.Reason, expectedFile)
		case !w.Pass:
			t.Logf("flow %q fails as expected (%s): %s", f.Name, w.Reason, f.FailedAt)
		}
	}
	for _, f := range exp.Flows {
		if !seen[f.Name] {
			t.Errorf("%s lists flow %q, which the run has not", expectedFile, f.Name)
		}
	}
}

// updateExpectations rewrites expectedFile with change applied.
func updateExpectations(t *testing.T, change func(*expectations)) {
	t.Helper()
	fileMu.Lock()
	defer fileMu.Unlock()
	var e expectations
	if raw, err := os.ReadFile(expectedFile); err == nil {
		_ = json.Unmarshal(raw, &e)
	}
	change(&e)
	e.Comment = expectationsComment
	slices.Sort(e.EndpointsWorking)
	raw, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(expectedFile, append(raw, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
