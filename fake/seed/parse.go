package seed

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/iblfake/iblfake/fake/state"
	"github.com/iblfake/iblfake/internal/typo"
	"gopkg.in/yaml.v3"
)

// Parse reads a seed (YAML, or JSON, which is YAML) whose name, a file
// name, errors give with the line: an unknown key, a value of the wrong
// kind, a missing name. References between entities and the fields of
// the vendor's bodies are checked by Check, which needs the served
// document. Errors are *Error.
func Parse(name string, data []byte) (*Data, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, reason := state.YAMLError(err)
		return nil, &Error{File: name, Line: line, Reason: reason}
	}
	p := &parser{file: name, budget: 10*len(data) + 1<<16}
	d := p.document(&doc)
	if p.err != nil {
		return nil, p.err
	}
	d.file = name
	return d, nil
}

// parser walks a seed's YAML nodes, keeping the first error.
type parser struct {
	file string
	err  *Error
	// budget is how many nodes values may expand to: aliases are allowed
	// (a tenant written once, named twice), an alias bomb is refused.
	budget int
}

func (p *parser) fail(n *yaml.Node, where, format string, args ...any) {
	if p.err == nil {
		p.err = &Error{File: p.file, Line: n.Line, Where: where, Reason: fmt.Sprintf(format, args...)}
	}
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

// pair is one key and its value in a mapping.
type pair struct{ k, v *yaml.Node }

// mapping returns n's pairs, failing on anything but a mapping with unique
// scalar keys. A null is an empty mapping.
func (p *parser) mapping(n *yaml.Node, where string) []pair {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		p.fail(n, where, "want a mapping, got %s", describe(n))
		return nil
	}
	seen := map[string]bool{}
	var out []pair
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k.Kind != yaml.ScalarNode {
			p.fail(k, where, "a key must be a scalar, got %s", describe(k))
			return nil
		}
		if seen[k.Value] {
			p.fail(k, where, "key %q is given twice", k.Value)
			return nil
		}
		seen[k.Value] = true
		out = append(out, pair{k, n.Content[i+1]})
	}
	return out
}

// sequence returns n's items; a null is an empty list.
func (p *parser) sequence(n *yaml.Node, where string) []*yaml.Node {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.fail(n, where, "want a list, got %s", describe(n))
		return nil
	}
	return n.Content
}

// str is a scalar's text: a string, or a number or boolean written where
// text is wanted (a course key, an id).
func (p *parser) str(n *yaml.Node, where, key string) string {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		p.fail(n, where, "%s: want text, got %s", key, describe(n))
		return ""
	}
	return n.Value
}

func (p *parser) integer(n *yaml.Node, where, key string) int64 {
	n = deref(n)
	i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 10, 64)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || err != nil || i < 1 {
		p.fail(n, where, "%s: want a positive integer, got %s", key, describe(n))
		return 0
	}
	return i
}

func (p *parser) boolean(n *yaml.Node, where, key string) bool {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		p.fail(n, where, "%s: want true or false, got %s", key, describe(n))
		return false
	}
	b, _ := strconv.ParseBool(strings.ToLower(n.Value))
	return b
}

// strings is a list of texts (names, usernames); an integer item is kept
// as written (a user or group id).
func (p *parser) strings(n *yaml.Node, where, key string) []string {
	var out []string
	for _, it := range p.sequence(n, where+": "+key) {
		out = append(out, p.str(it, where, key))
	}
	return out
}

