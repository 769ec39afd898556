package fake

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"slices"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/seed"
	"github.com/iblfake/iblfake/fake/state"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/demo"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/iblfake/iblfake/internal/urlconf"
	"github.com/iblfake/iblfake/scenarios"
	"github.com/iblfake/iblfake/spec"
)

// fixture is one source of the start-up seed: a file, bytes, a file of an
// fs.FS (WithFixture, WithFixtureBytes, WithFixtureFS), whichever format
// it names (a state export or a seed file), or Go values (WithSeedData).
type fixture struct {
	name string
	path string     // a file on disk
	fsys fs.FS      // with name: a file of fsys
	data []byte     // bytes given
	seed *seed.Data // Go values
}

// read returns the fixture's bytes (bounded as a fixture file is).
func (f fixture) read() ([]byte, error) {
	switch {
	case f.data != nil:
		return f.data, nil
	case f.fsys != nil:
		return state.ReadFixtureFS(f.fsys, f.name)
	}
	return state.ReadFixture(f.path)
}

// WithFixture loads seed state from path when the server starts over an
// empty store (a --db file that already holds state is left as it is), and
// is what Reset returns to. The file is YAML or JSON in either format,
// told apart by its format key: iblfake-state/1 is the document GET
// /_fake/state answers (a snapshot), iblfake-seed/1 a seed file, entities
// written by hand by name (package fake/seed) that the handlers make.
// Repeatable: state fixtures are merged (a key two files give different
// values is an error), seeds applied over them in order, the demo (WithDemo)
// last, and the whole imported in one transaction. A malformed file makes
// New fail naming the file, line and field (*state.FixtureError,
// *seed.Error).
func WithFixture(path string) Option {
	return func(o *options) error {
		if path == "" {
			return errors.New("WithFixture: empty path")
		}
		o.fixtures = append(o.fixtures, fixture{name: path, path: path})
		return nil
	}
}

// WithFixtureBytes is WithFixture for a document held in memory; name
// names it in errors.
func WithFixtureBytes(name string, data []byte) Option {
	return func(o *options) error {
		if data == nil {
			data = []byte{}
		}
		o.fixtures = append(o.fixtures, fixture{name: name, data: data})
		return nil
	}
}

// WithFixtureFS is WithFixture for the file path of fsys, such as a
// //go:embed directory:
//
//	//go:embed testdata/seed.yaml
//	var seeds embed.FS
//	srv := fake.NewTestServer(t, fake.WithFixtureFS(seeds, "testdata/seed.yaml"))
func WithFixtureFS(fsys fs.FS, path string) Option {
	return func(o *options) error {
		if fsys == nil || path == "" {
			return errors.New("WithFixtureFS: need a file system and a path")
		}
		o.fixtures = append(o.fixtures, fixture{name: path, fsys: fsys})
		return nil
	}
}

// WithSeedData is WithFixture for a seed written as Go values:
//
//	fake.WithSeedData(seed.Data{Tenants: []seed.Tenant{{Org: "acme",
//		Issuers:     []seed.Issuer{{Name: "Acme Academy"}},
//		Credentials: []seed.Credential{{Name: "Data Science", Issuer: "Acme Academy"}},
//	}}})
func WithSeedData(d seed.Data) Option {
	return func(o *options) error {
		o.fixtures = append(o.fixtures, fixture{name: "seed data", seed: &d})
		return nil
	}
}

