// Package config is iblfake's command line: its flags, the IBLFAKE_*
// environment variables that stand in for them, and the server options
// they make.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/serve"
)

// Upper bounds of the numeric flags. Each guards a crash or a silent
// misbehaviour just past it, and sits far above any useful value.
const (
	// MaxJournalSize bounds --journal-size: the journal's ring is
	// allocated whole at start-up (136 bytes an entry), so 1e13 was a
	// makeslice panic and 1e11 an out-of-memory kill.
	MaxJournalSize = 1_000_000
	// MaxBodyBytes bounds --max-body-bytes: a body is read whole into
	// memory, and at the int64 maximum the limit plus one overflowed (the
	// tenant a POST body names went unread).
	MaxBodyBytes = 1 << 30
	// MaxHeaderBytes bounds --max-header-bytes: net/http holds the
	// headers in memory and adds 4 KiB of slop to the limit, which at the
	// int maximum overflowed and made every request a 431.
	MaxHeaderBytes = 64 << 20
	// MaxConnections bounds --max-connections: Linux's default ceiling
	// on open files per process (fs.nr_open).
	MaxConnections = 1 << 20
)

// Config is the command line's configuration.
type Config struct {
	Addr        string
	DB          string              // bbolt file; empty: state in memory
	APIKeys     map[string][]string // key -> orgs
	CORSOrigins []string            // empty: CORS off
	// CORSHeaders are the request headers a preflight allows; empty: the
	// ones it asks for.
	CORSHeaders []string
	// AdminCORSOrigins may call /_fake/ from a browser (none by default).
	AdminCORSOrigins []string
	// AdminHosts are the Host names an open admin surface answers besides
	// loopback ones and Addr's host.
	AdminHosts []string
	// DefaultTenant is the org of requests that name none with no key
	// bound (empty: the fake's default).
	DefaultTenant string
	// MaxDelayed bounds the requests scenario delays hold at once.
	MaxDelayed int
	// LongTail is how the operations no module models answer.
	LongTail string
	// LongTailFill fills each long-tail collection with a few synthesized
	// items the first time a tenant lists it.
	LongTailFill bool
	// LMS serves the LMS endpoints the vendor's frontend app boots with
	// (fake.WithLMS).
	LMS         bool
	LogLevel    slog.Level
	JournalSize int
	// JournalBodies keeps every request's headers and bodies in the
	// journal (fake.WithJournalBodies).
	JournalBodies bool
	Seed          uint64
	Version       bool
	// Scenarios are files or built-in names to activate; DisableScenarios
	// names default-on scenarios to turn off.
	Scenarios        []string
	DisableScenarios []string
	// AdminToken, when set, protects /_fake/ (all but /_fake/health).
	AdminToken string
	// MaxBodyBytes is the request body limit (fake.WithMaxBodyBytes).
	MaxBodyBytes int64
	// Limits are the HTTP server's header size, timeouts, connection limit
	// and shutdown drain.
	Limits serve.Limits
	// HealthCheck asks the fake listening on Addr for its health and exits.
	HealthCheck bool
	// Fixtures are seed files or state exports (YAML or JSON) loaded into an
	// empty store at start-up; Demo builds the demo tenant (seeded by Seed).
	Fixtures []string
	Demo     bool
}

// option is one flag and the environment variable standing in for it.
type option struct {
	name  string // the flag, without dashes
	env   string // IBLFAKE_...; empty: the flag has none
	def   string // the value when neither is given
	usage string // a `word` in backquotes names the value in -h
	// list: the flag may be repeated, and its environment variable holds
	// a list. Either way apply gets each value as given.
	list    bool
	boolean bool
	apply   func(c *Config, values []string) error
}

// one adapts a setter of a single value.
func one(set func(c *Config, v string) error) func(*Config, []string) error {
	return func(c *Config, vs []string) error { return set(c, vs[len(vs)-1]) }
}

