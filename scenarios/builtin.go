package scenarios

import (
	"embed"
	"io/fs"
	"path"
	"sort"
	"sync"
)

//go:embed builtin/*.yaml
var builtinFiles embed.FS

// DefaultOn lists the built-in scenarios active unless deactivated.
var DefaultOn = []string{"public-revoked-assertion"}

var (
	builtinOnce   sync.Once
	builtinParsed []*Scenario
)

// builtins returns the embedded pack, parsed once per process (scenarios
// are immutable; each engine keeps its own counters). A broken built-in is
// a build bug, so it panics (the package test parses every one).
func builtins() []*Scenario {
	builtinOnce.Do(func() { builtinParsed = parseBuiltins() })
	return builtinParsed
}

func parseBuiltins() []*Scenario {
	names, _ := fs.Glob(builtinFiles, "builtin/*.yaml")
	sort.Strings(names)
	var out []*Scenario
	for _, n := range names {
		data, _ := builtinFiles.ReadFile(n)
		sc, err := Parse(n, data)
		if err != nil {
			panic(err)
		}
		sc.Source = "builtin:" + path.Base(n)
		out = append(out, sc)
	}
	return out
}
