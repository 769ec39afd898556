package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Model is one class of iblai/models: an object schema (BaseModel), an
// enum, or a oneOf wrapper.
type Model struct {
	Name string
	// File is its source file relative to the SDK's root, Line its class
	// line.
	File string
	Line int
	// Kind is "object", "enum" or "oneOf".
	Kind string
	// Fields are an object's fields in declaration order.
	Fields []Field
	// Enum are an enum's values (strings, or numbers for an int enum) and
	// EnumType "string" or "integer".
	Enum     []any
	EnumType string
	// OneOf are a oneOf wrapper's member types ("int", "str", model names).
	OneOf []string
}

// Field is one field of an object model.
type Field struct {
	// Name is the field's JSON name (its alias, else its Python name).
	Name string
	// Type is its annotation.
	Type     *pyNode
	Required bool
	// Nullable: the model's to_dict keeps an explicit None for it.
	Nullable bool
	// ReadOnly: to_dict excludes it ("OpenAPI readOnly fields are
	// excluded").
	ReadOnly bool
	// Default is the declared default (not None), if any.
	Default *pyNode
	// Enum are the values a field_validator allows ("must be one of enum
	// values"); Pattern the regular expression one requires.
	Enum    []string
	Pattern string
}

var (
	modelClassRe = regexp.MustCompile(`(?m)^class (\w+)\((BaseModel|str, Enum|int, Enum|Enum)\):`)
	fieldLineRe  = regexp.MustCompile(`^    (\w+): (.+)$`)
	enumValueRe  = regexp.MustCompile(`(?m)^    [A-Z0-9_]+ = (.+)$`)
	excludedRe   = regexp.MustCompile(`(?s)excluded_fields: Set\[str\] = set\(\[(.*?)\]\)`)
	nullableRe   = regexp.MustCompile(`# set to None if (\w+) \(nullable\) is None`)
	validatorRe  = regexp.MustCompile(`(?m)^    @field_validator\('(\w+)'\)\n    def \w+\(cls, value\):`)
	setValuesRe  = regexp.MustCompile(`set\(\[(.*?)\]\)`)
	patternRe    = regexp.MustCompile(`re\.match\(r"((?:[^"\\]|\\.)*)", value\)`)
	oneOfRe      = regexp.MustCompile(`_ONE_OF_SCHEMAS = \[(.*?)\]`)
	dqRe         = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)
)

