package fake

import (
	"io"
	"net/http"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/scenarios"
	"github.com/labstack/echo/v4"
)

// registerScenarioAdmin serves the scenario part of /_fake/:
//
//	GET  /_fake/scenarios                  every known scenario, its rules and counters
//	POST /_fake/scenarios[?activate=true]  add (or replace) one from a YAML or JSON body
//	POST /_fake/scenarios/:name/activate   apply it to every request
//	POST /_fake/scenarios/:name/deactivate stop applying it
//	POST /_fake/scenarios/reset            restart every rule's times/after counting
func (s *Server) registerScenarioAdmin(g *echo.Group) {
	list := func(c echo.Context) error {
		return api.JSON(c, http.StatusOK, map[string]any{"scenarios": s.scen.List()})
	}
	g.GET("/scenarios", list)
	g.POST("/scenarios", func(c echo.Context) error {
		data, err := io.ReadAll(io.LimitReader(c.Request().Body, 1<<20))
		if err != nil {
			return api.Detail(http.StatusBadRequest, err.Error())
		}
		sc, err := scenarios.Parse("request body", data)
		if err != nil {
			return api.Detail(http.StatusBadRequest, err.Error())
		}
		s.scen.Add(sc)
		if api.QueryBool(c, "activate") {
			if err := s.scen.Activate(sc.Name); err != nil {
				return api.Detail(http.StatusBadRequest, err.Error())
			}
		}
		return list(c)
	})
	g.POST("/scenarios/reset", func(c echo.Context) error {
		s.scen.ResetCounters()
		return list(c)
	})
	g.POST("/scenarios/:name/activate", func(c echo.Context) error {
		if err := s.scen.Activate(c.Param("name")); err != nil {
			return api.Detail(http.StatusNotFound, err.Error())
		}
		return list(c)
	})
	g.POST("/scenarios/:name/deactivate", func(c echo.Context) error {
		if err := s.scen.Deactivate(c.Param("name")); err != nil {
			return api.Detail(http.StatusNotFound, err.Error())
		}
		return list(c)
	})
}
