package parity

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/iblfake/iblfake/internal/contract"
)

// comparer compares one recorded answer with the fake's.
type comparer struct {
	ids *idMap
	// sameState: the fake holds what the upstream held, as far as the
	// replay can tell, so values and list lengths are compared, not only
	// shapes.
	sameState bool
	diffs     []diff
	max       int
	// lengthDiffers is set when a list's length differed: the states
	// have parted.
	lengthDiffers bool
}

// diff is one difference within an exchange.
type diff struct {
	pointer  []string
	reason   string
	recorded string
	fake     string
}

func (c *comparer) add(ptr []string, reason, recorded, got string) {
	if len(c.diffs) < c.max {
		c.diffs = append(c.diffs, diff{pointer: append([]string(nil), ptr...), reason: reason, recorded: recorded, fake: got})
	}
}

// value compares a recorded JSON value with the fake's at ptr; key is the
// object key the values sit under ("" for the root and list items
// inherit their list's).
func (c *comparer) value(rec, got any, ptr []string, key string) {
	rk, gk := kind(rec), kind(got)
	if rk != gk {
		c.add(ptr, "type", rk, gk)
		return
	}
	switch r := rec.(type) {
	case map[string]any:
		g := got.(map[string]any)
		for _, k := range sortedKeys(r) {
			if _, ok := g[k]; !ok {
				c.add(append(ptr, k), "key missing in the fake's answer", kind(r[k]), "")
			}
		}
		for _, k := range sortedKeys(g) {
			if _, ok := r[k]; !ok {
				c.add(append(ptr, k), "key not in the recorded answer", "", kind(g[k]))
			}
		}
		// Ids first: an object's id pairs it with its twin before the
		// values naming it are compared.
		keys := sortedKeys(r)
		sort.SliceStable(keys, func(i, j int) bool { return idKey(keys[i]) && !idKey(keys[j]) })
		for _, k := range keys {
			if gv, ok := g[k]; ok {
				c.value(r[k], gv, append(ptr, k), k)
			}
		}
	case []any:
		g := got.([]any)
		if len(r) != len(g) && c.sameState {
			c.add(ptr, "list length", fmt.Sprint(len(r)), fmt.Sprint(len(g)))
			c.lengthDiffers = true
		}
		for i := 0; i < len(r) && i < len(g); i++ {
			c.value(r[i], g[i], append(ptr, fmt.Sprint(i)), key)
		}
	case string:
		c.str(r, got.(string), ptr, key)
	case json.Number:
		g := got.(json.Number)
		if isInt(r) != isInt(g) {
			c.add(ptr, "number kind", numKind(r), numKind(g))
			return
		}
		if idKey(key) {
			c.id(r, g, ptr)
			return
		}
		if c.sameState && r != g {
			c.add(ptr, "value", string(r), string(g))
		}
	case bool:
		if c.sameState && r != got.(bool) {
			c.add(ptr, "value", fmt.Sprint(r), fmt.Sprint(got))
		}
	}
}

// str compares strings: ids through the id map, date-times and links by
// format, anything else by value while the states agree.
func (c *comparer) str(r, g string, ptr []string, key string) {
	if r == g {
		return
	}
	rf, gf := format(r), format(g)
	if idKey(key) && rf != "date-time" && rf != "url" {
		c.id(r, g, ptr)
		return
	}
	if rf != gf {
		c.add(ptr, "format", rf, gf)
		return
	}
	if rf != "text" || !c.sameState {
		return // naturally different: compared by format
	}
	if c.ids.substitute(r) != g {
		c.add(ptr, "value", quote(r), quote(g))
	}
}

// id compares a recorded id with the fake's: the fake's must be the
// recorded one's twin if it has one; otherwise the pair is learnt.
func (c *comparer) id(r, g any, ptr []string) {
	if twin, ok := c.ids.twin(r); ok {
		if twin != g && c.sameState {
			c.add(ptr, "id", fmt.Sprintf("%v (the fake's twin: %v)", r, twin), fmt.Sprint(g))
		}
		return
	}
	c.ids.learn(r, g)
}

// kind names a JSON value's type as the report shows it.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	}
	return fmt.Sprintf("%T", v)
}

func isInt(n json.Number) bool { return !strings.ContainsAny(string(n), ".eE") }

func numKind(n json.Number) string {
	if isInt(n) {
		return "integer"
	}
	return "fractional number"
}

var (
	dateTimeRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$`)
	emailRE    = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// format classifies a string for comparing values that naturally differ:
// "date-time" (a date too), "url" (absolute), "email", "empty" or "text".
func format(s string) string {
	switch {
	case s == "":
		return "empty"
	case dateTimeRE.MatchString(s):
		return "date-time"
	case emailRE.MatchString(s):
		return "email"
	}
	if u, err := url.Parse(s); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return "url"
	}
	return "text"
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func quote(s string) string {
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// line renders a diff as the report shows it: `/result/name: type:
// recorded string, fake number`.
func (d diff) line() string {
	var what string
	switch {
	case d.recorded != "" && d.fake != "":
		what = fmt.Sprintf("%s: recorded %s, fake %s", d.reason, d.recorded, d.fake)
	case d.recorded != "":
		what = fmt.Sprintf("%s (recorded %s)", d.reason, d.recorded)
	case d.fake != "":
		what = fmt.Sprintf("%s (fake %s)", d.reason, d.fake)
	default:
		what = d.reason
	}
	if d.reason == "status" {
		return what
	}
	return contract.Pointer(d.pointer) + ": " + what
}