// value turns n into the JSON value it writes: mappings, lists, strings
// (timestamps as written), numbers, booleans and null.
func (p *parser) value(n *yaml.Node, where string) any {
	if p.err != nil {
		return nil
	}
	if p.budget--; p.budget < 0 {
		p.fail(n, where, "aliases expand to too many values (an alias bomb?)")
		return nil
	}
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		out := map[string]any{}
		for _, kv := range p.mapping(n, where) {
			out[kv.k.Value] = p.value(kv.v, where)
		}
		return out
	case yaml.SequenceNode:
		out := []any{}
		for _, c := range n.Content {
			out = append(out, p.value(c, where))
		}
		return out
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str", "!!timestamp", "!!binary":
			return n.Value
		case "!!null":
			return nil
		case "!!bool":
			b, _ := strconv.ParseBool(strings.ToLower(n.Value))
			return b
		case "!!int":
			if i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
				return i
			}
		case "!!float":
			if f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
				return f
			}
		}
		p.fail(n, where, "%q is not a value JSON can hold", n.Value)
		return nil
	}
	p.fail(n, where, "unexpected %s", describe(n))
	return nil
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "null"
		case "!!str":
			return strconv.Quote(n.Value)
		}
		return strings.TrimPrefix(n.ShortTag(), "!!") + " " + n.Value
	}
	return "an unexpected node"
}

// entity reads one entity's mapping: own are the seed's keys, each read by
// its function; with fields, every other key goes to the vendor body
// (checked against the document by Check), else it is an error.
func (p *parser) entity(n *yaml.Node, where string, fields *map[string]any, own map[string]func(v *yaml.Node)) position {
	pos := position{line: deref(n).Line, keys: map[string]int{}}
	for _, kv := range p.mapping(n, where) {
		if p.err != nil {
			break
		}
		key := kv.k.Value
		pos.keys[key] = kv.k.Line
		if f, ok := own[key]; ok {
			f(kv.v)
			continue
		}
		if fields == nil {
			p.fail(kv.k, where, "unknown key %q%s (the keys: %s)", key, didYouMean(key, slices.Sorted(mapKeys(own))), strings.Join(slices.Sorted(mapKeys(own)), ", "))
			break
		}
		if *fields == nil {
			*fields = map[string]any{}
		}
		(*fields)[key] = p.value(kv.v, where)
	}
	return pos
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func (p *parser) document(doc *yaml.Node) *Data {
	d := &Data{}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		p.err = &Error{File: p.file, Line: 1, Reason: "the file is empty; a seed is {format: " + Format + ", tenants: {...}}"}
		return nil
	}
	hasFormat := false
	for _, kv := range p.mapping(doc.Content[0], "") {
		switch kv.k.Value {
		case "format":
			hasFormat = true
			if v := deref(kv.v); v.Kind != yaml.ScalarNode || v.Value != Format {
				p.fail(v, "format", "want %q, got %s", Format, describe(v))
			}
		case "tenants":
			for _, t := range p.mapping(kv.v, "tenants") {
				if p.err != nil {
					break
				}
				d.Tenants = append(d.Tenants, p.tenant(t.k, t.v))
			}
		default:
			p.fail(kv.k, "", "unknown key %q%s; a seed has format and tenants", kv.k.Value, didYouMean(kv.k.Value, []string{"format", "tenants"}))
		}
	}
	if p.err == nil && !hasFormat {
		p.fail(doc.Content[0], "format", "missing; want %q", Format)
	}
	return d
}

// tenantKeys are a tenant's keys, in the order its entities are made.
var tenantKeys = []string{"users", "groups", "issuers", "credentials", "assertions", "licenses", "invitations", "resources"}

