package fake

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/iblfake/iblfake/fake/store"
)

// Config is the command line's configuration: flags, with IBLFAKE_*
// environment variables as their defaults.
type Config struct {
	Addr        string
	DB          string              // bbolt file; empty: state in memory
	APIKeys     map[string][]string // key -> orgs
	CORSOrigins []string            // empty: CORS off
	LogLevel    slog.Level
	JournalSize int
	Seed        uint64
	Version     bool
	// Scenarios are files or built-in names to activate; DisableScenarios
	// names default-on scenarios to turn off.
	Scenarios        []string
	DisableScenarios []string
	// AdminToken, when set, protects /_fake/ (all but /_fake/health).
	AdminToken string
	// MaxBodyBytes is the request body limit (WithMaxBodyBytes).
	MaxBodyBytes int64
	// Limits are the HTTP server's header size and timeouts.
	Limits Limits
	// HealthCheck asks the fake listening on Addr for its health and exits.
	HealthCheck bool
	// Fixtures are State files (YAML or JSON) loaded into an empty store at
	// start-up; Demo builds the demo tenant (seeded by Seed).
	Fixtures []string
	Demo     bool
}

// keyFlag collects repeated --api-key KEY=ORG[,ORG...] values.
type keyFlag map[string][]string

func (k keyFlag) String() string { return "" }

func (k keyFlag) Set(v string) error {
	for _, item := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == ' ' || r == '\n' }) {
		key, orgs, ok := strings.Cut(item, "=")
		if !ok || key == "" || orgs == "" {
			return fmt.Errorf("%q is not KEY=ORG[,ORG...]", item)
		}
		for _, org := range strings.Split(orgs, ",") {
			if org = strings.TrimSpace(org); org != "" {
				k[key] = append(k[key], org)
			}
		}
	}
	return nil
}

