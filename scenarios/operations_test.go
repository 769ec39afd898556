package scenarios

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// served is a small document's operations, named as drf-spectacular names
// the vendor's.
var served = []Operation{
	{ID: "credentials_orgs_users_create", Method: "POST", Path: "/api/credentials/orgs/{org}/users/{user_id}/"},
	{ID: "credentials_orgs_users_issuers_create", Method: "POST", Path: "/api/credentials/orgs/{org}/users/{user_id}/issuers/"},
	{ID: "credentials_orgs_users_issuers_destroy", Method: "DELETE", Path: "/api/credentials/orgs/{org}/users/{user_id}/issuers/{entity_id}"},
	{ID: "credentials_orgs_users_issuers_retrieve", Method: "GET", Path: "/api/credentials/orgs/{org}/users/{user_id}/issuers/"},
	{ID: "credentials_orgs_users_issuers_retrieve_2", Method: "GET", Path: "/api/credentials/orgs/{org}/users/{user_id}/issuers/{entity_id}"},
	{ID: "credentials_orgs_users_issuers_update", Method: "PUT", Path: "/api/credentials/orgs/{org}/users/{user_id}/issuers/{entity_id}"},
	{ID: "credentials_public_assertions_retrieve", Method: "GET", Path: "/api/credentials/public/assertions/{entity_id}/"},
	{ID: "ai_mentor_orgs_users_mcp_servers_list", Method: "GET", Path: "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/"},
}

func parse(t *testing.T, src string) *Scenario {
	t.Helper()
	sc, err := Parse("mine.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestAnOperationThatIsNotServedIsRefusedWithTheClosestIDs: a rule naming
// an operation the document lacks could never apply, so a fault injection
// test built on it would pass while injecting nothing. It is refused with
// the file, the operation's line and the ids the author most likely meant.
func TestAnOperationThatIsNotServedIsRefusedWithTheClosestIDs(t *testing.T) {
	ops := NewOperations(served)
	cases := []struct {
		name, match string
		first       string // the first suggestion
	}{
		// The natural guess for a list: drf-spectacular calls it _retrieve.
		{"ListIsRetrieve", "{operation: credentials_orgs_users_issuers_list}", "credentials_orgs_users_issuers_retrieve"},
		{"Typo", "{operation: credentials_org_users_create}", "credentials_orgs_users_create"},
		// With a method, the method decides among the resource's ids.
		{"MethodDecides", "{operation: credentials_orgs_users_issuers_remove, method: DELETE}", "credentials_orgs_users_issuers_destroy"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc := parse(t, "name: s\nrules:\n  - name: boom\n    match: "+c.match+"\n    respond: {status: 503}\n")
			err := CheckOperations(sc, ops)
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("CheckOperations = %v, want a *Error", err)
			}
			if se.File != "mine.yaml" || se.Line != 4 {
				t.Errorf("refusal at %s:%d, want mine.yaml:4 (the match line)", se.File, se.Line)
			}
			if !strings.Contains(se.Reason, "did you mean "+c.first+" (") {
				t.Errorf("refusal %q does not suggest %s first", err, c.first)
			}
			if !strings.Contains(se.Reason, `rule "boom"`) {
				t.Errorf("refusal %q does not name the rule", err)
			}
		})
	}
	// Nothing close: no suggestion rather than noise.
	sc := parse(t, "rules:\n  - match: {operation: zzzzzzzzzzzzzzzzzzzz}\n    respond: {status: 503}\n")
	if err := CheckOperations(sc, ops); err == nil || strings.Contains(err.Error(), "did you mean") {
		t.Errorf("a far-off id: %v, want a refusal without suggestions", err)
	}
}

