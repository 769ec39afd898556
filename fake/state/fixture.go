package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// FixtureError is a fixture that cannot be loaded: the file, the line (0
// when the problem has none, such as a conflict between two files), the
// field path (format, buckets.<bucket>.<key>..., sequences.<bucket>) and
// why.
type FixtureError struct {
	File   string
	Line   int
	Field  string
	Reason string
}

func (e *FixtureError) Error() string { return "fixture " + e.Located() }

// Located is the error without its "fixture " prefix:
// FILE:LINE: FIELD: reason.
func (e *FixtureError) Located() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// fixtureProgressEvery is how many entries a fixture load reports progress
// after, besides once a second.
const fixtureProgressEvery = 10000

// LoadFixture reads and parses the fixture at path (see ParseFixture),
// logging progress on log (nil for none). The file is bounded as PUT
// /_fake/state bounds its body (MaxBytes), and a device is refused at
// once, so a wrong path (/dev/zero, a disk image) is a clear error, not a
// fake that reads until it runs out of memory.
func LoadFixture(path string, log *slog.Logger) (*State, error) {
	data, err := ReadFixture(path)
	if err != nil {
		return nil, err
	}
	return parseFixture(path, data, log)
}

// ReadFixture reads the fixture file at path, bounded by MaxBytes, and
// refuses a device at once.
func ReadFixture(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("fixture: %w", err)
	}
	defer f.Close()
	return readFixture(f, path)
}

// ReadFixtureFS is ReadFixture for a file of fsys (an embed.FS, say).
func ReadFixtureFS(fsys fs.FS, path string) ([]byte, error) {
	f, err := fsys.Open(path)
	if err != nil {
		return nil, fmt.Errorf("fixture: %w", err)
	}
	defer f.Close()
	return readFixture(f, path)
}

func readFixture(f fs.File, name string) ([]byte, error) {
	if fi, err := f.Stat(); err == nil && fi.Mode()&(os.ModeDevice|os.ModeCharDevice) != 0 {
		return nil, &FixtureError{File: name, Reason: "a device, not a file"}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fixture: %w", err)
	}
	if len(data) > MaxBytes {
		return nil, &FixtureError{File: name, Reason: fmt.Sprintf("the file is larger than %d MiB, the most a fixture may be", MaxBytes>>20)}
	}
	return data, nil
}

// ParseFixtureLogging is ParseFixture logging the progress of a large
// fixture on log.
func ParseFixtureLogging(name string, data []byte, log *slog.Logger) (*State, error) {
	return parseFixture(name, data, log)
}

// ParseFixture parses data, a YAML or JSON document in the State format,
// into a State; name is the file errors name. Errors are *FixtureError.
// Entity values may be written as YAML mappings and sequences: they become
// the JSON the store keeps, in the order written.
func ParseFixture(name string, data []byte) (*State, error) {
	return parseFixture(name, data, nil)
}

// YAMLError splits a yaml.v3 syntax error ("yaml: line N: reason") into
// its line (0 when it names none) and its reason, for errors that give
// the file and line as the fake's others do.
func YAMLError(err error) (line int, reason string) {
	reason = strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(reason, "line "); ok {
		if num, r, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				return n, r
			}
		}
	}
	return 0, reason
}

func parseFixture(name string, data []byte, log *slog.Logger) (*State, error) {
	if st, ok := parseJSONFixture(data); ok {
		if log != nil && len(data) > 1<<20 {
			log.Info("fixture parsed", "file", name, "bytes", len(data))
		}
		return st, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, reason := YAMLError(err)
		return nil, &FixtureError{File: name, Line: line, Reason: reason}
	}
	p := &fixtureParser{file: name, log: log, started: time.Now(),
		budget: 10*len(data) + fixtureNodeSlack, expanding: map[*yaml.Node]bool{}}
	p.lastLog = p.started
	st := p.document(&doc)
	if p.err != nil {
		return nil, p.err
	}
	if p.seed {
		return nil, ErrSeedDocument
	}
	if log != nil && p.entries >= fixtureProgressEvery {
		log.Info("fixture parsed", "file", name, "entries", p.entries, "took", time.Since(p.started).Round(time.Millisecond))
	}
	return st, nil
}

