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

// Decision is what the rules that apply to a request make of it: the
// rule that answers, if any, and what every other rule that applies
// adds to the answer (Match explains the precedence).
type Decision struct {
	// Scenario and Rule name the rule that answers (a status or a fault),
	// or, when none does, the first rule that applied.
	Scenario string
	Rule     string
	// Respond is that rule's; its Status is 0 when no rule answers (the
	// handler answers, after the delay, with the headers).
	Respond *Respond
	Fault   Fault
	// Delay is how long to wait before answering: the delays drawn for
	// every rule that applied, added up. For a timeout fault it is the
	// fault's own delay only: how long the connection is held.
	Delay time.Duration
	// Headers are the headers every rule that applied adds to the answer:
	// the answering rule's win, then the earlier rule's. Shared with the
	// rules when only one sets any: never modify it.
	Headers map[string]string
	// Prefer is the first prefer among the rules that applied.
	Prefer string
	// Applied names every rule that applied, "scenario/rule", in the order
	// they were considered.
	Applied []string
	// Entity is the entity the request addresses, for body templates; set
	// only for a rule that reads state (AfterAuth).
	Entity map[string]any
}

// Names is Applied as one string, "scenario/rule" joined by ", ", as the
// journal shows it.
func (d *Decision) Names() string { return strings.Join(d.Applied, ", ") }

// Answers reports whether the rule decides the answer itself (a status or
// a fault) rather than only delaying it or adding headers or a prefer to
// the normal handler's answer.
func (r *Rule) Answers() bool {
	return r.Fault != FaultNone || r.Respond != nil && r.Respond.Status != 0
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
	// opsFn lists the served document's operations (RequireOperations),
	// built into ops once, when a scenario first names an operation.
	opsFn   func() []Operation
	opsOnce sync.Once
	ops     *Operations
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

// RequireOperations makes Add refuse a scenario with a rule whose
// match.operation names no operation ops lists (CheckOperations), as the
// server's document has them. ops is called once, by the first Add of a
// scenario that names an operation, so an engine that is never given one
// never builds the set. Call it before any Add; the engine's own
// built-in scenarios are checked by the server's tests, not here.
func (e *Engine) RequireOperations(ops func() []Operation) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.opsFn = ops
}

// checkOperations is CheckOperations against the required operations, if
// any.
func (e *Engine) checkOperations(sc *Scenario) error {
	e.mu.Lock()
	fn := e.opsFn
	e.mu.Unlock()
	if fn == nil || !namesOperation(sc) {
		return nil
	}
	e.opsOnce.Do(func() { e.ops = NewOperations(fn()) })
	return CheckOperations(sc, e.ops)
}

func namesOperation(sc *Scenario) bool {
	for _, r := range sc.Rules {
		if r.Match.Operation != "" {
			return true
		}
	}
	return false
}