// options is every flag, in the order -h lists them and errors are found.
func options() []option {
	def := serve.DefaultLimits()
	durations := []struct {
		name, usage string
		def         time.Duration
		dst         func(*Config) *time.Duration
	}{
		{"read-header-timeout", "time to send the request line and headers", def.ReadHeaderTimeout,
			func(c *Config) *time.Duration { return &c.Limits.ReadHeaderTimeout }},
		{"read-timeout", "time to send the whole request, body included", def.ReadTimeout,
			func(c *Config) *time.Duration { return &c.Limits.ReadTimeout }},
		{"write-timeout", "time to handle and write a response; none by default, as scenarios delay on purpose", def.WriteTimeout,
			func(c *Config) *time.Duration { return &c.Limits.WriteTimeout }},
		{"idle-timeout", "how long an idle keep-alive connection stays open", def.IdleTimeout,
			func(c *Config) *time.Duration { return &c.Limits.IdleTimeout }},
	}
	opts := []option{
		{name: "addr", env: "IBLFAKE_ADDR", def: "127.0.0.1:8080", usage: "`address` to listen on",
			apply: one(func(c *Config, v string) error { c.Addr = v; return nil })},
		{name: "db", env: "IBLFAKE_DB", usage: "keep all state in this bbolt `file`, created if missing; without it state lives in memory",
			apply: one(func(c *Config, v string) error { c.DB = v; return nil })},
		{name: "api-key", env: "IBLFAKE_API_KEYS", list: true,
			usage: "bind an API key to orgs, `KEY=ORG[,ORG...]`, or KEY=* for a DM admin; repeatable (the variable: ';'-separated). Without any, every key works for every org",
			apply: func(c *Config, vs []string) error {
				for _, v := range vs {
					if err := addKeys(c.APIKeys, v); err != nil {
						return err
					}
				}
				return nil
			}},
		{name: "cors-origins", env: "IBLFAKE_CORS_ORIGINS", def: "*", usage: "comma-separated `origins` allowed by CORS on the vendor API, \"*\" for any, \"off\" to disable; a named origin (or a pattern such as http://localhost:*) may send credentials, \"*\" may not",
			apply: one(func(c *Config, v string) error {
				if v != "off" {
					c.CORSOrigins = splitList(v)
				}
				return nil
			})},
		{name: "cors-headers", env: "IBLFAKE_CORS_HEADERS",
			usage: "comma-separated request `headers` a CORS preflight allows; by default every header it asks for (sentry-trace, traceparent, X-Requested-With, ...)",
			apply: one(func(c *Config, v string) error { c.CORSHeaders = splitList(v); return nil })},
		{name: "admin-cors-origins", env: "IBLFAKE_ADMIN_CORS_ORIGINS", usage: "comma-separated `origins` whose pages may call /_fake/ from a browser; none by default, so no web page can read or reset the fake",
			apply: one(func(c *Config, v string) error { c.AdminCORSOrigins = splitList(v); return nil })},
		{name: "admin-hosts", env: "IBLFAKE_ADMIN_HOSTS", usage: "comma-separated host `names` an open admin surface (no --admin-token) answers besides loopback names and --addr's host, such as a container's service name; \"*\" for any (a web page could then rebind its name to the fake)",
			apply: one(func(c *Config, v string) error { c.AdminHosts = splitList(v); return nil })},
		{name: "default-tenant", env: "IBLFAKE_DEFAULT_TENANT", usage: "the `org` of requests that name none while no key is bound (default main; demo with --demo)",
			apply: one(func(c *Config, v string) error {
				if v == "*" {
					return fmt.Errorf("%q is not an org", v)
				}
				c.DefaultTenant = v
				return nil
			})},
		{name: "max-delayed", env: "IBLFAKE_MAX_DELAYED", def: strconv.Itoa(fake.DefaultMaxDelayed),
			usage: "hold at most `n` requests in scenario delays at once; past it a delayed request is answered at once and the journal says so",
			apply: one(func(c *Config, v string) error {
				n, err := intIn(v, 1, MaxConnections)
				c.MaxDelayed = int(n)
				return err
			})},
		{name: "long-tail", env: "IBLFAKE_LONG_TAIL", def: fake.LongTailSynthesize,
			usage: "how to answer the operations no module models: `mode` synthesize (from their response schemas) or 501",
			apply: one(func(c *Config, v string) error {
				if v != fake.LongTailSynthesize && v != fake.LongTailUnavailable {
					return fmt.Errorf("%q is neither %s nor %s", v, fake.LongTailSynthesize, fake.LongTailUnavailable)
				}
				c.LongTail = v
				return nil
			})},
		{name: "lms", env: "IBLFAKE_LMS", boolean: true,
			usage: "also serve the LMS endpoints the vendor's frontend app boots with (token exchange, the user's tenants, profile, login context), so its lmsUrl can be this fake",
			apply: one(func(c *Config, v string) (err error) { c.LMS, err = boolOf(v); return err })},
		{name: "long-tail-fill", env: "IBLFAKE_LONG_TAIL_FILL", boolean: true,
			usage: "fill each long-tail collection with a few deterministic synthesized items the first time a tenant lists it (they are then ordinary records); off, collections start empty as the real service's do",
			apply: one(func(c *Config, v string) (err error) { c.LongTailFill, err = boolOf(v); return err })},
		{name: "log-level", env: "IBLFAKE_LOG_LEVEL", def: "info", usage: "`level` of the structured log on stderr: debug, info, warn or error",
			apply: one(func(c *Config, v string) error { return c.LogLevel.UnmarshalText([]byte(v)) })},
		{name: "journal-size", env: "IBLFAKE_JOURNAL_SIZE", def: "1000", usage: "keep the last `n` requests for /_fake/requests, at most " + strconv.Itoa(MaxJournalSize),
			apply: one(func(c *Config, v string) error {
				n, err := intIn(v, 1, MaxJournalSize)
				c.JournalSize = int(n)
				return err
			})},
		{name: "journal-bodies", env: "IBLFAKE_JOURNAL_BODIES", boolean: true,
			usage: "keep every request's and answer's headers and bodies in the journal (GET /_fake/requests): 64 KiB of each body, 64 MiB in all",
			apply: one(func(c *Config, v string) (err error) { c.JournalBodies, err = boolOf(v); return err })},
		{name: "seed", env: "IBLFAKE_SEED", def: "0", usage: "`seed` for generated ids and the demo tenant's values; 0 for random",
			apply: one(func(c *Config, v string) (err error) { c.Seed, err = uintOf(v); return err })},
		{name: "scenario", env: "IBLFAKE_SCENARIOS", list: true, usage: "activate a scenario: a YAML/JSON `file` or a built-in name; repeatable (the variable: comma-separated)",
			apply: func(c *Config, vs []string) error { c.Scenarios = splitList(vs...); return nil }},
		{name: "disable-scenario", env: "IBLFAKE_DISABLE_SCENARIOS", list: true, usage: "turn off a default-on scenario by `name`, e.g. public-revoked-assertion; repeatable (the variable: comma-separated)",
			apply: func(c *Config, vs []string) error { c.DisableScenarios = splitList(vs...); return nil }},
		{name: "admin-token", env: "IBLFAKE_ADMIN_TOKEN", usage: "require Authorization: Bearer `TOKEN` on /_fake/ (all but /_fake/health); without it the admin surface is open",
			apply: one(func(c *Config, v string) error { c.AdminToken = v; return nil })},
		{name: "max-body-bytes", env: "IBLFAKE_MAX_BODY_BYTES", def: "10485760", usage: "largest request body in `bytes`, at most " + strconv.Itoa(MaxBodyBytes) + "; a larger one is a 413",
			apply: one(func(c *Config, v string) (err error) { c.MaxBodyBytes, err = intIn(v, 1, MaxBodyBytes); return err })},
		{name: "max-header-bytes", env: "IBLFAKE_MAX_HEADER_BYTES", def: strconv.Itoa(def.MaxHeaderBytes),
			usage: "largest request line plus headers in `bytes`, at most " + strconv.Itoa(MaxHeaderBytes) + "; a larger request is a 431",
			apply: one(func(c *Config, v string) error {
				n, err := intIn(v, 1, MaxHeaderBytes)
				c.Limits.MaxHeaderBytes = int(n)
				return err
			})},
	}
	for _, d := range durations {
		opts = append(opts, option{
			name: d.name, env: envName(d.name), def: d.def.String(), usage: d.usage + "; a Go `duration`, 0 for none",
			apply: one(func(c *Config, v string) (err error) { *d.dst(c), err = durationOf(v); return err }),
		})
	}
	return append(opts,
		option{name: "max-connections", env: "IBLFAKE_MAX_CONNECTIONS", def: strconv.Itoa(def.MaxConnections),
			usage: fmt.Sprintf("keep at most `n` connections open; at the limit the longest-idle one is closed to make room, or a new one refused with a 503 if none is idle. "+
				"The default is the open-file limit less %d, between %d and %d", serve.FileReserve, serve.MinDefaultConnections, serve.MaxDefaultConnections),
			apply: one(func(c *Config, v string) error {
				n, err := intIn(v, 1, MaxConnections)
				c.Limits.MaxConnections = int(n)
				return err
			})},
		option{name: "shutdown-timeout", env: "IBLFAKE_SHUTDOWN_TIMEOUT", def: def.ShutdownTimeout.String(),
			usage: "on SIGTERM or SIGINT, how long requests in flight may finish before they are cut off; a Go `duration`, 0 to cut them at once",
			apply: one(func(c *Config, v string) (err error) { c.Limits.ShutdownTimeout, err = durationOf(v); return err })},
		option{name: "fixture", env: "IBLFAKE_FIXTURES", list: true,
			usage: "start an empty store from a YAML or JSON `file`: a seed file (format: iblfake-seed/1, entities by name) or a state export (iblfake-state/1, GET /_fake/state); POST /_fake/reset returns to it. Repeatable (the variable: comma-separated)",
			apply: func(c *Config, vs []string) error { c.Fixtures = splitList(vs...); return nil }},
		option{name: "demo", env: "IBLFAKE_DEMO", boolean: true, usage: "build a realistic demo tenant (org \"demo\") into an empty store; --seed makes it reproducible",
			apply: one(func(c *Config, v string) (err error) { c.Demo, err = boolOf(v); return err })},
		option{name: "healthcheck", boolean: true, usage: "check the health of the fake listening on --addr (GET /_fake/health), exit 0 if healthy and 1 if not",
			apply: one(func(c *Config, v string) (err error) { c.HealthCheck, err = boolOf(v); return err })},
		option{name: "version", boolean: true, usage: "print the version, the commit it was built from, the Go that built it and the vendor spec it embeds, then exit",
			apply: one(func(c *Config, v string) (err error) { c.Version, err = boolOf(v); return err })},
	)
}

