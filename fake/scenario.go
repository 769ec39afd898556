package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/scenarios"
	"github.com/iblfake/iblfake/spec"
	"github.com/labstack/echo/v4"
)

// ScenarioHeader names scenarios to apply to one request only, for tests
// that share a fake: a comma-separated list of known scenario names.
const ScenarioHeader = "X-Fake-Scenario"

// AppliedHeader is set on every answer scenario rules touched: the rules
// that applied, "scenario/rule" joined by ", ", as the journal names them,
// so a client (or a page, which CORS lets read it) can tell an injected
// failure or delay from the fake's normal answer. The vendor never sends
// it; it appears only while a scenario applies.
const AppliedHeader = "X-Iblfake-Scenario"

// WithScenario activates known scenarios (built-in names, or ones added with
// WithScenarioFile) at start-up.
func WithScenario(names ...string) Option {
	return func(o *options) error {
		o.scenarioNames = append(o.scenarioNames, names...)
		return nil
	}
}

// WithScenarioFile loads a scenario file (YAML or JSON) and activates it.
func WithScenarioFile(path string) Option {
	return func(o *options) error {
		sc, err := scenarios.LoadFile(path)
		if err != nil {
			return err
		}
		o.scenarioDefs = append(o.scenarioDefs, sc)
		o.scenarioNames = append(o.scenarioNames, sc.Name)
		return nil
	}
}

// WithScenarioDefinition adds a parsed scenario; active says whether it
// applies from the start or only when activated or named per request.
func WithScenarioDefinition(sc *scenarios.Scenario, active bool) Option {
	return func(o *options) error {
		o.scenarioDefs = append(o.scenarioDefs, sc)
		if active {
			o.scenarioNames = append(o.scenarioNames, sc.Name)
		}
		return nil
	}
}

// WithoutScenario deactivates scenarios that are on by default (such as
// public-revoked-assertion).
func WithoutScenario(names ...string) Option {
	return func(o *options) error {
		o.scenarioOff = append(o.scenarioOff, names...)
		return nil
	}
}

// Scenarios returns the server's scenario engine.
func (s *Server) Scenarios() *scenarios.Engine { return s.scen }

func (s *Server) setupScenarios() error {
	s.scen = scenarios.NewEngine()
	s.scen.RequireOperations(s.servedOperations)
	for _, sc := range s.opts.scenarioDefs {
		if err := s.scen.Add(sc); err != nil {
			return err
		}
	}
	for _, n := range s.opts.scenarioNames {
		if err := s.scen.Activate(n); err != nil {
			return err
		}
	}
	for _, n := range s.opts.scenarioOff {
		if err := s.scen.Deactivate(n); err != nil {
			return err
		}
	}
	return nil
}

// servedOperations lists every operation of the served document a
// scenario may name: the modelled ones and the long tail, whichever way
// the long tail answers (a 501 is still that operation's answer). The
// engine asks for it once, when a scenario first names an operation.
func (s *Server) servedOperations() []scenarios.Operation {
	var out []scenarios.Operation
	for _, op := range s.spec.Operations() {
		if op.Op.OperationID != "" {
			out = append(out, scenarios.Operation{ID: op.Op.OperationID, Method: op.Method, Path: op.Path})
		}
	}
	// An index that does not load fails the server's start-up already
	// (longtail.go); here it only means fewer ids to accept.
	idx, _ := spec.LongTailIndex()
	for _, e := range idx {
		out = append(out, scenarios.Operation{ID: e.ID, Method: e.Method, Path: e.Path})
	}
	return out
}

// applyScenario finds the rule of phase that matches the request and
// applies it; it reports whether the rule answered (so the normal handler
// must not run). BeforeAuth considers only rules that read no stored state,
// which may answer anyone (an outage is an outage); AfterAuth, called once
// the request is authenticated and authorised for its tenant, the rules
// with a when clause or {{entity.FIELD}} template, so a rule never shows a
// caller what the caller may not see.
func (s *Server) applyScenario(c echo.Context, r *route, phase scenarios.Phase) (bool, error) {
	if hr := c.Request(); hr.Header.Get(ScenarioHeader) == "" && s.scen.Quiet(phase, r.id, hr.Method, hr.URL.Path) {
		// No rule can apply: Match would find none, so the request (a
		// struct and two closures) is not built.
		return false, nil
	}
	req, err := s.scenarioRequest(c, r)
	if err != nil {
		return true, err
	}
	d := s.scen.Match(req, phase)
	if d == nil {
		return false, nil
	}
	// Both phases may apply rules to one request (a delay before auth, an
	// answer after it): the journal names them all.
	rec := api.RequestOf(c)
	names := d.Names()
	if rec.Scenario != "" {
		names = rec.Scenario + ", " + names
	}
	rec.Scenario = names
	c.Response().Header().Set(AppliedHeader, names)
	if d.Delay > 0 && d.Fault != scenarios.FaultTimeout {
		if gone := s.hold(c, d.Delay); gone {
			return true, nil
		}
	}
	h := c.Response().Header()
	for k, v := range d.Headers {
		h.Set(k, v)
	}
	// A page on another origin may read what the rules add (cors.go).
	exposeToCORS(h, d.Headers)
	if d.Fault != scenarios.FaultNone {
		return true, s.fault(c, d)
	}
	if d.Prefer != "" {
		rec.Prefer = d.Prefer // the long tail reads it
	}
	resp := d.Respond
	if resp == nil || resp.Status == 0 {
		return false, nil // delay, headers and prefer only: the handler answers
	}
	if !resp.HasBody {
		return true, c.NoContent(resp.Status)
	}
	body, err := d.Body()
	if err != nil {
		return true, fmt.Errorf("scenario %s/%s: %w", d.Scenario, d.Rule, err)
	}
	ct := echo.MIMEApplicationJSON
	if resp.Raw {
		ct = resp.Headers["Content-Type"]
	}
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	return true, c.Blob(resp.Status, ct, body)
}

