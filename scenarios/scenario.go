// Package scenarios makes the fake fail on purpose. A scenario is a named
// list of rules read from YAML (or JSON); the engine finds the first rule
// that matches a request and the server applies it before, or instead of,
// the normal handler: a status and body, extra headers, a delay, or a
// connection fault. See README.md's scenario cookbook for the format.
//
// The server asks the engine in two phases (Phase). Rules that read no
// stored state may answer before the request is authenticated, as an
// outage answers anyone; rules that read it (a when clause, or an
// {{entity.FIELD}} placeholder in the body: Rule.ReadsState) are asked only
// after the request is authenticated and authorised, so a rule never shows
// a caller an entity another tenant stores.
//
// Parse refuses, with file, line and reason, what the server could not
// serve: a body JSON cannot encode (a mapping key that is not a string, a
// NaN or infinite number), a status outside 200-599 (an interim 1xx would
// hang the connection or be followed by an empty 200), a body with 204 or
// 304, and the headers that frame the answer on the connection
// (Content-Length, Transfer-Encoding, Connection, Keep-Alive, Upgrade,
// Trailer, TE, Proxy-Connection). A body is sent as JSON, encoded once at
// parse time when it has no placeholder (Respond.JSON), except a string
// under a Content-Type the rule sets that is not JSON: that is sent as
// written (Respond.Raw), as a front proxy's HTML error page is.
//
// Scenarios activated for every request share one set of counters.
// Scenarios named for one request (Request.Extra: the X-Fake-Scenario
// header) keep theirs per caller (Request.Caller: the API key), so tests
// sharing a fake do not spend each other's "after" or "times"; at most
// MaxCallers callers per scenario, beyond which callers share one set.
package scenarios

