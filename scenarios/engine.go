package scenarios

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"reflect"
	"slices"
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
	// ones (the X-Fake-Scenario header). Their after/times counting and
	// probability rolls are kept per Caller, so one test's throttling does
	// not spend another's allowance. A name that is also active is the
	// active scenario (evaluated once, with the shared counters), and a name
	// given twice counts once.
	Extra []string
	// Caller is who sends the request: the server passes the API key, ""
	// for none. Only per-request scenarios (Extra) use it.
	Caller string
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

// String names the phase, for messages and test failures.
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
	available map[string]*entry
	active    []string
	// snapshot is the active states in order, per phase, swapped on every
	// change, so Match checks rules (which never change) without taking mu.
	snapshot atomic.Pointer[snapshot]
	// callerSeed keys the hash callers are told apart by.
	callerSeed maphash.Seed
}

// MaxCallers bounds the callers a scenario keeps their own counters for
// when named per request: beyond it, further callers share one overflow
// set, so requests with ever new keys cannot grow memory without limit.
const MaxCallers = 4096

// entry is a known scenario: its counters for the requests it applies to
// as an active scenario (shared), and for each caller that names it per
// request. Callers are told apart by a keyed 64-bit hash, so an API key is
// neither kept nor shown; two callers sharing counters by a collision is a
// one in 10^12 chance at the bound.
type entry struct {
	*compiled
	active   bool
	shared   *state
	callers  map[uint64]*state
	overflow *state
}

// callerLocked returns the caller's counters, created on first use.
func (en *entry) callerLocked(caller uint64) *state {
	if st := en.callers[caller]; st != nil {
		return st
	}
	if len(en.callers) >= MaxCallers {
		if en.overflow == nil {
			en.overflow = newState(en.compiled)
		}
		return en.overflow
	}
	if en.callers == nil {
		en.callers = map[uint64]*state{}
	}
	st := newState(en.compiled)
	en.callers[caller] = st
	return st
}

// snapshot lists, for each phase, the active states that have rules in it.
type snapshot [phases][]*state

// compiled is a scenario with its rules sorted into phases (in file order
// within each), shared by every state of the scenario.
type compiled struct {
	sc    *Scenario
	rules [phases][]phaseRule
}

// phaseRule is a rule and its index in the scenario (and its counters).
type phaseRule struct {
	*Rule
	i int
}

// compile sorts a scenario's rules into phases once, when it is added, so
// Match never asks a rule whether it reads state.
func compile(sc *Scenario) *compiled {
	c := &compiled{sc: sc}
	for i, r := range sc.Rules {
		p := BeforeAuth
		if r.ReadsState() {
			p = AfterAuth
		}
		c.rules[p] = append(c.rules[p], phaseRule{r, i})
	}
	return c
}

// state is one set of counters for a scenario's rules. Everything but
// compiled is guarded by Engine.mu.
type state struct {
	*compiled
	seen    []int
	applied []int
	rng     *rand.Rand
}

// newState returns fresh counters for a scenario.
func newState(c *compiled) *state {
	st := &state{compiled: c, seen: make([]int, len(c.sc.Rules)), applied: make([]int, len(c.sc.Rules))}
	st.reseed()
	return st
}

// reseed restarts the probability and delay rolls: from the scenario's seed,
// so runs repeat, or from a random one.
func (st *state) reseed() {
	seed := st.sc.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	st.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// newEntry returns a scenario as the engine keeps it, with fresh shared
// counters and no caller's yet.
func newEntry(sc *Scenario) *entry {
	c := compile(sc)
	return &entry{compiled: c, shared: newState(c)}
}

// NewEngine returns an engine that knows the built-in scenarios, with the
// default-on ones active.
func NewEngine() *Engine {
	e := &Engine{available: map[string]*entry{}, callerSeed: maphash.MakeSeed()}
	e.snapshot.Store(&snapshot{})
	for _, sc := range builtins() {
		e.available[sc.Name] = newEntry(sc)
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
		en := e.available[name]
		for p := range snap {
			if len(en.rules[p]) > 0 {
				snap[p] = append(snap[p], en.shared)
			}
		}
	}
	e.snapshot.Store(snap)
}

// Add makes a scenario known, replacing one of the same name: its counters
// restart, the per-caller ones are dropped, and it stays active if it was.
// It does not activate a new one.
func (e *Engine) Add(sc *Scenario) {
	e.mu.Lock()
	defer e.mu.Unlock()
	en := newEntry(sc)
	if old := e.available[sc.Name]; old != nil {
		en.active = old.active
	}
	e.available[sc.Name] = en
	e.publishLocked()
}

// Activate makes a known scenario apply to every request.
func (e *Engine) Activate(name string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	en := e.available[name]
	if en == nil {
		return fmt.Errorf("unknown scenario %q (known: %s)", name, strings.Join(e.namesLocked(), ", "))
	}
	if en.active {
		return nil
	}
	en.active = true
	e.active = append(e.active, name)
	e.publishLocked()
	return nil
}

// Deactivate stops a scenario applying; its counters are kept.
func (e *Engine) Deactivate(name string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	en := e.available[name]
	if en == nil {
		return fmt.Errorf("unknown scenario %q", name)
	}
	en.active = false
	e.active = slices.DeleteFunc(e.active, func(a string) bool { return a == name })
	e.publishLocked()
	return nil
}

// ResetCounters restarts the times/after counting of every scenario, the
// shared counters and every caller's (whose counters are dropped, to be
// created again on their next request).
func (e *Engine) ResetCounters() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, en := range e.available {
		// In place, so a request already holding the state counts afresh.
		clear(en.shared.seen)
		clear(en.shared.applied)
		en.shared.reseed()
		en.callers, en.overflow = nil, nil
	}
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
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Source      string `json:"source"`
	Active      bool   `json:"active"`
	// Callers is how many callers have their own counters, from naming the
	// scenario per request (at most MaxCallers).
	Callers int `json:"callers"`
	// CallersOverflow says MaxCallers was reached: further callers share
	// one set of counters, counted in the rules' Callers totals.
	CallersOverflow bool       `json:"callers_overflow,omitempty"`
	Rules           []RuleInfo `json:"rules"`
}