// envName is the variable standing in for the flag name.
func envName(name string) string {
	return "IBLFAKE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// given records a flag's values as the command line gives them; they are
// parsed once the command line has been read, so that an error can say
// where its value came from.
type given struct {
	values  []string
	list    bool
	boolean bool
	def     string
}

func (g *given) String() string {
	if g == nil {
		return "" // flag may ask a nil receiver, to tell defaults apart in -h
	}
	return g.def
}

func (g *given) Set(v string) error {
	if !g.list {
		g.values = g.values[:0] // a single-valued flag given twice: the last wins
	}
	g.values = append(g.values, v)
	return nil
}

// IsBoolFlag lets a boolean flag stand alone (--demo).
func (g *given) IsBoolFlag() bool { return g.boolean }

// flagSet declares opts on a new flag set, which writes nothing: Load's
// caller reports errors and Usage prints the help.
func flagSet(opts []option) (*flag.FlagSet, []*given) {
	fs := flag.NewFlagSet("iblfake", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	gs := make([]*given, len(opts))
	for i, o := range opts {
		gs[i] = &given{list: o.list, boolean: o.boolean, def: o.def}
		usage := o.usage
		if o.env != "" {
			usage += " (env " + o.env + ")"
		}
		fs.Var(gs[i], o.name, usage)
	}
	return fs, gs
}

// Load reads args (without the program name) and the IBLFAKE_* variables
// getenv reads. A flag on the command line replaces its variable entirely,
// a repeatable one too; a variable applies only to a flag the command line
// does not give, and an empty one counts as unset. An error names where
// the bad value came from: the flag (--journal-size) or the variable
// (IBLFAKE_JOURNAL_SIZE). On -h or --help the error is flag.ErrHelp; print
// Usage then.
func Load(args []string, getenv func(string) string) (*Config, error) {
	opts := options()
	fs, gs := flagSet(opts)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	cfg := &Config{APIKeys: map[string][]string{}}
	for i, o := range opts {
		values, from := gs[i].values, "--"+o.name
		if !onCommandLine[o.name] {
			values = []string{o.def}
			if v := envValue(getenv, o.env); v != "" {
				values, from = []string{v}, o.env
			} else if o.list {
				continue // no default list
			}
		}
		if err := o.apply(cfg, values); err != nil {
			return nil, fmt.Errorf("%s: %w", from, err)
		}
	}
	return cfg, nil
}

func envValue(getenv func(string) string, name string) string {
	if name == "" {
		return ""
	}
	return getenv(name)
}

// Usage writes the help: the subcommands, then every flag of the server,
// its default and its variable.
func Usage(w io.Writer) {
	fs, _ := flagSet(options())
	fmt.Fprint(w, "Usage:\n"+
		"  iblfake [flags]               serve a fake of ibl.ai's data-manager API (the flags below)\n"+
		"  iblfake proxy [flags]         forward to the real service, check each exchange against the\n"+
		"                                document and record it (iblfake proxy -h)\n"+
		"  iblfake verify [flags] FILE   replay a recording against a fresh fake and compare\n"+
		"                                (iblfake verify -h)\n\n"+
		"Every flag but --healthcheck and --version has an IBLFAKE_* environment variable,\n"+
		"used when the flag is not given.\n\n")
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// addKeys adds the KEY=ORG[,ORG...] items of v (separated by ';', spaces
// or newlines) to keys.
func addKeys(keys map[string][]string, v string) error {
	for _, item := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == ' ' || r == '\n' }) {
		key, orgs, ok := strings.Cut(item, "=")
		if !ok || key == "" || strings.TrimSpace(orgs) == "" {
			return fmt.Errorf("%q is not KEY=ORG[,ORG...]", item)
		}
		keys[key] = append(keys[key], splitList(orgs)...)
	}
	return nil
}

// splitList splits comma-separated values, dropping blanks.
func splitList(vs ...string) []string {
	var out []string
	for _, v := range vs {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// intIn parses a decimal integer from lo to hi.
func intIn(v string, lo, hi int64) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange) && strings.HasPrefix(v, "-"), err == nil && n < lo:
		return 0, fmt.Errorf("%q is below the minimum, %d", v, lo)
	case errors.Is(err, strconv.ErrRange), err == nil && n > hi:
		return 0, fmt.Errorf("%q is above the maximum, %d", v, hi)
	case err != nil:
		return 0, fmt.Errorf("%q is not an integer", v)
	}
	return n, nil
}