// parseJSONFixture is the fast path for a JSON fixture (an export as it
// is): encoding/json keeps values as written and needs a fraction of the
// memory of a YAML node tree. It reports false for anything it does not
// accept, and the YAML parser then finds the line and field to blame.
func parseJSONFixture(data []byte) (*State, bool) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, false
	}
	var st State
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil || dec.More() || st.Format != Format {
		return nil, false
	}
	for name, items := range st.Buckets {
		if name == "" {
			return nil, false
		}
		for k, v := range items {
			if k == "" || len(v) == 0 || (v[0] != '{' && v[0] != '[' && v[0] != '"') {
				return nil, false
			}
		}
		if len(items) == 0 {
			delete(st.Buckets, name)
		}
	}
	for name := range st.Sequences {
		if name == "" {
			return nil, false
		}
	}
	if st.Buckets == nil {
		st.Buckets = map[string]map[string]json.RawMessage{}
	}
	if st.Sequences == nil {
		st.Sequences = map[string]uint64{}
	}
	return &st, true
}

// fixtureParser walks a fixture's YAML nodes, keeping the first error.
type fixtureParser struct {
	file    string
	err     *FixtureError
	log     *slog.Logger
	entries int
	started time.Time
	// budget is how many value nodes the fixture may expand to. Without
	// aliases a file has fewer nodes than bytes; an alias bomb (a
	// "billion laughs") has vastly more, and is refused instead of
	// exhausting memory.
	budget int
	// expanding holds the aliased nodes being written, so a node that
	// contains an alias to itself is refused instead of recursing forever.
	expanding map[*yaml.Node]bool
	lastLog   time.Time
	// seed: the document is a seed file (ErrSeedDocument).
	seed bool
}

// fixtureNodeSlack is the node budget every fixture gets on top of ten
// per byte, so that small files may use aliases freely.
const fixtureNodeSlack = 1 << 20

func (p *fixtureParser) fail(n *yaml.Node, field, format string, args ...any) {
	if p.err == nil {
		p.err = &FixtureError{File: p.file, Line: n.Line, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
}

// progress counts an entry and logs every fixtureProgressEvery entries or
// once a second, whichever comes first.
func (p *fixtureParser) progress() {
	p.entries++
	if p.log == nil {
		return
	}
	if p.entries%fixtureProgressEvery == 0 || time.Since(p.lastLog) >= time.Second {
		p.lastLog = time.Now()
		p.log.Info("loading fixture", "file", p.file, "entries", p.entries)
	}
}

// mapping returns n's key/value pairs (n resolved through aliases),
// failing on anything but a mapping with unique scalar keys.
func (p *fixtureParser) mapping(n *yaml.Node, field string) [][2]*yaml.Node {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		p.fail(n, field, "want a mapping, got %s", kindName(n))
		return nil
	}
	seen := map[string]bool{}
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.fail(k, field, "a key must be a scalar, got %s", kindName(k))
			return nil
		}
		if seen[k.Value] {
			p.fail(k, field, "key %q is given twice", k.Value)
			return nil
		}
		seen[k.Value] = true
		out = append(out, [2]*yaml.Node{k, v})
	}
	return out
}

func (p *fixtureParser) document(doc *yaml.Node) *State {
	st := &State{Buckets: map[string]map[string]json.RawMessage{}, Sequences: map[string]uint64{}}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		p.err = &FixtureError{File: p.file, Line: 1, Reason: "the file is empty; an empty tenant is {format: " + Format + "}"}
		return nil
	}
	top := p.mapping(doc.Content[0], "")
	for _, kv := range top {
		// A seed file names its format, wherever in the document: it is
		// package seed's to read, and so are its other keys.
		if v := deref(kv[1]); kv[0].Value == "format" && v.Kind == yaml.ScalarNode && v.Value == SeedFormat {
			p.seed = true
			return nil
		}
	}
	hasFormat := false
	for _, kv := range top {
		if p.err != nil {
			return nil
		}
		k, v := kv[0], kv[1]
		switch k.Value {
		case "format":
			hasFormat = true
			if v.Kind != yaml.ScalarNode || v.Value != Format {
				p.fail(v, "format", "want %q (a state export) or %q (a seed file), got %s", Format, SeedFormat, describe(v))
			}
			st.Format = Format
		case "tenant":
			// A tenant's export (GET /_fake/state?tenant=); as a fixture it
			// loads into the empty store like any other.
			if tv := deref(v); tv.Kind != yaml.ScalarNode || tv.ShortTag() != "!!str" || tv.Value == "" {
				p.fail(tv, "tenant", "want an org name, got %s", describe(tv))
			} else {
				st.Tenant = tv.Value
			}
		case "buckets":
			if deref(v).ShortTag() == "!!null" {
				continue
			}
			for _, b := range p.mapping(v, "buckets") {
				p.bucket(st, b[0], b[1])
			}
		case "sequences":
			if deref(v).ShortTag() == "!!null" {
				continue
			}
			for _, s := range p.mapping(v, "sequences") {
				field := "sequences." + s[0].Value
				sv := deref(s[1])
				n, err := strconv.ParseUint(strings.ReplaceAll(sv.Value, "_", ""), 10, 64)
				if sv.Kind != yaml.ScalarNode || sv.ShortTag() != "!!int" || err != nil {
					p.fail(sv, field, "want a non-negative integer, got %s", describe(sv))
					continue
				}
				if s[0].Value == "" {
					p.fail(s[0], field, "a bucket name may not be empty")
				}
				st.Sequences[s[0].Value] = n
			}
		default:
			p.fail(k, k.Value, "unknown field; a fixture has format, tenant, buckets and sequences")
		}
	}
	if p.err == nil && !hasFormat {
		p.fail(doc.Content[0], "format", "missing; want %q (a state export) or %q (a seed file)", Format, SeedFormat)
	}
	if p.err != nil {
		return nil
	}
	return st
}

