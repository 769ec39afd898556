// Package longtail is the fake's third module: it answers every operation
// of the served document that no other module claims. The document's
// resources (collection and item pairs, singletons: model.go) keep real
// state per tenant, in the document's own envelopes and list parameters
// (state.go, list.go, singleton.go); every other operation is answered
// from its response schema (synthesize.go, package synth), its fields
// that name a tenant's entity taken from the tenant's own
// (relations.go). The server offers it every operation; the credentials
// and catalog modules' claims win (fake.New).
package longtail

import (
	"fmt"
	"net/http"
	"sync"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/urlconf"
	"github.com/iblfake/iblfake/spec"
	"github.com/labstack/echo/v4"
)

// Modes: how the long tail answers (fake.WithLongTail, --long-tail).
const (
	// Synthesize answers from the operations' schemas and keeps the
	// resources' state (the default).
	Synthesize = "synthesize"
	// Unavailable answers every long-tail operation 501.
	Unavailable = "501"
)

// The long tail's tiers: an operation of a resource the long tail keeps
// state for, inferred from the document; an answer made from the response
// schema; and a 501 for an operation that declares no 2xx answer to make
// (or in Unavailable mode).
const (
	TierInferred    = "stateful+inferred"
	TierSynthesized = "synthesized"
	TierUnavailable = "unavailable"
)

// Options configure the long tail.
type Options struct {
	// Seed makes its synthesized values (the server's --seed).
	Seed uint64
	// Mode is Synthesize (the default) or Unavailable.
	Mode string
	// Fill makes each collection of a tenant hold a few synthesized
	// items the first time it is touched (then ordinary items), for a
	// laptop that wants full screens without a demo; off, a tenant's
	// collections start empty, as the real service's do.
	Fill bool
	// Names are the tenant's entities' names the other modules know
	// (users, courses, programs, credentials), which synthesized fields
	// that name one take their values from; nil for none.
	Names func(tx store.Tx, tenant string) map[string][]string
	// Users are the tenant's users with their emails (the catalog's
	// directory), whom a notification's sources name; nil for none.
	Users func(tx store.Tx, tenant string) []api.DirectoryUser
	// Titles are what the other modules know the tenant's courses and
	// programs are called, by key (api.Titles): the names lists of them
	// show; nil for none.
	Titles func(tx store.Tx, tenant string) map[string]string
}

// Module is the long tail over one server's store.
type Module struct {
	d      *api.Deps
	seed   uint64
	mode   string
	fill   bool
	names  func(tx store.Tx, tenant string) map[string][]string
	titles func(tx store.Tx, tenant string) map[string]string
	users  func(tx store.Tx, tenant string) []api.DirectoryUser
	urls   *urlconf.Resolver
	model  *model
	// mute are the operations that declare no 2xx answer to make and
	// no answer declared (declared.go) stands in for one.
	mute map[string]bool
	// only is, for an operation that declares no 2xx, the one status it
	// declares, when declared.go answers it (a redirect, a 405).
	only  map[string]string
	cache *synthCache
	views views
	// hand are the operations answered by hand (notifications.go).
	hand map[string]echo.HandlerFunc
	// byKind are the families by what their items are called (kinds).
	kindsOnce sync.Once
	byKind    map[string]*family
	// fileViews are the GETs that answer an upload (uploads.go), by path
	// template: *fileView, nil for none.
	fileViews sync.Map
	// kindLists are the GET lists that list a family's items
	// (kind_list.go), by path template: *family, nil for none.
	kindLists sync.Map
}

var _ api.Module = (*Module)(nil)

// New returns the long tail of the operations urls resolves.
func New(d *api.Deps, urls *urlconf.Resolver, o Options) (*Module, error) {
	if o.Mode == "" {
		o.Mode = Synthesize
	}
	if o.Mode != Synthesize && o.Mode != Unavailable {
		return nil, fmt.Errorf("longtail: mode %q is neither %q nor %q", o.Mode, Synthesize, Unavailable)
	}
	m := &Module{d: d, seed: o.Seed, mode: o.Mode, fill: o.Fill, names: o.Names, titles: o.Titles, users: o.Users, urls: urls,
		model: newModel(urls), mute: map[string]bool{}, only: map[string]string{}, cache: newSynthCache()}
	m.hand = m.handwritten()
	idx, err := spec.LongTailIndex()
	if err != nil {
		return nil, err
	}
	for _, e := range idx {
		if e.OK == "" && answersDeclared(e.Only) {
			m.only[e.ID] = e.Only
			continue
		}
		m.mute[e.ID] = e.OK == ""
	}
	return m, nil
}

// Operations offers every operation of the document, each answered as
// its tier says.
func (m *Module) Operations() []api.Operation {
	ops := make([]api.Operation, 0, len(m.urls.Operations()))
	for _, op := range m.urls.Operations() {
		o := api.Operation{ID: op.ID, Handle: m.handle, Tier: m.tier(op)}
		if r := m.model.roles[op.ID]; r.fam != nil && (r.verb != list && r.verb != create) {
			f := r.fam
			o.Entity = func(c echo.Context) (map[string]any, bool) { return m.entity(c, f) }
		}
		ops = append(ops, o)
	}
	return ops
}