func (p *parser) tenant(k, v *yaml.Node) Tenant {
	t := Tenant{Org: k.Value, pos: position{line: k.Line}}
	where := "tenant " + t.Org
	if t.Org == "" {
		p.fail(k, "tenants", "an org may not be empty")
		return t
	}
	for _, kv := range p.mapping(v, where) {
		if p.err != nil {
			break
		}
		items := func(what string) []*yaml.Node { return p.sequence(kv.v, where+": "+what) }
		switch kv.k.Value {
		case "users":
			for i, n := range items("users") {
				t.Users = append(t.Users, p.user(n, fmt.Sprintf("%s: user %d", where, i+1)))
			}
		case "groups":
			for i, n := range items("groups") {
				t.Groups = append(t.Groups, p.group(n, fmt.Sprintf("%s: group %d", where, i+1)))
			}
		case "issuers":
			for i, n := range items("issuers") {
				var e Issuer
				w := fmt.Sprintf("%s: issuer %d", where, i+1)
				e.pos = p.entity(n, w, &e.Fields, map[string]func(*yaml.Node){
					"name": func(v *yaml.Node) { e.Name = p.str(v, w, "name") },
					"at":   func(v *yaml.Node) { e.At = p.str(v, w, "at") },
				})
				t.Issuers = append(t.Issuers, e)
			}
		case "credentials":
			for i, n := range items("credentials") {
				var e Credential
				w := fmt.Sprintf("%s: credential %d", where, i+1)
				e.pos = p.entity(n, w, &e.Fields, map[string]func(*yaml.Node){
					"name":   func(v *yaml.Node) { e.Name = p.str(v, w, "name") },
					"issuer": func(v *yaml.Node) { e.Issuer = p.str(v, w, "issuer") },
					"at":     func(v *yaml.Node) { e.At = p.str(v, w, "at") },
					"assign": func(v *yaml.Node) {
						p.entity(v, w+": assign", nil, map[string]func(*yaml.Node){
							"users":  func(v *yaml.Node) { e.Assign.Users = p.strings(v, w, "assign.users") },
							"groups": func(v *yaml.Node) { e.Assign.Groups = p.strings(v, w, "assign.groups") },
						})
					},
				})
				t.Credentials = append(t.Credentials, e)
			}
		case "assertions":
			for i, n := range items("assertions") {
				t.Assertions = append(t.Assertions, p.assertion(n, fmt.Sprintf("%s: assertion %d", where, i+1)))
			}
		case "licenses":
			for i, n := range items("licenses") {
				t.Licenses = append(t.Licenses, p.license(n, fmt.Sprintf("%s: license %d", where, i+1)))
			}
		case "invitations":
			for i, n := range items("invitations") {
				var e Invitation
				w := fmt.Sprintf("%s: invitation %d", where, i+1)
				e.pos = p.entity(n, w, &e.Fields, map[string]func(*yaml.Node){
					"kind": func(v *yaml.Node) { e.Kind = p.str(v, w, "kind") },
					"user": func(v *yaml.Node) { e.User = p.str(v, w, "user") },
					"at":   func(v *yaml.Node) { e.At = p.str(v, w, "at") },
				})
				t.Invitations = append(t.Invitations, e)
			}
		case "resources":
			for i, n := range items("resources") {
				t.Resources = append(t.Resources, p.resource(n, fmt.Sprintf("%s: resource %d", where, i+1)))
			}
		default:
			p.fail(kv.k, where, "unknown key %q%s (a tenant has %s)", kv.k.Value, didYouMean(kv.k.Value, tenantKeys), strings.Join(tenantKeys, ", "))
		}
	}
	return t
}

func (p *parser) user(n *yaml.Node, where string) User {
	var u User
	u.pos = p.entity(n, where, nil, map[string]func(*yaml.Node){
		"id":       func(v *yaml.Node) { u.ID = p.integer(v, where, "id") },
		"username": func(v *yaml.Node) { u.Username = p.str(v, where, "username") },
		"email":    func(v *yaml.Node) { u.Email = p.str(v, where, "email") },
		"name":     func(v *yaml.Node) { u.Name = p.str(v, where, "name") },
		"admin":    func(v *yaml.Node) { u.Admin = p.boolean(v, where, "admin") },
	})
	return u
}

func (p *parser) group(n *yaml.Node, where string) Group {
	var g Group
	g.pos = p.entity(n, where, nil, map[string]func(*yaml.Node){
		"id":      func(v *yaml.Node) { g.ID = p.integer(v, where, "id") },
		"key":     func(v *yaml.Node) { g.Key = p.str(v, where, "key") },
		"name":    func(v *yaml.Node) { g.Name = p.str(v, where, "name") },
		"members": func(v *yaml.Node) { g.Members = p.strings(v, where, "members") },
	})
	return g
}

