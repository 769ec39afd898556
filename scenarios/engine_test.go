package scenarios

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// mustEngine returns an engine with nothing active but the scenarios given
// in YAML, which are added and activated when active is set.
func mustEngine(t *testing.T, active bool, sources ...string) *Engine {
	t.Helper()
	e := NewEngine()
	for _, n := range DefaultOn {
		if err := e.Deactivate(n); err != nil {
			t.Fatal(err)
		}
	}
	for _, src := range sources {
		sc, err := Parse("test.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		e.Add(sc)
		if active {
			if err := e.Activate(sc.Name); err != nil {
				t.Fatal(err)
			}
		}
	}
	return e
}

// ruleInfo returns the counters of one rule from List.
func ruleInfo(t *testing.T, e *Engine, scenario, rule string) (Info, RuleInfo) {
	t.Helper()
	for _, in := range e.List() {
		if in.Name != scenario {
			continue
		}
		for _, r := range in.Rules {
			if r.Name == rule {
				return in, r
			}
		}
	}
	t.Fatalf("no rule %s/%s in List", scenario, rule)
	return Info{}, RuleInfo{}
}

// serve asks the engine about one request as the server does: before
// authentication, then (when nothing answered) after it.
func serve(e *Engine, r *Request) *Decision {
	if d := e.Match(r, BeforeAuth); d != nil {
		return d
	}
	return e.Match(r, AfterAuth)
}

func ruleName(d *Decision) string {
	if d == nil {
		return "-"
	}
	return d.Rule
}

func TestRuleReadsStateWhenItHasAWhenClauseOrAnEntityPlaceholder(t *testing.T) {
	cases := []struct {
		rule  string
		reads bool
	}{
		{"respond: {status: 503}", false},
		{"fault: connection_reset", false},
		{"match: {when: {revoked: true}}\n    fault: timeout", true},
		{"respond: {status: 404, body: {errors: [{msg: 'gone: {{ entity.reason }}'}]}}", true},
		{"respond: {status: 404, body: '{{entity.reason}}'}", true},
		{"respond: {status: 500, body: {detail: '{{reason}}'}}", false},                    // not an entity placeholder
		{"respond: {status: 500, headers: {X-Why: '{{entity.reason}}'}}", false},           // headers are not rendered
		{"respond: {status: 502, headers: {Content-Type: text/html}, body: '<p>'}", false}, // raw
	}
	for _, c := range cases {
		sc, err := Parse("t.yaml", []byte("rules:\n  - "+c.rule+"\n"))
		if err != nil {
			t.Fatalf("%s: %v", c.rule, err)
		}
		if got := sc.Rules[0].ReadsState(); got != c.reads {
			t.Errorf("%s: ReadsState()=%v, want %v", c.rule, got, c.reads)
		}
	}
}

// TestEachPhaseConsidersOnlyItsOwnRules: before authentication no rule may
// look at stored state (not even load it); after it, only the rules that
// read state are left, each phase in file order.
func TestEachPhaseConsidersOnlyItsOwnRules(t *testing.T) {
	e := mustEngine(t, true, `name: ph
rules:
  - name: expired
    match: {operation: op, when: {expired: true}}
    respond: {status: 401}
  - name: revoked
    match: {operation: op, when: {revoked: true}}
    respond: {status: 404}
  - name: outage
    match: {operation: op}
    respond: {status: 503}
  - name: outage-too
    match: {operation: op}
    respond: {status: 500}
  - name: templated
    match: {operation: op2}
    respond: {status: 410, body: {reason: '{{entity.reason}}'}}
`)
	revoked := map[string]any{"revoked": true, "reason": "fraud"}
	r := req("op")
	r.Entity = func() (map[string]any, bool) {
		t.Fatal("the entity was loaded before authentication")
		return nil, false
	}
	if d := e.Match(r, BeforeAuth); ruleName(d) != "outage" {
		t.Fatalf("BeforeAuth chose %s, want outage (the first rule that reads no state)", ruleName(d))
	}
	r2 := req("op2")
	r2.Entity = r.Entity
	if d := e.Match(r2, BeforeAuth); d != nil {
		t.Fatalf("BeforeAuth chose %s, a rule whose body reads the entity", ruleName(d))
	}

	loads := 0
	entity := func(m map[string]any) func() (map[string]any, bool) {
		return func() (map[string]any, bool) { loads++; return m, true }
	}
	r.Entity = entity(revoked)
	if d := e.Match(r, AfterAuth); ruleName(d) != "revoked" {
		t.Fatalf("AfterAuth chose %s, want revoked", ruleName(d))
	}
	r.Entity = entity(map[string]any{"revoked": false})
	if d := e.Match(r, AfterAuth); d != nil {
		t.Fatalf("AfterAuth chose %s for an unrevoked entity, want none (outage is a BeforeAuth rule)", ruleName(d))
	}
	r2.Entity = entity(revoked)
	d := e.Match(r2, AfterAuth)
	if ruleName(d) != "templated" {
		t.Fatalf("AfterAuth chose %s, want templated", ruleName(d))
	}
	if body, err := d.Body(); err != nil || string(body) != `{"reason":"fraud"}` {
		t.Fatalf("a templated rule without when rendered %s, %v; want the entity's reason", body, err)
	}
	if loads != 3 {
		t.Fatalf("the entity was loaded %d times for 3 matches, want once each (however many rules look)", loads)
	}
}

// TestARuleIsCountedOnlyInItsOwnPhase: a request asks in both phases, and
// each rule's after/times counting sees it once.
func TestARuleIsCountedOnlyInItsOwnPhase(t *testing.T) {
	e := mustEngine(t, true, `name: c
rules:
  - name: second-read
    match: {when: {revoked: true}}
    after: 1
    respond: {status: 404}
  - name: third-request
    after: 2
    respond: {status: 503}
`)
	r := req("x")
	r.Entity = func() (map[string]any, bool) { return map[string]any{"revoked": true}, true }
	var got []string
	for i := 0; i < 3; i++ {
		got = append(got, ruleName(serve(e, r)))
	}
	if want := "- second-read third-request"; strings.Join(got, " ") != want {
		t.Fatalf("requests answered by %s, want %s", strings.Join(got, " "), want)
	}
	if _, ri := ruleInfo(t, e, "c", "second-read"); ri.Matched != 2 || ri.Applied != 1 {
		t.Fatalf("second-read matched %d applied %d, want 2 and 1", ri.Matched, ri.Applied)
	}
	if _, ri := ruleInfo(t, e, "c", "third-request"); ri.Matched != 3 || ri.Applied != 1 {
		t.Fatalf("third-request matched %d applied %d, want 3 and 1", ri.Matched, ri.Applied)
	}
}

// TestMatchWithNothingActiveAllocatesNothing: the engine's idle cost stays
// off the request path.
func TestMatchWithNothingActiveAllocatesNothing(t *testing.T) {
	r := req("credentials_orgs_users_retrieve")
	r.Entity = func() (map[string]any, bool) { t.Fatal("the entity was loaded"); return nil, false }
	for _, c := range []struct {
		name string
		e    *Engine
	}{{"nothing active", mustEngine(t, false)}, {"default-on, not matching", NewEngine()}} {
		if n := testing.AllocsPerRun(100, func() { serve(c.e, r) }); n != 0 {
			t.Errorf("%s: %v allocations per request, want 0", c.name, n)
		}
	}
}

// callerReq is a request from caller naming scenarios in X-Fake-Scenario.
func callerReq(caller string, extra ...string) *Request {
	r := req("credentials_orgs_users_retrieve")
	r.Path = "/api/credentials/orgs/acme/users/u/"
	r.Caller, r.Extra = caller, extra
	return r
}

// TestPerRequestScenarioCountsPerCaller is the README's promise: "One test
// sees a throttled API, the others sharing the fake do not". A client
// without a key spending rate-limit's free allowance leaves another
// client's untouched, and the shared counters too.
func TestPerRequestScenarioCountsPerCaller(t *testing.T) {
	e := mustEngine(t, false)
	for i := 0; i < 5; i++ {
		if d := serve(e, callerReq("", "rate-limit")); d != nil {
			t.Fatalf("keyless request %d answered by %s, want the free allowance", i+1, ruleName(d))
		}
	}
	if d := serve(e, callerReq("", "rate-limit")); ruleName(d) != "throttled" {
		t.Fatalf("keyless request 6 answered by %s, want throttled", ruleName(d))
	}
	if d := serve(e, callerReq("team-b-key", "rate-limit")); d != nil {
		t.Fatalf("another caller's first request answered by %s: it shares the keyless allowance", ruleName(d))
	}
	in, ri := ruleInfo(t, e, "rate-limit", "throttled")
	if in.Callers != 2 || ri.CallersMatched != 7 || ri.CallersApplied != 1 || ri.Matched != 0 || ri.Applied != 0 {
		t.Fatalf("List: %d callers, callers matched %d applied %d, shared matched %d applied %d; want 2, 7, 1, 0, 0",
			in.Callers, ri.CallersMatched, ri.CallersApplied, ri.Matched, ri.Applied)
	}
	// Activated for everyone, it counts once for all, apart from the callers.
	if err := e.Activate("rate-limit"); err != nil {
		t.Fatal(err)
	}
	if d := serve(e, callerReq("")); d != nil {
		t.Fatalf("the active scenario's first request answered by %s", ruleName(d))
	}
}

// TestAScenarioNamedPerRequestThatIsActiveIsEvaluatedOnce: naming an active
// scenario in the header changes nothing; it used to be evaluated twice, so
// "after: 1" answered the very first request.
func TestAScenarioNamedPerRequestThatIsActiveIsEvaluatedOnce(t *testing.T) {
	e := mustEngine(t, true, "name: second\nrules:\n  - name: second\n    after: 1\n    respond: {status: 503}\n")
	if d := serve(e, callerReq("k", "second")); d != nil {
		t.Fatalf("first request answered by %s, want none (after: 1)", ruleName(d))
	}
	if d := serve(e, callerReq("k", "second")); ruleName(d) != "second" {
		t.Fatalf("second request answered by %s, want second", ruleName(d))
	}
	if in, ri := ruleInfo(t, e, "second", "second"); in.Callers != 0 || ri.Matched != 2 {
		t.Fatalf("%d callers, shared matched %d; want the shared counters only: 0, 2", in.Callers, ri.Matched)
	}
}

// TestAnActiveScenarioNamedPerRequestKeepsItsActivePlace: it is evaluated
// as the active scenario, so per-request scenarios still come first.
func TestAnActiveScenarioNamedPerRequestKeepsItsActivePlace(t *testing.T) {
	e := mustEngine(t, false, "name: on\nrules:\n  - name: on\n    respond: {status: 500}\n",
		"name: mine\nrules:\n  - name: mine\n    respond: {status: 503}\n")
	if err := e.Activate("on"); err != nil {
		t.Fatal(err)
	}
	if d := serve(e, callerReq("k", "on", "mine")); ruleName(d) != "mine" {
		t.Fatalf("answered by %s, want mine (the per-request scenario, before the active ones)", ruleName(d))
	}
}

func TestAScenarioNamedTwiceInOneRequestCountsOnce(t *testing.T) {
	e := mustEngine(t, false, "name: twice\nrules:\n  - name: second\n    after: 1\n    respond: {status: 503}\n")
	if d := serve(e, callerReq("k", "twice", "twice")); d != nil {
		t.Fatalf("first request answered by %s, want none (after: 1)", ruleName(d))
	}
	if _, ri := ruleInfo(t, e, "twice", "second"); ri.CallersMatched != 1 {
		t.Fatalf("one request counted %d times", ri.CallersMatched)
	}
}

// TestPerCallerCountersAreBounded: requests with ever new keys cannot grow
// memory without limit; beyond MaxCallers, callers share one overflow set.
func TestPerCallerCountersAreBounded(t *testing.T) {
	e := mustEngine(t, false, "name: b\nrules:\n  - name: second\n    after: 1\n    respond: {status: 503}\n")
	for i := 0; i < MaxCallers; i++ {
		if d := serve(e, callerReq(fmt.Sprintf("key-%d", i), "b")); d != nil {
			t.Fatalf("caller %d's first request was answered: it shares counters", i)
		}
	}
	if in, _ := ruleInfo(t, e, "b", "second"); in.Callers != MaxCallers || in.CallersOverflow {
		t.Fatalf("%d callers (overflow %v), want %d with their own counters", in.Callers, in.CallersOverflow, MaxCallers)
	}
	if d := serve(e, callerReq("late-1", "b")); d != nil {
		t.Fatal("the first overflow caller's first request was answered")
	}
	if d := serve(e, callerReq("late-2", "b")); ruleName(d) != "second" {
		t.Fatalf("the second overflow caller's first request answered by %s, want second: overflow callers share counters", ruleName(d))
	}
	if d := serve(e, callerReq("key-0", "b")); ruleName(d) != "second" {
		t.Fatalf("a caller within the bound answered by %s, want its own second match", ruleName(d))
	}
	in, ri := ruleInfo(t, e, "b", "second")
	if in.Callers != MaxCallers || !in.CallersOverflow || ri.CallersMatched != MaxCallers+3 || ri.CallersApplied != 2 {
		t.Fatalf("%d callers (overflow %v), callers matched %d applied %d; want %d (true), %d, 2",
			in.Callers, in.CallersOverflow, ri.CallersMatched, ri.CallersApplied, MaxCallers, MaxCallers+3)
	}
}

// TestAnUnauthenticatedCallerGetsNoCountersForStateReadingScenarios: a
// caller's counters for a scenario are made in the first phase that has
// rules of it, so a scenario whose rules all read state makes none before
// authentication.
func TestAnUnauthenticatedCallerGetsNoCountersForStateReadingScenarios(t *testing.T) {
	e := mustEngine(t, false)
	r := callerReq("unknown-key", "public-revoked-assertion")
	if d := e.Match(r, BeforeAuth); d != nil {
		t.Fatalf("answered by %s before authentication", ruleName(d))
	}
	if in, _ := ruleInfo(t, e, "public-revoked-assertion", "revoked-is-404"); in.Callers != 0 {
		t.Fatalf("%d callers have counters before authentication, want 0", in.Callers)
	}
	e.Match(r, AfterAuth)
	if in, _ := ruleInfo(t, e, "public-revoked-assertion", "revoked-is-404"); in.Callers != 1 {
		t.Fatalf("%d callers have counters after authentication, want 1", in.Callers)
	}
}

func TestResetCountersRestartsEveryCaller(t *testing.T) {
	e := mustEngine(t, false)
	for i := 0; i < 6; i++ {
		serve(e, callerReq("k", "rate-limit"))
	}
	e.ResetCounters()
	in, ri := ruleInfo(t, e, "rate-limit", "throttled")
	if in.Callers != 0 || ri.CallersMatched != 0 {
		t.Fatalf("after reset: %d callers, callers matched %d; want 0, 0", in.Callers, ri.CallersMatched)
	}
	if d := serve(e, callerReq("k", "rate-limit")); d != nil {
		t.Fatalf("after reset the caller is still throttled (%s)", ruleName(d))
	}
}

func TestAddingAScenarioAgainDropsItsCallersAndKeepsItActive(t *testing.T) {
	src := "name: r\nrules:\n  - name: second\n    after: 1\n    respond: {status: 503}\n"
	e := mustEngine(t, false, src)
	serve(e, callerReq("k", "r"))
	sc, err := Parse("r.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	e.Add(sc)
	if in, _ := ruleInfo(t, e, "r", "second"); in.Callers != 0 {
		t.Fatalf("the replaced scenario kept %d callers' counters", in.Callers)
	}
	if d := serve(e, callerReq("k", "r")); d != nil {
		t.Fatal("the caller's counting did not restart with the new scenario")
	}
	if err := e.Activate("r"); err != nil {
		t.Fatal(err)
	}
	e.Add(sc)
	if in, _ := ruleInfo(t, e, "r", "second"); !in.Active {
		t.Fatal("replacing an active scenario deactivated it")
	}
}

// TestCallersCountApartUnderConcurrency: many goroutines, each its own
// caller, while others read the counters and change what is active; every
// caller gets exactly its own "times", and the shared scenario its total.
func TestCallersCountApartUnderConcurrency(t *testing.T) {
	e := mustEngine(t, false,
		"name: mine\nrules:\n  - name: three\n    times: 3\n    respond: {status: 503}\n",
		"name: everyone\nrules:\n  - name: ten\n    match: {operation: shared}\n    times: 10\n    respond: {status: 500}\n")
	if err := e.Activate("everyone"); err != nil {
		t.Fatal(err)
	}
	const callers, requests = 8, 50
	var wg sync.WaitGroup
	applied := make([]int, callers)
	var sharedApplied atomic.Int64
	for c := 0; c < callers; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < requests; i++ {
				if serve(e, callerReq(fmt.Sprintf("key-%d", c), "mine")) != nil {
					applied[c]++
				}
				if serve(e, req("shared")) != nil {
					sharedApplied.Add(1)
				}
			}
		}()
	}
	stop := make(chan struct{})
	var churn sync.WaitGroup
	churn.Add(1)
	go func() {
		defer churn.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			e.List()
			_ = e.Activate("seat-exhaustion") // matches none of these requests
			_ = e.Deactivate("seat-exhaustion")
		}
	}()
	wg.Wait()
	close(stop)
	churn.Wait()
	for c, n := range applied {
		if n != 3 {
			t.Errorf("caller %d: %d requests answered, want its own 3", c, n)
		}
	}
	if n := sharedApplied.Load(); n != 10 {
		t.Errorf("the active scenario answered %d requests, want 10 in all", n)
	}
	if in, ri := ruleInfo(t, e, "mine", "three"); in.Callers != callers || ri.CallersApplied != 3*callers {
		t.Errorf("%d callers, callers applied %d; want %d, %d", in.Callers, ri.CallersApplied, callers, 3*callers)
	}
}