// ParseConfig reads args (without the program name) over the environment
// getenv reads. Flags win over the environment.
func ParseConfig(args []string, getenv func(string) string, stderr io.Writer) (*Config, error) {
	env := func(name, def string) string {
		if v := getenv("IBLFAKE_" + name); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("iblfake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := &Config{APIKeys: map[string][]string{}}
	keys := keyFlag(cfg.APIKeys)
	if v := getenv("IBLFAKE_API_KEYS"); v != "" {
		if err := keys.Set(v); err != nil {
			return nil, fmt.Errorf("IBLFAKE_API_KEYS: %w", err)
		}
	}
	fs.StringVar(&cfg.Addr, "addr", env("ADDR", "127.0.0.1:8080"), "address to listen on (env IBLFAKE_ADDR)")
	fs.StringVar(&cfg.DB, "db", env("DB", ""), "keep all state in this bbolt file, created if missing; without it state lives in memory (env IBLFAKE_DB)")
	fs.Var(keys, "api-key", "bind an API key to orgs, KEY=ORG[,ORG...], or KEY=* for a DM admin; repeatable (env IBLFAKE_API_KEYS, ';'-separated). Without any, every key works for every org")
	cors := fs.String("cors-origins", env("CORS_ORIGINS", "*"), "comma-separated origins allowed by CORS, \"*\" for any, \"off\" to disable (env IBLFAKE_CORS_ORIGINS)")
	level := fs.String("log-level", env("LOG_LEVEL", "info"), "debug, info, warn or error (env IBLFAKE_LOG_LEVEL)")
	journal := fs.String("journal-size", env("JOURNAL_SIZE", "1000"), "requests kept for /_fake/requests (env IBLFAKE_JOURNAL_SIZE)")
	seed := fs.String("seed", env("SEED", "0"), "seed for generated ids; 0 for random (env IBLFAKE_SEED)")
	fs.Var(listFlag{&cfg.Scenarios}, "scenario", "activate a scenario: a YAML/JSON file or a built-in name; repeatable (env IBLFAKE_SCENARIOS, comma-separated)")
	fs.Var(listFlag{&cfg.DisableScenarios}, "disable-scenario", "turn off a default-on scenario, e.g. public-revoked-assertion; repeatable (env IBLFAKE_DISABLE_SCENARIOS)")
	if v := getenv("IBLFAKE_SCENARIOS"); v != "" {
		_ = listFlag{&cfg.Scenarios}.Set(v)
	}
	if v := getenv("IBLFAKE_DISABLE_SCENARIOS"); v != "" {
		_ = listFlag{&cfg.DisableScenarios}.Set(v)
	}
	fs.StringVar(&cfg.AdminToken, "admin-token", env("ADMIN_TOKEN", ""), "require Authorization: Bearer TOKEN on /_fake/ (all but /_fake/health); without it the admin surface is open (env IBLFAKE_ADMIN_TOKEN)")
	defLimits := DefaultLimits()
	maxBody := fs.String("max-body-bytes", env("MAX_BODY_BYTES", "10485760"), "largest request body; a larger one is a 413 (env IBLFAKE_MAX_BODY_BYTES)")
	maxHeader := fs.String("max-header-bytes", env("MAX_HEADER_BYTES", strconv.Itoa(defLimits.MaxHeaderBytes)), "largest request line plus headers; a larger request is a 431 (env IBLFAKE_MAX_HEADER_BYTES)")
	durations := []struct {
		dst        *time.Duration
		name, help string
		def        time.Duration
	}{
		{&cfg.Limits.ReadHeaderTimeout, "read-header-timeout", "time to send the request line and headers", defLimits.ReadHeaderTimeout},
		{&cfg.Limits.ReadTimeout, "read-timeout", "time to send the whole request, body included", defLimits.ReadTimeout},
		{&cfg.Limits.WriteTimeout, "write-timeout", "time to handle and write a response; 0 (default) for none, as scenarios delay on purpose", defLimits.WriteTimeout},
		{&cfg.Limits.IdleTimeout, "idle-timeout", "how long an idle keep-alive connection stays open", defLimits.IdleTimeout},
	}
	durVals := make([]*string, len(durations))
	for i, d := range durations {
		envName := strings.ToUpper(strings.ReplaceAll(d.name, "-", "_"))
		durVals[i] = fs.String(d.name, env(envName, d.def.String()), d.help+"; a Go duration, 0 for none (env IBLFAKE_"+envName+")")
	}
	fs.Var(listFlag{&cfg.Fixtures}, "fixture", "load seed state from a YAML or JSON file in the GET /_fake/state format into an empty store; repeatable (env IBLFAKE_FIXTURES, comma-separated)")
	if v := getenv("IBLFAKE_FIXTURES"); v != "" {
		_ = listFlag{&cfg.Fixtures}.Set(v)
	}
	demo, err := strconv.ParseBool(env("DEMO", "false"))
	if err != nil {
		return nil, fmt.Errorf("IBLFAKE_DEMO: %q is not a boolean", getenv("IBLFAKE_DEMO"))
	}
	fs.BoolVar(&cfg.Demo, "demo", demo, "build a realistic demo tenant (org \"demo\") into an empty store; --seed makes it reproducible (env IBLFAKE_DEMO)")
	fs.BoolVar(&cfg.HealthCheck, "healthcheck", false, "check the health of the fake listening on --addr (GET /_fake/health), exit 0 if healthy and 1 if not")
	fs.BoolVar(&cfg.Version, "version", false, "print the version and the vendor spec it embeds, then exit")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *cors != "off" && *cors != "" {
		for _, o := range strings.Split(*cors, ",") {
			if o = strings.TrimSpace(o); o != "" {
				cfg.CORSOrigins = append(cfg.CORSOrigins, o)
			}
		}
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(*level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	if cfg.JournalSize, err = strconv.Atoi(*journal); err != nil || cfg.JournalSize < 1 {
		return nil, fmt.Errorf("--journal-size: %q is not a positive integer", *journal)
	}
	if cfg.Seed, err = strconv.ParseUint(*seed, 10, 64); err != nil {
		return nil, fmt.Errorf("--seed: %q is not a non-negative integer", *seed)
	}
	if cfg.MaxBodyBytes, err = strconv.ParseInt(*maxBody, 10, 64); err != nil || cfg.MaxBodyBytes < 1 {
		return nil, fmt.Errorf("--max-body-bytes: %q is not a positive integer", *maxBody)
	}
	if cfg.Limits.MaxHeaderBytes, err = strconv.Atoi(*maxHeader); err != nil || cfg.Limits.MaxHeaderBytes < 1 {
		return nil, fmt.Errorf("--max-header-bytes: %q is not a positive integer", *maxHeader)
	}
	for i, d := range durations {
		if *d.dst, err = time.ParseDuration(*durVals[i]); err != nil || *d.dst < 0 {
			return nil, fmt.Errorf("--%s: %q is not a non-negative duration such as 30s", d.name, *durVals[i])
		}
	}
	return cfg, nil
}

// listFlag collects repeated, comma-separated values.
type listFlag struct{ dst *[]string }

func (l listFlag) String() string { return "" }

func (l listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l.dst = append(*l.dst, s)
		}
	}
	return nil
}

// Options turns the configuration into server options.
func (c *Config) Options(logger *slog.Logger) []Option {
	opts := []Option{WithCORS(c.CORSOrigins...), WithJournalSize(c.JournalSize), WithSeed(c.Seed), WithLogger(logger)}
	if c.MaxBodyBytes > 0 {
		opts = append(opts, WithMaxBodyBytes(c.MaxBodyBytes))
	}
	if c.AdminToken != "" {
		opts = append(opts, WithAdminToken(c.AdminToken))
	}
	for _, sc := range c.Scenarios {
		// A path to a file (it has an extension or a slash), else a built-in name.
		if strings.ContainsAny(sc, "/.") {
			opts = append(opts, WithScenarioFile(sc))
		} else {
			opts = append(opts, WithScenario(sc))
		}
	}
	opts = append(opts, WithoutScenario(c.DisableScenarios...))
	for key, orgs := range c.APIKeys {
		opts = append(opts, WithAPIKey(key, orgs...))
	}
	for _, f := range c.Fixtures {
		opts = append(opts, WithFixture(f))
	}
	if c.Demo {
		opts = append(opts, WithDemo())
	}
	if c.DB != "" {
		opts = append(opts, withBoltFile(c.DB))
	}
	return opts
}

// withBoltFile opens the bbolt file at path as the server's store; New
// fails with its error (in use, incompatible schema version) and the
// server's Close closes it.
func withBoltFile(path string) Option {
	return func(o *options) error {
		b, err := store.OpenBolt(path)
		if err != nil {
			return err
		}
		o.store = b
		return nil
	}
}

// IsHelp reports whether err is the -h request.
func IsHelp(err error) bool { return errors.Is(err, flag.ErrHelp) }
