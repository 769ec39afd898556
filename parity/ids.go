package parity

import (
	"encoding/json"
	"net/url"
	"strings"
)

// idKey reports whether a JSON key or parameter names an identifier the
// service makes up (entityId, id, assertion_id, credentialId): the
// recorded and the fake's values differ naturally, so they are compared
// through the id map, not by value.
func idKey(name string) bool {
	return name == "id" || name == "entityId" || strings.HasSuffix(name, "Id") ||
		strings.HasSuffix(name, "_id") || strings.HasSuffix(name, "_ids")
}

// numericIDKey reports whether a number under this key may be rewritten
// through the id map. Users and groups are numbered by the tenant's
// directory, not by the service, and a user 7 must not become license 7's
// twin.
func numericIDKey(name string) bool {
	return idKey(name) && !strings.HasPrefix(name, "user") && !strings.HasPrefix(name, "group")
}

// idMap remembers which id the fake made for each id the upstream made:
// recorded -> fake, and back, so one fake id is never the twin of two
// recorded ones. Strings and numbers are kept apart (as their JSON text).
type idMap struct {
	strs, nums       map[string]string
	strsRev, numsRev map[string]bool
}

func newIDMap() *idMap {
	return &idMap{strs: map[string]string{}, nums: map[string]string{}, strsRev: map[string]bool{}, numsRev: map[string]bool{}}
}

// learn pairs a recorded id with the fake's, if neither is paired yet.
// Equal values need no pair: the client named them (a course key).
func (m *idMap) learn(recorded, got any) {
	switch r := recorded.(type) {
	case string:
		g, ok := got.(string)
		if !ok || r == g || r == "" || g == "" {
			return
		}
		if _, done := m.strs[r]; !done && !m.strsRev[g] {
			m.strs[r], m.strsRev[g] = g, true
		}
	case json.Number:
		g, ok := got.(json.Number)
		if !ok || r == g {
			return
		}
		if _, done := m.nums[string(r)]; !done && !m.numsRev[string(g)] {
			m.nums[string(r)], m.numsRev[string(g)] = string(g), true
		}
	}
}

// twin returns the fake's id for a recorded one.
func (m *idMap) twin(recorded any) (any, bool) {
	switch r := recorded.(type) {
	case string:
		g, ok := m.strs[r]
		return g, ok
	case json.Number:
		g, ok := m.nums[string(r)]
		return json.Number(g), ok
	}
	return nil, false
}

// rewriteValue rewrites the recorded ids in a request body: any string
// that is a recorded id, and numbers under numericIDKey keys.
func (m *idMap) rewriteValue(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = m.rewriteValue(e, k)
		}
	case []any:
		for i, e := range x {
			x[i] = m.rewriteValue(e, key)
		}
	case string:
		if g, ok := m.strs[x]; ok {
			return g
		}
	case json.Number:
		if numericIDKey(key) {
			if g, ok := m.nums[string(x)]; ok {
				return json.Number(g)
			}
		}
	}
	return v
}

// rewriteParam rewrites one path or query value named name.
func (m *idMap) rewriteParam(name, v string) string {
	if g, ok := m.strs[v]; ok {
		return g
	}
	if numericIDKey(name) {
		if g, ok := m.nums[v]; ok {
			return g
		}
	}
	return v
}

// rewriteQuery rewrites the recorded ids of a raw query; the query is
// re-encoded only when one changed.
func (m *idMap) rewriteQuery(raw string) string {
	if raw == "" || (len(m.strs) == 0 && len(m.nums) == 0) {
		return raw
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return raw
	}
	changed := false
	for k, vs := range q {
		for i, v := range vs {
			if nv := m.rewriteParam(k, v); nv != v {
				vs[i], changed = nv, true
			}
		}
	}
	if !changed {
		return raw
	}
	return q.Encode()
}

// rewritePath rewrites the recorded ids among a path's parameters;
// template is the operation's ("" leaves the path as it is).
func (m *idMap) rewritePath(escaped, template string) string {
	segs := strings.Split(escaped, "/")
	tpl := strings.Split(template, "/")
	if template == "" || len(tpl) != len(segs) {
		return escaped
	}
	for i, t := range tpl {
		if len(t) < 3 || t[0] != '{' {
			continue
		}
		v, err := url.PathUnescape(segs[i])
		if err != nil {
			continue
		}
		if nv := m.rewriteParam(t[1:len(t)-1], v); nv != v {
			segs[i] = url.PathEscape(nv)
		}
	}
	return strings.Join(segs, "/")
}

// substitute replaces the recorded ids inside a recorded string (an error
// message naming an entity) with their twins, to compare it with the
// fake's. Only called when the two differ.
func (m *idMap) substitute(s string) string {
	for r, g := range m.strs {
		if len(r) >= 4 && strings.Contains(s, r) {
			s = strings.ReplaceAll(s, r, g)
		}
	}
	return s
}