func (p *fixtureParser) bucket(st *State, name, items *yaml.Node) {
	field := "buckets." + name.Value
	if name.Value == "" {
		p.fail(name, field, "a bucket name may not be empty")
		return
	}
	out := map[string]json.RawMessage{}
	if deref(items).ShortTag() != "!!null" {
		for _, kv := range p.mapping(items, field) {
			k, v := kv[0], deref(kv[1])
			f := field + "." + k.Value
			if k.Value == "" {
				p.fail(k, f, "a key may not be empty")
				return
			}
			var buf bytes.Buffer
			switch {
			case v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode:
				p.json(&buf, v, f)
			case v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str":
				writeJSONString(&buf, v.Value)
			default:
				p.fail(v, f, "a value must be a mapping, a sequence or a string, got %s", describe(v))
			}
			if p.err != nil {
				return
			}
			out[k.Value] = json.RawMessage(buf.Bytes())
			p.progress()
		}
	}
	if p.err == nil && len(out) > 0 {
		st.Buckets[name.Value] = out
	}
}

// json writes n as compact JSON, keys in the order written, strings
// escaped as encoding/json escapes them (so a fixture made from an export
// imports the very bytes that were exported).
func (p *fixtureParser) json(buf *bytes.Buffer, n *yaml.Node, field string) {
	if p.err != nil {
		return
	}
	if p.budget--; p.budget < 0 {
		p.fail(n, field, "aliases expand to too many values (an alias bomb?)")
		return
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		target := deref(n)
		if p.expanding[target] {
			p.fail(n, field, "alias *%s refers to a value that contains it", n.Value)
			return
		}
		p.expanding[target] = true
		defer delete(p.expanding, target)
	}
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		buf.WriteByte('{')
		for i, kv := range p.mapping(n, field) {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSONString(buf, kv[0].Value)
			buf.WriteByte(':')
			p.json(buf, kv[1], field+"."+kv[0].Value)
		}
		buf.WriteByte('}')
	case yaml.SequenceNode:
		buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				buf.WriteByte(',')
			}
			p.json(buf, c, fmt.Sprintf("%s[%d]", field, i))
		}
		buf.WriteByte(']')
	case yaml.ScalarNode:
		p.scalar(buf, n, field)
	default:
		p.fail(n, field, "unexpected %s", kindName(n))
	}
}

func (p *fixtureParser) scalar(buf *bytes.Buffer, n *yaml.Node, field string) {
	v := n.Value
	switch n.ShortTag() {
	case "!!str", "!!timestamp":
		writeJSONString(buf, v)
	case "!!null":
		buf.WriteString("null")
	case "!!bool":
		b, err := strconv.ParseBool(strings.ToLower(v))
		if err != nil {
			p.fail(n, field, "%q is not a boolean", v)
			return
		}
		buf.WriteString(strconv.FormatBool(b))
	case "!!int", "!!float":
		if json.Valid([]byte(v)) && v != "" && (v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) {
			buf.WriteString(v) // a JSON number: kept as written
			return
		}
		clean := strings.ReplaceAll(v, "_", "")
		if i, err := strconv.ParseInt(clean, 0, 64); err == nil {
			buf.WriteString(strconv.FormatInt(i, 10))
			return
		}
		f, err := strconv.ParseFloat(clean, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			p.fail(n, field, "%q is not a number JSON can hold", v)
			return
		}
		buf.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
	default:
		p.fail(n, field, "unsupported tag %s", n.Tag)
	}
}

