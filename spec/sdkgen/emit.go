package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// writeCorrections renders corrections as a corrections file
// (spec/corrections/*.yaml): a list of entries, each value as JSON (JSON is
// YAML), indented so that a change reads as a change in a diff.
func writeCorrections(header string, cs []correction) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(header)
	for _, c := range cs {
		fmt.Fprintf(&b, "\n- id: %s\n  document: longtail\n", c.ID)
		if c.Operation != "" {
			fmt.Fprintf(&b, "  operation: %s\n", c.Operation)
		}
		if c.Schema != "" {
			fmt.Fprintf(&b, "  schema: %s\n", c.Schema)
		}
		if c.Patch != "" {
			fmt.Fprintf(&b, "  patch: %s\n", c.Patch)
		}
		if c.Pointer != "" {
			fmt.Fprintf(&b, "  pointer: %s\n", quote(c.Pointer))
		}
		v, err := jsonIndent(c.Value, "    ")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.ID, err)
		}
		fmt.Fprintf(&b, "  value: %s\n", v)
		fmt.Fprintf(&b, "  why: %s\n", quote(c.Why))
		fmt.Fprintf(&b, "  evidence: %s\n", quote(c.Evidence))
	}
	return b.Bytes(), nil
}

// quote is a YAML double-quoted scalar (JSON's string syntax is YAML's).
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// jsonIndent is v as indented JSON, every line after the first prefixed.
func jsonIndent(v any, prefix string) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}