// RuleInfo is a rule's name and counters.
type RuleInfo struct {
	Name string `json:"name"`
	// Matched and Applied count the requests the rule saw and answered as
	// an active scenario's (the shared counters).
	Matched int `json:"matched"`
	Applied int `json:"applied"`
	// CallersMatched and CallersApplied are the same totals across every
	// caller's own counters (the scenario named per request).
	CallersMatched int `json:"callers_matched"`
	CallersApplied int `json:"callers_applied"`
}

// List describes every known scenario, active ones first in order.
func (e *Engine) List() []Info {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Info
	add := func(name string) {
		en := e.available[name]
		in := Info{Name: name, Description: en.sc.Description, Source: en.sc.Source, Active: en.active,
			Callers: len(en.callers), CallersOverflow: en.overflow != nil}
		for i, r := range en.sc.Rules {
			ri := RuleInfo{Name: r.Name, Matched: en.shared.seen[i], Applied: en.shared.applied[i]}
			for _, st := range en.callers {
				ri.CallersMatched += st.seen[i]
				ri.CallersApplied += st.applied[i]
			}
			if st := en.overflow; st != nil {
				ri.CallersMatched += st.seen[i]
				ri.CallersApplied += st.applied[i]
			}
			in.Rules = append(in.Rules, ri)
		}
		out = append(out, in)
	}
	for _, a := range e.active {
		add(a)
	}
	for _, n := range e.namesLocked() {
		if !e.available[n].active {
			add(n)
		}
	}
	return out
}

// Match returns the decision of the first rule of the phase that applies
// to r, or nil: the per-request scenarios' rules first (with the caller's
// counters), then the active ones' (with the shared counters), each in file
// order. Rules are checked without a lock; only a rule whose static part
// matches takes the lock to count. A phase other than BeforeAuth and
// AfterAuth is a programming error, and panics.
func (e *Engine) Match(r *Request, phase Phase) *Decision {
	if uint(phase) >= uint(phases) {
		panic(fmt.Sprintf("scenarios: Match with %v", phase))
	}
	var ent entityOnce
	if len(r.Extra) == 0 {
		states := e.snapshot.Load()[phase]
		if len(states) == 0 {
			return nil // the idle path: one atomic load
		}
		return e.firstOf(r, phase, states, &ent)
	}
	var buf [4]*state
	extra := buf[:0]
	caller := maphash.String(e.callerSeed, r.Caller)
	e.mu.Lock()
	// Under mu, the snapshot agrees with the entries' active flags.
	active := e.snapshot.Load()[phase]
	for i, name := range r.Extra {
		en := e.available[name]
		if en == nil || en.active || len(en.rules[phase]) == 0 || slices.Contains(r.Extra[:i], name) {
			continue
		}
		extra = append(extra, en.callerLocked(caller))
	}
	e.mu.Unlock()
	if d := e.firstOf(r, phase, extra, &ent); d != nil {
		return d
	}
	return e.firstOf(r, phase, active, &ent)
}

// Quiet reports whether no active rule of phase can match a request of
// this operation, method and path, judged on those alone (a rule that
// could match on them counts, whatever its tenant, params or when say).
// A caller whose request names no per-request scenario (Request.Extra)
// may then skip Match, and building the Request, whose callbacks cost
// allocations on every request. It reads the same lock-free snapshot
// Match does.
func (e *Engine) Quiet(phase Phase, operation, method, path string) bool {
	if uint(phase) >= uint(phases) {
		return false
	}
	for _, st := range e.snapshot.Load()[phase] {
		for _, pr := range st.rules[phase] {
			m := &pr.Match
			if (m.opRE == nil || m.opRE.MatchString(operation)) && (m.Method == "" || m.Method == method) &&
				(m.pathRE == nil || m.pathRE.MatchString(path)) {
				return false
			}
		}
	}
	return true
}

// firstOf returns the decision of the first rule of the phase that applies
// among states; ent loads the entity once across calls.
func (e *Engine) firstOf(r *Request, phase Phase, states []*state, ent *entityOnce) *Decision {
	for _, st := range states {
		for _, pr := range st.rules[phase] {
			if !pr.Match.static(r) {
				continue
			}
			var entity map[string]any
			if phase == AfterAuth {
				entity = ent.get(r)
				if len(pr.Match.When) > 0 && !whenHolds(pr.Match.When, entity) {
					continue
				}
			}
			if d := e.count(st, pr.i, pr.Rule); d != nil {
				d.Entity = entity
				return d
			}
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
