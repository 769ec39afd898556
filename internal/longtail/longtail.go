// Package longtail is the fake's third module: it answers every operation
// of the served document that no other module claims, from the
// operation's response schema (package synth), and keeps what clients
// write to the document's resources per tenant (remember.go). The server
// offers it every operation; the credentials and catalog modules' claims
// win (fake.New).
package longtail

import (
	"fmt"
	"net/http"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/urlconf"
	"github.com/iblfake/iblfake/spec"
	"github.com/labstack/echo/v4"
)

// Modes: how the long tail answers (fake.WithLongTail, --long-tail).
const (
	// Synthesize answers from the operations' schemas (the default).
	Synthesize = "synthesize"
	// Unavailable answers every long-tail operation 501.
	Unavailable = "501"
)

// The long tail's tiers: an answer made from the response schema, one of a
// resource whose writes are remembered, and a 501 for an operation that
// declares no 2xx answer to make (or in Unavailable mode).
const (
	TierSynthesized     = "synthesized"
	TierSynthesizedEcho = "synthesized+echo"
	TierUnavailable     = "unavailable"
)

// Module is the long tail over one server's store.
type Module struct {
	d    *api.Deps
	seed uint64
	mode string
	urls *urlconf.Resolver
	// items maps a collection template to its item path's parameter
	// (".../things/" -> "id" for ".../things/{id}/"): the resources.
	items map[string]string
	// mute are the operations that declare no 2xx answer to make.
	mute  map[string]bool
	cache *synthCache
}

var _ api.Module = (*Module)(nil)

// New returns the long tail of the operations urls resolves: seed makes
// its synthesized values (the server's --seed), mode is Synthesize or
// Unavailable.
func New(d *api.Deps, urls *urlconf.Resolver, seed uint64, mode string) (*Module, error) {
	if mode != Synthesize && mode != Unavailable {
		return nil, fmt.Errorf("longtail: mode %q is neither %q nor %q", mode, Synthesize, Unavailable)
	}
	m := &Module{d: d, seed: seed, mode: mode, urls: urls, items: map[string]string{}, mute: map[string]bool{}, cache: newSynthCache()}
	for _, op := range urls.Operations() {
		if parent, param, ok := itemParent(op.Template); ok && urls.View(parent) != nil {
			m.items[parent] = param
		}
	}
	idx, err := spec.LongTailIndex()
	if err != nil {
		return nil, err
	}
	for _, e := range idx {
		m.mute[e.ID] = e.OK == ""
	}
	return m, nil
}

// Operations offers every operation of the document, each answered as
// its tier says.
func (m *Module) Operations() []api.Operation {
	ops := make([]api.Operation, 0, len(m.urls.Operations()))
	for _, op := range m.urls.Operations() {
		ops = append(ops, api.Operation{ID: op.ID, Handle: m.handle, Tier: m.tier(op)})
	}
	return ops
}

// tier is how the long tail answers op.
func (m *Module) tier(op *urlconf.Operation) string {
	switch {
	case m.mode == Unavailable || m.mute[op.ID]:
		return TierUnavailable
	case m.rememberable(op.Method, op.Template):
		return TierSynthesizedEcho
	}
	return TierSynthesized
}

// handle answers a request for any long-tail operation.
func (m *Module) handle(c echo.Context) error {
	r := api.RequestOf(c)
	if r.Tier == TierUnavailable {
		return api.Detail(http.StatusNotImplemented, "iblfake does not model "+r.Operation+".")
	}
	return m.synthesize(c)
}

// AdminRoutes: the long tail has none.
func (m *Module) AdminRoutes() []api.Route { return nil }

// MediaRoutes: the long tail serves no files.
func (m *Module) MediaRoutes() []api.Route { return nil }

// TenantScopes: the remembered records' keys start with their tenant.
func (m *Module) TenantScopes() []store.Scope {
	return []store.Scope{{Bucket: Records, KeyTenant: true}}
}
