package config

import (
	"errors"
	"fmt"
	"io"
	"net/url"

	"github.com/iblfake/iblfake/parity"
)

// VerifyConfig is iblfake verify's configuration.
type VerifyConfig struct {
	// File is the cassette to replay.
	File string
	// Against is a running fake's base URL; empty: a fresh in-memory one.
	Against string
	// JSON is where to write the report as JSON ("-": standard output);
	// empty: nowhere.
	JSON   string
	APIKey string
}

func verifyCommand() command[VerifyConfig] {
	return command[VerifyConfig]{
		name: "verify", args: "FILE",
		usage: "Replays the cassette FILE (recorded by iblfake proxy --record), in order, against a fresh in-memory fake\n" +
			"and compares each answer with the recorded one. Prints a parity table per operation; exits 1 when\n" +
			"anything differs.",
		opts: []subOption[VerifyConfig]{
			{name: "against", env: "IBLFAKE_AGAINST", usage: "replay against the fake at this base `URL` instead (its state and clock are left as they are)",
				apply: oneOf(func(c *VerifyConfig, v string) error {
					if v == "" {
						return nil
					}
					if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
						return fmt.Errorf("%q is not an http or https URL", v)
					}
					c.Against = v
					return nil
				})},
			{name: "json", usage: "also write the report as JSON to this `file`, - for standard output (then the table goes to standard error)",
				apply: oneOf(func(c *VerifyConfig, v string) error { c.JSON = v; return nil })},
			{name: "api-key", env: "IBLFAKE_VERIFY_API_KEY", def: parity.DefaultAPIKey, usage: "the `key` replayed requests send (the cassette has none); a fresh fake takes any",
				apply: oneOf(func(c *VerifyConfig, v string) error {
					if v == "" {
						return errors.New("the key may not be empty")
					}
					c.APIKey = v
					return nil
				})},
		},
	}
}

// LoadVerify reads iblfake verify's arguments (after "verify"): flags,
// then the cassette file. On -h it returns flag.ErrHelp; print
// VerifyUsage then.
func LoadVerify(args []string, getenv func(string) string) (*VerifyConfig, error) {
	cfg := &VerifyConfig{}
	rest, err := verifyCommand().load(args, getenv, cfg)
	if err != nil {
		return nil, err
	}
	switch len(rest) {
	case 0:
		return nil, errors.New("no cassette FILE to verify")
	case 1:
		cfg.File = rest[0]
	default:
		return nil, fmt.Errorf("unexpected argument %q (one cassette FILE at a time)", rest[1])
	}
	return cfg, nil
}

// VerifyUsage writes iblfake verify's help.
func VerifyUsage(w io.Writer) { verifyCommand().writeUsage(w) }

// Options turns the configuration into the replay's options.
func (c *VerifyConfig) Options() parity.Options {
	return parity.Options{Against: c.Against, APIKey: c.APIKey}
}
