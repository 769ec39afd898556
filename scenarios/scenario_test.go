package scenarios

import (
	"strings"
	"testing"
	"time"
)

func TestParseRefusesMalformedFilesWithLineAndReason(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"not yaml", "rules: [", "bad.yaml: "},
		{"empty", "", "bad.yaml: the file is empty"},
		{"no rules", "name: x\n", "bad.yaml:1: a scenario needs rules"},
		{"unknown top field", "name: x\nrulez: []\n", "bad.yaml:2: unknown field \"rulez\" in the scenario"},
		{"unknown rule field", "rules:\n  - match: {operation: a}\n    respnd: {status: 500}\n", "bad.yaml:3: unknown field \"respnd\" in rule 1"},
		{"bad status", "rules:\n  - respond:\n      status: 999\n", "bad.yaml:3: status 999 is not an HTTP status"},
		{"bad delay", "rules:\n  - respond:\n      delay: soon\n", "bad.yaml:3: delay \"soon\" must be a Go duration"},
		{"bad uniform", "rules:\n  - respond:\n      delay: {uniform: [2s, 1s]}\n", "bad.yaml:3: uniform delay: max 1s is below min 2s"},
		{"bad probability", "rules:\n  - probability: 1.5\n    fault: timeout\n", "bad.yaml:2: probability must be a number in (0, 1]"},
		{"bad fault", "rules:\n  - fault: explode\n", "bad.yaml:2: unknown fault \"explode\""},
		{"does nothing", "rules:\n  - match: {operation: x}\n", "bad.yaml:2: rule \"rule-1\" does nothing"},
		{"body without status", "rules:\n  - respond:\n      body: {a: 1}\n", "bad.yaml:3: a body needs a status"},
		{"bad times", "rules:\n  - times: 0\n    fault: timeout\n", "bad.yaml:2: times must be a whole number >= 1"},
		{"bad name", "name: 'a b'\nrules:\n  - fault: timeout\n", "bad.yaml:1: name \"a b\" must be"},
		{"path without slash", "rules:\n  - match: {path: api}\n    fault: timeout\n", "bad.yaml:2: path \"api\" must start with /"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(c.src))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Parse err=%v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestParseAcceptsJSON(t *testing.T) {
	sc, err := Parse("x.json", []byte(`{"name":"j","rules":[{"match":{"method":"get"},"respond":{"status":503,"body":{"detail":"x"}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "j" || sc.Rules[0].Match.Method != "GET" || sc.Rules[0].Respond.Status != 503 {
		t.Fatalf("parsed %+v", sc.Rules[0])
	}
}

func TestBuiltinsParseAndPublicRevokedIsDefaultOn(t *testing.T) {
	e := NewEngine()
	names := map[string]bool{}
	for _, in := range e.List() {
		names[in.Name] = in.Active
	}
	for _, want := range []string{"public-revoked-assertion", "rate-limit", "intermittent-5xx", "slow-network",
		"expired-credentials", "permission-loss", "seat-exhaustion", "connection-drops"} {
		if _, ok := names[want]; !ok {
			t.Errorf("built-in %q missing", want)
		}
	}
	if !names["public-revoked-assertion"] || names["rate-limit"] {
		t.Fatalf("default-on set wrong: %v", names)
	}
}

func req(op string) *Request {
	return &Request{Operation: op, Method: "GET", Path: "/api/x/", Param: func(string) (string, bool) { return "", false }}
}

func TestTimesAfterAndCounters(t *testing.T) {
	sc, err := Parse("t.yaml", []byte("name: t\nrules:\n  - match: {operation: op_*}\n    after: 1\n    times: 2\n    respond: {status: 503}\n"))
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine()
	e.Add(sc)
	if err := e.Activate("t"); err != nil {
		t.Fatal(err)
	}
	var got []bool
	for i := 0; i < 5; i++ {
		got = append(got, e.Match(req("op_a")) != nil)
	}
	if want := []bool{false, true, true, false, false}; !equal(got, want) {
		t.Fatalf("applied=%v, want %v", got, want)
	}
	if e.Match(req("other")) != nil {
		t.Fatal("operation glob matched another operation")
	}
	e.ResetCounters()
	if e.Match(req("op_a")) != nil || e.Match(req("op_a")) == nil {
		t.Fatal("counters did not restart")
	}
	if err := e.Deactivate("t"); err != nil || e.Match(req("op_a")) != nil {
		t.Fatal("deactivated scenario still applies")
	}
	if e.Match(&Request{Operation: "op_a", Param: req("").Param, Extra: []string{"t"}}) == nil {
		t.Fatal("per-request scenario did not apply")
	}
}

func TestProbabilityIsSeededAndRoughlyRight(t *testing.T) {
	src := []byte("name: p\nseed: 42\nrules:\n  - probability: 0.25\n    respond: {status: 503}\n")
	count := func() (n int, pattern string) {
		sc, _ := Parse("p.yaml", src)
		e := NewEngine()
		e.Add(sc)
		_ = e.Activate("p")
		var b strings.Builder
		for i := 0; i < 400; i++ {
			if e.Match(req("x")) != nil {
				n++
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return n, b.String()
	}
	n1, p1 := count()
	_, p2 := count()
	if p1 != p2 {
		t.Fatal("same seed, different sequence")
	}
	if n1 < 70 || n1 > 130 {
		t.Fatalf("applied %d of 400 at p=0.25", n1)
	}
}

func TestWhenAndBodyTemplate(t *testing.T) {
	sc, _ := Parse("w.yaml", []byte("name: w\nrules:\n  - match: {when: {revoked: true}}\n    respond:\n      status: 404\n      body: {reason: '{{entity.revocationReason}}', msg: 'revoked: {{ entity.revocationReason }}'}\n"))
	e := NewEngine()
	e.Add(sc)
	_ = e.Activate("w")
	r := req("x")
	r.Entity = func() (map[string]any, bool) { return map[string]any{"revoked": false}, true }
	if e.Match(r) != nil {
		t.Fatal("when matched an unrevoked entity")
	}
	r.Entity = func() (map[string]any, bool) {
		return map[string]any{"revoked": true, "revocationReason": "fraud"}, true
	}
	d := e.Match(r)
	if d == nil {
		t.Fatal("when did not match")
	}
	body := RenderBody(d.Respond.Body, d.Entity).(map[string]any)
	if body["reason"] != "fraud" || body["msg"] != "revoked: fraud" {
		t.Fatalf("body=%v", body)
	}
}

func TestUniformDelayStaysInRange(t *testing.T) {
	sc, _ := Parse("d.yaml", []byte("name: d\nseed: 1\nrules:\n  - respond: {delay: {uniform: [10ms, 20ms]}}\n"))
	e := NewEngine()
	e.Add(sc)
	_ = e.Activate("d")
	for i := 0; i < 100; i++ {
		d := e.Match(req("x"))
		if d.Delay < 10*time.Millisecond || d.Delay > 20*time.Millisecond {
			t.Fatalf("delay %s out of range", d.Delay)
		}
	}
}

func equal(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
