package fake

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/journal"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/longtail"
	"github.com/iblfake/iblfake/scenarios"
	"github.com/iblfake/iblfake/spec"
)

// Option configures a Server.
type Option func(*options) error

type options struct {
	keys             map[string]map[string]bool // key -> orgs; nil: any key, any org
	store            store.Backend
	logger           *slog.Logger
	corsOrigins      []string // nil: CORS off
	corsHeaders      []string // nil: a preflight's requested headers are allowed
	adminCORSOrigins []string // nil: no CORS on /_fake/
	adminHosts       []string // WithAdminHosts
	journalSize      int
	journalBodies    [2]int // WithJournalBodies: per body, total; zero: not kept
	seed             uint64
	responseChecker  func(r *http.Request, operationID string, status int, err error)
	maxBodyBytes     int64
	clockSetup       []func(*api.Clock) // WithClockOffset, WithClockAt
	scenarioNames    []string
	scenarioDefs     []*scenarios.Scenario
	scenarioOff      []string
	adminToken       string     // empty: /_fake/ is open
	fixtures         []fixture  // WithFixture, WithFixtureBytes, WithFixtureFS, WithSeedData
	demo             bool       // WithDemo
	maxDelayed       int        // WithMaxDelayed
	longTail         string     // WithLongTail
	defaultTenant    string     // WithDefaultTenant ("" until New settles it)
	longTailFill     bool       // WithLongTailFill
	lms              bool       // WithLMS
	spec             *spec.Spec // withSpec: a document already loaded
}

func defaultOptions() options {
	return options{corsOrigins: []string{"*"}, journalSize: 1000, maxBodyBytes: api.DefaultMaxBodyBytes, maxDelayed: DefaultMaxDelayed, longTail: LongTailSynthesize}
}

// WithAPIKey binds key to the orgs (platform keys) it may touch. Once any key
// is bound, an unknown key is a 401 and a key used for another org a 403;
// with none bound, any key works for every org.
func WithAPIKey(key string, orgs ...string) Option {
	return func(o *options) error {
		if key == "" || len(orgs) == 0 {
			return fmt.Errorf("WithAPIKey: need a key and at least one org")
		}
		if o.keys == nil {
			o.keys = map[string]map[string]bool{}
		}
		if o.keys[key] == nil {
			o.keys[key] = map[string]bool{}
		}
		for _, org := range orgs {
			o.keys[key][org] = true
		}
		return nil
	}
}

// WithStore sets the store backend (default: a new in-memory one). The
// server closes it on Close.
func WithStore(b store.Backend) Option {
	return func(o *options) error { o.store = b; return nil }
}

// WithLogger sets the structured logger for request logs (default: none).
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error { o.logger = l; return nil }
}

// WithJournalSize sets how many requests /_fake/requests keeps (default
// 1000; the oldest are dropped first).
func WithJournalSize(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return fmt.Errorf("WithJournalSize: %d is not positive", n)
		}
		o.journalSize = n
		return nil
	}
}

// WithJournalBodies makes the journal keep every vendor request's headers
// (secrets masked) and body and its answer's, not only while the
// dashboard's live log is open: each body's first journal.DefaultBodyLimit
// bytes (64 KiB), journal.DefaultBodyTotal bytes (64 MiB) in all, the
// oldest requests' going first. Srv.Journal().Find and GET /_fake/requests
// show them, so a test can read what its code sent.
func WithJournalBodies() Option {
	return WithJournalBodyLimits(journal.DefaultBodyLimit, journal.DefaultBodyTotal)
}

// WithJournalBodyLimits is WithJournalBodies keeping perBody bytes of each
// body and total bytes in all.
func WithJournalBodyLimits(perBody, total int) Option {
	return func(o *options) error {
		if perBody < 1 || total < 1 {
			return fmt.Errorf("WithJournalBodyLimits: %d, %d: both must be positive", perBody, total)
		}
		o.journalBodies = [2]int{perBody, total}
		return nil
	}
}

// WithSeed makes generated ids reproducible.
func WithSeed(seed uint64) Option {
	return func(o *options) error { o.seed = seed; return nil }
}

// WithResponseValidation validates every vendor-route response against the
// corrected document and calls report for each (err nil when it conforms).
// NewTestServer uses it to fail the test on a mismatch.
func WithResponseValidation(report func(r *http.Request, operationID string, status int, err error)) Option {
	return func(o *options) error { o.responseChecker = report; return nil }
}

// WithMaxBodyBytes sets the largest request body accepted (default 10 MiB);
// a larger one is a 413.
func WithMaxBodyBytes(n int64) Option {
	return func(o *options) error {
		if n < 1 {
			return fmt.Errorf("WithMaxBodyBytes: %d is not positive", n)
		}
		o.maxBodyBytes = n
		return nil
	}
}

// WithDemo builds the demo tenant (org "demo", see package internal/demo) when
// the server starts over an empty store, after any fixtures. Its fake
// values are seeded by WithSeed, like the ids, so the same seed on the same
// day (or with WithClockAt) gives the same tenant byte for byte.
func WithDemo() Option {
	return func(o *options) error { o.demo = true; return nil }
}

// withSpec makes the server use a document already loaded (the demo's
// builder shares its parent's instead of parsing it again).
func withSpec(sp *spec.Spec) Option {
	return func(o *options) error { o.spec = sp; return nil }
}

// Long-tail modes (WithLongTail, --long-tail).
const (
	// LongTailSynthesize answers the long tail from its schemas (default).
	LongTailSynthesize = longtail.Synthesize
	// LongTailUnavailable answers every long-tail operation 501.
	LongTailUnavailable = longtail.Unavailable
)

// WithLongTailFill makes each collection of the long tail's resources
// hold a few synthesized items the first time a tenant lists it, which
// are then ordinary items (reads, updates and deletes see them): full
// screens on a laptop without a demo. Off, a tenant's collections start
// empty, as the real service's do.
func WithLongTailFill() Option {
	return func(o *options) error { o.longTailFill = true; return nil }
}

// WithLMS serves the LMS (Open edX) endpoints the vendor's frontend app
// boots with, beside the data manager's API (package internal/lms): the
// token exchange (/api/ibl/manager/consolidated-token/proxy/), the user's
// tenants (/api/ibl/users/manage/platform/), the user's profile
// (/api/ibl/users/manage/metadata/) and the login page's context
// (/api/mfe_context), so the app's lmsUrl can be the fake too. They
// follow the fake's key rules: while no key is bound any token works and
// every tenant the fake knows is the user's; once keys are bound, the
// token is a bound key and its tenants are the key's.
func WithLMS() Option {
	return func(o *options) error { o.lms = true; return nil }
}

// WithLongTail sets how the operations no module models are answered:
// LongTailSynthesize (the default) or LongTailUnavailable.
func WithLongTail(mode string) Option {
	return func(o *options) error {
		switch mode {
		case LongTailSynthesize, LongTailUnavailable:
			o.longTail = mode
			return nil
		}
		return fmt.Errorf("WithLongTail: %q is neither %q nor %q", mode, LongTailSynthesize, LongTailUnavailable)
	}
}

// MaxJSONDepth is how deeply a JSON request body may nest objects and
// arrays; a deeper one is a 400 before anything decodes it. The vendor's
// bodies nest four levels at most.
const MaxJSONDepth = api.MaxJSONDepth
