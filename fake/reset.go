package fake

import (
	"fmt"
	"net/http"
	"sync"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/state"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// seededState is the start-up seed (fixtures, seed files, the demo), so
// that a reset, whole or one tenant's, returns to it: the document, and a
// memory store holding it, made for the first tenant reset (which needs
// to tell the tenants' entries apart). Over a store that already held
// state at start-up the seed was not built; the first reset builds it.
type seededState struct {
	mu    sync.Mutex
	state *state.State  // nil without a seed
	store store.Backend // state in a store of its own, once a tenant reset asked
	built bool
}

// keepSeed keeps st as the state resets return to.
func (s *Server) keepSeed(st *state.State) {
	s.seeded.mu.Lock()
	defer s.seeded.mu.Unlock()
	s.seeded.state, s.seeded.store, s.seeded.built = st, nil, true
}

// seedExport exports the start-up seed (one tenant's, for a tenant), or
// nil without one, building it on first use.
func (s *Server) seedExport(tenant string) (*state.State, error) {
	s.seeded.mu.Lock()
	defer s.seeded.mu.Unlock()
	if !s.seeded.built {
		if len(s.opts.fixtures) > 0 || s.opts.demo {
			fix, seeds, err := s.loadFixtures()
			if err != nil {
				return nil, err
			}
			if s.seeded.state, err = s.buildSeed(fix, seeds, s.opts.demo); err != nil {
				return nil, err
			}
		}
		s.seeded.built = true
	}
	if s.seeded.state == nil || tenant == "" {
		return s.seeded.state, nil
	}
	if s.seeded.store == nil {
		m := store.NewMemory()
		if err := state.Import(m, s.seeded.state, s.schema); err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
		s.seeded.store = m
	}
	var st *state.State
	err := s.seeded.store.View(func(tx store.Tx) (err error) {
		st, err = state.Export(tx, s.schema, state.TenantKeys(tx, s.scopes, tenant))
		return err
	})
	return st, err
}

// Reset returns the state to the start-up seed (WithFixture,
// WithFixtureBytes, WithFixtureFS, WithSeedData, WithDemo; empty without
// any) in one transaction, empties the journal and sets the clock back to
// how the server started (real time, or what WithClockOffset /
// WithClockAt set): a test that moved the clock and then reset starts
// from the same time as the first. Scenarios stay as they are.
func (s *Server) Reset() error {
	st, err := s.seedExport("")
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	if st == nil {
		return s.ResetEmpty()
	}
	if err := s.ImportState(st); err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	s.afterReset()
	return nil
}

// ResetEmpty deletes all state of every tenant, seeded or not, empties the
// journal and sets the clock back, as Reset does.
func (s *Server) ResetEmpty() error {
	err := s.deps.Store.Update(func(tx store.Tx) error {
		for _, b := range tx.Buckets() {
			if b == settingsBucket {
				continue
			}
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	s.afterReset()
	return nil
}

// afterReset empties the journal and sets the clock back to its start-up
// setting, forgetting a clock moved at runtime.
func (s *Server) afterReset() {
	s.journal.Clear()
	s.forget()
	s.applyClockOptions()
	s.saveClock(false)
}

// ResetTenant returns one tenant (an org, also its catalog platform key)
// to its seeded state: its entries are replaced by the start-up seed's
// (none, when the seed has none of it) in one transaction. Other tenants,
// the journal and the clock are left as they are, so tests sharing a fake
// each reset their own org.
func (s *Server) ResetTenant(tenant string) error {
	return s.resetTenant(tenant, false)
}

func (s *Server) resetTenant(tenant string, empty bool) error {
	if tenant == "" {
		return api.Field("tenant", api.MsgRequired)
	}
	var st *state.State
	if !empty {
		var err error
		if st, err = s.seedExport(tenant); err != nil {
			return fmt.Errorf("reset: %w", err)
		}
	}
	if st == nil {
		st = &state.State{Format: state.Format}
	}
	// Sequences only move forward in a tenant import: other tenants' ids
	// stay unique.
	st.Tenant = tenant
	return s.ImportState(st)
}

// reset is POST /_fake/reset: ?to=seed (the default) or ?to=empty, for
// every tenant or, with ?tenant=ORG, for one.
func (s *Server) reset(c echo.Context) error {
	to := c.QueryParam("to")
	switch to {
	case "":
		to = "seed"
	case "seed", "empty":
	default:
		return api.Field("to", fmt.Sprintf("%q is neither \"seed\" (the start-up fixtures, seed files or demo) nor \"empty\".", to))
	}
	tenant := c.QueryParam("tenant")
	var err error
	switch {
	case c.QueryParams().Has("tenant"):
		err = s.resetTenant(tenant, to == "empty")
	case to == "empty":
		err = s.ResetEmpty()
	default:
		err = s.Reset()
	}
	if err != nil {
		return err
	}
	out := map[string]any{"reset": true, "to": to}
	if tenant != "" {
		out["tenant"] = tenant
	}
	return api.JSON(c, http.StatusOK, out)
}
