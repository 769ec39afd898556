package scenarios

import (
	"strings"
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
