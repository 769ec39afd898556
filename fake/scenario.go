package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/scenarios"
	"github.com/labstack/echo/v4"
)

// ScenarioHeader names scenarios to apply to one request only, for tests
// that share a fake: a comma-separated list of known scenario names.
const ScenarioHeader = "X-Fake-Scenario"

const ctxScenario = "iblfake.scenario"

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
	for _, sc := range s.opts.scenarioDefs {
		s.scen.Add(sc)
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

// applyScenario finds the rule that matches the request and applies it. It
// reports whether the rule answered (so the normal handler must not run).
func (s *Server) applyScenario(c echo.Context, r *route) (bool, error) {
	var extra []string
	if h := c.Request().Header.Get(ScenarioHeader); h != "" {
		for _, n := range strings.Split(h, ",") {
			if n = strings.TrimSpace(n); n == "" {
				continue
			} else if !s.scen.Known(n) {
				return true, api.Detail(http.StatusBadRequest, fmt.Sprintf("Unknown scenario %q in %s.", n, ScenarioHeader))
			}
			extra = append(extra, n)
		}
	}
	req := &scenarios.Request{
		Operation: r.id, Method: c.Request().Method, Path: c.Request().URL.Path, Tenant: api.Tenant(c),
		Param: paramLookup(c), Extra: extra,
		Entity: func() (map[string]any, bool) {
			for _, resolve := range s.entities {
				if m, ok := resolve(c); ok {
					return m, true
				}
			}
			return nil, false
		},
	}
	d := s.scen.Match(req, scenarios.BeforeAuth)
	if d == nil {
		d = s.scen.Match(req, scenarios.AfterAuth)
	}
	if d == nil {
		return false, nil
	}
	c.Set(ctxScenario, d.Scenario+"/"+d.Rule)
	if d.Delay > 0 && d.Fault != scenarios.FaultTimeout {
		select {
		case <-time.After(d.Delay):
		case <-c.Request().Context().Done():
			return true, nil
		}
	}
	if d.Fault != scenarios.FaultNone {
		return true, s.fault(c, d)
	}
	resp := d.Respond
	if resp == nil {
		return false, nil
	}
	for k, v := range resp.Headers {
		c.Response().Header().Set(k, v)
	}
	if resp.Status == 0 {
		return false, nil // delay and headers only: the handler answers
	}
	if !resp.HasBody {
		return true, c.NoContent(resp.Status)
	}
	return true, api.JSON(c, resp.Status, scenarios.RenderBody(resp.Body, d.Entity))
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
		// The client gives up first, or the connection is closed after wait.
		_ = conn.SetReadDeadline(time.Now().Add(wait))
		_, _ = io.Copy(io.Discard, conn)
	}
	return conn.Close()
}

// paramLookup finds a path, query or JSON body field by name.
func paramLookup(c echo.Context) func(string) (string, bool) {
	var body map[string]any
	bodyRead := false
	return func(name string) (string, bool) {
		if v := c.Param(name); v != "" {
			return v, true
		}
		if q := c.QueryParams(); q.Has(name) {
			return q.Get(name), true
		}
		if !bodyRead {
			bodyRead = true
			req := c.Request()
			if req.Body != nil {
				raw, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
				req.Body = io.NopCloser(io.MultiReader(bytes.NewReader(raw), req.Body))
				_ = json.Unmarshal(raw, &body)
			}
		}
		v, ok := body[name]
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