// writeJSONString writes s as encoding/json does (HTML characters escaped).
func writeJSONString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s) // a string always marshals
	buf.Write(b)
}

func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		return deref(n.Content[0])
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a sequence"
	case yaml.ScalarNode:
		return describe(n)
	default:
		return "an unexpected node"
	}
}

func describe(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		return kindName(n)
	}
	switch n.ShortTag() {
	case "!!null":
		return "null"
	case "!!str":
		return fmt.Sprintf("the string %q", n.Value)
	default:
		return fmt.Sprintf("%s %s", strings.TrimPrefix(n.ShortTag(), "!!"), n.Value)
	}
}

// MergeFixtures merges parsed fixtures in order (files names them). A key two fixtures give
// different values is an error naming the later file; sequences take the
// larger value.
func MergeFixtures(files []string, states []*State) (*State, error) {
	out := &State{Format: Format, Buckets: map[string]map[string]json.RawMessage{}, Sequences: map[string]uint64{}}
	from := map[string]string{} // bucket + "\x00" + key -> file
	for i, st := range states {
		for b, items := range st.Buckets {
			if out.Buckets[b] == nil {
				out.Buckets[b] = map[string]json.RawMessage{}
			}
			for k, v := range items {
				if have, ok := out.Buckets[b][k]; ok && !bytes.Equal(have, v) {
					return nil, &FixtureError{File: files[i], Field: "buckets." + b + "." + k,
						Reason: "also given by " + from[b+"\x00"+k] + " with another value"}
				}
				out.Buckets[b][k] = v
				from[b+"\x00"+k] = files[i]
			}
		}
		for b, n := range st.Sequences {
			out.Sequences[b] = max(out.Sequences[b], n)
		}
	}
	return out, nil
}

// MarshalYAML renders st as a readable YAML fixture: buckets and keys
// sorted, entity values as YAML mappings in their stored field order.
// ParseFixture reads it back to the same state.
func MarshalYAML(st *State) ([]byte, error) {
	str := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
	root := &yaml.Node{Kind: yaml.MappingNode}
	root.Content = append(root.Content, str("format"), str(Format))
	if st.Tenant != "" {
		root.Content = append(root.Content, str("tenant"), str(st.Tenant))
	}
	buckets := &yaml.Node{Kind: yaml.MappingNode}
	for _, b := range slices.Sorted(maps.Keys(st.Buckets)) {
		items := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range slices.Sorted(maps.Keys(st.Buckets[b])) {
			v, err := jsonToYAML(json.NewDecoder(bytes.NewReader(st.Buckets[b][k])))
			if err != nil {
				return nil, fmt.Errorf("%s/%q: %w", b, k, err)
			}
			items.Content = append(items.Content, str(k), v)
		}
		buckets.Content = append(buckets.Content, str(b), items)
	}
	if len(buckets.Content) == 0 {
		buckets.Style = yaml.FlowStyle
	}
	root.Content = append(root.Content, str("buckets"), buckets)
	seqs := &yaml.Node{Kind: yaml.MappingNode}
	for _, b := range slices.Sorted(maps.Keys(st.Sequences)) {
		seqs.Content = append(seqs.Content, str(b), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatUint(st.Sequences[b], 10)})
	}
	if len(seqs.Content) == 0 {
		seqs.Style = yaml.FlowStyle
	}
	root.Content = append(root.Content, str("sequences"), seqs)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// jsonToYAML reads one JSON value from dec as a YAML node, keeping the
// order of object keys and numbers as written.
func jsonToYAML(dec *json.Decoder) (*yaml.Node, error) {
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		n := &yaml.Node{Kind: yaml.MappingNode}
		if t == '[' {
			n.Kind = yaml.SequenceNode
		}
		for dec.More() {
			if t == '{' {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k.(string)})
			}
			c, err := jsonToYAML(dec)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, c)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
		if len(n.Content) == 0 {
			n.Style = yaml.FlowStyle
		}
		return n, nil
	case string:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: t}, nil
	case json.Number:
		tag := "!!int"
		if strings.ContainsAny(t.String(), ".eE") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: t.String()}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t)}, nil
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}