// TestAGlobMustMatchAnOperation: a pattern is checked too, and one that
// matches any served operation (the long tail's included) passes.
func TestAGlobMustMatchAnOperation(t *testing.T) {
	ops := NewOperations(served)
	bad := parse(t, "rules:\n  - match: {operation: \"credentials_orgs_users_isuers_*\"}\n    respond: {status: 503}\n")
	err := CheckOperations(bad, ops)
	if err == nil || !strings.Contains(err.Error(), "mine.yaml:2:") || !strings.Contains(err.Error(), "matches no operation") {
		t.Fatalf("a glob matching nothing: %v, want mine.yaml:2: ... matches no operation", err)
	}
	if !strings.Contains(err.Error(), "credentials_orgs_users_issuers_") {
		t.Errorf("refusal %q suggests nothing near the pattern", err)
	}
	for _, good := range []string{"credentials_orgs_users_issuers_*", "*_mcp_servers_list", "*", "credentials_public_assertions_retrieve"} {
		sc := parse(t, "rules:\n  - match: {operation: \""+good+"\"}\n    respond: {status: 503}\n")
		if err := CheckOperations(sc, ops); err != nil {
			t.Errorf("%s: %v, want it accepted", good, err)
		}
	}
}

// TestEngineAddChecksOperationsOnlyOnceRequired: with RequireOperations
// every Add checks (and a refused replacement leaves the known scenario
// as it was); the list is built once, and never for scenarios that name
// no operation. Without it, Add checks nothing.
func TestEngineAddChecksOperationsOnlyOnceRequired(t *testing.T) {
	calls := 0
	e := NewEngine()
	if err := e.Add(parse(t, "name: x\nrules:\n  - match: {operation: nope}\n    respond: {status: 503}\n")); err != nil {
		t.Fatalf("without RequireOperations: %v, want no check", err)
	}
	e.RequireOperations(func() []Operation { calls++; return served })
	if err := e.Add(parse(t, "name: p\nrules:\n  - match: {path: /api/*}\n    respond: {status: 503}\n")); err != nil || calls != 0 {
		t.Fatalf("a path-only scenario: err %v, %d lists built; want accepted without building the list", err, calls)
	}
	good := parse(t, "name: s\nrules:\n  - match: {operation: credentials_orgs_users_issuers_retrieve}\n    respond: {status: 503}\n")
	if err := e.Add(good); err != nil {
		t.Fatal(err)
	}
	if err := e.Activate("s"); err != nil {
		t.Fatal(err)
	}
	bad := parse(t, "name: s\nrules:\n  - match: {operation: credentials_orgs_users_issuers_list}\n    respond: {status: 418}\n")
	if err := e.Add(bad); err == nil {
		t.Fatal("Add accepted a rule naming no served operation")
	}
	if d := e.Match(req("credentials_orgs_users_issuers_retrieve"), BeforeAuth); d == nil || d.Respond.Status != 503 {
		t.Fatalf("after a refused replacement the scenario answers %+v, want the first one's 503", d)
	}
	if calls != 1 {
		t.Errorf("the operation list was built %d times, want once", calls)
	}
}

// compose returns an engine with the scenarios activated in order.
func compose(t *testing.T, sources ...string) *Engine {
	return mustEngine(t, true, sources...)
}

const (
	slowSrc   = "name: slow\nrules:\n  - name: latency\n    match: {path: /api/*}\n    respond: {delay: 150ms, headers: {X-Slow: \"yes\", Retry-After: \"99\"}}\n"
	outageSrc = "name: outage\nrules:\n  - name: down\n    match: {operation: op}\n    respond: {status: 503, headers: {Retry-After: \"5\"}}\n"
)

