package scenarios

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Request is what the engine sees of a request.
type Request struct {
	Operation string
	Method    string
	Path      string
	Tenant    string
	// Param returns a path, query or JSON body field.
	Param func(name string) (string, bool)
	// Entity returns the stored entity the path addresses, as the API
	// renders it; called at most once per Match, and only in the AfterAuth
	// phase, when a rule that reads state matches the rest of the request.
	Entity func() (map[string]any, bool)
	// Extra names scenarios to apply to this request only, before the active
	// ones (the X-Fake-Scenario header).
	Extra []string
}

// Phase is the point in a request's handling at which the server asks the
// engine for a rule: a request is matched once in each, and each rule
// belongs to one (see Rule.ReadsState), so it is counted once per request.
type Phase int

const (
	// BeforeAuth considers the rules that read no stored state; they may
	// answer before the request is authenticated, as an outage would.
	BeforeAuth Phase = iota
	// AfterAuth considers the rules that read stored state (a when clause
	// or an {{entity.FIELD}} body), once the request is authenticated and
	// authorised, so they never show a caller an entity it may not see.
	AfterAuth
	phases // how many there are
)

func (p Phase) String() string {
	switch p {
	case BeforeAuth:
		return "before-auth"
	case AfterAuth:
		return "after-auth"
	}
	return fmt.Sprintf("Phase(%d)", int(p))
}

// Decision is the rule that matched and what to do.
type Decision struct {
	Scenario string
	Rule     string
	Respond  *Respond
	Fault    Fault
	// Delay is drawn from the rule's delay.
	Delay time.Duration
	// Entity is the entity the request addresses, for body templates; set
	// only for a rule that reads state (AfterAuth).
	Entity map[string]any
}

// Engine holds the known scenarios, which are active, and their counters.
// It is safe for concurrent use; with nothing active and no per-request
// scenario, Match costs one atomic load.
type Engine struct {
	mu        sync.Mutex // guards available, active and every state's counters
	available map[string]*state
	active    []string
	// snapshot is the active states in order, per phase, swapped on every
	// change, so Match checks rules (which never change) without taking mu.
	snapshot atomic.Pointer[snapshot]
}

// snapshot lists, for each phase, the active states that have rules in it.
type snapshot [phases][]*state

// compiled is a scenario with its rules sorted into phases (in file order
// within each), shared by every state of the scenario.
type compiled struct {
	sc    *Scenario
	rules [phases][]int
}

func compile(sc *Scenario) *compiled {
	c := &compiled{sc: sc}
	for i, r := range sc.Rules {
		p := BeforeAuth
		if r.ReadsState() {
			p = AfterAuth
		}
		c.rules[p] = append(c.rules[p], i)
	}
	return c
}

type state struct {
	*compiled
	seen    []int
	applied []int
	rng     *rand.Rand
}

func newState(c *compiled) *state {
	seed := c.sc.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	return &state{compiled: c, seen: make([]int, len(c.sc.Rules)), applied: make([]int, len(c.sc.Rules)),
		rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// NewEngine returns an engine that knows the built-in scenarios, with the
// default-on ones active.
func NewEngine() *Engine {
	e := &Engine{available: map[string]*state{}}
	e.snapshot.Store(&snapshot{})
	for _, sc := range builtins() {
		e.available[sc.Name] = newState(compile(sc))
	}
	for _, name := range DefaultOn {
		_ = e.Activate(name)
	}
	return e
}

// publishLocked rebuilds the lock-free snapshot of the active states.
func (e *Engine) publishLocked() {
	snap := &snapshot{}
	for _, name := range e.active {
		st := e.available[name]
		for p := range snap {
			if len(st.rules[p]) > 0 {
				snap[p] = append(snap[p], st)
			}
		}
	}
	e.snapshot.Store(snap)
}

// Add makes a scenario known (replacing one of the same name, whose counters
// restart). It does not activate it.
func (e *Engine) Add(sc *Scenario) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.available[sc.Name] = newState(compile(sc))
	e.publishLocked()
}

// Activate makes a known scenario apply to every request.
func (e *Engine) Activate(name string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.available[name] == nil {
		return fmt.Errorf("unknown scenario %q (known: %s)", name, strings.Join(e.namesLocked(), ", "))
	}
	for _, a := range e.active {
		if a == name {
			return nil
		}
	}
	e.active = append(e.active, name)
	e.publishLocked()
	return nil
}

// Deactivate stops a scenario applying; its counters are kept.
func (e *Engine) Deactivate(name string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.available[name] == nil {
		return fmt.Errorf("unknown scenario %q", name)
	}
	for i, a := range e.active {
		if a == name {
			e.active = append(e.active[:i], e.active[i+1:]...)
		}
	}
	e.publishLocked()
	return nil
}

// ResetCounters restarts the times/after counting of every scenario.
func (e *Engine) ResetCounters() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for name, st := range e.available {
		e.available[name] = newState(st.compiled)
	}
	e.publishLocked()
}

