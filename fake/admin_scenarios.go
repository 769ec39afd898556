package fake

import (
	"net/http"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/labstack/echo/v4"
)

// scenarioRoutes serve the scenario part of /_fake/:
//
//	GET  /_fake/scenarios                  every known scenario, its rules and counters
//	POST /_fake/scenarios[?activate=true]  add (or replace) one from a YAML or JSON body
//	POST /_fake/scenarios/:name/activate   apply it to every request
//	POST /_fake/scenarios/:name/deactivate stop applying it
//	POST /_fake/scenarios/reset            restart every rule's times/after counting
//
// What is added and switched is kept in the store for the next start
// (settings.go): a --db fake comes back with it.
func (s *Server) scenarioRoutes() []api.Route {
	list := func(c echo.Context) error {
		return api.JSON(c, http.StatusOK, map[string]any{"scenarios": s.scen.List()})
	}
	return []api.Route{
		{Method: http.MethodGet, Path: "/scenarios", Handler: list},
		{Method: http.MethodPost, Path: "/scenarios", Query: []string{"activate"}, Handler: func(c echo.Context) error {
			if _, err := s.addScenario("request body", api.RequestBody(c).Raw, api.QueryBool(c, "activate")); err != nil {
				return api.Detail(http.StatusBadRequest, err.Error())
			}
			return list(c)
		}},
		{Method: http.MethodPost, Path: "/scenarios/reset", Handler: func(c echo.Context) error {
			s.scen.ResetCounters()
			return list(c)
		}},
		{Method: http.MethodPost, Path: "/scenarios/:name/activate", Handler: func(c echo.Context) error {
			if err := s.switchScenario(c.Param("name"), true); err != nil {
				return api.Detail(http.StatusNotFound, err.Error())
			}
			return list(c)
		}},
		{Method: http.MethodPost, Path: "/scenarios/:name/deactivate", Handler: func(c echo.Context) error {
			if err := s.switchScenario(c.Param("name"), false); err != nil {
				return api.Detail(http.StatusNotFound, err.Error())
			}
			return list(c)
		}},
	}
}
