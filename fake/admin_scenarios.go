package fake

import (
	"net/http"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/scenarios"
	"github.com/labstack/echo/v4"
)

// scenarioRoutes serve the scenario part of /_fake/:
//
//	GET  /_fake/scenarios                  every known scenario, its rules and counters
//	POST /_fake/scenarios[?activate=true]  add (or replace) one from a YAML or JSON body
//	POST /_fake/scenarios/:name/activate   apply it to every request
//	POST /_fake/scenarios/:name/deactivate stop applying it
//	POST /_fake/scenarios/reset            restart every rule's times/after counting
func (s *Server) scenarioRoutes() []api.Route {
	list := func(c echo.Context) error {
		return api.JSON(c, http.StatusOK, map[string]any{"scenarios": s.scen.List()})
	}
	return []api.Route{
		{Method: http.MethodGet, Path: "/scenarios", Handler: list},
		{Method: http.MethodPost, Path: "/scenarios", Query: []string{"activate"}, Handler: func(c echo.Context) error {
			sc, err := scenarios.Parse("request body", api.RequestBody(c).Raw)
			if err != nil {
				return api.Detail(http.StatusBadRequest, err.Error())
			}
			if err := s.scen.Add(sc); err != nil {
				return api.Detail(http.StatusBadRequest, err.Error())
			}
			if api.QueryBool(c, "activate") {
				if err := s.scen.Activate(sc.Name); err != nil {
					return api.Detail(http.StatusBadRequest, err.Error())
				}
			}
			return list(c)
		}},
		{Method: http.MethodPost, Path: "/scenarios/reset", Handler: func(c echo.Context) error {
			s.scen.ResetCounters()
			return list(c)
		}},
		{Method: http.MethodPost, Path: "/scenarios/:name/activate", Handler: func(c echo.Context) error {
			if err := s.scen.Activate(c.Param("name")); err != nil {
				return api.Detail(http.StatusNotFound, err.Error())
			}
			return list(c)
		}},
		{Method: http.MethodPost, Path: "/scenarios/:name/deactivate", Handler: func(c echo.Context) error {
			if err := s.scen.Deactivate(c.Param("name")); err != nil {
				return api.Detail(http.StatusNotFound, err.Error())
			}
			return list(c)
		}},
	}
}
