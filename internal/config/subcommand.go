package config

import (
	"flag"
	"fmt"
	"io"
)

// command is a subcommand's flags (iblfake proxy, iblfake verify), read
// with the server's rules: a flag replaces its IBLFAKE_* variable
// entirely, an empty variable is unset, and an error names its source.
// It is the server's option machinery over another configuration type.
type command[T any] struct {
	name  string // "proxy"
	opts  []subOption[T]
	usage string // what the subcommand does, for -h
	args  string // its positional arguments in -h, e.g. "FILE"
}

// subOption is one flag of a subcommand; see option.
type subOption[T any] struct {
	name, env, def, usage string
	list, boolean         bool
	apply                 func(c *T, values []string) error
}

func (cmd command[T]) flagSet() (*flag.FlagSet, []*given) {
	fs := flag.NewFlagSet("iblfake "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	gs := make([]*given, len(cmd.opts))
	for i, o := range cmd.opts {
		gs[i] = &given{list: o.list, boolean: o.boolean, def: o.def}
		usage := o.usage
		if o.env != "" {
			usage += " (env " + o.env + ")"
		}
		fs.Var(gs[i], o.name, usage)
	}
	return fs, gs
}

// load reads args into cfg and returns the positional arguments.
func (cmd command[T]) load(args []string, getenv func(string) string, cfg *T) ([]string, error) {
	fs, gs := cmd.flagSet()
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	for i, o := range cmd.opts {
		values, from := gs[i].values, "--"+o.name
		if !onCommandLine[o.name] {
			values = []string{o.def}
			if v := envValue(getenv, o.env); v != "" {
				values, from = []string{v}, o.env
			} else if o.list {
				continue
			}
		}
		if err := o.apply(cfg, values); err != nil {
			return nil, fmt.Errorf("%s: %w", from, err)
		}
	}
	return fs.Args(), nil
}

func (cmd command[T]) writeUsage(w io.Writer) {
	fs, _ := cmd.flagSet()
	fmt.Fprintf(w, "Usage: iblfake %s [flags] %s\n\n%s\n\n", cmd.name, cmd.args, cmd.usage)
	fs.SetOutput(w)
	fs.PrintDefaults()
}
