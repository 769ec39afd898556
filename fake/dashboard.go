package fake

import (
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/journal"
	"github.com/iblfake/iblfake/internal/ui"
	"github.com/iblfake/iblfake/scenarios"
	"github.com/iblfake/iblfake/spec"
)

// dashboard is the server as the dashboard (package internal/ui) sees it: it
// reads through the same store, modules and journal as the API, and
// changes nothing itself (the page steers the fake through the admin API).
type dashboard struct{ s *Server }

var _ ui.Fake = dashboard{}

// dashboardRoutes are the dashboard's admin routes, mounted with every
// other one (registerAdmin), behind the admin token but ui.OpenPaths.
func (s *Server) dashboardRoutes() []api.Route { return ui.Routes(dashboard{s}) }

func (d dashboard) Info() ui.Info {
	st := "memory"
	if f, ok := d.s.deps.Store.(interface{ Path() string }); ok {
		st = f.Path()
	}
	return ui.Info{
		Version: Version, VendorPackage: spec.VendorPackage + "@" + spec.VendorPackageVersion,
		VendorSpec: d.s.spec.VendorVersion, Store: st, AdminToken: !d.s.AdminOpen(),
		JournalSize: d.s.journal.Size(), JournalTotal: d.s.journal.Total(),
		KeptBodies: journal.MaxExchanges, BodyLimit: journal.MaxExchangeBody,
	}
}

func (d dashboard) Browsers() []api.Browser {
	var out []api.Browser
	for _, m := range d.s.modules {
		if b, ok := m.(api.Browser); ok {
			out = append(out, b)
		}
	}
	return out
}

func (d dashboard) Clock() *api.Clock { return d.s.deps.Clock }

func (d dashboard) Scenarios() *scenarios.Engine { return d.s.scen }

func (d dashboard) AddScenario(file string, raw []byte, activate bool) (string, error) {
	sc, err := d.s.addScenario(file, raw, activate)
	if err != nil {
		return "", err
	}
	return sc.Name, nil
}

func (d dashboard) Coverage() map[string]int {
	out := map[string]int{}
	for _, r := range d.s.Coverage() {
		out[r.Tier]++
	}
	return out
}

func (d dashboard) Journal() *journal.Journal { return d.s.journal }

func (d dashboard) Done() <-chan struct{} { return d.s.delayCtx.Done() }