// TestADelayOnlyRuleComposesWithAnAnswerInEitherOrder: slow-network plus
// an outage is a slow 503 whichever was activated first; the answer's
// headers win a conflict, and both rules count the request.
func TestADelayOnlyRuleComposesWithAnAnswerInEitherOrder(t *testing.T) {
	for _, order := range [][]string{{slowSrc, outageSrc}, {outageSrc, slowSrc}} {
		e := compose(t, order...)
		d := e.Match(req("op"), BeforeAuth)
		if d == nil || d.Respond == nil || d.Respond.Status != 503 {
			t.Fatalf("order %q: decision %+v, want the outage's 503", order[0][:10], d)
		}
		if d.Delay != 150*time.Millisecond {
			t.Errorf("order %q: delay %s, want the slow rule's 150ms", order[0][:10], d.Delay)
		}
		if d.Scenario != "outage" || d.Rule != "down" {
			t.Errorf("order %q: answered by %s/%s, want outage/down", order[0][:10], d.Scenario, d.Rule)
		}
		if d.Headers["Retry-After"] != "5" || d.Headers["X-Slow"] != "yes" {
			t.Errorf("order %q: headers %v, want the answer's Retry-After and the delay's X-Slow", order[0][:10], d.Headers)
		}
		if len(d.Applied) != 2 {
			t.Errorf("order %q: applied %v, want both rules", order[0][:10], d.Applied)
		}
		_, lat := ruleInfo(t, e, "slow", "latency")
		_, down := ruleInfo(t, e, "outage", "down")
		if lat.Applied != 1 || down.Applied != 1 {
			t.Errorf("order %q: applied counters latency %d, down %d; want 1 and 1", order[0][:10], lat.Applied, down.Applied)
		}
	}
	// A request the outage does not match is only slow.
	e := compose(t, slowSrc, outageSrc)
	if d := e.Match(req("other"), BeforeAuth); d == nil || d.Respond.Status != 0 || d.Delay != 150*time.Millisecond {
		t.Fatalf("other operation: %+v, want the delay alone", d)
	}
}

// TestTheFirstAnswerWinsAndLaterAnswersAreNotCounted: among rules that
// answer, the first in precedence decides and the later ones do not see
// the request (their after/times are not spent); delays add up, within a
// scenario too; a timeout's delay is its own.
func TestTheFirstAnswerWinsAndLaterAnswersAreNotCounted(t *testing.T) {
	e := compose(t, outageSrc,
		"name: teapot\nrules:\n  - name: tea\n    match: {operation: op}\n    times: 1\n    respond: {status: 418}\n",
		"name: both\nrules:\n  - name: d1\n    respond: {delay: 10ms}\n  - name: d2\n    respond: {delay: 20ms, prefer: code=404}\n")
	d := e.Match(req("op"), BeforeAuth)
	if d.Respond.Status != 503 || d.Delay != 30*time.Millisecond || d.Prefer != "code=404" {
		t.Fatalf("decision status %d delay %s prefer %q, want 503 after 10ms+20ms with code=404", d.Respond.Status, d.Delay, d.Prefer)
	}
	if _, tea := ruleInfo(t, e, "teapot", "tea"); tea.Matched != 0 {
		t.Errorf("the later answering rule counted %d matches, want 0", tea.Matched)
	}
	if err := e.Deactivate("outage"); err != nil {
		t.Fatal(err)
	}
	if d := e.Match(req("op"), BeforeAuth); d.Respond.Status != 418 {
		t.Errorf("with the outage off: %d, want the teapot's first (and only) 418", d.Respond.Status)
	}
	timeout := compose(t, slowSrc, "name: hang\nrules:\n  - match: {operation: op}\n    fault: timeout\n    respond: {delay: 2s}\n")
	if d := timeout.Match(req("op"), BeforeAuth); d.Fault != FaultTimeout || d.Delay != 2*time.Second {
		t.Errorf("timeout after a delay: fault %q delay %s, want timeout held 2s", d.Fault, d.Delay)
	}
}

// TestPerRequestScenariosComposeWithActiveOnes: an active delay and an
// outage named in X-Fake-Scenario make a slow 503 too.
func TestPerRequestScenariosComposeWithActiveOnes(t *testing.T) {
	e := compose(t, slowSrc)
	if err := e.Add(parse(t, outageSrc)); err != nil {
		t.Fatal(err)
	}
	r := req("op")
	r.Extra = []string{"outage"}
	d := e.Match(r, BeforeAuth)
	if d == nil || d.Respond.Status != 503 || d.Delay != 150*time.Millisecond {
		t.Fatalf("per-request outage with active delay: %+v, want a slow 503", d)
	}
	if got := d.Names(); got != "outage/down, slow/latency" {
		t.Errorf("Names() = %q, want the per-request rule first", got)
	}
}
