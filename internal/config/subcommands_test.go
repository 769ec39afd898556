package config_test

import (
	"errors"
	"flag"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/internal/config"
	"github.com/iblfake/iblfake/internal/serve"
	"github.com/iblfake/iblfake/parity"
)

func proxyDefaults() config.ProxyConfig {
	l := serve.DefaultLimits()
	l.ShutdownTimeout = 30 * time.Second
	return config.ProxyConfig{Addr: "127.0.0.1:8080", Upstream: "https://base.manager.iblai.app", Timeout: 30 * time.Second,
		JournalSize: 1000, LogLevel: slog.LevelInfo, MaxBodyBytes: 10 << 20, Limits: l}
}

func TestLoadProxy(t *testing.T) {
	up := []string{"--upstream", "https://base.manager.iblai.app"}
	with := func(f func(*config.ProxyConfig)) config.ProxyConfig {
		c := proxyDefaults()
		f(&c)
		return c
	}
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		want    config.ProxyConfig
		wantErr string
	}{
		{name: "Defaults", args: up, want: proxyDefaults()},
		{name: "Flags", args: append(up, "--addr", ":9", "--record", "s.jsonl", "--redact", "email", "--redact", "name,username",
			"--upstream-timeout", "5s", "--journal-size", "7", "--admin-token", "t", "--log-level", "warn", "--max-body-bytes", "99"),
			want: with(func(c *config.ProxyConfig) {
				c.Addr, c.Record, c.Redact, c.Timeout, c.Limits.ShutdownTimeout = ":9", "s.jsonl", []string{"email", "name", "username"}, 5*time.Second, 5*time.Second
				c.JournalSize, c.AdminToken, c.LogLevel, c.MaxBodyBytes = 7, "t", slog.LevelWarn, 99
			})},
		{name: "Env", env: map[string]string{"IBLFAKE_UPSTREAM": "http://127.0.0.1:9000/prefix", "IBLFAKE_RECORD": "e.jsonl",
			"IBLFAKE_REDACT": "email, name", "IBLFAKE_UPSTREAM_TIMEOUT": "1m", "IBLFAKE_ADDR": ":1"},
			want: with(func(c *config.ProxyConfig) {
				c.Upstream, c.Record, c.Redact, c.Timeout, c.Limits.ShutdownTimeout, c.Addr = "http://127.0.0.1:9000/prefix", "e.jsonl", []string{"email", "name"}, time.Minute, time.Minute, ":1"
			})},
		{name: "RedactFlagReplacesEnv", args: append(up, "--redact", "name"), env: map[string]string{"IBLFAKE_REDACT": "email"},
			want: with(func(c *config.ProxyConfig) { c.Redact = []string{"name"} })},
		{name: "NoUpstream", wantErr: "--upstream (IBLFAKE_UPSTREAM) is required"},
		{name: "NotAURL", args: []string{"--upstream", "base.manager.iblai.app"}, wantErr: `--upstream: "base.manager.iblai.app" is not an http or https URL`},
		// The password in a URL never reaches a message.
		{name: "UserInfoHidden", env: map[string]string{"IBLFAKE_UPSTREAM": "ftp://u:hunter2@h"}, wantErr: `IBLFAKE_UPSTREAM: "ftp://h" is not an http or https URL`},
		{name: "TimeoutZero", args: append(up, "--upstream-timeout", "0"), wantErr: `--upstream-timeout: "0" is below the minimum, 1ns`},
		{name: "TimeoutNotDuration", env: map[string]string{"IBLFAKE_UPSTREAM": "http://h", "IBLFAKE_UPSTREAM_TIMEOUT": "soon"}, wantErr: `IBLFAKE_UPSTREAM_TIMEOUT: "soon" is not a duration such as 30s or 1m30s`},
		{name: "JournalOverMax", args: append(up, "--journal-size", "1000001"), wantErr: `--journal-size: "1000001" is above the maximum, 1000000`},
		{name: "Positional", args: append(up, "extra"), wantErr: `unexpected argument "extra"`},
		{name: "ServerFlag", args: append(up, "--demo"), wantErr: "flag provided but not defined: -demo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := config.LoadProxy(tc.args, func(k string) string { return tc.env[k] })
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

func TestLoadVerify(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		want    config.VerifyConfig
		wantErr string
	}{
		{name: "Defaults", args: []string{"s.jsonl"}, want: config.VerifyConfig{File: "s.jsonl", APIKey: parity.DefaultAPIKey}},
		{name: "Flags", args: []string{"--against", "http://127.0.0.1:8080", "--json", "-", "--api-key", "k", "s.jsonl"},
			want: config.VerifyConfig{File: "s.jsonl", Against: "http://127.0.0.1:8080", JSON: "-", APIKey: "k"}},
		{name: "Env", args: []string{"s.jsonl"}, env: map[string]string{"IBLFAKE_AGAINST": "http://fake:8080", "IBLFAKE_VERIFY_API_KEY": "e"},
			want: config.VerifyConfig{File: "s.jsonl", Against: "http://fake:8080", APIKey: "e"}},
		{name: "NoFile", wantErr: "no cassette FILE to verify"},
		{name: "TwoFiles", args: []string{"a", "b"}, wantErr: `unexpected argument "b" (one cassette FILE at a time)`},
		{name: "AgainstNotURL", args: []string{"--against", "localhost:8080", "a"}, wantErr: `--against: "localhost:8080" is not an http or https URL`},
		{name: "EmptyKey", args: []string{"--api-key", "", "a"}, wantErr: "--api-key: the key may not be empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := config.LoadVerify(tc.args, func(k string) string { return tc.env[k] })
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

func TestSubcommandHelp(t *testing.T) {
	if _, err := config.LoadProxy([]string{"-h"}, func(string) string { return "" }); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("proxy -h: got %v, want flag.ErrHelp", err)
	}
	if _, err := config.LoadVerify([]string{"--help"}, func(string) string { return "" }); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("verify --help: got %v, want flag.ErrHelp", err)
	}
	var p, v strings.Builder
	config.ProxyUsage(&p)
	config.VerifyUsage(&v)
	for _, want := range []string{"Usage: iblfake proxy", "-upstream URL", "IBLFAKE_UPSTREAM", "-record file", "-redact field", "IBLFAKE_REDACT"} {
		if !strings.Contains(p.String(), want) {
			t.Errorf("proxy usage does not mention %q:\n%s", want, p.String())
		}
	}
	for _, want := range []string{"Usage: iblfake verify [flags] FILE", "-against URL", "-json file"} {
		if !strings.Contains(v.String(), want) {
			t.Errorf("verify usage does not mention %q:\n%s", want, v.String())
		}
	}
}
