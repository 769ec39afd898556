package longtail

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
)

// An answer describes what its path asks for (FIDELITY.md, "long-tail
// values"): a path parameter's value is the answer's field of the same
// name, its "<name>_id" and "<name>_unique_id" fields (a mentor's
// settings at .../mentors/{mentor}/settings/ name that mentor), and, for
// the parameter the path ends with, the answer's own id field (as a
// resource's item answers its id); the user a path's user segment names
// is its user field. Each only where the value is one the field allows (a
// UUID field takes no slug), at the answer's top level or in the object
// it wraps its detail in ({"data": {...}}: a report's).

// echoPath writes what the request's path says into obj, an answer of
// the object schema whose properties are ps. item is the parameter that
// is the answer's own id, if the caller sets that itself ("" otherwise).
func echoPath(c echo.Context, obj map[string]any, ps openapi3.Schemas, template, item string) {
	for _, w := range []string{"data", "result"} {
		if inner, ok := obj[w].(map[string]any); ok && ps[w] != nil && len(ps) <= 3 {
			echoPath(c, inner, props(ps[w]), template, item)
		}
	}
	names, values := c.ParamNames(), c.ParamValues()
	last := lastParam(template)
	for i, name := range names {
		if i >= len(values) || name == item {
			continue
		}
		val := values[i]
		set := func(field string) bool {
			if v, ok := typed(ps[field], val); ok && fits(ps[field], v) {
				obj[field] = v
				return true
			}
			return false
		}
		set(name)
		// The vendor's user segment holds a username or a numeric id
		// whatever it is called ({user_id} is "admin" in its own
		// examples): the answer's user field is that user, not another.
		if userParams[name] {
			field := "username"
			if _, err := strconv.ParseInt(val, 10, 64); err == nil {
				field = "user_id"
			}
			if field != name {
				set(field)
			}
			continue
		}
		if !strings.HasSuffix(name, "_id") {
			set(name + "_id")
			set(name + "_unique_id")
		}
		if name == last && item == "" {
			for _, f := range idCandidates(name, ps) {
				if set(f) {
					break
				}
			}
		}
	}
}

// idCandidates are the fields that may hold the id param names, in the
// order idField tries them: the parameter's own name, a field it ends
// with ({mentor_unique_id} is a unique_id), then the usual id names.
func idCandidates(param string, ps openapi3.Schemas) []string {
	out := []string{param}
	var suffixed []string
	for n := range ps {
		if strings.HasSuffix(param, "_"+n) {
			suffixed = append(suffixed, n)
		}
	}
	slices.SortFunc(suffixed, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	return append(append(out, suffixed...), idNames...)
}

// lastParam is the parameter a path template ends with ("" when its last
// segment is static: .../mentors/{mentor}/settings/ is about settings).
func lastParam(template string) string {
	seg := strings.TrimSuffix(template, "/")
	seg = seg[strings.LastIndexByte(seg, '/')+1:]
	if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
		return seg[1 : len(seg)-1]
	}
	return ""
}