// Known reports whether a scenario of that name exists.
func (e *Engine) Known(name string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.available[name] != nil
}

func (e *Engine) namesLocked() []string {
	var out []string
	for n := range e.available {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Info describes a scenario for the admin surface.
type Info struct {
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Source      string     `json:"source"`
	Active      bool       `json:"active"`
	Rules       []RuleInfo `json:"rules"`
}

// RuleInfo is a rule's name and counters.
type RuleInfo struct {
	Name    string `json:"name"`
	Matched int    `json:"matched"`
	Applied int    `json:"applied"`
}

// List describes every known scenario, active ones first in order.
func (e *Engine) List() []Info {
	e.mu.Lock()
	defer e.mu.Unlock()
	isActive := map[string]bool{}
	for _, a := range e.active {
		isActive[a] = true
	}
	var out []Info
	add := func(name string) {
		st := e.available[name]
		in := Info{Name: name, Description: st.sc.Description, Source: st.sc.Source, Active: isActive[name]}
		for i, r := range st.sc.Rules {
			in.Rules = append(in.Rules, RuleInfo{r.Name, st.seen[i], st.applied[i]})
		}
		out = append(out, in)
	}
	for _, a := range e.active {
		add(a)
	}
	for _, n := range e.namesLocked() {
		if !isActive[n] {
			add(n)
		}
	}
	return out
}

// Match returns the decision of the first rule of the phase that applies
// to r, or nil: the per-request scenarios' rules first, then the active
// ones', each in file order. Rules are checked without a lock; only a rule
// whose static part matches takes the lock to count.
func (e *Engine) Match(r *Request, phase Phase) *Decision {
	if phase < 0 || phase >= phases {
		panic(fmt.Sprintf("scenarios: Match with %v", phase))
	}
	states := e.snapshot.Load()[phase]
	if len(r.Extra) > 0 {
		e.mu.Lock()
		var extra []*state
		for _, name := range r.Extra {
			if st := e.available[name]; st != nil {
				extra = append(extra, st)
			}
		}
		e.mu.Unlock()
		states = append(extra, states...)
	}
	var ent entityOnce
	for _, st := range states {
		if d := e.first(r, phase, st, &ent); d != nil {
			return d
		}
	}
	return nil
}

// entityOnce loads the request's entity the first time a rule needs it.
type entityOnce struct {
	m      map[string]any
	loaded bool
}

func (o *entityOnce) get(r *Request) map[string]any {
	if !o.loaded && r.Entity != nil {
		o.m, _ = r.Entity()
	}
	o.loaded = true
	return o.m
}

// first returns the decision of st's first rule of the phase that applies.
func (e *Engine) first(r *Request, phase Phase, st *state, ent *entityOnce) *Decision {
	for _, i := range st.rules[phase] {
		rule := st.sc.Rules[i]
		if !rule.Match.static(r) {
			continue
		}
		var entity map[string]any
		if phase == AfterAuth {
			entity = ent.get(r)
			if len(rule.Match.When) > 0 && !whenHolds(rule.Match.When, entity) {
				continue
			}
		}
		if d := e.count(st, i, rule); d != nil {
			d.Entity = entity
			return d
		}
	}
	return nil
}

// count applies the rule's after, times and probability to one more match;
// it returns the decision when the rule applies.
func (e *Engine) count(st *state, i int, rule *Rule) *Decision {
	e.mu.Lock()
	defer e.mu.Unlock()
	st.seen[i]++
	if st.seen[i] <= rule.After {
		return nil
	}
	if rule.Times > 0 && st.applied[i] >= rule.Times {
		return nil
	}
	if rule.Probability < 1 && st.rng.Float64() >= rule.Probability {
		return nil
	}
	st.applied[i]++
	d := &Decision{Scenario: st.sc.Name, Rule: rule.Name, Respond: rule.Respond, Fault: rule.Fault}
	if rule.Respond != nil {
		d.Delay = rule.Respond.Delay.Min
		if span := rule.Respond.Delay.Max - rule.Respond.Delay.Min; span > 0 {
			d.Delay += time.Duration(st.rng.Int64N(int64(span) + 1))
		}
	}
	return d
}

// static checks everything but the when clause.
func (m *Match) static(r *Request) bool {
	if m.opRE != nil && !m.opRE.MatchString(r.Operation) {
		return false
	}
	if m.Method != "" && m.Method != r.Method {
		return false
	}
	if m.pathRE != nil && !m.pathRE.MatchString(r.Path) {
		return false
	}
	if m.Tenant != "" && m.Tenant != r.Tenant {
		return false
	}
	for k, want := range m.Params {
		got, ok := r.Param(k)
		if !ok || got != want {
			return false
		}
	}
	return true
}

// whenHolds compares the when fields with the entity's, as JSON values.
func whenHolds(when map[string]any, entity map[string]any) bool {
	if entity == nil {
		return false
	}
	for k, want := range when {
		got, ok := entity[k]
		if !ok || !jsonEqual(want, got) {
			return false
		}
	}
	return true
}

func jsonEqual(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		return false
	}
	var na, nb any
	_ = json.Unmarshal(ja, &na)
	_ = json.Unmarshal(jb, &nb)
	return reflect.DeepEqual(na, nb)
}

// Body returns the bytes to send for the rule's body (nil when it has
// none): a Raw string as written, the JSON Parse encoded, or the body
// rendered from the decision's entity and encoded as the server encodes
// answers. The bytes may be shared with other requests: never modify them.
func (d *Decision) Body() ([]byte, error) {
	rs := d.Respond
	if rs == nil || !rs.HasBody {
		return nil, nil
	}
	if s, isString := rs.Body.(string); rs.Raw && isString {
		return []byte(s), nil
	}
	if rs.JSON != nil {
		return rs.JSON, nil
	}
	return encodeJSON(RenderBody(rs.Body, d.Entity))
}

// encodeJSON encodes v as the server's answers are: without HTML escaping
// (a body's "<" stays "<") and without the encoder's trailing newline.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// nextPlaceholder finds the first "{{entity.FIELD}}" in s (spaces allowed
// inside the braces): where it starts and ends, and FIELD. Other text in
// double braces is not a placeholder and is sent as written.
func nextPlaceholder(s string) (start, end int, field string, ok bool) {
	for off := 0; ; {
		i := strings.Index(s[off:], "{{")
		if i < 0 {
			return 0, 0, "", false
		}
		i += off
		j := strings.Index(s[i+2:], "}}")
		if j < 0 {
			return 0, 0, "", false
		}
		j += i + 2
		if f, isEntity := strings.CutPrefix(strings.TrimSpace(s[i+2:j]), "entity."); isEntity {
			return i, j + 2, f, true
		}
		off = i + 2
	}
}

// hasPlaceholder reports whether any string in a body holds an entity
// placeholder (mapping keys are never rendered, so they do not count).
func hasPlaceholder(body any) bool {
	switch t := body.(type) {
	case string:
		_, _, _, ok := nextPlaceholder(t)
		return ok
	case map[string]any:
		for _, v := range t {
			if hasPlaceholder(v) {
				return true
			}
		}
	case []any:
		for _, v := range t {
			if hasPlaceholder(v) {
				return true
			}
		}
	}
	return false
}

// RenderBody fills {{entity.FIELD}} placeholders in a body from entity. A
// string that is only a placeholder becomes the field's value (a number
// stays a number); placeholders inside text are replaced by the value as
// text, or nothing when the entity lacks the field.
func RenderBody(body any, entity map[string]any) any {
	switch t := body.(type) {
	case string:
		trimmed := strings.TrimSpace(t)
		if start, end, field, ok := nextPlaceholder(trimmed); ok && start == 0 && end == len(trimmed) {
			return entity[field]
		}
		var b strings.Builder
		rest := t
		for {
			start, end, field, ok := nextPlaceholder(rest)
			if !ok {
				if len(rest) == len(t) {
					return t // no placeholder: no copy
				}
				b.WriteString(rest)
				return b.String()
			}
			b.WriteString(rest[:start])
			b.WriteString(fmt.Sprint(valueOr(entity[field], "")))
			rest = rest[end:]
		}
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, v := range t {
			out[k] = RenderBody(v, entity)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, v := range t {
			out[i] = RenderBody(v, entity)
		}
		return out
	}
	return body
}

func valueOr(v, def any) any {
	if v == nil {
		return def
	}
	return v
}
