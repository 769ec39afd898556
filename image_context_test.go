package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// ignoreRule is one line of .dockerignore.
type ignoreRule struct {
	re     *regexp.Regexp
	negate bool
}

// readDockerignore reads .dockerignore as Docker does: one pattern a line,
// "#" comments, "!" re-includes, "*" and "?" within a path segment, "**"
// across segments, a leading "/" ignored.
func readDockerignore(t *testing.T) []ignoreRule {
	t.Helper()
	raw, err := os.ReadFile(".dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	var rules []ignoreRule
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := ignoreRule{}
		if strings.HasPrefix(line, "!") {
			r.negate, line = true, strings.TrimSpace(line[1:])
		}
		line = strings.TrimPrefix(path.Clean("/"+line), "/")
		var re strings.Builder
		re.WriteString("^")
		for i := 0; i < len(line); i++ {
			switch c := line[i]; {
			case strings.HasPrefix(line[i:], "**/"):
				re.WriteString("(.*/)?")
				i += 2
			case strings.HasPrefix(line[i:], "**"):
				re.WriteString(".*")
				i++
			case c == '*':
				re.WriteString("[^/]*")
			case c == '?':
				re.WriteString("[^/]")
			default:
				re.WriteString(regexp.QuoteMeta(string(c)))
			}
		}
		re.WriteString("$")
		r.re = regexp.MustCompile(re.String())
		rules = append(rules, r)
	}
	return rules
}

// excluded reports whether .dockerignore keeps the file (a slash-separated
// path relative to the context) out of the build context: the last rule
// that matches the file or one of its directories decides.
func excluded(rules []ignoreRule, file string) bool {
	out := false
	for _, r := range rules {
		for p := file; p != "." && p != "/" && p != ""; p = path.Dir(p) {
			if r.re.MatchString(p) {
				out = !r.negate
				break
			}
		}
	}
	return out
}

// contextFiles lists the files of the checkout .dockerignore lets into the
// build context.
func contextFiles(t *testing.T) []string {
	t.Helper()
	rules := readDockerignore(t)
	var files []string
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() && !excluded(rules, filepath.ToSlash(p)) {
			files = append(files, filepath.ToSlash(p))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// buildInputs lists the files `go build .` reads from this module: every
// Go and embedded file of the packages the command imports, and go.mod and
// go.sum.
func buildInputs(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-json=Dir,GoFiles,EmbedFiles,Module", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	wd, _ := os.Getwd()
	files := []string{"go.mod", "go.sum"}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p struct {
			Dir                 string
			GoFiles, EmbedFiles []string
			Module              *struct{ Main bool }
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if p.Module == nil || !p.Module.Main {
			continue
		}
		rel, err := filepath.Rel(wd, p.Dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range append(p.GoFiles, p.EmbedFiles...) {
			files = append(files, filepath.ToSlash(filepath.Join(rel, f)))
		}
	}
	return files
}

// TestDockerContextHoldsOnlyTheSources: .dockerignore lets into the build
// context every file the binary is built from, and nothing else of note,
// so that a README, test or docs edit leaves the context (and so the
// image's build layers) unchanged, while `COPY . .` still has all it needs.
func TestDockerContextHoldsOnlyTheSources(t *testing.T) {
	in := map[string]bool{}
	for _, f := range contextFiles(t) {
		in[f] = true
	}
	inputs := buildInputs(t)
	if len(inputs) < 100 {
		t.Fatalf("go list found only %d build inputs", len(inputs))
	}
	for _, f := range inputs {
		if !in[f] {
			t.Errorf("%s is read by the build but .dockerignore leaves it out of the context", f)
		}
	}
	for _, f := range []string{"README.md", "FIDELITY.md", "COVERAGE.md", "Dockerfile", "main_test.go", "image_test.go",
		"fake/http_test.go", "fake/testdata", "testdata/fixtures/small.yaml", "perf/main.go", "conformance/README.md",
		"spec/drift/go.mod", "spec/regenerate.sh", "scripts/release.sh", ".github/workflows/release.yml", ".ci/run", "iblfake.db"} {
		if in[f] || !excluded(readDockerignore(t), f) {
			t.Errorf("%s is in the build context: editing it would rebuild the image", f)
		}
	}
	// Anything else in the context is a source file of the module that
	// the command does not import (e.g. a generator): say which, so the
	// list stays deliberate.
	needed := map[string]bool{}
	for _, f := range inputs {
		needed[f] = true
	}
	for f := range in {
		if !needed[f] && !strings.HasSuffix(f, ".go") {
			t.Errorf("%s is in the build context but the build does not read it", f)
		}
	}
}

// buildContext copies the build context into a new directory, as Docker
// sends it to the builder, and returns the directory.
func buildContext(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range contextFiles(t) {
		raw, err := os.ReadFile(filepath.FromSlash(f))
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