// uintOf parses a non-negative decimal integer of 64 bits.
func uintOf(v string) (uint64, error) {
	n, err := strconv.ParseUint(v, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, fmt.Errorf("%q is above the maximum, %d", v, uint64(math.MaxUint64))
	case err != nil:
		return 0, fmt.Errorf("%q is not a non-negative integer", v)
	}
	return n, nil
}

// durationSyntax is what time.ParseDuration accepts, so that a value it
// refuses can be told apart as too large rather than malformed.
var durationSyntax = regexp.MustCompile(`^[-+]?([0-9]*(\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h))+$`)

// durationOf parses a non-negative Go duration.
func durationOf(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	switch {
	case err != nil && durationSyntax.MatchString(v) && !strings.HasPrefix(v, "-"):
		return 0, fmt.Errorf("%q is above the maximum, %s", v, time.Duration(math.MaxInt64))
	case err != nil && !strings.HasPrefix(v, "-"):
		return 0, fmt.Errorf("%q is not a duration such as 30s or 1m30s", v)
	case err != nil || d < 0:
		return 0, fmt.Errorf("%q is negative", v)
	}
	return d, nil
}

// adminHosts are AdminHosts and the host Addr names, unless it is a
// wildcard (every address: the names it is reached by are unknown).
func (c *Config) adminHosts() []string {
	hosts := c.AdminHosts
	if h, _, err := net.SplitHostPort(c.Addr); err == nil && h != "" {
		if ip := net.ParseIP(h); ip == nil || !ip.IsUnspecified() {
			hosts = append(slices.Clip(hosts), h)
		}
	}
	return hosts
}