func (p *parser) assertion(n *yaml.Node, where string) Assertion {
	var a Assertion
	a.pos = p.entity(n, where, &a.Fields, map[string]func(*yaml.Node){
		"credential": func(v *yaml.Node) { a.Credential = p.str(v, where, "credential") },
		"recipient": func(v *yaml.Node) {
			if deref(v).Kind == yaml.MappingNode {
				a.RecipientObject, _ = p.value(v, where).(map[string]any)
				return
			}
			a.Recipient = p.str(v, where, "recipient")
		},
		"revoked":          func(v *yaml.Node) { a.Revoked = p.boolean(v, where, "revoked") },
		"revocationReason": func(v *yaml.Node) { a.RevocationReason = p.str(v, where, "revocationReason") },
		"at":               func(v *yaml.Node) { a.At = p.str(v, where, "at") },
	})
	return a
}

func (p *parser) license(n *yaml.Node, where string) License {
	var l License
	l.pos = p.entity(n, where, &l.Fields, map[string]func(*yaml.Node){
		"kind": func(v *yaml.Node) { l.Kind = p.str(v, where, "kind") },
		"at":   func(v *yaml.Node) { l.At = p.str(v, where, "at") },
		"seats": func(v *yaml.Node) {
			for i, s := range p.sequence(v, where+": seats") {
				w := fmt.Sprintf("%s: seat %d", where, i+1)
				var seat Seat
				if deref(s).Kind == yaml.ScalarNode {
					seat.User, seat.pos = p.str(s, w, "seat"), position{line: s.Line}
				} else {
					seat.pos = p.entity(s, w, &seat.Fields, map[string]func(*yaml.Node){
						"user": func(v *yaml.Node) { seat.User = p.str(v, w, "user") },
						"at":   func(v *yaml.Node) { seat.At = p.str(v, w, "at") },
					})
				}
				l.Seats = append(l.Seats, seat)
			}
		},
		"groups": func(v *yaml.Node) {
			for i, s := range p.sequence(v, where+": groups") {
				w := fmt.Sprintf("%s: group seat %d", where, i+1)
				var gs GroupSeat
				if deref(s).Kind == yaml.ScalarNode {
					gs.Group, gs.pos = p.str(s, w, "group"), position{line: s.Line}
				} else {
					gs.pos = p.entity(s, w, &gs.Fields, map[string]func(*yaml.Node){
						"group": func(v *yaml.Node) { gs.Group = p.str(v, w, "group") },
						"at":    func(v *yaml.Node) { gs.At = p.str(v, w, "at") },
					})
				}
				l.GroupSeats = append(l.GroupSeats, gs)
			}
		},
	})
	return l
}

func (p *parser) resource(n *yaml.Node, where string) Resource {
	var r Resource
	r.pos = p.entity(n, where, nil, map[string]func(*yaml.Node){
		"operation": func(v *yaml.Node) { r.Operation = p.str(v, where, "operation") },
		"path":      func(v *yaml.Node) { r.Path = p.str(v, where, "path") },
		"method":    func(v *yaml.Node) { r.Method = strings.ToUpper(p.str(v, where, "method")) },
		"at":        func(v *yaml.Node) { r.At = p.str(v, where, "at") },
		"params": func(v *yaml.Node) {
			r.Params = map[string]string{}
			for _, kv := range p.mapping(v, where+": params") {
				r.Params[kv.k.Value] = p.str(kv.v, where, "params."+kv.k.Value)
			}
		},
		"body": func(v *yaml.Node) {
			body, ok := p.value(v, where).(map[string]any)
			if !ok && p.err == nil {
				p.fail(v, where, "body: want a mapping, got %s", describe(deref(v)))
			}
			r.Body = body
		},
	})
	return r
}

// didYouMean suggests the closest of known to s, if any is near.
func didYouMean(s string, known []string) string {
	if near := typo.Closest(s, known); near != "" {
		return "; did you mean " + strconv.Quote(near) + "?"
	}
	return ""
}
