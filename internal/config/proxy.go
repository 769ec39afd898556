package config

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	"github.com/iblfake/iblfake/internal/serve"
	"github.com/iblfake/iblfake/proxy"
)

// ProxyConfig is iblfake proxy's configuration.
type ProxyConfig struct {
	Addr     string
	Upstream string
	// Record is the cassette file; empty: nothing is recorded.
	Record string
	// Redact names fields whose values the cassette replaces.
	Redact      []string
	Timeout     time.Duration
	JournalSize int
	AdminToken  string
	LogLevel    slog.Level
	// MaxBodyBytes bounds a request body.
	MaxBodyBytes int64
	// Limits are the HTTP server's (the fake's defaults; the drain is
	// the upstream timeout, so requests in flight can get their answer).
	Limits serve.Limits
}

func proxyCommand() command[ProxyConfig] {
	return command[ProxyConfig]{
		name: "proxy",
		usage: "Listens like the fake and forwards every vendor request to --upstream, checking the request and the\n" +
			"real answer against the fake's corrected document; with --record, appends each exchange to a cassette\n" +
			"that iblfake verify replays against the fake. A summary of every violation is printed at shutdown.",
		opts: []subOption[ProxyConfig]{
			{name: "addr", env: "IBLFAKE_ADDR", def: "127.0.0.1:8080", usage: "`address` to listen on",
				apply: oneOf(func(c *ProxyConfig, v string) error { c.Addr = v; return nil })},
			{name: "upstream", env: "IBLFAKE_UPSTREAM", usage: "the real service's base `URL`, e.g. https://base.manager.iblai.app (required)",
				apply: oneOf(func(c *ProxyConfig, v string) error {
					u, err := url.Parse(v)
					if v == "" {
						return nil
					}
					if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
						return fmt.Errorf("%q is not an http or https URL", proxy.Redacted(v))
					}
					c.Upstream = v
					return nil
				})},
			{name: "record", env: "IBLFAKE_RECORD", usage: "append each exchange to this cassette `file` (JSON Lines, created 0600 if missing)",
				apply: oneOf(func(c *ProxyConfig, v string) error { c.Record = v; return nil })},
			{name: "redact", env: "IBLFAKE_REDACT", list: true,
				usage: "replace the values of this JSON `field` (and query and path parameters of the name) with stable placeholders in the cassette; repeatable (the variable: comma-separated)",
				apply: func(c *ProxyConfig, vs []string) error { c.Redact = splitList(vs...); return nil }},
			{name: "upstream-timeout", env: "IBLFAKE_UPSTREAM_TIMEOUT", def: proxy.DefaultTimeout.String(),
				usage: "give the upstream this long to answer, body included, before answering 504; a Go `duration`",
				apply: oneOf(func(c *ProxyConfig, v string) error {
					d, err := durationOf(v)
					if err == nil && d == 0 {
						return fmt.Errorf("%q is below the minimum, 1ns", v)
					}
					c.Timeout = d
					return err
				})},
			{name: "journal-size", env: "IBLFAKE_JOURNAL_SIZE", def: "1000", usage: "keep the last `n` requests for /_fake/requests, at most " + strconv.Itoa(MaxJournalSize),
				apply: oneOf(func(c *ProxyConfig, v string) error {
					n, err := intIn(v, 1, MaxJournalSize)
					c.JournalSize = int(n)
					return err
				})},
			{name: "admin-token", env: "IBLFAKE_ADMIN_TOKEN", usage: "require Authorization: Bearer `TOKEN` on /_fake/ (all but /_fake/health); never forwarded or recorded",
				apply: oneOf(func(c *ProxyConfig, v string) error { c.AdminToken = v; return nil })},
			{name: "log-level", env: "IBLFAKE_LOG_LEVEL", def: "info", usage: "`level` of the structured log on stderr: debug, info, warn or error",
				apply: oneOf(func(c *ProxyConfig, v string) error { return c.LogLevel.UnmarshalText([]byte(v)) })},
			{name: "max-body-bytes", env: "IBLFAKE_MAX_BODY_BYTES", def: "10485760", usage: "largest request body in `bytes`, at most " + strconv.Itoa(MaxBodyBytes) + "; a larger one is a 413",
				apply: oneOf(func(c *ProxyConfig, v string) (err error) {
					c.MaxBodyBytes, err = intIn(v, 1, MaxBodyBytes)
					return err
				})},
		},
	}
}

// oneOf adapts a setter of a single value, the last given.
func oneOf[T any](set func(c *T, v string) error) func(*T, []string) error {
	return func(c *T, vs []string) error { return set(c, vs[len(vs)-1]) }
}

// LoadProxy reads iblfake proxy's arguments (after "proxy") and the
// IBLFAKE_* variables getenv reads, as Load does the server's. On -h it
// returns flag.ErrHelp; print ProxyUsage then.
func LoadProxy(args []string, getenv func(string) string) (*ProxyConfig, error) {
	cfg := &ProxyConfig{Limits: serve.DefaultLimits()}
	rest, err := proxyCommand().load(args, getenv, cfg)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 {
		return nil, fmt.Errorf("unexpected argument %q", rest[0])
	}
	if cfg.Upstream == "" {
		return nil, errors.New("--upstream (IBLFAKE_UPSTREAM) is required")
	}
	// No write timeout: the upstream timeout bounds every answer, and a
	// drain as long as it lets a request in flight get its answer.
	cfg.Limits.ShutdownTimeout = cfg.Timeout
	return cfg, nil
}

// ProxyUsage writes iblfake proxy's help.
func ProxyUsage(w io.Writer) { proxyCommand().writeUsage(w) }

// Options turns the configuration into the proxy's options.
func (c *ProxyConfig) Options(logger *slog.Logger) proxy.Options {
	return proxy.Options{
		Upstream: c.Upstream, Record: c.Record, Redact: c.Redact, Timeout: c.Timeout,
		JournalSize: c.JournalSize, AdminToken: c.AdminToken, MaxBodyBytes: c.MaxBodyBytes, Logger: logger,
	}
}
