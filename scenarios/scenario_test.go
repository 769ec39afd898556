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

// TestParseRefusesWhatTheServerCannotServe: a scenario Parse accepts must
// never make the server answer 500 (a body JSON cannot encode) or hang or
// mis-frame the connection (an interim status, a header the server owns).
func TestParseRefusesWhatTheServerCannotServe(t *testing.T) {
	respond := func(lines string) string { return "rules:\n  - respond:\n" + lines }
	cases := []struct {
		name, src, want string
	}{
		{"status 100 is interim", respond("      status: 100\n"), "bad.yaml:3: status 100 is an interim answer, not a final one: use 200-599"},
		{"status 101 would hang the connection", respond("      status: 101\n"), "bad.yaml:3: status 101 is an interim answer"},
		{"status 103 is interim", respond("      status: 103\n"), "bad.yaml:3: status 103 is an interim answer"},
		{"status 199 is interim", respond("      status: 199\n"), "bad.yaml:3: status 199 is an interim answer"},
		{"status 99", respond("      status: 99\n"), "bad.yaml:3: status 99 is not an HTTP status: use 200-599"},
		{"status 600", respond("      status: 600\n"), "bad.yaml:3: status 600 is not an HTTP status: use 200-599"},
		{"status 0", respond("      status: 0\n"), "bad.yaml:3: status 0 is not an HTTP status"},
		{"status in words", respond("      status: five\n"), "bad.yaml:3: status must be a whole number, not \"five\""},
		{"a body with 204", respond("      status: 204\n      body: {a: 1}\n"), "bad.yaml:4: status 204 has no body"},
		{"a body with 304", respond("      status: 304\n      body: x\n"), "bad.yaml:4: status 304 has no body"},
		{"an integer key", respond("      status: 500\n      body:\n        detail: x\n        1: one\n"),
			"bad.yaml:6: body: key 1 is not a string (YAML reads it as int), and JSON keys are strings: quote it"},
		{"a null key deep in a list", respond("      status: 500\n      body:\n        errors:\n          - field: x\n            ~: y\n"),
			"bad.yaml:7: body: key ~ is not a string (YAML reads it as null)"},
		{"a boolean key in flow style", respond("      status: 500\n      body: {true: x}\n"), "bad.yaml:4: body: key true is not a string (YAML reads it as bool)"},
		{"NaN", respond("      status: 500\n      body:\n        ratio: .nan\n"), "bad.yaml:5: body: .nan is not a number JSON can carry"},
		{"minus infinity in a list", respond("      status: 500\n      body:\n        - 1\n        - -.inf\n"), "bad.yaml:6: body: -.inf is not a number JSON can carry"},
		{"infinity as the body", respond("      status: 500\n      body: .Inf\n"), "bad.yaml:4: body: .Inf is not a number JSON can carry"},
		{"infinity through an alias", "rules:\n  - match: {when: {ratio: &big .inf}}\n    respond:\n      status: 500\n      body: {ratio: *big}\n",
			"bad.yaml:2: body: .inf is not a number JSON can carry"},
		{"NaN after a merged key YAML converts", respond("      status: 500\n      body:\n        <<: {1: one}\n        b: .nan\n"),
			"bad.yaml:6: body: .nan is not a number JSON can carry"},
		{"a repeated header", respond("      status: 500\n      headers:\n        content-type: text/plain\n        Content-Type: text/html\n"),
			"bad.yaml:6: header \"Content-Type\" is repeated in headers"},
		{"a placeholder in a raw body", respond("      status: 502\n      headers: {Content-Type: text/html}\n      body: '<p>{{entity.name}}</p>'\n"),
			"bad.yaml:5: a text/html body is sent as written: {{entity.FIELD}} is filled only in JSON bodies"},
	}
	// The headers that frame the answer, in any case.
	for _, h := range []string{"Content-Length", "transfer-encoding", "CONNECTION", "Keep-Alive", "upgrade", "Trailer", "te", "Proxy-Connection"} {
		cases = append(cases, struct{ name, src, want string }{"header " + h,
			respond("      status: 200\n      headers:\n        X-Fine: a\n        " + h + ": b\n"),
			"bad.yaml:6: header \"" + h + "\" is the server's to set: it frames the answer on the connection"})
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

// TestParseKeepsWhatJSONCanCarry: the refusals are exact; what looks close
// but encodes is accepted.
func TestParseKeepsWhatJSONCanCarry(t *testing.T) {
	for _, body := range []string{
		"{'1': one, '~': null, 'true': yes}", // quoted keys are strings
		"{<<: {a: 1}, b: 2}",                 // a merge key
		"{nan: .nan-ish, inf: '.inf'}",       // strings, not numbers
		"[1e300, -0.0, 18446744073709551616]",
	} {
		if _, err := Parse("ok.yaml", []byte("rules:\n  - respond: {status: 500, body: "+body+"}\n")); err != nil {
			t.Errorf("body %s: %v", body, err)
		}
	}
	for _, status := range []string{"200", "299", "418", "599"} {
		if _, err := Parse("ok.yaml", []byte("rules:\n  - respond: {status: "+status+"}\n")); err != nil {
			t.Errorf("status %s: %v", status, err)
		}
	}
}

// TestParseRawBodies: a string body under a Content-Type that is not JSON
// is sent as written (an HTML 502 from a front proxy); every other body is
// JSON, encoded once at parse time.
func TestParseRawBodies(t *testing.T) {
	cases := []struct {
		name, headers, body string
		raw                 bool
		sent                string
	}{
		{"an HTML page", "{Content-Type: text/html}", "'<html><body>502 Bad Gateway</body></html>'", true, "<html><body>502 Bad Gateway</body></html>"},
		{"text with parameters", "{content-type: 'text/plain; charset=utf-8'}", "'upstream timed out'", true, "upstream timed out"},
		{"a string under JSON", "{Content-Type: application/json}", "'a < b'", false, `"a < b"`},
		{"a string under a +json type", "{Content-Type: application/problem+json}", "x", false, `"x"`},
		{"a string under JSON in capitals", "{Content-Type: 'Application/JSON ; charset=utf-8'}", "x", false, `"x"`},
		{"a mapping under a text type", "{Content-Type: text/plain}", "{detail: x}", false, `{"detail":"x"}`},
		{"a string without a Content-Type", "{Retry-After: '5'}", "x", false, `"x"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc, err := Parse("raw.yaml", []byte("rules:\n  - respond: {status: 502, headers: "+c.headers+", body: "+c.body+"}\n"))
			if err != nil {
				t.Fatal(err)
			}
			rs := sc.Rules[0].Respond
			if rs.Raw != c.raw {
				t.Fatalf("Raw=%v, want %v", rs.Raw, c.raw)
			}
			if !c.raw && string(rs.JSON) != c.sent {
				t.Fatalf("JSON=%s, want it encoded at parse time as %s", rs.JSON, c.sent)
			}
			got, err := (&Decision{Respond: rs}).Body()
			if err != nil || string(got) != c.sent {
				t.Fatalf("Body()=%q, %v; want %q", got, err, c.sent)
			}
		})
	}
}

// TestBodiesWithPlaceholdersRenderPerRequest: only a body with an
// {{entity.FIELD}} placeholder is left unencoded, and Decision.Body fills
// it from the entity; other double braces are text.
func TestBodiesWithPlaceholdersRenderPerRequest(t *testing.T) {
	sc, err := Parse("t.yaml", []byte("rules:\n  - respond: {status: 404, body: {reason: '{{ entity.reason }}', count: '{{entity.n}}'}}\n"+
		"  - respond: {status: 500, body: {detail: '{{not a placeholder}}'}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	templated, literal := sc.Rules[0].Respond, sc.Rules[1].Respond
	if templated.JSON != nil {
		t.Fatalf("a templated body was encoded once: %s", templated.JSON)
	}
	got, err := (&Decision{Respond: templated, Entity: map[string]any{"reason": "fraud", "n": 2}}).Body()
	if err != nil || string(got) != `{"count":2,"reason":"fraud"}` {
		t.Fatalf("Body()=%s, %v", got, err)
	}
	if string(literal.JSON) != `{"detail":"{{not a placeholder}}"}` {
		t.Fatalf("JSON=%s, want the braces as text", literal.JSON)
	}
}

func TestRenderBodyFillsOnlyEntityPlaceholders(t *testing.T) {
	entity := map[string]any{"reason": "fraud", "n": 2.0, "ok": true}
	cases := []struct {
		body string
		want any
	}{
		{"{{entity.n}}", 2.0},       // the field's value, not text
		{" {{ entity.ok }} ", true}, // spaces around and inside
		{"n={{entity.n}}, {{entity.reason}}", "n=2, fraud"},
		{"{{entity.missing}}!", "!"},             // a missing field is nothing
		{"{{reason}} stays", "{{reason}} stays"}, // not an entity placeholder
		{"{{x}} {{entity.reason}}", "{{x}} fraud"},
		{"}} {{entity.reason}}", "}} fraud"},
		{"{{entity.reason", "{{entity.reason"}, // unclosed
	}
	for _, c := range cases {
		if got := RenderBody(c.body, entity); got != c.want {
			t.Errorf("RenderBody(%q)=%#v, want %#v", c.body, got, c.want)
		}
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
		got = append(got, e.Match(req("op_a"), BeforeAuth) != nil)
	}
	if want := []bool{false, true, true, false, false}; !equal(got, want) {
		t.Fatalf("applied=%v, want %v", got, want)
	}
	if e.Match(req("other"), BeforeAuth) != nil {
		t.Fatal("operation glob matched another operation")
	}
	e.ResetCounters()
	if e.Match(req("op_a"), BeforeAuth) != nil || e.Match(req("op_a"), BeforeAuth) == nil {
		t.Fatal("counters did not restart")
	}
	if err := e.Deactivate("t"); err != nil || e.Match(req("op_a"), BeforeAuth) != nil {
		t.Fatal("deactivated scenario still applies")
	}
	// Named per request it counts afresh, for this caller: after 1, then 2.
	perRequest := &Request{Operation: "op_a", Param: req("").Param, Extra: []string{"t"}}
	if e.Match(perRequest, BeforeAuth) != nil || e.Match(perRequest, BeforeAuth) == nil {
		t.Fatal("per-request scenario did not apply after its own first match")
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
			if e.Match(req("x"), BeforeAuth) != nil {
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
	if e.Match(r, AfterAuth) != nil {
		t.Fatal("when matched an unrevoked entity")
	}
	r.Entity = func() (map[string]any, bool) {
		return map[string]any{"revoked": true, "revocationReason": "fraud"}, true
	}
	d := e.Match(r, AfterAuth)
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
		d := e.Match(req("x"), BeforeAuth)
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
