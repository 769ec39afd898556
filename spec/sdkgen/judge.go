package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/iblfake/iblfake/spec"
	"github.com/oasdiff/yaml"
)

// judge prints what moving the pin to this SDK would change (spec/drift.sh
// --sdk runs it): the long tail's generated corrections against the
// committed ones (new, changed, gone), the method list's methods, and, for
// the modelled area, which sdkgen never generates, every difference the
// SDK shows against the served document by the same rules, to be settled
// by hand (a correction, a handler change, or nothing).
func judge(o options, res *result, out io.Writer) error {
	committed, err := os.ReadFile(filepath.Join(o.Spec, generatedFile))
	if err != nil {
		return err
	}
	oldC, err := correctionsByID(committed)
	if err != nil {
		return fmt.Errorf("spec/%s: %w", generatedFile, err)
	}
	newC, err := correctionsByID(res.corrections)
	if err != nil {
		return err
	}
	var rows [][3]string
	for _, id := range sortedKeys(newC) {
		old, had := oldC[id]
		switch {
		case !had:
			rows = append(rows, [3]string{"new", id, newC[id].why()})
		case !bytes.Equal(old.raw, newC[id].raw):
			rows = append(rows, [3]string{"changed", id, newC[id].why()})
		}
	}
	for _, id := range sortedKeys(oldC) {
		if _, kept := newC[id]; !kept {
			rows = append(rows, [3]string{"gone", id, oldC[id].why()})
		}
	}
	fmt.Fprintf(out, "long tail: against spec/%s, %d corrections would change (new, changed or gone):\n", generatedFile, len(rows))
	for _, r := range rows {
		fmt.Fprintf(out, "  %-8s %-60s %s\n", r[0], r[1], r[2])
	}
	if err := judgeMethods(o, res, out); err != nil {
		return err
	}
	// The modelled area, by the same rules, without generating anything.
	mg := newGenerator(res.sdk, o.Commit, served{Modelled: map[string]any{}, Tail: res.served.Modelled})
	mg.only = spec.Modelled
	cs, err := mg.run()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "modelled area (never generated; settle each by hand, FIDELITY.md): %d differences\n", len(cs))
	for _, c := range cs {
		fmt.Fprintf(out, "  %-17s %-52s %s\n", c.Kind, strings.TrimPrefix(strings.TrimPrefix(c.ID, "sdk-op-"), "sdk-schema-"), c.Why)
	}
	return nil
}

// judgeMethods lists the methods the SDK adds or drops against the
// committed method list, and those served as another operation now.
func judgeMethods(o options, res *result, out io.Writer) error {
	read := func(b []byte) (map[string]string, error) {
		var l struct {
			Methods []MethodCall `json:"methods"`
		}
		if err := json.Unmarshal(b, &l); err != nil {
			return nil, err
		}
		m := map[string]string{}
		for _, c := range l.Methods {
			m[c.Method] = c.HTTPMethod + " " + c.Path + " -> " + c.OperationID
		}
		return m, nil
	}
	committed, err := os.ReadFile(filepath.Join(o.Spec, methodsFile))
	if err != nil {
		return err
	}
	oldM, err := read(committed)
	if err != nil {
		return err
	}
	newM, err := read(res.methods)
	if err != nil {
		return err
	}
	var rows []string
	for _, k := range sortedKeys(newM) {
		if old, had := oldM[k]; !had {
			rows = append(rows, "  new      "+k+": "+newM[k])
		} else if old != newM[k] {
			rows = append(rows, "  changed  "+k+": "+old+" => "+newM[k])
		}
	}
	for _, k := range sortedKeys(oldM) {
		if _, kept := newM[k]; !kept {
			rows = append(rows, "  gone     "+k+": "+oldM[k])
		}
	}
	sort.Strings(rows)
	fmt.Fprintf(out, "methods: against spec/%s, %d of %d change:\n", methodsFile, len(rows), len(newM))
	for _, r := range rows {
		fmt.Fprintln(out, r)
	}
	return nil
}

// entry is one correction of a corrections file, as JSON.
type entry struct {
	raw []byte
	Why string `json:"why"`
}

func (e entry) why() string { return e.Why }

// correctionsByID reads a corrections file's entries by id.
func correctionsByID(yml []byte) (map[string]entry, error) {
	js, err := yaml.YAMLToJSON(yml)
	if err != nil {
		return nil, err
	}
	var list []json.RawMessage
	if err := json.Unmarshal(js, &list); err != nil {
		return nil, err
	}
	out := map[string]entry{}
	for _, raw := range list {
		var e struct {
			ID  string `json:"id"`
			Why string `json:"why"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, err
		}
		// Evidence names the commit and line, which move with every SDK
		// version: an entry changes when what it does or why does.
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		delete(m, "evidence")
		norm, err := json.Marshal(m)
		if err != nil {
			return nil, err
		}
		out[e.ID] = entry{raw: norm, Why: e.Why}
	}
	return out, nil
}
