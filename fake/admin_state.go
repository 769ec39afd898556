package fake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/seed"
	"github.com/iblfake/iblfake/fake/state"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// ExportState returns a consistent snapshot of the whole store.
func (s *Server) ExportState() (*state.State, error) {
	var st *state.State
	err := s.deps.Store.View(func(tx store.Tx) (err error) {
		st, err = state.Export(tx, s.schema, nil)
		return err
	})
	return st, err
}

// ExportTenantState returns a consistent snapshot of one tenant's entries
// (an org, which is also its catalog platform key), as
// GET /_fake/state?tenant= answers it. Which entries are a tenant's is
// each module's TenantScopes; buckets no scope names belong to no tenant
// and are left out. Sequences are all of them, so that ids made after the
// document is imported never collide with other tenants'.
func (s *Server) ExportTenantState(tenant string) (*state.State, error) {
	var st *state.State
	err := s.deps.Store.View(func(tx store.Tx) (err error) {
		st, err = state.Export(tx, s.schema, state.TenantKeys(tx, s.scopes, tenant))
		return err
	})
	if err != nil {
		return nil, err
	}
	st.Tenant = tenant
	return st, nil
}

// ImportState replaces the whole store with st in one transaction, or,
// when st.Tenant is set, that tenant's entries alone. An invalid document
// changes nothing and comes back as a 400 *api.Error.
func (s *Server) ImportState(st *state.State) error {
	defer s.forget()
	return state.Import(s.deps.Store, st, s.schema)
}

// stateRoutes serve GET and PUT /_fake/state (?tenant= for one tenant).
func (s *Server) stateRoutes() []api.Route {
	return []api.Route{
		{Method: http.MethodGet, Path: "/state", Handler: s.getState, Query: []string{"tenant"}},
		{Method: http.MethodPut, Path: "/state", Handler: s.putState, MaxBody: state.MaxBytes, Query: []string{"tenant"}},
	}
}

// readStateBody reads PUT /_fake/state's document: JSON as an export is,
// or YAML as a fixture is (by its Content-Type, or by a body that does
// not start as a JSON object does), whose errors, and the state check's,
// name the body's line; or a seed document, made into state on a server
// of its own (seedDocument; tenant: that tenant's part of it).
func (s *Server) readStateBody(b *api.Body, tenant string) (*state.State, error) {
	raw := bytes.TrimSpace(b.Raw)
	if !strings.Contains(b.MediaType, "yaml") && len(raw) > 0 && raw[0] == '{' {
		var st state.State
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&st); err != nil {
			if bytes.Contains(raw, []byte(state.SeedFormat)) {
				return s.seedDocument(b.Raw, tenant)
			}
			return nil, api.Detail(http.StatusBadRequest, "JSON parse error - "+err.Error())
		}
		if dec.More() {
			return nil, api.Detail(http.StatusBadRequest, "JSON parse error - data after the document")
		}
		return &st, nil
	}
	const name = "request body"
	st, err := state.ParseFixture(name, b.Raw)
	if errors.Is(err, state.ErrSeedDocument) {
		return s.seedDocument(b.Raw, tenant)
	}
	if err == nil {
		if p := state.Check(st, s.schema); p != nil {
			err = state.Locate(p, []string{name}, []*state.State{st}, func(int) ([]byte, error) { return b.Raw, nil })
		}
	}
	var fe *state.FixtureError
	if errors.As(err, &fe) {
		return nil, api.Detail(http.StatusBadRequest, fe.Located())
	}
	return st, err
}

func (s *Server) getState(c echo.Context) error {
	export := s.ExportState
	if t := c.QueryParam("tenant"); t != "" {
		export = func() (*state.State, error) { return s.ExportTenantState(t) }
	}
	st, err := export()
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, st)
}

// seedDocument makes a seed document into the state it describes (over
// an empty store, on a server of its own), or tenant's part of it.
func (s *Server) seedDocument(raw []byte, tenant string) (*state.State, error) {
	const name = "request body"
	d, err := seed.Parse(name, raw)
	if err == nil {
		err = seed.Check(s.seedTarget(), d)
	}
	var st *state.State
	if err == nil {
		st, err = s.buildSeed(nil, []*seed.Data{d}, false)
	}
	var se *seed.Error
	if errors.As(err, &se) {
		return nil, api.Detail(http.StatusBadRequest, se.Error())
	}
	if err != nil || tenant == "" {
		return st, err
	}
	m := store.NewMemory()
	if err := state.Import(m, st, s.schema); err != nil {
		return nil, err
	}
	err = m.View(func(tx store.Tx) (err error) {
		st, err = state.Export(tx, s.schema, state.TenantKeys(tx, s.scopes, tenant))
		return err
	})
	return st, err
}

func (s *Server) putState(c echo.Context) error {
	st, err := s.readStateBody(api.RequestBody(c), c.QueryParam("tenant"))
	if err != nil {
		return err
	}
	if t := c.QueryParam("tenant"); t != "" {
		if st.Tenant != "" && st.Tenant != t {
			return api.Field("tenant", fmt.Sprintf("The document is tenant %q's, not %q's.", st.Tenant, t))
		}
		st.Tenant = t
	}
	if err := s.ImportState(st); err != nil {
		return err
	}
	n := 0
	for _, items := range st.Buckets {
		n += len(items)
	}
	return api.JSON(c, http.StatusOK, map[string]any{"imported": true, "buckets": len(st.Buckets), "keys": n})
}
