package fake

import (
	"net/http"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/internal/longtail"
	"github.com/labstack/echo/v4"
)

// The tiers say how the fake answers an operation.
const (
	// TierStateful: a domain module handles it over the store.
	TierStateful = api.TierStateful
	// TierSynthesized: answered from its response schema (the long tail).
	TierSynthesized = longtail.TierSynthesized
	// TierInferred: an operation of a resource the long tail keeps state
	// for, inferred from the document (a collection and its items, a
	// singleton).
	TierInferred = longtail.TierInferred
	// TierUnavailable: the fake answers a vendor-shaped 501 saying so.
	TierUnavailable = longtail.TierUnavailable
)

// CoverageRow is one operation of the document and how the fake serves it.
type CoverageRow struct {
	OperationID string `json:"operation_id"`
	Method      string `json:"method"`
	Path        string `json:"path"`
	Tier        string `json:"tier"`
}

// Coverage lists every operation of the document with its tier, sorted by
// path and method.
func (s *Server) Coverage() []CoverageRow {
	ops := s.urls.Operations()
	out := make([]CoverageRow, len(ops))
	for i, op := range ops {
		out[i] = CoverageRow{OperationID: op.ID, Method: op.Method, Path: op.Template, Tier: s.routes.claims[i].Tier}
	}
	return out
}

// coverageRoutes serve GET /_fake/coverage: every operation with its tier,
// and the count per tier.
func (s *Server) coverageRoutes() []api.Route {
	return []api.Route{{Method: http.MethodGet, Path: "/coverage", Handler: func(c echo.Context) error {
		rows := s.Coverage()
		counts := map[string]int{}
		for _, r := range rows {
			counts[r.Tier]++
		}
		return api.JSON(c, http.StatusOK, map[string]any{"total": len(rows), "tiers": counts, "operations": rows})
	}}}
}