// loadFixtures reads and parses the server's fixtures: the state
// documents merged and checked against the modules' schema (nil when
// there are none), and the seeds, in order, checked against the served
// document.
func (s *Server) loadFixtures() (*state.State, []*seed.Data, error) {
	var names []string
	var states []*state.State
	var reads []fixture
	var seeds []*seed.Data
	for _, f := range s.opts.fixtures {
		if f.seed != nil {
			seeds = append(seeds, f.seed)
			continue
		}
		data, err := f.read()
		if err != nil {
			return nil, nil, err
		}
		st, err := state.ParseFixtureLogging(f.name, data, s.log)
		if errors.Is(err, state.ErrSeedDocument) {
			d, err := seed.Parse(f.name, data)
			if err != nil {
				return nil, nil, fmt.Errorf("fixture %w", err)
			}
			seeds = append(seeds, d)
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		names, states, reads = append(names, f.name), append(states, st), append(reads, f)
	}
	if err := seed.Check(s.seedTarget(), seeds...); err != nil {
		return nil, nil, fmt.Errorf("fixture %w", err)
	}
	if len(states) == 0 {
		return nil, seeds, nil
	}
	merged, err := state.MergeFixtures(names, states)
	if err != nil {
		return nil, nil, err
	}
	// Checked here, not only by the import, so that the refusal names the
	// file and line that give the entry.
	if p := state.Check(merged, s.schema); p != nil {
		return nil, nil, state.Locate(p, names, states, func(i int) ([]byte, error) { return reads[i].read() })
	}
	return merged, seeds, nil
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

// seedState builds the start-up seed (WithFixture, WithFixtureBytes,
// WithFixtureFS, WithSeedData, WithDemo) and imports it when the store is
// empty. Fixtures are parsed and seeds checked either way, so a malformed
// one is refused even over a store that already holds state (where the
// seed is built only when a reset asks for it).
//
// All of it reaches the store in one transaction, so a kill part-way
// leaves either nothing (and the same command builds it again) or all of
// it: seeds and the demo are made on a server of their own over a memory
// store that starts from the state fixtures (so their ids never collide),
// then that whole state is imported.
func (s *Server) seedState() error {
	if len(s.opts.fixtures) == 0 && !s.opts.demo {
		return s.reseedIDs()
	}
	if err := s.demoKeys(); err != nil {
		return err
	}
	fix, seeds, err := s.loadFixtures()
	if err != nil {
		return err
	}
	empty, err := s.storeEmpty()
	if err != nil {
		return err
	}
	if !empty {
		s.log.Info("the store already holds state: fixtures and demo tenant not loaded", "fixtures", len(s.opts.fixtures), "demo", s.opts.demo)
		return s.reseedIDs()
	}
	st, err := s.buildSeed(fix, seeds, s.opts.demo)
	if err != nil {
		return err
	}
	start := time.Now()
	n := 0
	for _, items := range st.Buckets {
		n += len(items)
	}
	s.log.Info("importing seed state", "fixtures", len(s.opts.fixtures), "demo", s.opts.demo, "entries", n)
	if err := s.ImportState(st); err != nil {
		return fmt.Errorf("fixture: %w", err)
	}
	s.keepSeed(st)
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

// demoKeys refuses a demo no bound key could read.
func (s *Server) demoKeys() error {
	if !s.opts.demo || s.opts.keys == nil {
		return nil
	}
	for _, orgs := range s.opts.keys {
		if orgs[demo.Org] || orgs[DMAdmin] {
			return nil
		}
	}
	return fmt.Errorf("demo: the demo tenant is org %q: bind an API key to it (--api-key KEY=%s)", demo.Org, demo.Org)
}

// buildSeed makes the start-up seed over base (the state fixtures, or
// nil): the seeds, then the demo tenant (withDemo), and returns the whole
// resulting state. It runs on a server made for it: a memory store, the same seed
// and clock start, no keys, no admin token, only the default scenarios,
// no log; so nothing of this server is swapped for the duration, and
// nothing reaches its store until the caller imports the result in one
// transaction.
func (s *Server) buildSeed(base *state.State, seeds []*seed.Data, withDemo bool) (*state.State, error) {
	if len(seeds) == 0 && !withDemo {
		if base == nil {
			base = &state.State{Format: state.Format}
		}
		return base, nil
	}
	opts := []Option{WithSeed(s.opts.seed), withSpec(s.spec)}
	if s.deps.Clock.Frozen() {
		opts = append(opts, WithClockAt(s.deps.Clock.Now()))
	} else {
		opts = append(opts, WithClockOffset(s.deps.Clock.Offset()))
	}
	b, err := New(opts...)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
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
	if len(seeds) > 0 {
		start := time.Now()
		if err := seed.Apply(b.seedTarget(), seeds...); err != nil {
			return nil, fmt.Errorf("fixture %w", err)
		}
		s.log.Info("seed files applied", "seeds", len(seeds), "took", time.Since(start).Round(time.Millisecond))
	}
	if withDemo {
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
	}
	return b.ExportState()
}

// seedTarget is the server as a seed is checked against and applied to:
// its handler and clock, and what the served document says of each
// operation (its path, the fields its JSON body takes).
func (s *Server) seedTarget() seed.Target {
	return seed.Target{
		Handler: s.Handler(), Clock: s.deps.Clock,
		// A builder binds no keys: every key is a DM admin's (license
		// creates are theirs alone).
		Auth: "Api-Token iblfake-seed",
		Operation: func(id string) (string, string, bool) {
			if op := s.urls.Operation(id); op != nil {
				return op.Method, op.Template, true
			}
			return "", "", false
		},
		Resolve: func(method, path string) string {
			var m urlconf.Match
			if !s.urls.Resolve(path, &m) {
				return ""
			}
			if op := m.View.Op(method); op != nil {
				return op.ID
			}
			return ""
		},
		Fields: s.bodyFields,
		Suggest: func(id string) []string {
			var out []string
			for _, op := range scenarios.NewOperations(s.servedOperations()).Suggest(id, "") {
				out = append(out, op.ID)
			}
			return out
		},
	}
}

// bodyFields lists the properties of an operation's JSON request body,
// from the modelled document or the long tail's; nil when it declares none.
func (s *Server) bodyFields(id string) []string {
	op := s.urls.Operation(id)
	if op == nil {
		return nil
	}
	item := s.specOps[id].Op
	if item == nil {
		lt, err := spec.LongTailOperation(op.Method, op.Template)
		if err != nil {
			return nil
		}
		item = lt.Op
	}
	if item.RequestBody == nil || item.RequestBody.Value == nil {
		return nil
	}
	var out []string
	for ct, mt := range item.RequestBody.Value.Content {
		if ct != "application/json" || mt.Schema == nil || mt.Schema.Value == nil {
			continue
		}
		for name := range synth.Properties(mt.Schema.Value) {
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		return nil
	}
	slices.Sort(out)
	return out
}
