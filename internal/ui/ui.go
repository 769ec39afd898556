// Package ui is the fake's dashboard at /_fake/ui/: an overview of every
// tenant, the clock, the scenarios, the store and the coverage; a browser of
// each tenant's entities as the API renders them; a live request log; and
// the controls that steer the fake (scenarios, clock, reset, export and
// import).
//
// It is server-rendered: a static shell (HTML, CSS and a small hand-written
// script, embedded) that holds no data, and HTML fragments rendered from
// html/template, which the script fetches with the admin token it keeps for
// the tab (sessionStorage) and sends as Authorization: Bearer. Browser
// navigation cannot send that header, so the script routes on the URL's
// fragment (#/tenants/acme/assertions) and steers the fake through the
// admin API itself (POST /_fake/clock, PUT /_fake/state, ...): the
// dashboard can do nothing the admin API cannot. The live log is a stream
// of server-sent events read with fetch, for the same reason.
//
// The package sees the server only through Fake, which package fake
// implements (fake/dashboard.go), and reads entities only through the
// modules' api.Browser, whose rows carry the modules' own views.
package ui

import (
	"net/http"
	"slices"
	"sync/atomic"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/journal"
	"github.com/iblfake/iblfake/scenarios"
)

// Fake is what the dashboard needs of a server.
type Fake interface {
	// Info describes the server (versions, store, journal).
	Info() Info
	// Browsers are the domain modules that list their entities.
	Browsers() []api.Browser
	// Clock is the fake's clock, which the dashboard shows.
	Clock() *api.Clock
	// Scenarios is the scenario engine: its list and counters.
	Scenarios() *scenarios.Engine
	// AddScenario adds a scenario file (file names it in errors) and
	// activates it if asked, as POST /_fake/scenarios does, kept for the
	// server's next start; it returns the scenario's name.
	AddScenario(file string, raw []byte, activate bool) (string, error)
	// Coverage counts the document's operations per tier.
	Coverage() map[string]int
	// Journal is the server's request journal: the live log reads its
	// latest entries and watches it (the server captures bodies only while
	// someone watches).
	Journal() *journal.Journal
	// Done is closed when the server shuts down, which ends live streams.
	Done() <-chan struct{}
}

// Info is what the overview shows of the server itself.
type Info struct {
	Version       string
	VendorPackage string
	VendorSpec    string
	// Store is "memory" or the bbolt file's path.
	Store        string
	AdminToken   bool
	JournalSize  int
	JournalTotal uint64
	// KeptBodies is how many requests keep their bodies while watched,
	// BodyLimit how much of each body.
	KeptBodies, BodyLimit int
}

// Paths of the dashboard, under the admin prefix (/_fake).
const (
	// ShellPath is the page a browser opens.
	ShellPath = "/ui/"
	// fragments is where the HTML fragments the shell fetches live.
	fragments = "/ui/f"
)

// OpenPaths are the dashboard's routes that answer GET and HEAD without the
// admin token: the static shell, its stylesheet, script and icon, which
// hold no data (the same bytes on every server), so that a browser can load
// the page that then asks for the token.
var OpenPaths = []string{"/ui", ShellPath, "/ui/app.css", "/ui/app.js", "/ui/icon.svg"}

// Routes are the dashboard's admin routes (paths under /_fake), for the
// server to mount behind its admin token like every other.
func Routes(f Fake) []api.Route {
	d := &dashboard{f: f}
	get := func(path string, h func(*request) error, query ...string) api.Route {
		return api.Route{Method: http.MethodGet, Path: path, Handler: d.handle(h), Query: query}
	}
	// A tenant's list takes its page and the filters of every kind.
	list := []string{"page"}
	for _, b := range f.Browsers() {
		for _, k := range b.BrowseKinds() {
			for _, fl := range k.Filters {
				if !slices.Contains(list, fl.Name) {
					list = append(list, fl.Name)
				}
			}
		}
	}
	routes := d.staticRoutes()
	return append(routes,
		get(fragments+"/overview", d.overview),
		get(fragments+"/tenants/:tenant", d.tenant, list...),
		get(fragments+"/tenants/:tenant/:kind", d.tenant, list...),
		get(fragments+"/tenants/:tenant/:kind/:id", d.entity),
		get(fragments+"/requests", d.requests),
		get(fragments+"/requests/:seq", d.requestDetail),
		get(fragments+"/scenarios", d.scenarios),
		get(fragments+"/state", d.state),
		api.Route{Method: http.MethodGet, Path: "/ui/events", Handler: d.events, Query: []string{"after"}},
		api.Route{Method: http.MethodPost, Path: "/ui/scenarios", Handler: d.uploadScenario, MaxBody: maxScenarioBytes, Query: []string{"file", "activate"}},
	)
}

type dashboard struct {
	f Fake
	// streams counts the live logs open (events), at most MaxStreams.
	streams atomic.Int32
}
