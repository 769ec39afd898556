package fake

import (
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/state"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/demo"
)

// WithFixture loads seed state from path, a YAML or JSON file in the State
// format that GET /_fake/state answers, when the server starts over an
// empty store (a --db file that already holds state is left as it is).
// Repeatable: the fixtures are merged (a key two files give different
// values is an error) and imported in one transaction, through the same
// path as PUT /_fake/state. A malformed file makes New fail with a
// *state.FixtureError naming the file, line and field.
func WithFixture(path string) Option {
	return func(o *options) error {
		if path == "" {
			return errors.New("WithFixture: empty path")
		}
		o.fixtures = append(o.fixtures, path)
		return nil
	}
}

// loadFixtures parses and merges the server's fixtures, logging progress.
func (s *Server) loadFixtures() (*state.State, error) {
	states := make([]*state.State, 0, len(s.opts.fixtures))
	for _, f := range s.opts.fixtures {
		st, err := state.LoadFixture(f, s.log)
		if err != nil {
			return nil, err
		}
		states = append(states, st)
	}
	merged, err := state.MergeFixtures(s.opts.fixtures, states)
	if err != nil {
		return nil, err
	}
	// Checked here, not only by the import, so that the refusal names the
	// file and line that give the entry.
	if p := state.Check(merged, s.schema); p != nil {
		return nil, state.Locate(p, s.opts.fixtures, states, func(i int) ([]byte, error) { return os.ReadFile(s.opts.fixtures[i]) })
	}
	return merged, nil
}

// storeEmpty reports whether the store holds no bucket of state (the
// server's settings are none).
func (s *Server) storeEmpty() (bool, error) {
	empty := true
	err := s.deps.Store.View(func(tx store.Tx) error {
		for _, b := range tx.Buckets() {
			empty = empty && b == settingsBucket
		}
		return nil
	})
	return empty, err
}

// seedState loads the fixtures and builds the demo tenant (WithFixture,
// WithDemo) when the store is empty. Fixtures are parsed either way, so a
// malformed one is refused even over a store that already holds state.
//
// All of it reaches the store in one transaction, so a kill part-way
// leaves either nothing (and the same command builds it again) or all of
// it: the demo is built on a server of its own over a memory store that
// starts from the fixtures (so their ids and the demo's never collide),
// then that whole state is imported.
func (s *Server) seedState() error {
	if len(s.opts.fixtures) == 0 && !s.opts.demo {
		return s.reseedIDs()
	}
	var fix *state.State
	if len(s.opts.fixtures) > 0 {
		var err error
		if fix, err = s.loadFixtures(); err != nil {
			return err
		}
	}
	empty, err := s.storeEmpty()
	if err != nil {
		return err
	}
	if !empty {
		s.log.Info("the store already holds state: fixtures and demo tenant not loaded", "fixtures", len(s.opts.fixtures), "demo", s.opts.demo)
		return s.reseedIDs()
	}
	if s.opts.demo {
		if fix, err = s.buildDemo(fix); err != nil {
			return err
		}
	}
	start := time.Now()
	n := 0
	for _, items := range fix.Buckets {
		n += len(items)
	}
	s.log.Info("importing seed state", "fixtures", len(s.opts.fixtures), "demo", s.opts.demo, "entries", n)
	if err := s.ImportState(fix); err != nil {
		return fmt.Errorf("fixture: %w", err)
	}
	msg := "fixtures loaded"
	if s.opts.demo {
		msg = "demo tenant loaded"
	}
	s.log.Info(msg, "fixtures", len(s.opts.fixtures), "entries", n, "took", time.Since(start).Round(time.Millisecond))
	return s.reseedIDs()
}

// reseedIDs makes a seeded id generator safe over a store that already
// holds state (a --db file reopened, a fixture made by a fake with the same
// seed): restarted from the bare seed it would hand out the ids it handed
// out before. The new seed mixes the seed with the store's buckets and
// sequence counters, so it stays reproducible for the same state. Without
// a seed, or over an empty store, nothing changes.
func (s *Server) reseedIDs() error {
	if s.opts.seed == 0 {
		return nil
	}
	h := fnv.New64a()
	err := s.deps.Store.View(func(tx store.Tx) error {
		for _, b := range tx.Buckets() {
			if b != settingsBucket {
				fmt.Fprintf(h, "%s\x00%d\x00", b, tx.Sequence(b))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if h.Sum64() == fnv.New64a().Sum64() {
		return nil // empty store
	}
	mixed := s.opts.seed ^ h.Sum64()
	if mixed == 0 {
		mixed = 1 // 0 would mean "random"
	}
	s.deps.IDs = api.NewIDs(mixed)
	return nil
}

// buildDemo builds the demo tenant over base (the fixtures, or nil) and
// returns the whole resulting state. It runs on a server made for it: a
// memory store, the same seed and clock start, no keys, no admin token,
// only the default scenarios, no log; so nothing of this server is
// swapped for the duration, and nothing reaches its store until the
// caller imports the result in one transaction.
func (s *Server) buildDemo(base *state.State) (*state.State, error) {
	if s.opts.keys != nil {
		bound := false
		for _, orgs := range s.opts.keys {
			bound = bound || orgs[demo.Org] || orgs[DMAdmin]
		}
		if !bound {
			return nil, fmt.Errorf("demo: the demo tenant is org %q: bind an API key to it (--api-key KEY=%s)", demo.Org, demo.Org)
		}
	}
	opts := []Option{WithSeed(s.opts.seed), withSpec(s.spec)}
	if s.deps.Clock.Frozen() {
		opts = append(opts, WithClockAt(s.deps.Clock.Now()))
	} else {
		opts = append(opts, WithClockOffset(s.deps.Clock.Offset()))
	}
	b, err := New(opts...)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	defer b.Close()
	if base != nil {
		if err := b.ImportState(base); err != nil {
			return nil, fmt.Errorf("fixture: %w", err)
		}
		if err := b.reseedIDs(); err != nil {
			return nil, err
		}
	}
	stats, err := demo.Build(b.Handler(), b.Clock(), demo.Options{
		// The build creates licenses, which only DM admins may: the
		// builder binds no keys, so its every key is one.
		Seed: s.opts.seed, Today: s.deps.Clock.Now(), Auth: "Api-Token iblfake-demo", Log: s.log,
	})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	for _, part := range stats.Skipped {
		s.log.Warn("demo: part skipped", "part", part)
	}
	return b.ExportState()
}
