package fake

import (
	"math/rand/v2"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/iblfake/iblfake/internal/drf"
	"github.com/labstack/echo/v4"
)

// TestParamPlanNeverPassesWhatKinRefuses holds the parameter plan
// (validate_fast.go) to kin-openapi: over every modelled operation and a
// third of the long tail, with random path and query values (seeded), a
// request the plan lets skip ValidateRequest is one ValidateRequest
// accepts. It also checks the plan does skip most plain requests, so that
// the test is not passing by skipping nothing.
func TestParamPlanNeverPassesWhatKinRefuses(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var routes []*route
	for i, op := range s.urls.Operations() {
		if !op.LongTail || i%3 == 0 {
			r, err := s.route(op)
			if err != nil {
				t.Fatal(err)
			}
			routes = append(routes, r)
		}
	}
	rng := rand.New(rand.NewPCG(15, 4))
	values := []string{"x", "perf", "1", "0", "-3", "+7", "1.5", "1e3", "", "true", "FALSE", "t", "yes",
		"99999999999999999999", "%zz", "a b", "a,b", ".x", ";x=1", "\x00", strings.Repeat("é", 300)}
	e := echo.New()
	checked, skipped, plainRoutes := 0, 0, 0
	for _, r := range routes {
		plan := r.plan()
		if !plan.ok {
			continue
		}
		plainRoutes++
		var pathNames []string
		var queryNames []string
		for _, pp := range plan.params {
			if pp.path {
				pathNames = append(pathNames, pp.name)
			} else {
				queryNames = append(queryNames, pp.name)
			}
		}
		for range 40 {
			q := url.Values{}
			for _, name := range append(queryNames, "page", "unknown") {
				switch rng.IntN(4) {
				case 0: // absent
				case 1:
					q[name] = []string{values[rng.IntN(3)]} // plain
				default:
					q[name] = []string{values[rng.IntN(len(values))]}
					if rng.IntN(8) == 0 {
						q[name] = append(q[name], values[rng.IntN(len(values))])
					}
				}
			}
			req := httptest.NewRequest(r.method, "/", nil)
			req.URL.RawQuery = q.Encode()
			c := e.NewContext(req, httptest.NewRecorder())
			pv := make([]string, len(pathNames))
			for i := range pv {
				pv[i] = values[rng.IntN(len(values))]
				if rng.IntN(2) == 0 {
					pv[i] = "perf"
				}
			}
			c.SetParamNames(pathNames...)
			c.SetParamValues(pv...)
			query := drf.PagingLenient(c.QueryParams())
			if !plan.passes(c, query) {
				continue
			}
			skipped++
			input := &openapi3filter.RequestValidationInput{
				Request: req, PathParams: pathParams(c), QueryParams: query, Route: r.kin, Options: validationOptionsNoBody,
			}
			if err := openapi3filter.ValidateRequest(req.Context(), input); err != nil {
				t.Fatalf("%s %s ?%s path %v: the plan skips validation, kin-openapi refuses: %v",
					r.method, r.template, req.URL.RawQuery, pv, err)
			}
		}
		checked++
	}
	if plainRoutes < len(routes)/2 || skipped < checked*5 {
		t.Fatalf("the plan covers %d of %d routes and skipped %d requests: too few to prove anything",
			plainRoutes, len(routes), skipped)
	}
	t.Logf("%d of %d routes have a plan; %d random requests skipped validation, each accepted by kin-openapi",
		plainRoutes, len(routes), skipped)
}
