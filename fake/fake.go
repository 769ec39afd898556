// Package fake is iblfake: a high-fidelity fake of ibl.ai's data-manager
// API. New builds a Server whose Handler serves every operation of the
// vendor's corrected OpenAPI document (the credentials and catalog modules
// over a per-tenant store, every other operation from the long tail),
// validated against it; NewTestServer runs one inside a Go test.
//
// The API other code imports is this package and fake/api (the module
// contract, the request record, the Clock), fake/journal (Server.Journal),
// fake/store (WithStore), fake/state (export, import, fixtures) and
// scenarios. The modules, the demo, the dashboard and the rest live under
// the module's internal/ directory.
package fake

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/journal"
	"github.com/iblfake/iblfake/fake/state"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/catalog"
	"github.com/iblfake/iblfake/internal/credentials"
	"github.com/iblfake/iblfake/internal/demo"
	"github.com/iblfake/iblfake/internal/lms"
	"github.com/iblfake/iblfake/internal/longtail"
	"github.com/iblfake/iblfake/internal/reports"
	"github.com/iblfake/iblfake/internal/urlconf"
	"github.com/iblfake/iblfake/scenarios"
	"github.com/iblfake/iblfake/spec"
	"github.com/labstack/echo/v4"
)

// Version is the fake's own version; spec.VendorPackageVersion is the
// vendor contract it embeds.
const Version = "0.1.0"

// Server is one fake data-manager. It is safe for concurrent use.
type Server struct {
	opts options
	spec *spec.Spec
	echo *echo.Echo
	// root is Handler: the catalog alias, then echo.
	root    http.Handler
	deps    *api.Deps
	journal *journal.Journal
	log     *slog.Logger
	// urls resolves every operation of the served document (urlconf);
	// routes are this server's handlers for them (routes.go); specOps
	// are the modelled document's operations by id.
	urls    *urlconf.Resolver
	routes  *routes
	specOps map[string]spec.Operation
	scen    *scenarios.Engine
	// modules are the domain packages, wired through api.Module alone.
	modules []api.Module
	// scopes say which stored entries are which tenant's (tenant_state.go).
	scopes []store.Scope
	// schema is what a state document is checked against: the scopes, the
	// modules' indexes and the server's own bucket (settings.go).
	schema *state.Schema
	// delaySlots bound the requests scenario delays hold (WithMaxDelayed);
	// delayCtx ends when EndDelays or Close is called.
	delaySlots chan struct{}
	delayCtx   context.Context
	endDelays  context.CancelFunc
	// seeded holds the start-up seed, what Reset returns to (reset.go).
	seeded seededState
}

// New builds a Server. Without options it keeps state in memory, accepts any
// API key for any org and allows CORS from any origin.
func New(opts ...Option) (*Server, error) {
	o := defaultOptions()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	if o.defaultTenant == "" {
		// A demo laptop's tenant-less requests are the demo's.
		o.defaultTenant = DefaultTenant
		if o.demo {
			o.defaultTenant = demo.Org
		}
	}
	// A server that does not check its responses needs only the request
	// side of the document, which parses in a third less time (start-up).
	load := spec.LoadRequests
	if o.responseChecker != nil {
		load = spec.Load
	}
	sp := o.spec
	if sp == nil {
		var err error
		if sp, err = load(); err != nil {
			return nil, err
		}
	}
	if o.store == nil {
		o.store = store.NewMemory()
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		opts:       o,
		spec:       sp,
		deps:       &api.Deps{Store: o.store, Clock: &api.Clock{}, IDs: api.NewIDs(o.seed)},
		journal:    newJournal(o),
		log:        o.logger,
		delaySlots: make(chan struct{}, o.maxDelayed),
		specOps:    map[string]spec.Operation{},
	}
	for _, op := range sp.Operations() {
		s.specOps[op.Op.OperationID] = op
	}
	var err error
	if s.urls, err = urlconf.Of(sp); err != nil {
		return nil, err
	}
	s.delayCtx, s.endDelays = context.WithCancel(context.Background())
	s.applyClockOptions()
	s.echo = echo.New()
	s.echo.HideBanner, s.echo.HidePort = true, true
	s.echo.HTTPErrorHandler = s.handleError
	s.root = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		aliasCatalog(r.URL)
		s.echo.ServeHTTP(w, r)
	})
	// The journal is outermost, so a request that panics is still answered
	// (500), recorded and logged.
	s.echo.Use(s.journalMiddleware, s.recoverMiddleware)
	s.useCORS()
	if err := s.setupScenarios(); err != nil {
		return nil, err
	}
	creds, cat := credentials.New(s.deps), catalog.New(s.deps)
	tail, err := longtail.New(s.deps, s.urls, longtail.Options{Seed: o.seed, Mode: o.longTail, Fill: o.longTailFill,
		Names: namesOf(creds, cat), Titles: titlesOf(creds), Users: cat.Users})
	if err != nil {
		return nil, err
	}
	reps := reports.New(s.deps, reports.Options{Seed: o.seed, Names: namesOf(creds, cat), Users: cat.Users})
	s.modules = []api.Module{creds, cat, reps, tail}
	if err := s.claim(s.modules[:len(s.modules)-1], tail); err != nil {
		return nil, err
	}
	s.schema = &state.Schema{Private: []string{settingsBucket}}
	if o.lms {
		s.modules = append(s.modules, lms.New(s.deps, lms.Options{Keys: o.keys, AllOrgs: DMAdmin,
			Tenants: s.knownTenants, User: directoryOf(creds, cat)}))
	}
	for _, m := range s.modules {
		s.scopes = append(s.scopes, m.TenantScopes()...)
		if ix, ok := m.(api.Indexer); ok {
			s.schema.Indexes = append(s.schema.Indexes, ix.Indexes()...)
		}
		for _, r := range m.MediaRoutes() {
			s.echo.Add(r.Method, r.Path, r.Handler)
		}
	}
	s.schema.Scopes = s.scopes
	if err := s.registerAdmin(); err != nil {
		return nil, err
	}
	// Every other path: the vendor API's operations (urlconf resolves
	// them, routes.go), or Django's 404.
	s.echo.Any("/*", s.serveVendor)
	if err := s.seedState(); err != nil { // seed.go: WithFixture, WithSeedData, WithDemo
		return nil, err
	}
	// What was changed at runtime before the last stop (a --db file), over
	// the options: settings.go.
	if err := s.restoreSettings(); err != nil {
		return nil, err
	}
	return s, nil
}

