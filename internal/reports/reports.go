// Package reports is the fake's module for the vendor's Data Reports
// (`/api/reports/platforms/{key}/...` and `/api/reports/orgs/{org}/...`):
// the report types a platform offers, a request for one that is processed
// on the fake's clock and then completed, and the finished file, which the
// documented download operation and a public media URL both serve
// (FIDELITY.md, "reports"). It is a module, not part of the long tail,
// because a report is a lifecycle (requested, processing, completed,
// expired) with a file at its end, which no schema of the document
// describes and the long tail cannot infer: the document keys a report's
// detail by its type, not by an item, and declares no body for the
// download.
package reports

import (
	"net/http"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
)

// Delay is how long (on the fake's clock) a requested report stays
// processing before it is completed. The real service hands reports to a
// worker; the vendor's reports page polls every 3 seconds, for up to 20
// tries. Tests move the clock (POST /_fake/clock) instead of sleeping.
const Delay = 2 * time.Second

// Lifetime is how long a completed report can be downloaded; after it the
// report is expired and its file gone. The operations' descriptions say
// "typically 24-48 hours".
const Lifetime = 24 * time.Hour

// Buckets.
const (
	// bktRequests holds every report requested: tenant|report_id -> Report.
	bktRequests = "reports.requests"
	// bktLatest names a tenant's most recent request of each report type:
	// tenant|report_name -> report_id.
	bktLatest = "reports.latest"
)

// MediaPath is the public route a completed report's file is served at,
// as a storage service's presigned URL would serve it: the vendor's page
// opens the status's url in a new tab, without the API key.
const MediaPath = "/media/reports/:tenant/:id/:token/:file"

// Options configure the module.
type Options struct {
	// Seed makes the files' rows (the server's --seed).
	Seed uint64
	// Names are the tenant's entities' names (courses, users), which the
	// rows name; nil for none.
	Names func(tx store.Tx, tenant string) map[string][]string
	// Users are the tenant's directory users; nil for none.
	Users func(tx store.Tx, tenant string) []api.DirectoryUser
}

// Module serves the reports over one server's store.
type Module struct {
	d *api.Deps
	o Options
}

var _ api.Module = (*Module)(nil)

// New returns the reports module.
func New(d *api.Deps, o Options) *Module { return &Module{d: d, o: o} }

// Operations are the report operations, each spelled out once.
func (m *Module) Operations() []api.Operation {
	return []api.Operation{
		{ID: "reports_platforms_retrieve", Handle: m.list},
		{ID: "reports_platforms_retrieve_2", Handle: m.detail},
		{ID: "reports_platforms_new_create", Handle: m.create},
		{ID: "reports_platforms_download_retrieve", Handle: m.download},
		{ID: "reports_orgs_retrieve", Handle: m.list},
		{ID: "reports_orgs_retrieve_2", Handle: m.detail},
		{ID: "reports_orgs_new_create", Handle: m.create},
	}
}

// AdminRoutes: none.
func (m *Module) AdminRoutes() []api.Route { return nil }

// MediaRoutes serve completed reports' files at their URLs.
func (m *Module) MediaRoutes() []api.Route {
	return []api.Route{{Method: http.MethodGet, Path: MediaPath, Handler: m.serveFile}}
}

// TenantScopes: both buckets' keys start with the tenant.
func (m *Module) TenantScopes() []store.Scope {
	return []store.Scope{{Bucket: bktRequests, KeyTenant: true}, {Bucket: bktLatest, KeyTenant: true}}
}
