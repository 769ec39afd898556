package fake

import (
	"net/http"
	"sort"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/spec"
	"github.com/labstack/echo/v4"
)

// Tiers say how the fake answers an operation.
const (
	// TierStateful: a domain module handles it over the store.
	TierStateful = "stateful"
	// TierUnavailable: the fake answers a vendor-shaped 501 saying so.
	TierUnavailable = "unavailable"
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
	out := make([]CoverageRow, 0, len(s.routeList))
	for _, r := range s.routeList {
		out = append(out, CoverageRow{OperationID: r.id, Method: r.method, Path: r.template, Tier: r.tier})
	}
	idx, _ := spec.LongTailIndex()
	for i := range idx {
		e := &idx[i]
		out = append(out, CoverageRow{OperationID: e.ID, Method: e.Method, Path: e.Path, Tier: s.tailTier(e)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
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