// boolOf parses a boolean; empty is false (a boolean flag's default).
func boolOf(v string) (bool, error) {
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%q is not a boolean", v)
	}
	return b, nil
}

// Options turns the configuration into server options, all but the
// store: NewServer opens DB.
func (c *Config) Options(logger *slog.Logger) []fake.Option {
	opts := []fake.Option{fake.WithCORS(c.CORSOrigins...), fake.WithJournalSize(c.JournalSize), fake.WithSeed(c.Seed), fake.WithLogger(logger)}
	if len(c.CORSHeaders) > 0 {
		opts = append(opts, fake.WithCORSHeaders(c.CORSHeaders...))
	}
	if len(c.AdminCORSOrigins) > 0 {
		opts = append(opts, fake.WithAdminCORS(c.AdminCORSOrigins...))
	}
	if c.MaxDelayed > 0 {
		opts = append(opts, fake.WithMaxDelayed(c.MaxDelayed))
	}
	if c.JournalBodies {
		opts = append(opts, fake.WithJournalBodies())
	}
	if hosts := c.adminHosts(); len(hosts) > 0 {
		opts = append(opts, fake.WithAdminHosts(hosts...))
	}
	if c.DefaultTenant != "" {
		opts = append(opts, fake.WithDefaultTenant(c.DefaultTenant))
	}
	if c.LongTail != "" {
		opts = append(opts, fake.WithLongTail(c.LongTail))
	}
	if c.LongTailFill {
		opts = append(opts, fake.WithLongTailFill())
	}
	if c.LMS {
		opts = append(opts, fake.WithLMS())
	}
	if c.MaxBodyBytes > 0 {
		opts = append(opts, fake.WithMaxBodyBytes(c.MaxBodyBytes))
	}
	if c.AdminToken != "" {
		opts = append(opts, fake.WithAdminToken(c.AdminToken))
	}
	for _, sc := range c.Scenarios {
		// A path to a file (it has an extension or a slash), else a built-in name.
		if strings.ContainsAny(sc, "/.") {
			opts = append(opts, fake.WithScenarioFile(sc))
		} else {
			opts = append(opts, fake.WithScenario(sc))
		}
	}
	opts = append(opts, fake.WithoutScenario(c.DisableScenarios...))
	for key, orgs := range c.APIKeys {
		opts = append(opts, fake.WithAPIKey(key, orgs...))
	}
	for _, f := range c.Fixtures {
		opts = append(opts, fake.WithFixture(f))
	}
	if c.Demo {
		opts = append(opts, fake.WithDemo())
	}
	return opts
}

// NewServer builds the configured server. With DB set it opens the bbolt
// file (an error if another process holds it or its schema is another
// version) as the server's store, which the server's Close closes; if the
// server cannot be built the file is closed here.
func (c *Config) NewServer(logger *slog.Logger) (*fake.Server, error) {
	opts := c.Options(logger)
	if c.DB == "" {
		return fake.New(opts...)
	}
	b, err := store.OpenBolt(c.DB)
	if err != nil {
		return nil, err
	}
	srv, err := fake.New(append(opts, fake.WithStore(b))...)
	if err != nil {
		_ = b.Close()
		return nil, err
	}
	return srv, nil
}
