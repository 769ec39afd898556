package scenarios

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse: it never panics, every
// refusal is an *Error naming the file, with a line inside the input when
// it has one, and every scenario it accepts can be served (a body JSON
// encodes, a final status, no header the server owns). Seeds: the built-in pack, the repository's example files and
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
	// Bodies near the refusals: a raw page, and aliases, a merge key, a
	// number JSON cannot carry and a key that is not a string.
	f.Add([]byte("rules:\n  - respond:\n      status: 502\n      headers: {Content-Type: text/html}\n      body: '<h1>502</h1>'\n"))
	f.Add([]byte("rules:\n  - respond:\n      status: 500\n      body: {a: &x .inf, <<: {b: 1}, c: *x, 1: y}\n"))
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
		// A parsed scenario must be servable: every body encodes (or is a
		// raw string), every status is final, no header is the server's.
		entity := map[string]any{"revoked": true, "revocationReason": "fraud"}
		for _, r := range sc.Rules {
			rs := r.Respond
			if rs == nil {
				continue
			}
			if rs.Status != 0 && (rs.Status < 200 || rs.Status > 599) {
				t.Fatalf("rule %q: accepted status %d", r.Name, rs.Status)
			}
			for h := range rs.Headers {
				if serverHeaders[h] {
					t.Fatalf("rule %q: accepted header %q", r.Name, h)
				}
			}
			if !rs.HasBody {
				continue
			}
			if _, isString := rs.Body.(string); rs.Raw && !isString {
				t.Fatalf("rule %q: a raw body that is not a string: %#v", r.Name, rs.Body)
			}
			if rs.Raw {
				continue
			}
			data, err := encodeJSON(rs.Body)
			if err != nil {
				t.Fatalf("rule %q: accepted a body JSON cannot encode: %v", r.Name, err)
			}
			if rs.JSON != nil && !bytes.Equal(rs.JSON, data) {
				t.Fatalf("rule %q: JSON %s differs from the body's encoding %s", r.Name, rs.JSON, data)
			}
			if _, err := (&Decision{Respond: rs, Entity: entity}).Body(); err != nil {
				t.Fatalf("rule %q: the rendered body does not encode: %v", r.Name, err)
			}
		}
		// A parsed scenario must be usable: the engine takes and matches it.
		e := NewEngine()
		e.Add(sc)
		if err := e.Activate(sc.Name); err != nil {
			t.Fatalf("activating a parsed scenario: %v", err)
		}
		r := &Request{
			Method: "GET", Path: "/api/credentials/orgs/acme/users/u/", Operation: "credentials_orgs_users_retrieve", Tenant: "acme",
			Param:  func(name string) (string, bool) { return "1", name == "page" },
			Entity: func() (map[string]any, bool) { return entity, true },
		}
		for _, phase := range []Phase{BeforeAuth, AfterAuth} {
			if d := e.Match(r, phase); d != nil {
				if _, err := d.Body(); err != nil {
					t.Fatalf("%v: rule %s/%s: the body does not encode: %v", phase, d.Scenario, d.Rule, err)
				}
			}
		}
	})
}