// scenarioRequest is what the engine sees of the request, made once for
// both phases: the scenarios the X-Fake-Scenario header names (a 400 for an
// unknown one), and the caller (its API key), whose per-request scenarios
// keep counters of their own.
func (s *Server) scenarioRequest(c echo.Context, r *route) (*scenarios.Request, error) {
	rec := api.RequestOf(c)
	if rec.ScenarioRequest != nil {
		return rec.ScenarioRequest, nil
	}
	var extra []string
	if h := c.Request().Header.Get(ScenarioHeader); h != "" {
		for _, n := range strings.Split(h, ",") {
			if n = strings.TrimSpace(n); n == "" {
				continue
			} else if !s.scen.Known(n) {
				return nil, api.Detail(http.StatusBadRequest, fmt.Sprintf("Unknown scenario %q in %s.", n, ScenarioHeader))
			}
			extra = append(extra, n)
		}
	}
	req := &scenarios.Request{
		Operation: r.id, Method: c.Request().Method, Path: c.Request().URL.Path, Tenant: api.Tenant(c),
		Param: paramLookup(c), Extra: extra, Caller: apiKey(c.Request()),
		Entity: func() (map[string]any, bool) {
			if r.entity == nil {
				return nil, false
			}
			return r.entity(c)
		},
	}
	rec.ScenarioRequest = req
	return req, nil
}

// fault breaks the connection the way the rule asks.
func (s *Server) fault(c echo.Context, d *scenarios.Decision) error {
	if d.Fault == scenarios.FaultMalformedBody {
		status := http.StatusOK
		if d.Respond != nil && d.Respond.Status != 0 {
			status = d.Respond.Status
		}
		// A JSON content type and length, but the body stops mid-value.
		return c.Blob(status, echo.MIMEApplicationJSON, []byte(`{"detail": "truncat`))
	}
	conn, _, err := http.NewResponseController(c.Response().Writer).Hijack()
	if err != nil {
		return fmt.Errorf("scenario fault %s: %w", d.Fault, err)
	}
	c.Response().Committed = true
	c.Response().Status = 0
	switch d.Fault {
	case scenarios.FaultConnectionReset:
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // close with RST
		}
	case scenarios.FaultTimeout:
		wait := d.Delay
		if wait <= 0 {
			wait = 60 * time.Second
		}
		if !s.takeDelaySlot(c) {
			break // closed at once: no slot to hold it in
		}
		defer s.releaseDelaySlot()
		// The client gives up first, or the connection is closed after
		// wait, or when the server shuts down.
		_ = conn.SetReadDeadline(time.Now().Add(wait))
		stop := context.AfterFunc(s.delayCtx, func() { _ = conn.SetReadDeadline(time.Now()) })
		_, _ = io.Copy(io.Discard, conn)
		stop()
	}
	return conn.Close()
}

// DefaultMaxDelayed is how many requests scenario delays and timeout faults
// may hold at once unless WithMaxDelayed says otherwise.
const DefaultMaxDelayed = 256

// WithMaxDelayed bounds how many requests scenario delays (and timeout
// faults) hold at once; past it, a matching request is answered at once,
// with the journal saying so, so that delays cannot starve the server of
// connections (default DefaultMaxDelayed).
func WithMaxDelayed(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return fmt.Errorf("WithMaxDelayed: %d is not positive", n)
		}
		o.maxDelayed = n
		return nil
	}
}

// hold waits d for a scenario delay, in one of the server's delay slots. It
// reports whether the client went away meanwhile. Without a free slot it
// does not wait at all (the journal's note says so), and EndDelays cuts
// every wait short.
func (s *Server) hold(c echo.Context, d time.Duration) (gone bool) {
	if !s.takeDelaySlot(c) {
		return false
	}
	defer s.releaseDelaySlot()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-s.delayCtx.Done():
	case <-c.Request().Context().Done():
		return true
	}
	return false
}

func (s *Server) takeDelaySlot(c echo.Context) bool {
	select {
	case s.delaySlots <- struct{}{}:
		return true
	default:
		api.RequestOf(c).Note = fmt.Sprintf("delay skipped: %d requests are already held by scenarios", cap(s.delaySlots))
		return false
	}
}

func (s *Server) releaseDelaySlot() { <-s.delaySlots }

// EndDelays ends every scenario delay and timeout fault under way, and
// every later one at once: held requests are answered so that a shutdown
// can drain them.
func (s *Server) EndDelays() { s.endDelays() }

// paramLookup finds a path, query or JSON body field by name (the body
// the server read once, by exact key).
func paramLookup(c echo.Context) func(string) (string, bool) {
	return func(name string) (string, bool) {
		if v := c.Param(name); v != "" {
			return v, true
		}
		if q := c.QueryParams(); q.Has(name) {
			return q.Get(name), true
		}
		v, ok := api.RequestBody(c).Field(name)
		if !ok {
			return "", false
		}
		if s, isStr := v.(string); isStr {
			return s, true
		}
		raw, _ := json.Marshal(v)
		return string(raw), true
	}
}
