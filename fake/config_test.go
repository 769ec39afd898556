package fake_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/fake"
)

func TestParseConfig(t *testing.T) {
	defaults := fake.Config{
		Addr: "127.0.0.1:8080", APIKeys: map[string][]string{}, CORSOrigins: []string{"*"},
		LogLevel: slog.LevelInfo, JournalSize: 1000, MaxBodyBytes: 10 << 20, Limits: fake.DefaultLimits(),
	}
	with := func(f func(*fake.Config)) fake.Config {
		c := defaults
		c.APIKeys = map[string][]string{}
		f(&c)
		return c
	}
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		want    fake.Config
		wantErr string
	}{
		{name: "Defaults", want: defaults},
		{name: "Flags", args: []string{
			"--addr", ":9000", "--api-key", "k1=acme", "--api-key", "k1=main", "--api-key", "k2=other,main",
			"--cors-origins", "https://a.example, https://b.example", "--log-level", "debug",
			"--journal-size", "5", "--seed", "42", "--version",
		}, want: with(func(c *fake.Config) {
			c.Addr = ":9000"
			c.APIKeys = map[string][]string{"k1": {"acme", "main"}, "k2": {"other", "main"}}
			c.CORSOrigins = []string{"https://a.example", "https://b.example"}
			c.LogLevel, c.JournalSize, c.Seed, c.Version = slog.LevelDebug, 5, 42, true
		})},
		{name: "Env", env: map[string]string{
			"IBLFAKE_ADDR": "0.0.0.0:80", "IBLFAKE_API_KEYS": "k1=acme,main; k2=other",
			"IBLFAKE_CORS_ORIGINS": "https://a.example", "IBLFAKE_LOG_LEVEL": "warn",
			"IBLFAKE_JOURNAL_SIZE": "7", "IBLFAKE_SEED": "9",
		}, want: with(func(c *fake.Config) {
			c.Addr = "0.0.0.0:80"
			c.APIKeys = map[string][]string{"k1": {"acme", "main"}, "k2": {"other"}}
			c.CORSOrigins = []string{"https://a.example"}
			c.LogLevel, c.JournalSize, c.Seed = slog.LevelWarn, 7, 9
		})},
		{name: "FlagsOverEnv", args: []string{"--addr", ":1", "--journal-size", "3", "--cors-origins", "off"},
			env:  map[string]string{"IBLFAKE_ADDR": ":2", "IBLFAKE_JOURNAL_SIZE": "4", "IBLFAKE_CORS_ORIGINS": "https://a.example"},
			want: with(func(c *fake.Config) { c.Addr, c.JournalSize, c.CORSOrigins = ":1", 3, nil })},
		{name: "KeysFromEnvAndFlags", args: []string{"--api-key", "k2=other"}, env: map[string]string{"IBLFAKE_API_KEYS": "k1=acme"},
			want: with(func(c *fake.Config) { c.APIKeys = map[string][]string{"k1": {"acme"}, "k2": {"other"}} })},
		{name: "CORSOff", env: map[string]string{"IBLFAKE_CORS_ORIGINS": "off"}, want: with(func(c *fake.Config) { c.CORSOrigins = nil })},
		{name: "KeyWithoutOrg", args: []string{"--api-key", "k1"}, wantErr: `"k1" is not KEY=ORG`},
		{name: "KeyEmptyOrg", args: []string{"--api-key", "k1="}, wantErr: `"k1=" is not KEY=ORG`},
		{name: "KeyEmptyKey", args: []string{"--api-key", "=acme"}, wantErr: `"=acme" is not KEY=ORG`},
		{name: "BadEnvKeys", env: map[string]string{"IBLFAKE_API_KEYS": "k1=acme;oops"}, wantErr: `IBLFAKE_API_KEYS: "oops" is not KEY=ORG`},
		{name: "JournalZero", args: []string{"--journal-size", "0"}, wantErr: `--journal-size: "0" is not a positive integer`},
		{name: "JournalNotNumber", env: map[string]string{"IBLFAKE_JOURNAL_SIZE": "lots"}, wantErr: `--journal-size: "lots" is not a positive integer`},
		{name: "NegativeSeed", args: []string{"--seed", "-1"}, wantErr: `--seed: "-1" is not a non-negative integer`},
		{name: "BadLogLevel", args: []string{"--log-level", "loud"}, wantErr: "--log-level"},
		{name: "UnknownFlag", args: []string{"--port", "80"}, wantErr: "flag provided but not defined: -port"},
		{name: "Positional", args: []string{"serve"}, wantErr: `unexpected argument "serve"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := fake.ParseConfig(tc.args, func(k string) string { return tc.env[k] }, io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v, want nil", err)
			}
			if !reflect.DeepEqual(*got, tc.want) {
				t.Fatalf("config = %+v, want %+v", *got, tc.want)
			}
		})
	}
}

func TestParseConfigHelp(t *testing.T) {
	var out strings.Builder
	_, err := fake.ParseConfig([]string{"-h"}, func(string) string { return "" }, &out)
	if !fake.IsHelp(err) {
		t.Fatalf("err = %v, want the help request", err)
	}
	for _, flag := range []string{"-addr", "-api-key", "-cors-origins", "-log-level", "-journal-size", "-seed", "IBLFAKE_ADDR"} {
		if !strings.Contains(out.String(), flag) {
			t.Errorf("usage does not mention %s:\n%s", flag, out.String())
		}
	}
}

// TestConfigOptions checks that a parsed configuration builds a server that
// enforces its keys.
func TestConfigOptions(t *testing.T) {
	cfg, err := fake.ParseConfig([]string{"--api-key", "k1=acme", "--cors-origins", "off"}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s, err := fake.New(cfg.Options(slog.New(slog.NewTextHandler(io.Discard, nil)))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	for _, tc := range []struct {
		org, key string
		want     int
	}{{"acme", "k1", 200}, {"other", "k1", 403}, {"acme", "k2", 401}} {
		req := httptest.NewRequest(http.MethodGet, base(tc.org)+"issuers/", nil)
		req.Header.Set("Authorization", "Token "+tc.key)
		req.Header.Set("Origin", "http://localhost:3000")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("%s with %s: status = %d, want %d", tc.org, tc.key, rec.Code, tc.want)
		}
		if h := rec.Header().Get("Access-Control-Allow-Origin"); h != "" {
			t.Errorf("Access-Control-Allow-Origin = %q with CORS off", h)
		}
	}
}