// newJournal is the journal the options ask for.
func newJournal(o options) *journal.Journal {
	j := journal.New(o.journalSize)
	if o.journalBodies[0] > 0 {
		j.KeepBodies(o.journalBodies[0], o.journalBodies[1])
	}
	return j
}

// Handler returns the http.Handler serving the vendor API and /_fake/.
func (s *Server) Handler() http.Handler { return s.root }

// Journal returns the server's request journal.
func (s *Server) Journal() *journal.Journal { return s.journal }

// Clock returns the server's clock, which tests may move.
func (s *Server) Clock() *api.Clock { return s.deps.Clock }

// Store returns the server's store backend.
func (s *Server) Store() store.Backend { return s.deps.Store }

// applyClockOptions sets the clock as the options ask (real time, or what
// WithClockOffset / WithClockAt set): at start-up and on every Reset.
func (s *Server) applyClockOptions() {
	s.deps.Clock.SetOffset(0)
	for _, f := range s.opts.clockSetup {
		f(s.deps.Clock)
	}
}

// Close ends scenario delays under way and releases the server's store.
func (s *Server) Close() error {
	s.endDelays()
	return s.deps.Store.Close()
}

// aliasCatalog rewrites an aliased catalog URL to the document's path
// before routing (urlconf.Canonical), so routing, validation, scenarios
// and the journal all see one path per operation. Handler runs it ahead
// of Echo rather than as an Echo Pre middleware, which Echo wraps around
// every request anew (two allocations each).
func aliasCatalog(u *url.URL) {
	if p := urlconf.Canonical(u.Path); p != u.Path {
		u.Path = p
		if c := urlconf.Canonical(u.RawPath); c != u.RawPath {
			u.RawPath = c
		} else {
			u.RawPath = ""
		}
	}
}

// forget tells the modules that keep what they derived from the store in
// memory that the store's state was replaced (a reset, an import).
func (s *Server) forget() {
	for _, m := range s.modules {
		if f, ok := m.(interface{ Forget() }); ok {
			f.Forget()
		}
	}
}

// titlesOf joins what the modules know of what a tenant's entities are
// called (api.Titles), for the long tail's lists of them; the first
// module to name a key wins.
func titlesOf(modules ...api.Titles) func(tx store.Tx, tenant string) map[string]string {
	return func(tx store.Tx, tenant string) map[string]string {
		out := map[string]string{}
		for _, m := range modules {
			for k, v := range m.Titles(tx, tenant) {
				if _, ok := out[k]; !ok {
					out[k] = v
				}
			}
		}
		return out
	}
}

// directoryOf joins the modules' directories (api.Directory): a user the
// first holds is that one's.
func directoryOf(modules ...api.Directory) func(tx store.Tx, tenant, username string) (api.DirectoryUser, bool) {
	return func(tx store.Tx, tenant, username string) (api.DirectoryUser, bool) {
		for _, m := range modules {
			if u, ok := m.User(tx, tenant, username); ok {
				return u, true
			}
		}
		return api.DirectoryUser{}, false
	}
}

// knownTenants are the tenants the server knows: every tenant a module
// holds state of (api.Browser) and the default tenant.
func (s *Server) knownTenants() ([]string, error) {
	out := []string{s.opts.defaultTenant}
	for _, m := range s.modules {
		if b, ok := m.(api.Browser); ok {
			ts, err := b.BrowseTenants()
			if err != nil {
				return nil, err
			}
			out = append(out, ts...)
		}
	}
	return out, nil
}

// namesOf joins what the modules know of a tenant's entities by name
// (api.Names), for the long tail's relations.
func namesOf(modules ...api.Names) func(tx store.Tx, tenant string) map[string][]string {
	return func(tx store.Tx, tenant string) map[string][]string {
		out := map[string][]string{}
		for _, m := range modules {
			for k, vs := range m.Names(tx, tenant) {
				out[k] = append(out[k], vs...)
			}
		}
		return out
	}
}