import (
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Scenario is a parsed scenario file.
type Scenario struct {
	Name        string
	Description string
	// Seed makes probability rolls reproducible (0: random).
	Seed  uint64
	Rules []*Rule
	// Source is where it was read from ("builtin:NAME" or a file path).
	Source string
}

// Rule is one rule: what it matches, how often, and what it does.
type Rule struct {
	Name  string
	Match Match
	// Times limits the rule to its first Times matches (0: no limit).
	Times int
	// After skips the rule's first After matches.
	After int
	// Probability applies the rule to this share of matches (0 < p <= 1;
	// 1 when unset).
	Probability float64
	Respond     *Respond
	Fault       Fault
	// Line is the rule's line in its file.
	Line int
}

// ReadsState reports whether the rule reads stored state: a when clause, or
// an {{entity.FIELD}} placeholder anywhere in its body. Such a rule would
// tell a caller what another tenant stores, so the server asks about it only
// once the request is authenticated and authorised (AfterAuth); every other
// rule may answer before (BeforeAuth), as an outage answers whoever asks.
func (r *Rule) ReadsState() bool {
	return len(r.Match.When) > 0 || r.Respond != nil && r.Respond.HasBody && hasPlaceholder(r.Respond.Body)
}

// Match says which requests a rule applies to; every set field must hold.
type Match struct {
	// Operation is an operationId; "*" in it matches any run of characters.
	Operation string
	Method    string
	// Path is a path pattern: "{name}" matches one segment, "*" anything.
	Path   string
	pathRE *regexp.Regexp
	Tenant string
	// Params are path, query or JSON body fields, compared as strings.
	Params map[string]string
	// When are fields of the stored entity the path addresses (as the API
	// renders it), compared as JSON values.
	When map[string]any
	opRE *regexp.Regexp
	// opLine is the line of operation in its file (CheckOperations).
	opLine int
}

// Respond is what a rule answers. Without a Status the normal handler runs
// after the delay, and the headers are added to its answer.
type Respond struct {
	// Status is 0 (the handler answers) or 200-599: Parse refuses interim
	// (1xx) statuses, after which net/http would hang the connection or
	// send an empty 200.
	Status int
	// Headers never include the ones that frame the answer on the
	// connection (Content-Length, Transfer-Encoding, Connection, ...): the
	// server owns those.
	Headers map[string]string
	// Body is the body as the file gives it. Unless Raw, it is sent as JSON;
	// a string containing "{{entity.FIELD}}" is filled from the matched
	// entity (a string that is only the placeholder takes the field's JSON
	// value), see RenderBody.
	Body    any
	HasBody bool
	// Raw says Body is a string to send byte for byte, under the rule's own
	// Content-Type, which is not JSON: front proxies answer with HTML error
	// pages, and a client must be tested against one as it is, not as a
	// JSON string.
	Raw bool
	// JSON is Body encoded once by Parse as the server encodes answers (no
	// HTML escaping, no trailing newline), so a rule answering every request
	// costs no encoding. It is nil when the body has entity placeholders
	// (rendered per request) or is Raw. It is shared: never modify it.
	JSON  []byte
	Delay Delay
	// Prefer steers a synthesized answer as Prism's Prefer header does
	// ("code=404", "example=NAME", "dynamic=true", "seed=7"), for the
	// operations the fake answers from their schemas; the handler answers.
	Prefer string
}

// Delay is a fixed delay or one drawn uniformly from [Min, Max].
type Delay struct {
	Min, Max time.Duration
}

// Fault is a transport-level failure.
type Fault string

// The faults a rule can inject.
const (
	FaultNone            Fault = ""
	FaultConnectionReset Fault = "connection_reset" // TCP RST, no response
	FaultEmptyResponse   Fault = "empty_response"   // connection closed, no bytes
	FaultMalformedBody   Fault = "malformed_body"   // a JSON content type with a truncated body
	FaultTimeout         Fault = "timeout"          // no answer until the client gives up (or the delay, default 60s)
)

var faults = map[string]Fault{
	string(FaultConnectionReset): FaultConnectionReset, string(FaultEmptyResponse): FaultEmptyResponse,
	string(FaultMalformedBody): FaultMalformedBody, string(FaultTimeout): FaultTimeout,
}

// Error is a problem in a scenario file, with where it is.
type Error struct {
	File   string
	Line   int
	Reason string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}

// LoadFile reads and parses a scenario file.
func LoadFile(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse parses a scenario; file names it in errors.
func Parse(file string, data []byte) (*Scenario, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &Error{File: file, Reason: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if len(doc.Content) == 0 {
		return nil, &Error{File: file, Reason: "the file is empty"}
	}
	p := &parser{file: file}
	s := p.scenario(doc.Content[0])
	if p.err != nil {
		return nil, p.err
	}
	if s.Name == "" {
		s.Name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	s.Source = file
	return s, nil
}

// parser walks the YAML nodes, keeping the first error with its line.
type parser struct {
	file string
	err  *Error
}

func (p *parser) fail(n *yaml.Node, format string, args ...any) {
	if p.err == nil {
		p.err = &Error{File: p.file, Line: n.Line, Reason: fmt.Sprintf(format, args...)}
	}
}

// fields returns a mapping's keys and values, refusing keys not in allowed.
func (p *parser) fields(n *yaml.Node, what string, allowed ...string) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		p.fail(n, "%s must be a mapping", what)
		return nil
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ok := false
		for _, a := range allowed {
			ok = ok || a == k.Value
		}
		if !ok {
			p.fail(k, "unknown field %q in %s (allowed: %s)", k.Value, what, strings.Join(allowed, ", "))
			continue
		}
		if _, dup := out[k.Value]; dup {
			p.fail(k, "field %q is repeated in %s", k.Value, what)
		}
		out[k.Value] = v
	}
	return out
}

func (p *parser) str(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode {
		p.fail(n, "%s must be a string", what)
		return ""
	}
	return n.Value
}

func (p *parser) integer(n *yaml.Node, what string, min int) int {
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || v < min {
		p.fail(n, "%s must be a whole number >= %d, not %q", what, min, n.Value)
	}
	return v
}

func (p *parser) scenario(n *yaml.Node) *Scenario {
	f := p.fields(n, "the scenario", "name", "description", "seed", "rules")
	s := &Scenario{}
	if v := f["name"]; v != nil {
		s.Name = p.str(v, "name")
		if !regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`).MatchString(s.Name) {
			p.fail(v, "name %q must be letters, digits, '-', '_' or '.'", s.Name)
		}
	}
	if v := f["description"]; v != nil {
		s.Description = p.str(v, "description")
	}
	if v := f["seed"]; v != nil {
		s.Seed = uint64(p.integer(v, "seed", 0))
	}
	rules := f["rules"]
	if rules == nil {
		if p.err == nil {
			p.fail(n, "a scenario needs rules")
		}
		return s
	}
	if rules.Kind != yaml.SequenceNode || len(rules.Content) == 0 {
		p.fail(rules, "rules must be a non-empty list")
		return s
	}
	for i, rn := range rules.Content {
		s.Rules = append(s.Rules, p.rule(rn, i))
	}
	return s
}

func (p *parser) rule(n *yaml.Node, i int) *Rule {
	f := p.fields(n, fmt.Sprintf("rule %d", i+1), "name", "match", "times", "after", "probability", "respond", "fault")
	r := &Rule{Name: fmt.Sprintf("rule-%d", i+1), Probability: 1, Line: n.Line}
	if v := f["name"]; v != nil {
		r.Name = p.str(v, "name")
	}
	if v := f["match"]; v != nil {
		r.Match = p.match(v)
	}
	if v := f["times"]; v != nil {
		r.Times = p.integer(v, "times", 1)
	}
	if v := f["after"]; v != nil {
		r.After = p.integer(v, "after", 0)
	}
	if v := f["probability"]; v != nil {
		pr, err := strconv.ParseFloat(v.Value, 64)
		if err != nil || pr <= 0 || pr > 1 || math.IsNaN(pr) {
			p.fail(v, "probability must be a number in (0, 1], not %q", v.Value)
		}
		r.Probability = pr
	}
	if v := f["respond"]; v != nil {
		r.Respond = p.respond(v)
	}
	if v := f["fault"]; v != nil {
		fv, ok := faults[v.Value]
		if !ok {
			p.fail(v, "unknown fault %q (connection_reset, empty_response, malformed_body, timeout)", v.Value)
		}
		r.Fault = fv
	}
	if r.Respond == nil && r.Fault == FaultNone && p.err == nil {
		p.fail(n, "rule %q does nothing: give it respond or fault", r.Name)
	}
	return r
}

func (p *parser) match(n *yaml.Node) Match {
	f := p.fields(n, "match", "operation", "method", "path", "tenant", "params", "when")
	var m Match
	if v := f["operation"]; v != nil {
		m.Operation = p.str(v, "operation")
		m.opRE = globRE(m.Operation)
		m.opLine = v.Line
	}
	if v := f["method"]; v != nil {
		m.Method = strings.ToUpper(p.str(v, "method"))
	}
	if v := f["path"]; v != nil {
		m.Path = p.str(v, "path")
		if !strings.HasPrefix(m.Path, "/") {
			p.fail(v, "path %q must start with /", m.Path)
		}
		m.pathRE = pathRE(m.Path)
	}
	if v := f["tenant"]; v != nil {
		m.Tenant = p.str(v, "tenant")
	}
	if v := f["params"]; v != nil {
		pf := p.fields(v, "params", keysOf(v)...)
		m.Params = map[string]string{}
		for k, pv := range pf {
			m.Params[k] = p.str(pv, "params."+k)
		}
	}
	if v := f["when"]; v != nil {
		if v.Kind != yaml.MappingNode {
			p.fail(v, "when must be a mapping of entity fields")
		} else if err := v.Decode(&m.When); err != nil {
			p.fail(v, "when: %v", err)
		}
	}
	return m
}

func keysOf(n *yaml.Node) []string {
	var out []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, n.Content[i].Value)
	}
	return out
}

func (p *parser) respond(n *yaml.Node) *Respond {
	f := p.fields(n, "respond", "status", "headers", "body", "delay", "prefer")
	r := &Respond{}
	if v := f["prefer"]; v != nil {
		r.Prefer = p.str(v, "prefer")
	}
	if v := f["status"]; v != nil {
		r.Status = p.status(v)
	}
	if v := f["headers"]; v != nil {
		r.Headers = p.headers(v)
	}
	if v := f["body"]; v != nil {
		if err := v.Decode(&r.Body); err != nil {
			p.fail(v, "body: %v", err)
		}
		r.HasBody = true
		if r.Status == 0 {
			p.fail(v, "a body needs a status")
		} else if r.Status == http.StatusNoContent || r.Status == http.StatusNotModified {
			p.fail(v, "status %d has no body: HTTP does not send one", r.Status)
		}
		if p.err == nil {
			p.body(r, v)
		}
	}
	if v := f["delay"]; v != nil {
		r.Delay = p.delay(v)
	}
	return r
}

// status reads a final HTTP status. An interim one (1xx) cannot end a
// request: net/http leaves the connection hanging after 101 and follows the
// others with an empty 200.
func (p *parser) status(n *yaml.Node) int {
	st, err := strconv.Atoi(n.Value)
	switch {
	case n.Kind != yaml.ScalarNode || err != nil:
		p.fail(n, "status must be a whole number, not %q", n.Value)
	case st >= 100 && st <= 199:
		p.fail(n, "status %d is an interim answer, not a final one: use 200-599", st)
	case st < 200 || st > 599:
		p.fail(n, "status %d is not an HTTP status: use 200-599", st)
	}
	return st
}

// serverHeaders frame the answer on the connection; the server sets them
// from what it sends, and a rule setting them would make it send a body of
// the wrong length, or answer a protocol the connection is not speaking.
var serverHeaders = map[string]bool{}

func init() {
	for _, h := range []string{"Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive",
		"Upgrade", "Trailer", "TE", "Proxy-Connection"} {
		serverHeaders[http.CanonicalHeaderKey(h)] = true
	}
}

// headers reads a rule's headers, named canonically (so case does not
// matter), refusing those the server owns.
func (p *parser) headers(n *yaml.Node) map[string]string {
	if n.Kind != yaml.MappingNode {
		p.fail(n, "headers must be a mapping")
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := http.CanonicalHeaderKey(p.str(k, "a header name"))
		if serverHeaders[name] {
			p.fail(k, "header %q is the server's to set: it frames the answer on the connection", k.Value)
		}
		if _, dup := out[name]; dup {
			p.fail(k, "header %q is repeated in headers", k.Value)
		}
		out[name] = p.str(v, "headers."+k.Value)
	}
	return out
}

// body checks that the server can send r's body and encodes it once when
// it can: a string under a Content-Type that is not JSON is Raw, anything
// else must be a value JSON can encode.
func (p *parser) body(r *Respond, n *yaml.Node) {
	if s, isString := r.Body.(string); isString {
		if ct, set := r.Headers["Content-Type"]; set && !isJSONType(ct) {
			if hasPlaceholder(s) {
				p.fail(n, "a %s body is sent as written: {{entity.FIELD}} is filled only in JSON bodies", ct)
			}
			r.Raw = true
			return
		}
	}
	data, err := encodeJSON(r.Body)
	if err != nil {
		bad, why := unencodable(n, true, map[*yaml.Node]bool{})
		if bad == nil {
			bad, why = n, err.Error()
		}
		p.fail(bad, "body: %s", why)
		return
	}
	if !hasPlaceholder(r.Body) {
		r.JSON = data
	}
}

// isJSONType reports whether a Content-Type is JSON (application/json or
// a +json type such as application/problem+json); an empty one is, since
// the server then sends its own JSON type.
func isJSONType(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "" || mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// unencodable finds the node that makes a body unencodable, for its line:
// a mapping key that is not a string (YAML then decodes the mapping to
// map[interface{}]interface{}) or a NaN or infinite number. checkKeys is
// false for a mapping merged with "<<", whose keys YAML converts to the
// enclosing mapping's. It returns nil when it finds none; seen stops
// aliases being walked more than once.
func unencodable(n *yaml.Node, checkKeys bool, seen map[*yaml.Node]bool) (*yaml.Node, string) {
	if seen[n] {
		return nil, ""
	}
	seen[n] = true
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias != nil {
			return unencodable(n.Alias, checkKeys, seen)
		}
	case yaml.ScalarNode:
		var f float64
		if n.ShortTag() == "!!float" && n.Decode(&f) == nil && (math.IsNaN(f) || math.IsInf(f, 0)) {
			return n, fmt.Sprintf("%s is not a number JSON can carry", n.Value)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if bad, why := unencodable(c, checkKeys, seen); bad != nil {
				return bad, why
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			tag := k.ShortTag()
			if checkKeys && tag != "!!str" && tag != "!!merge" {
				return k, fmt.Sprintf("key %s is not a string (YAML reads it as %s), and JSON keys are strings: quote it", k.Value, strings.TrimPrefix(tag, "!!"))
			}
			if bad, why := unencodable(v, tag != "!!merge", seen); bad != nil {
				return bad, why
			}
		}
	}
	return nil, ""
}

func (p *parser) delay(n *yaml.Node) Delay {
	dur := func(n *yaml.Node) time.Duration {
		d, err := time.ParseDuration(n.Value)
		if n.Kind != yaml.ScalarNode || err != nil || d < 0 || d > 10*time.Minute {
			p.fail(n, "delay %q must be a Go duration between 0 and 10m, e.g. 200ms", n.Value)
		}
		return d
	}
	if n.Kind == yaml.ScalarNode {
		d := dur(n)
		return Delay{d, d}
	}
	f := p.fields(n, "delay", "uniform")
	u := f["uniform"]
	if u == nil || u.Kind != yaml.SequenceNode || len(u.Content) != 2 {
		if p.err == nil {
			p.fail(n, "delay must be a duration or {uniform: [MIN, MAX]}")
		}
		return Delay{}
	}
	d := Delay{dur(u.Content[0]), dur(u.Content[1])}
	if d.Max < d.Min {
		p.fail(u, "uniform delay: max %s is below min %s", d.Max, d.Min)
	}
	return d
}

// globRE compiles an operation pattern where * matches anything.
func globRE(s string) *regexp.Regexp {
	parts := strings.Split(s, "*")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
}

// pathRE compiles a path pattern: {name} is one segment, * anything.
func pathRE(s string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '{':
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				b.WriteString(regexp.QuoteMeta(s[i:]))
				i = len(s)
				continue
			}
			b.WriteString("[^/]+")
			i += j
		case '*':
			b.WriteString(".*")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}
