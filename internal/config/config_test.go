package config_test

import (
	"errors"
	"flag"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/journal"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/config"
	"github.com/iblfake/iblfake/internal/serve"
)

// defaults is the configuration with neither flags nor environment.
func defaults() config.Config {
	return config.Config{
		Addr: "127.0.0.1:8080", APIKeys: map[string][]string{}, CORSOrigins: []string{"*"},
		LogLevel: slog.LevelInfo, JournalSize: 1000, MaxBodyBytes: 10 << 20, Limits: serve.DefaultLimits(),
		MaxDelayed: fake.DefaultMaxDelayed, LongTail: fake.LongTailSynthesize,
	}
}

// with is the defaults changed by f.
func with(f func(*config.Config)) config.Config {
	c := defaults()
	f(&c)
	return c
}

func TestLoad(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		want    config.Config
		wantErr string // the whole message
	}{
		{name: "Defaults", want: defaults()},
		{name: "Flags", args: []string{
			"--addr", ":9000", "--api-key", "k1=acme", "--api-key", "k1=main", "--api-key", "k2=other,main",
			"--cors-origins", "https://a.example, https://b.example", "--log-level", "debug",
			"--journal-size", "5", "--seed", "42", "--version", "--db", "x.db",
			"--max-connections", "7", "--shutdown-timeout", "1s", "--idle-timeout", "0", "--max-header-bytes", "4096",
			"--healthcheck", "--admin-token", "tok", "--max-body-bytes", "1024",
		}, want: with(func(c *config.Config) {
			c.Addr, c.DB, c.AdminToken = ":9000", "x.db", "tok"
			c.APIKeys = map[string][]string{"k1": {"acme", "main"}, "k2": {"other", "main"}}
			c.CORSOrigins = []string{"https://a.example", "https://b.example"}
			c.LogLevel, c.JournalSize, c.Seed, c.Version, c.HealthCheck, c.MaxBodyBytes = slog.LevelDebug, 5, 42, true, true, 1024
			c.Limits.MaxConnections, c.Limits.ShutdownTimeout, c.Limits.IdleTimeout, c.Limits.MaxHeaderBytes = 7, time.Second, 0, 4096
		})},
		{name: "Env", env: map[string]string{
			"IBLFAKE_ADDR": "0.0.0.0:80", "IBLFAKE_API_KEYS": "k1=acme,main; k2=other",
			"IBLFAKE_CORS_ORIGINS": "https://a.example", "IBLFAKE_LOG_LEVEL": "warn",
			"IBLFAKE_JOURNAL_SIZE": "7", "IBLFAKE_SEED": "9", "IBLFAKE_DB": "env.db",
			"IBLFAKE_ADMIN_TOKEN": "from-env", "IBLFAKE_READ_TIMEOUT": "5s", "IBLFAKE_MAX_BODY_BYTES": "2048",
			"IBLFAKE_MAX_CONNECTIONS": "3", "IBLFAKE_SHUTDOWN_TIMEOUT": "0",
			"IBLFAKE_SCENARIOS": "rate-limit, testdata/s.yaml", "IBLFAKE_DISABLE_SCENARIOS": "public-revoked-assertion",
			"IBLFAKE_FIXTURES": "a.yaml, b.json", "IBLFAKE_DEMO": "true",
		}, want: with(func(c *config.Config) {
			c.Addr, c.DB, c.AdminToken = "0.0.0.0:80", "env.db", "from-env"
			c.APIKeys = map[string][]string{"k1": {"acme", "main"}, "k2": {"other"}}
			c.CORSOrigins = []string{"https://a.example"}
			c.LogLevel, c.JournalSize, c.Seed, c.MaxBodyBytes = slog.LevelWarn, 7, 9, 2048
			c.Limits.ReadTimeout, c.Limits.MaxConnections, c.Limits.ShutdownTimeout = 5*time.Second, 3, 0
			c.Scenarios, c.DisableScenarios = []string{"rate-limit", "testdata/s.yaml"}, []string{"public-revoked-assertion"}
			c.Fixtures, c.Demo = []string{"a.yaml", "b.json"}, true
		})},
		{name: "FlagsOverEnv", args: []string{"--addr", ":1", "--journal-size", "3", "--cors-origins", "off", "--demo=false"},
			env:  map[string]string{"IBLFAKE_ADDR": ":2", "IBLFAKE_JOURNAL_SIZE": "4", "IBLFAKE_CORS_ORIGINS": "https://a.example", "IBLFAKE_DEMO": "true"},
			want: with(func(c *config.Config) { c.Addr, c.JournalSize, c.CORSOrigins = ":1", 3, nil })},
		// A repeatable flag replaces its variable's whole list; it does not add to it.
		{name: "KeyFlagReplacesEnv", args: []string{"--api-key", "k2=other"}, env: map[string]string{"IBLFAKE_API_KEYS": "k1=acme"},
			want: with(func(c *config.Config) { c.APIKeys = map[string][]string{"k2": {"other"}} })},
		{name: "ScenarioFlagReplacesEnv", args: []string{"--scenario", "slow.yaml"}, env: map[string]string{"IBLFAKE_SCENARIOS": "rate-limit"},
			want: with(func(c *config.Config) { c.Scenarios = []string{"slow.yaml"} })},
		{name: "DisableScenarioFlagReplacesEnv", args: []string{"--disable-scenario", "b"}, env: map[string]string{"IBLFAKE_DISABLE_SCENARIOS": "a"},
			want: with(func(c *config.Config) { c.DisableScenarios = []string{"b"} })},
		{name: "FixtureFlagReplacesEnv", args: []string{"--fixture", "c.yaml", "--fixture", "d.yaml"}, env: map[string]string{"IBLFAKE_FIXTURES": "a.yaml,b.json"},
			want: with(func(c *config.Config) { c.Fixtures = []string{"c.yaml", "d.yaml"} })},
		{name: "EmptyFlagClearsEnvList", args: []string{"--scenario", ""}, env: map[string]string{"IBLFAKE_SCENARIOS": "rate-limit"},
			want: defaults()},
		{name: "EmptyEnvIsUnset", env: map[string]string{"IBLFAKE_ADDR": "", "IBLFAKE_JOURNAL_SIZE": ""}, want: defaults()},
		{name: "LastSingleFlagWins", args: []string{"--addr", ":1", "--addr", ":2"}, want: with(func(c *config.Config) { c.Addr = ":2" })},
		{name: "CORSOff", env: map[string]string{"IBLFAKE_CORS_ORIGINS": "off"}, want: with(func(c *config.Config) { c.CORSOrigins = nil })},
		{name: "CORSHeaders", env: map[string]string{"IBLFAKE_CORS_HEADERS": "Authorization, sentry-trace"},
			want: with(func(c *config.Config) { c.CORSHeaders = []string{"Authorization", "sentry-trace"} })},
		{name: "AdminCORS", args: []string{"--admin-cors-origins", "https://dash.test, https://b.test"},
			want: with(func(c *config.Config) { c.AdminCORSOrigins = []string{"https://dash.test", "https://b.test"} })},
		{name: "MaxDelayed", env: map[string]string{"IBLFAKE_MAX_DELAYED": "8"}, want: with(func(c *config.Config) { c.MaxDelayed = 8 })},
		{name: "LongTailFill", args: []string{"--long-tail-fill"}, want: with(func(c *config.Config) { c.LongTailFill = true })},
		{name: "LMS", args: []string{"--lms"}, want: with(func(c *config.Config) { c.LMS = true })},
		{name: "LMSEnv", env: map[string]string{"IBLFAKE_LMS": "1"}, want: with(func(c *config.Config) { c.LMS = true })},
		{name: "LongTailFillEnv", env: map[string]string{"IBLFAKE_LONG_TAIL_FILL": "true"}, want: with(func(c *config.Config) { c.LongTailFill = true })},
		{name: "LongTail501", args: []string{"--long-tail", "501"}, want: with(func(c *config.Config) { c.LongTail = fake.LongTailUnavailable })},
		{name: "DemoFlag", args: []string{"--demo"}, want: with(func(c *config.Config) { c.Demo = true })},
		{name: "JournalBodies", args: []string{"--journal-bodies"}, want: with(func(c *config.Config) { c.JournalBodies = true })},
		{name: "EnvJournalBodies", env: map[string]string{"IBLFAKE_JOURNAL_BODIES": "true"}, want: with(func(c *config.Config) { c.JournalBodies = true })},
		{name: "LimitsAtTheirMaxima", args: []string{"--journal-size", "1000000", "--max-body-bytes", "1073741824",
			"--max-header-bytes", "67108864", "--max-connections", "1048576", "--seed", "18446744073709551615", "--read-timeout", "2562047h"},
			want: with(func(c *config.Config) {
				c.JournalSize, c.MaxBodyBytes, c.Seed = 1_000_000, 1<<30, 1<<64-1
				c.Limits.MaxHeaderBytes, c.Limits.MaxConnections, c.Limits.ReadTimeout = 64<<20, 1<<20, 2562047*time.Hour
			})},

		// An error names where the bad value came from.
		{name: "KeyWithoutOrg", args: []string{"--api-key", "k1"}, wantErr: `--api-key: "k1" is not KEY=ORG[,ORG...]`},
		{name: "KeyEmptyOrg", args: []string{"--api-key", "k1="}, wantErr: `--api-key: "k1=" is not KEY=ORG[,ORG...]`},
		{name: "KeyEmptyKey", args: []string{"--api-key", "=acme"}, wantErr: `--api-key: "=acme" is not KEY=ORG[,ORG...]`},
		{name: "EnvKeyWithoutOrg", env: map[string]string{"IBLFAKE_API_KEYS": "k1=acme;oops"}, wantErr: `IBLFAKE_API_KEYS: "oops" is not KEY=ORG[,ORG...]`},
		{name: "BadEnvIgnoredUnderFlag", args: []string{"--journal-size", "2"}, env: map[string]string{"IBLFAKE_JOURNAL_SIZE": "lots"},
			want: with(func(c *config.Config) { c.JournalSize = 2 })},
		{name: "JournalZero", args: []string{"--journal-size", "0"}, wantErr: `--journal-size: "0" is below the minimum, 1`},
		{name: "JournalNotNumber", args: []string{"--journal-size", "lots"}, wantErr: `--journal-size: "lots" is not an integer`},
		{name: "EnvJournalNotNumber", env: map[string]string{"IBLFAKE_JOURNAL_SIZE": "lots"}, wantErr: `IBLFAKE_JOURNAL_SIZE: "lots" is not an integer`},
		{name: "JournalPanicSize", args: []string{"--journal-size", "10000000000000"}, wantErr: `--journal-size: "10000000000000" is above the maximum, 1000000`},
		{name: "JournalOOMSize", env: map[string]string{"IBLFAKE_JOURNAL_SIZE": "100000000000"}, wantErr: `IBLFAKE_JOURNAL_SIZE: "100000000000" is above the maximum, 1000000`},
		{name: "JournalPastInt64", args: []string{"--journal-size", "99999999999999999999"}, wantErr: `--journal-size: "99999999999999999999" is above the maximum, 1000000`},
		{name: "JournalBelowInt64", args: []string{"--journal-size", "-99999999999999999999"}, wantErr: `--journal-size: "-99999999999999999999" is below the minimum, 1`},
		{name: "JournalOneOverMax", args: []string{"--journal-size", "1000001"}, wantErr: `--journal-size: "1000001" is above the maximum, 1000000`},
		{name: "NegativeSeed", args: []string{"--seed", "-1"}, wantErr: `--seed: "-1" is not a non-negative integer`},
		{name: "SeedPastUint64", args: []string{"--seed", "18446744073709551616"}, wantErr: `--seed: "18446744073709551616" is above the maximum, 18446744073709551615`},
		{name: "EnvSeedNotNumber", env: map[string]string{"IBLFAKE_SEED": "x"}, wantErr: `IBLFAKE_SEED: "x" is not a non-negative integer`},
		{name: "BodyZero", args: []string{"--max-body-bytes", "0"}, wantErr: `--max-body-bytes: "0" is below the minimum, 1`},
		{name: "BodyOverMax", args: []string{"--max-body-bytes", "1073741825"}, wantErr: `--max-body-bytes: "1073741825" is above the maximum, 1073741824`},
		{name: "BodyInt64Max", env: map[string]string{"IBLFAKE_MAX_BODY_BYTES": "9223372036854775807"}, wantErr: `IBLFAKE_MAX_BODY_BYTES: "9223372036854775807" is above the maximum, 1073741824`},
		{name: "HeaderNotNumber", args: []string{"--max-header-bytes", "x"}, wantErr: `--max-header-bytes: "x" is not an integer`},
		{name: "HeaderIntMax", args: []string{"--max-header-bytes", "9223372036854775807"}, wantErr: `--max-header-bytes: "9223372036854775807" is above the maximum, 67108864`},
		{name: "EnvHeaderZero", env: map[string]string{"IBLFAKE_MAX_HEADER_BYTES": "0"}, wantErr: `IBLFAKE_MAX_HEADER_BYTES: "0" is below the minimum, 1`},
		{name: "ConnectionsZero", args: []string{"--max-connections", "0"}, wantErr: `--max-connections: "0" is below the minimum, 1`},
		{name: "ConnectionsOverMax", args: []string{"--max-connections", "1048577"}, wantErr: `--max-connections: "1048577" is above the maximum, 1048576`},
		{name: "EnvConnectionsNotNumber", env: map[string]string{"IBLFAKE_MAX_CONNECTIONS": "many"}, wantErr: `IBLFAKE_MAX_CONNECTIONS: "many" is not an integer`},
		{name: "DurationNotDuration", args: []string{"--read-timeout", "soon"}, wantErr: `--read-timeout: "soon" is not a duration such as 30s or 1m30s`},
		{name: "DurationWithoutUnit", env: map[string]string{"IBLFAKE_READ_TIMEOUT": "5"}, wantErr: `IBLFAKE_READ_TIMEOUT: "5" is not a duration such as 30s or 1m30s`},
		{name: "DurationNegative", args: []string{"--write-timeout", "-1s"}, wantErr: `--write-timeout: "-1s" is negative`},
		{name: "DurationPastInt64", args: []string{"--idle-timeout", "3000000h"}, wantErr: `--idle-timeout: "3000000h" is above the maximum, 2562047h47m16.854775807s`},
		{name: "EnvDurationNegative", env: map[string]string{"IBLFAKE_READ_HEADER_TIMEOUT": "-3000000h"}, wantErr: `IBLFAKE_READ_HEADER_TIMEOUT: "-3000000h" is negative`},
		{name: "ShutdownNegative", args: []string{"--shutdown-timeout", "-1s"}, wantErr: `--shutdown-timeout: "-1s" is negative`},
		{name: "EnvShutdownNotDuration", env: map[string]string{"IBLFAKE_SHUTDOWN_TIMEOUT": "never"}, wantErr: `IBLFAKE_SHUTDOWN_TIMEOUT: "never" is not a duration such as 30s or 1m30s`},
		{name: "BadLogLevel", args: []string{"--log-level", "loud"}, wantErr: `--log-level: slog: level string "loud": unknown name`},
		{name: "EnvBadLogLevel", env: map[string]string{"IBLFAKE_LOG_LEVEL": "loud"}, wantErr: `IBLFAKE_LOG_LEVEL: slog: level string "loud": unknown name`},
		{name: "BadDemo", args: []string{"--demo=sure"}, wantErr: `--demo: "sure" is not a boolean`},
		{name: "EnvBadDemo", env: map[string]string{"IBLFAKE_DEMO": "sure"}, wantErr: `IBLFAKE_DEMO: "sure" is not a boolean`},
		{name: "UnknownFlag", args: []string{"--port", "80"}, wantErr: "flag provided but not defined: -port"},
		{name: "Positional", args: []string{"serve"}, wantErr: `unexpected argument "serve"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := config.Load(tc.args, func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("got error %v, want %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if !reflect.DeepEqual(*got, tc.want) {
				t.Fatalf("got  %+v\nwant %+v", *got, tc.want)
			}
		})
	}
}

// TestLoadHelp: -h and --help are flag.ErrHelp, for the command to print
// Usage and exit 0, and Usage names every flag with its variable.
func TestLoadHelp(t *testing.T) {
	for _, arg := range []string{"-h", "--help"} {
		if _, err := config.Load([]string{arg}, func(string) string { return "" }); !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%s: got error %v, want flag.ErrHelp", arg, err)
		}
	}
	var out strings.Builder
	config.Usage(&out)
	for _, want := range []string{
		"-addr address", "IBLFAKE_ADDR", "-api-key KEY=ORG[,ORG...]", "IBLFAKE_API_KEYS", "-journal-size", "at most 1000000",
		"-max-connections", "IBLFAKE_MAX_CONNECTIONS", "-shutdown-timeout duration", "IBLFAKE_SHUTDOWN_TIMEOUT", "-healthcheck", "-version",
		// The subcommands, which have flags of their own.
		"iblfake proxy [flags]", "iblfake proxy -h", "iblfake verify [flags] FILE", "iblfake verify -h",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("usage does not mention %q:\n%s", want, out.String())
		}
	}
}

// TestOptions: a loaded configuration builds a server that enforces its
// keys (a DM admin's too) and its CORS setting.
func TestOptions(t *testing.T) {
	cfg, err := config.Load([]string{"--api-key", "k1=acme", "--api-key", "root=*", "--cors-origins", "off", "--journal-bodies"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	srv, err := cfg.NewServer(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	for _, tc := range []struct {
		method, path, key string
		want              int
	}{
		{"GET", "/api/credentials/orgs/acme/users/admin/issuers/", "k1", 200},
		{"GET", "/api/credentials/orgs/other/users/admin/issuers/", "k1", 403},
		{"GET", "/api/credentials/orgs/acme/users/admin/issuers/", "k2", 401},
		// License creation is a DM admin's alone: --api-key KEY=* binds one.
		{"POST", "/api/catalog/licenses/user/create/", "k1", 403},
		{"POST", "/api/catalog/licenses/user/create/", "root", 200},
	} {
		var body *strings.Reader
		if tc.method == "POST" {
			body = strings.NewReader(`{"platform_key": "acme"}`)
		} else {
			body = strings.NewReader("")
		}
		req := httptest.NewRequest(tc.method, tc.path, body)
		req.Header.Set("Authorization", "Api-Token "+tc.key)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", "http://localhost:3000")
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("%s %s with %s: got status %d, want %d (%s)", tc.method, tc.path, tc.key, rec.Code, tc.want, rec.Body)
		}
		if h := rec.Header().Get("Access-Control-Allow-Origin"); h != "" {
			t.Errorf("got Access-Control-Allow-Origin %q with CORS off, want none", h)
		}
	}
	// --journal-bodies: every request's bodies are kept.
	for _, w := range srv.Journal().Find(journal.Match{}) {
		if w.Exchange == nil {
			t.Errorf("%s %s kept no bodies with --journal-bodies", w.Method, w.Path)
		}
	}
}

// TestCORSOptions: --cors-origins naming an origin lets it send
// credentials, and --cors-headers pins the headers a preflight allows.
func TestCORSOptions(t *testing.T) {
	cfg, err := config.Load([]string{"--cors-origins", "http://localhost:5173", "--cors-headers", "Authorization,Content-Type"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	srv, err := cfg.NewServer(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	req := httptest.NewRequest("OPTIONS", "/api/credentials/orgs/acme/users/admin/issuers/", nil)
	req.Header.Set("Origin", "http://localhost:5173")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization,sentry-trace")
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	for h, want := range map[string]string{
		"Access-Control-Allow-Origin":      "http://localhost:5173",
		"Access-Control-Allow-Credentials": "true",
		"Access-Control-Allow-Headers":     "Authorization, Content-Type",
	} {
		if got := rec.Header().Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
}

// TestNewServerDB: --db (or IBLFAKE_DB) puts the server's state in a bbolt
// file, which Server.Close releases; without it state is in memory. When
// the server cannot be built, the file is released all the same.
func TestNewServerDB(t *testing.T) {
	dir := t.TempDir()
	envDB, flagDB := filepath.Join(dir, "env.db"), filepath.Join(dir, "flag.db")
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string // the bbolt file; empty: memory
	}{
		{"Default", nil, nil, ""},
		{"Env", nil, map[string]string{"IBLFAKE_DB": envDB}, envDB},
		{"FlagWins", []string{"--db", flagDB}, map[string]string{"IBLFAKE_DB": envDB}, flagDB},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.Load(tc.args, func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			srv, err := cfg.NewServer(nil)
			if err != nil {
				t.Fatal(err)
			}
			b, isBolt := srv.Store().(*store.Bolt)
			if isBolt != (tc.want != "") {
				t.Fatalf("got a bbolt store %v, want %v", isBolt, tc.want != "")
			}
			if isBolt {
				if b.Path() != tc.want {
					t.Errorf("got path %s, want %s", b.Path(), tc.want)
				}
				// While the server holds the file, another server cannot have it.
				if _, err := cfg.NewServer(nil); !errors.Is(err, store.ErrInUse) {
					t.Errorf("second server on %s: got error %v, want store.ErrInUse", tc.want, err)
				}
			}
			if err := srv.Close(); err != nil {
				t.Fatal(err)
			}
			if isBolt {
				again, err := store.OpenBolt(tc.want)
				if err != nil {
					t.Fatalf("after Server.Close: %v", err)
				}
				again.Close()
			}
		})
	}
	t.Run("FailedServerReleasesFile", func(t *testing.T) {
		db := filepath.Join(dir, "failed.db")
		cfg, err := config.Load([]string{"--db", db, "--fixture", filepath.Join(dir, "missing.yaml")}, func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cfg.NewServer(nil); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("got error %v, want the missing fixture's", err)
		}
		b, err := store.OpenBolt(db)
		if err != nil {
			t.Fatalf("the file is still held after the server failed: %v", err)
		}
		b.Close()
	})
}
