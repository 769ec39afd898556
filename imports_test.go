package main

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// importRules are the house's import rules (README, "Where things go"):
// each package may depend on the project's packages listed and on no
// other, counting what it imports indirectly. A leaf lists none.
var importRules = map[string][]string{
	// Leaves: whatever needs them never drags the server along (scenarios
	// and urlconf take only the typo finder their refusals suggest with).
	"fake/journal":        nil,
	"fake/store":          nil,
	"internal/typo":       nil,
	"scenarios":           {"internal/typo"},
	"cassette":            nil,
	"internal/admintoken": nil,
	"internal/drf":        nil,
	"internal/edxkey":     nil,
	"internal/media":      nil,
	"internal/synth":      {"internal/media"},
	"internal/urlconf":    {"spec", "internal/typo"},
	"spec":                nil,
	"fake/api":            {"fake/store", "scenarios", "internal/typo"},
	// The seed format: parsed and checked without the server, applied
	// through any http.Handler.
	"fake/seed": {"fake/api", "fake/store", "fake/state", "scenarios", "internal/typo"},
	// Modules: the contract, the store and the small rule packages,
	// never the server.
	"internal/credentials": {"fake/api", "fake/store", "scenarios", "internal/typo", "internal/drf", "internal/edxkey", "internal/media"},
	"internal/catalog":     {"fake/api", "fake/store", "scenarios", "internal/typo", "internal/drf", "internal/edxkey"},
	"internal/lms":         {"fake/api", "fake/store", "scenarios", "internal/typo", "internal/drf"},
	"internal/longtail":    {"fake/api", "fake/store", "scenarios", "internal/typo", "internal/drf", "internal/edxkey", "internal/media", "internal/synth", "internal/urlconf", "spec"},
	"internal/reports":     {"fake/api", "fake/store", "scenarios", "internal/typo", "internal/drf"},
	// The dashboard and the proxy see the journal, never the server.
	"internal/ui": {"fake/api", "fake/store", "scenarios", "internal/typo", "fake/journal"},
	"proxy":       {"cassette", "fake/journal", "internal/admintoken", "internal/drf", "internal/urlconf", "internal/typo", "internal/contract", "spec"},
}

// TestImportRules checks importRules with go list -deps, as
// TestBinaryDoesNotLinkTesting checks the binary: a package that starts
// depending on one it may not fails here, naming both.
func TestImportRules(t *testing.T) {
	t.Parallel()
	const mod = "github.com/iblfake/iblfake/"
	args := []string{"list", "-deps=false", "-f", "{{.ImportPath}}\t{{join .Deps \" \"}}"}
	for pkg := range importRules {
		args = append(args, "./"+pkg)
	}
	out, err := exec.Command("go", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, deps, _ := strings.Cut(line, "\t")
		pkg := strings.TrimPrefix(path, mod)
		allowed, ok := importRules[pkg]
		if !ok {
			t.Fatalf("go list named %q, which no rule names", path)
		}
		seen++
		for _, d := range strings.Fields(deps) {
			dep, ours := strings.CutPrefix(d, mod)
			if ours && !slices.Contains(allowed, dep) {
				t.Errorf("%s depends on %s, which its rule does not allow (README, \"Where things go\")", pkg, dep)
			}
		}
	}
	if seen != len(importRules) {
		t.Fatalf("go list answered for %d packages of %d", seen, len(importRules))
	}
}

// maxServerFiles is how many non-test files fake/'s top level may hold
// (README, "Where things go"): past it, an idea in it wants a package of
// its own, as the journal, the seed format and the long tail got theirs.
const maxServerFiles = 25

// TestTheServerPackageStaysSmall counts fake/'s non-test files against
// maxServerFiles.
func TestTheServerPackageStaysSmall(t *testing.T) {
	t.Parallel()
	names, err := filepath.Glob(filepath.Join("fake", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, n := range names {
		if !strings.HasSuffix(n, "_test.go") {
			files = append(files, filepath.Base(n))
		}
	}
	if len(files) > maxServerFiles {
		t.Errorf("fake/ holds %d non-test files, more than %d: move an idea into a package of its own (README, \"Where things go\"): %v",
			len(files), maxServerFiles, files)
	}
}