// Add makes a scenario known, replacing one of the same name: its counters
// restart, the per-caller ones are dropped, and it stays active if it was.
// It does not activate a new one. With RequireOperations, a scenario whose
// rule names no operation of the document is refused (a *Error with its
// file, line and the closest ids), and one of the same name already known
// stays as it was.
func (e *Engine) Add(sc *Scenario) error {
	if err := e.checkOperations(sc); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	en := newEntry(sc)
	if old := e.available[sc.Name]; old != nil {
		en.active = old.active
	}
	e.available[sc.Name] = en
	e.publishLocked()
	return nil
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

// Match returns what the rules of the phase that apply to r decide, or
// nil when none applies. Rules are considered in this order: the
// per-request scenarios' (with the caller's counters), then the active
// ones' in the order they were activated (with the shared counters), each
// scenario's in file order. The first rule that applies and answers (a
// status or a fault) decides the answer; a rule that only delays, or adds
// headers or a prefer, never stops the search: it applies wherever it
// stands, before or after the answering rule, and its delay adds to the
// answer's. So slow-network plus an outage is a slow 503, whichever was
// activated first. Once a rule has answered, later answering rules are
// skipped uncounted (as if the request had not reached them). Rules are
// checked without a lock; only a rule whose static part matches takes the
// lock to count. A phase other than BeforeAuth and AfterAuth is a
// programming error, and panics.
func (e *Engine) Match(r *Request, phase Phase) *Decision {
	if uint(phase) >= uint(phases) {
		panic(fmt.Sprintf("scenarios: Match with %v", phase))
	}
	var ent entityOnce
	var acc accumulator
	if len(r.Extra) == 0 {
		states := e.snapshot.Load()[phase]
		if len(states) == 0 {
			return nil // the idle path: one atomic load
		}
		e.walk(r, phase, states, &ent, &acc)
		return acc.decision(r, phase, &ent)
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
	e.walk(r, phase, extra, &ent, &acc)
	e.walk(r, phase, active, &ent, &acc)
	return acc.decision(r, phase, &ent)
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

// walk considers the rules of the phase among states, in order, adding
// each that applies to acc; ent loads the entity once across calls.
func (e *Engine) walk(r *Request, phase Phase, states []*state, ent *entityOnce, acc *accumulator) {
	for _, st := range states {
		for _, pr := range st.rules[phase] {
			answers := pr.Answers()
			if answers && acc.answer != nil {
				continue // the answer is decided: only modifiers still apply
			}
			if !pr.Match.static(r) {
				continue
			}
			if phase == AfterAuth && len(pr.Match.When) > 0 && !whenHolds(pr.Match.When, ent.get(r)) {
				continue
			}
			if delay, ok := e.count(st, pr.i, pr.Rule); ok {
				acc.add(st.sc.Name, pr.Rule, answers, delay)
			}
		}
	}
}

// accumulator gathers the rules that apply to one request in one phase.
type accumulator struct {
	answer      *Rule // the rule that answers, if any
	answerScen  string
	answerDelay time.Duration
	first       *Rule // the first rule that applied
	firstScen   string
	delay       time.Duration // the modifiers' delays, added up
	headers     map[string]string
	ownHeaders  bool // headers is a map of our own, not a rule's
	prefer      string
	applied     []string
}

// add records a rule that applied, with the delay drawn for it.
func (a *accumulator) add(scenario string, rule *Rule, answers bool, delay time.Duration) {
	if a.first == nil {
		a.first, a.firstScen = rule, scenario
	}
	a.applied = append(a.applied, scenario+"/"+rule.Name)
	if answers {
		a.answer, a.answerScen, a.answerDelay = rule, scenario, delay
		return
	}
	a.delay += delay
	if rs := rule.Respond; rs != nil {
		if a.prefer == "" {
			a.prefer = rs.Prefer
		}
		a.addHeaders(rs.Headers, false)
	}
}

// addHeaders merges h into the headers; over says h wins a conflict.
func (a *accumulator) addHeaders(h map[string]string, over bool) {
	if len(h) == 0 {
		return
	}
	if a.headers == nil {
		a.headers = h // shared until a second rule adds some
		return
	}
	if !a.ownHeaders {
		own := make(map[string]string, len(a.headers)+len(h))
		for k, v := range a.headers {
			own[k] = v
		}
		a.headers, a.ownHeaders = own, true
	}
	for k, v := range h {
		if _, set := a.headers[k]; over || !set {
			a.headers[k] = v
		}
	}
}

// decision is what the rules that applied decide, or nil when none did.
func (a *accumulator) decision(r *Request, phase Phase, ent *entityOnce) *Decision {
	if a.first == nil {
		return nil
	}
	d := &Decision{Scenario: a.firstScen, Rule: a.first.Name, Respond: a.first.Respond,
		Delay: a.delay, Prefer: a.prefer, Applied: a.applied}
	if rule := a.answer; rule != nil {
		d.Scenario, d.Rule, d.Respond, d.Fault = a.answerScen, rule.Name, rule.Respond, rule.Fault
		if rule.Respond != nil {
			a.addHeaders(rule.Respond.Headers, true)
		}
		if rule.Fault == FaultTimeout {
			// A timeout's delay is how long the connection is held, not a
			// wait before an answer: the other rules' delays do not add.
			d.Delay = a.answerDelay
		} else {
			d.Delay += a.answerDelay
		}
	}
	d.Headers = a.headers
	if phase == AfterAuth {
		d.Entity = ent.get(r)
	}
	return d
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
// it reports whether the rule applies, and the delay drawn for it.
func (e *Engine) count(st *state, i int, rule *Rule) (time.Duration, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	st.seen[i]++
	if st.seen[i] <= rule.After {
		return 0, false
	}
	if rule.Times > 0 && st.applied[i] >= rule.Times {
		return 0, false
	}
	if rule.Probability < 1 && st.rng.Float64() >= rule.Probability {
		return 0, false
	}
	st.applied[i]++
	var delay time.Duration
	if rule.Respond != nil {
		delay = rule.Respond.Delay.Min
		if span := rule.Respond.Delay.Max - rule.Respond.Delay.Min; span > 0 {
			delay += time.Duration(st.rng.Int64N(int64(span) + 1))
		}
	}
	return delay, true
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
