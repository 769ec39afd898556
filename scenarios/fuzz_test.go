package scenarios

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse: it never panics, and every
// refusal is an *Error naming the file, with a line inside the input when
// it has one. Seeds: the built-in pack, the repository's example files and
// the malformed inputs in testdata/fuzz/FuzzParse (failures found are kept
// there).
func FuzzParse(f *testing.F) {
	builtin, _ := fs.Glob(builtinFiles, "builtin/*.yaml")
	for _, n := range builtin {
		data, _ := builtinFiles.ReadFile(n)
		f.Add(data)
	}
	examples, _ := filepath.Glob(filepath.Join("..", "testdata", "scenarios", "*.yaml"))
	for _, n := range examples {
		data, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "fuzz.yaml"
		sc, err := Parse(file, data)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v, want *scenarios.Error", err, err)
			}
			if pe.File != file || pe.Reason == "" {
				t.Fatalf("error %+v does not name the file and a reason", pe)
			}
			// YAML breaks lines at \n, \r\n and a lone \r; one past the
			// last line is where the parser puts the end of input.
			breaks := bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n"))
			if lines := bytes.Count(breaks, []byte("\n")) + 2; pe.Line < 0 || pe.Line > lines {
				t.Fatalf("error line %d outside the input's %d lines: %v", pe.Line, lines, pe)
			}
			return
		}
		if sc.Name == "" || sc.Source != file {
			t.Fatalf("parsed scenario without name or source: %+v", sc)
		}
		// A parsed scenario must be usable: the engine takes and matches it.
		e := NewEngine()
		e.Add(sc)
		if err := e.Activate(sc.Name); err != nil {
			t.Fatalf("activating a parsed scenario: %v", err)
		}
		e.Match(&Request{
			Method: "GET", Path: "/api/credentials/orgs/acme/users/u/", Operation: "credentials_orgs_users_retrieve", Tenant: "acme",
			Param:  func(name string) (string, bool) { return "1", name == "page" },
			Entity: func() (map[string]any, bool) { return map[string]any{"revoked": true}, true },
		})
	})
}