// tier is how the long tail answers op.
func (m *Module) tier(op *urlconf.Operation) string {
	switch {
	case m.mode == Unavailable || m.mute[op.ID]:
		return TierUnavailable
	case m.only[op.ID] != "":
		return TierSynthesized // answered as its document declares (declared.go)
	case m.hand[op.ID] != nil:
		return api.TierStateful
	case m.model.roles[op.ID].verb != synthesized:
		return TierInferred
	}
	return TierSynthesized
}

// handle answers a request for any long-tail operation: from its
// resource's state, or synthesized. A request that steers the answer
// with Prism's Prefer (a status, an example, dynamic values) is
// synthesized whatever its operation, as Prism answers it.
func (m *Module) handle(c echo.Context) error {
	r := api.RequestOf(c)
	if r.Tier == TierUnavailable {
		return api.Detail(http.StatusNotImplemented, "iblfake does not model "+r.Operation+".")
	}
	role := m.model.roles[r.Operation]
	if only := m.only[r.Operation]; only != "" {
		return m.answerDeclared(c, only)
	}
	if steered(preferOf(c, r)) {
		return m.synthesize(c)
	}
	if h := m.hand[r.Operation]; h != nil {
		return h(c)
	}
	if r.Route.Method == http.MethodGet {
		if fv := m.fileViewOf(r.Route.Path); fv != nil {
			return m.serveFileView(c, fv)
		}
	}
	if role.verb == synthesized {
		if catalogSearchOps[r.Operation] {
			return m.catalogSearch(c)
		}
		if kind := refKind(r.Route.Path); kind != "" && r.Route.Method == http.MethodGet {
			if ok, err := m.refList(c, kind); ok || err != nil {
				return err
			}
		}
		if r.Route.Method == http.MethodGet {
			if f := m.kindListFamily(r.Route.Path, r.Route.Operation); f != nil {
				return m.kindList(c, f)
			}
		}
		return m.synthesize(c)
	}
	if f := role.fam; f != nil {
		if !f.infer().ok {
			return m.synthesize(c)
		}
		return m.serveFamily(c, f, role.verb)
	}
	if role.one != nil && role.one.readSchema() == nil {
		if f := role.one.queryFamily(); f != nil {
			return m.serveFamily(c, f, queryListVerb(c.Request().Method))
		}
		return m.synthesize(c)
	}
	switch role.verb {
	case singletonRead:
		return m.readSingleton(c, role.one)
	case singletonWrite:
		return m.writeSingleton(c, role.one)
	case singletonClear:
		return m.clearSingleton(c, role.one)
	}
	return m.synthesize(c)
}

// serveFamily answers a request that does v to f's state.
func (m *Module) serveFamily(c echo.Context, f *family, v verb) error {
	if err := m.materializeOnce(c, f, collectionKey(api.Tenant(c), collectionPath(f.collection, c.Param))); err != nil {
		return err
	}
	switch v {
	case list:
		return m.listItems(c, f)
	case create:
		return m.create(c, f)
	case retrieve:
		return m.retrieve(c, f)
	case update:
		return m.change(c, f, false)
	case partialUpdate:
		return m.change(c, f, true)
	case destroy:
		return m.destroy(c, f)
	}
	return m.synthesize(c)
}

// steered reports whether Prefer asks for a made-up answer.
func steered(p prefer) bool { return p.code != "" || p.example != "" || p.dynamic }

// entity is the stored item a request addresses, for scenario rules'
// when clauses.
func (m *Module) entity(c echo.Context, f *family) (map[string]any, bool) {
	if !f.infer().ok {
		return nil, false
	}
	key := collectionKey(api.Tenant(c), collectionPath(f.collection, c.Param))
	obj, err := api.Read(m.d.Store, func(tx store.Tx) (map[string]any, error) {
		obj, _, err := findItem(tx, key, f.itemID(c))
		return obj, err
	})
	return obj, err == nil && obj != nil
}

// Forget drops what the long tail derived from the store (the lists'
// views): the server calls it when the store's state is replaced.
func (m *Module) Forget() { m.views.drop("") }

// AdminRoutes serve the inference report (report.go).
func (m *Module) AdminRoutes() []api.Route {
	return []api.Route{{Method: http.MethodGet, Path: "/resources", Handler: m.report}}
}

// TenantScopes: every key of the long tail's buckets starts with its
// tenant.
func (m *Module) TenantScopes() []store.Scope {
	var out []store.Scope
	for _, b := range []string{Records, IDs, Revisions, Singletons, Filled, Files, LatestFiles, legacyRecords} {
		out = append(out, store.Scope{Bucket: b, KeyTenant: true})
	}
	return out
}
