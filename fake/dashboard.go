package fake

import (
	"sync"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/ui"
	"github.com/iblfake/iblfake/scenarios"
	"github.com/iblfake/iblfake/spec"
)

// dashboard is the server as the dashboard (package fake/ui) sees it: it
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
		JournalSize: len(d.s.journal.entries), JournalTotal: d.s.journal.Total(),
		KeptBodies: MaxExchanges, BodyLimit: MaxExchangeBody,
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

func (d dashboard) Coverage() map[string]int {
	out := map[string]int{}
	for _, r := range d.s.Coverage() {
		out[r.Tier]++
	}
	return out
}

func (d dashboard) Requests(n int, after uint64) []ui.Request {
	ws := d.s.journal.Recent(n, after)
	out := make([]ui.Request, len(ws))
	for i, w := range ws {
		out[i] = uiRequest(w)
	}
	return out
}

func (d dashboard) Request(seq uint64) (ui.Request, bool) {
	w, ok := d.s.journal.Lookup(seq)
	return uiRequest(w), ok
}

// Watch converts on the stream's own goroutine, so the request path only
// hands the journal entry over.
func (d dashboard) Watch(buf int) (<-chan ui.Request, func() uint64, func()) {
	in, dropped, stop := d.s.journal.Watch(buf)
	out := make(chan ui.Request)
	done := make(chan struct{})
	var once sync.Once
	go func() {
		defer close(out)
		for {
			select {
			case w := <-in:
				select {
				case out <- uiRequest(w):
				case <-done:
					return
				}
			case <-done:
				return
			}
		}
	}()
	return out, dropped, func() {
		once.Do(func() {
			stop()
			close(done)
		})
	}
}

func (d dashboard) Done() <-chan struct{} { return d.s.delayCtx.Done() }

func uiRequest(w Watched) ui.Request {
	e := w.Entry
	r := ui.Request{
		Seq: w.Seq, Time: e.Time, Method: e.Method, Path: e.Path, Query: e.Query, OperationID: e.OperationID,
		Tier: e.Tier, Status: e.Status, Tenant: e.Tenant, DurationMS: e.DurationMS, Scenario: e.Scenario,
		Note: e.Note, Violations: e.Violations,
	}
	if x := w.Exchange; x != nil {
		r.Exchange = &ui.Exchange{
			RequestHeader: x.RequestHeader, RequestBody: x.RequestBody, RequestSize: x.RequestSize,
			ResponseHeader: x.ResponseHeader, ResponseBody: x.ResponseBody, ResponseSize: x.ResponseSize,
		}
	}
	return r
}