// readModels parses every iblai/models/*.py below root, by class name.
func readModels(root string) (map[string]*Model, error) {
	files, err := filepath.Glob(filepath.Join(root, "iblai", "models", "*.py"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	out := map[string]*Model{}
	for _, f := range files {
		if filepath.Base(f) == "__init__.py" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(root, f)
		m, err := parseModel(filepath.ToSlash(rel), strings.ReplaceAll(string(src), "\r\n", "\n"))
		if err != nil {
			return nil, err
		}
		if m == nil {
			continue
		}
		if prev := out[m.Name]; prev != nil {
			return nil, fmt.Errorf("model %s in %s and %s", m.Name, prev.File, m.File)
		}
		out[m.Name] = m
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no models below %s", root)
	}
	return out, nil
}

// parseModel parses one model module (nil when it holds no model).
func parseModel(file, src string) (*Model, error) {
	cm := modelClassRe.FindStringSubmatchIndex(src)
	if cm == nil {
		return nil, nil
	}
	m := &Model{Name: src[cm[2]:cm[3]], File: file, Line: strings.Count(src[:cm[0]], "\n") + 1}
	base := src[cm[4]:cm[5]]
	body := src[cm[1]:]
	switch {
	case base != "BaseModel":
		m.Kind, m.EnumType = "enum", "string"
		if base == "int, Enum" {
			m.EnumType = "integer"
		}
		for _, v := range enumValueRe.FindAllStringSubmatch(body, -1) {
			n, err := parsePy(v[1])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			switch n.Kind {
			case "str":
				m.Enum = append(m.Enum, n.Str)
			case "num":
				var i int
				if _, err := fmt.Sscan(n.Str, &i); err != nil {
					return nil, fmt.Errorf("%s: enum value %s: %w", file, n.Str, err)
				}
				m.Enum = append(m.Enum, i)
			}
		}
		return m, nil
	case oneOfRe.MatchString(src):
		m.Kind = "oneOf"
		for _, q := range dqRe.FindAllStringSubmatch(oneOfRe.FindStringSubmatch(src)[1], -1) {
			m.OneOf = append(m.OneOf, q[1])
		}
		return m, nil
	}
	m.Kind = "object"
	readOnly := map[string]bool{}
	if ex := excludedRe.FindStringSubmatch(body); ex != nil {
		for _, q := range dqRe.FindAllStringSubmatch(ex[1], -1) {
			readOnly[q[1]] = true
		}
	}
	nullable := map[string]bool{}
	for _, n := range nullableRe.FindAllStringSubmatch(body, -1) {
		nullable[n[1]] = true
	}
	enums := map[string][]string{}
	patterns := map[string]string{}
	for _, v := range validators(body) {
		if s := setValuesRe.FindStringSubmatch(v[2]); s != nil {
			l, err := parsePy("[" + s[1] + "]")
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			for _, a := range l.Args {
				enums[v[1]] = append(enums[v[1]], a.Str)
			}
		}
		if p := patternRe.FindStringSubmatch(v[2]); p != nil {
			patterns[v[1]] = p[1]
		}
	}
	// Fields are the annotated lines after the class docstring, up to
	// __properties.
	props := strings.Index(body, "    __properties: ClassVar")
	if props < 0 {
		return nil, fmt.Errorf("%s: no __properties", file)
	}
	inDoc := false
	for _, line := range strings.Split(body[:props], "\n") {
		// The class docstring may hold "word: text" lines.
		if strings.Count(line, `"""`)%2 == 1 {
			inDoc = !inDoc
			continue
		}
		fm := fieldLineRe.FindStringSubmatch(line)
		if inDoc {
			continue
		}
		if fm == nil {
			continue
		}
		name, rest := fm[1], fm[2]
		var def *pyNode
		required := true
		if eq := indexTop(rest, '='); eq >= 0 {
			d, err := parsePy(strings.TrimSpace(rest[eq+1:]))
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", file, name, err)
			}
			rest = rest[:eq]
			def = d
		}
		typ, err := parsePy(strings.TrimSpace(rest))
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", file, name, err)
		}
		f := Field{Name: name, Type: typ, Nullable: nullable[name], ReadOnly: readOnly[name], Enum: enums[name], Pattern: patterns[name]}
		// A Field(...) default carries the alias, the default and the
		// constraints; a bare default makes the field optional.
		if def != nil {
			if def.Kind == "call" && def.Name == "Field" {
				if a := def.kw("alias"); a != nil {
					f.Name = a.Str
				}
				if d := def.kw("default"); d != nil {
					required = false
					if !(d.Kind == "name" && d.Name == "None") {
						f.Default = d
					}
				}
				// Constraints given on the Field apply to the type.
				f.Type = withConstraints(typ, def)
			} else {
				required = false
				if !(def.Kind == "name" && def.Name == "None") {
					f.Default = def
				}
			}
		}
		f.Required = required
		if readOnly[f.Name] {
			f.ReadOnly = true
		}
		m.Fields = append(m.Fields, f)
	}
	return m, nil
}

// withConstraints returns typ with a Field(...)'s constraints attached, as
// Annotated[typ, Field(...)] (the form the SDK uses elsewhere).
func withConstraints(typ, field *pyNode) *pyNode {
	c := &pyNode{Kind: "call", Name: "Field", Kw: map[string]*pyNode{}}
	for _, k := range []string{"max_length", "min_length", "ge", "le", "gt", "lt", "strict"} {
		if v := field.kw(k); v != nil {
			c.Kw[k] = v
		}
	}
	if len(c.Kw) == 0 {
		return typ
	}
	return &pyNode{Kind: "sub", Name: "Annotated", Args: []*pyNode{typ, c}}
}

// validators returns each field validator of a model's body as [match,
// field, code]: the code runs to the next line indented as the class's
// statements are.
func validators(body string) [][]string {
	var out [][]string
	locs := validatorRe.FindAllStringSubmatchIndex(body, -1)
	for _, l := range locs {
		rest := body[l[1]:]
		end := len(rest)
		for i := 0; i+5 < len(rest); i++ {
			if rest[i] == '\n' && strings.HasPrefix(rest[i+1:], "    ") && rest[i+5] != ' ' && rest[i+5] != '\n' {
				end = i
				break
			}
		}
		out = append(out, []string{body[l[0]:l[1]], body[l[2]:l[3]], rest[:end]})
	}
	return out
}
