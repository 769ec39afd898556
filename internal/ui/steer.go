package ui

import (
	"net/http"
	"path"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/labstack/echo/v4"
)

// maxScenarioBytes bounds an uploaded scenario file (the admin surface's
// own limit for POST /_fake/scenarios is larger; no rule file is near it).
const maxScenarioBytes = 4 << 20

// scenarios is the scenarios page: each known scenario, active ones
// first, with its rules' counters, the switch that turns it on or off
// (POST /_fake/scenarios/NAME/activate or deactivate, sent by the script)
// and the upload of a scenario file.
func (d *dashboard) scenarios(r *request) error {
	return r.render(http.StatusOK, "scenarios", map[string]any{"Scenarios": d.f.Scenarios().List()})
}

// state is the clock and state page: the clock and its moves (POST
// /_fake/clock), and per tenant export, import and reset (GET and PUT
// /_fake/state), and the whole store's.
func (d *dashboard) state(r *request) error {
	names, err := d.tenants()
	if err != nil {
		return err
	}
	return r.render(http.StatusOK, "state", map[string]any{"Clock": d.clock(), "Tenants": names, "Info": d.f.Info()})
}

// uploadScenario is POST /_fake/ui/scenarios?file=NAME[&activate=true]:
// POST /_fake/scenarios with the uploaded file's name, so that a refusal
// names the file, its line and the reason ("flaky.yaml:7: unknown field
// ..."). It answers the admin API's JSON.
func (d *dashboard) uploadScenario(c echo.Context) error {
	name := path.Base(strings.ReplaceAll(c.QueryParam("file"), `\`, "/"))
	if name == "." || name == "/" || name == "" {
		name = "upload.yaml"
	}
	if len(name) > maxFilterLen {
		return api.Field("file", "The file name is longer than 255 characters.")
	}
	added, err := d.f.AddScenario(name, api.RequestBody(c).Raw, api.QueryBool(c, "activate"))
	if err != nil {
		return api.Detail(http.StatusBadRequest, err.Error())
	}
	return api.JSON(c, http.StatusOK, map[string]any{"added": added, "scenarios": d.f.Scenarios().List()})
}
