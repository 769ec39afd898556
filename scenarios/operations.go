package scenarios

import (
	"fmt"
	"sort"
	"strings"

	"github.com/iblfake/iblfake/internal/typo"
)

// Operation is one operation of the document the server serves, as a
// rule's match.operation names it: its operationId, method and path. The
// scenarios package knows no document; the server hands it the list
// (Engine.RequireOperations).
type Operation struct {
	ID     string
	Method string // upper case: GET, POST, ...
	Path   string
}

// Operations is the set of operations a served document has, for
// CheckOperations. Build it with NewOperations; it is read-only after.
type Operations struct {
	list []Operation
	byID map[string]bool
}

// NewOperations indexes ops (copied).
func NewOperations(ops []Operation) *Operations {
	o := &Operations{list: append([]Operation(nil), ops...), byID: make(map[string]bool, len(ops))}
	for _, op := range ops {
		o.byID[op.ID] = true
	}
	return o
}

// Len is how many operations the set holds.
func (o *Operations) Len() int { return len(o.list) }

// maxSuggestions bounds the ids a refusal suggests.
const maxSuggestions = 3

// CheckOperations refuses a scenario with a rule whose match.operation
// names no operation of ops: an exact id that is not one, or a pattern
// with "*" that matches none. Such a rule could never apply, and a fault
// injection test that injects nothing passes green; the refusal names the
// file, the operation's line and the closest ids (Suggest). A scenario
// without lines (built in Go rather than parsed) is named by its rule's.
func CheckOperations(sc *Scenario, ops *Operations) error {
	for _, r := range sc.Rules {
		m := &r.Match
		if m.Operation == "" {
			continue
		}
		line := m.opLine
		if line == 0 {
			line = r.Line
		}
		if !strings.Contains(m.Operation, "*") {
			if ops.byID[m.Operation] {
				continue
			}
			return &Error{File: sc.Source, Line: line, Reason: fmt.Sprintf(
				"rule %q: operation %q is not an operation of the served document%s",
				r.Name, m.Operation, didYouMean(ops.Suggest(m.Operation, m.Method)))}
		}
		re := m.opRE
		if re == nil {
			re = globRE(m.Operation)
		}
		found := false
		for _, op := range ops.list {
			if found = re.MatchString(op.ID); found {
				break
			}
		}
		if !found {
			return &Error{File: sc.Source, Line: line, Reason: fmt.Sprintf(
				"rule %q: operation pattern %q matches no operation of the served document%s",
				r.Name, m.Operation, didYouMean(ops.Suggest(strings.ReplaceAll(m.Operation, "*", ""), m.Method)))}
		}
	}
	return nil
}

// didYouMean words suggestions for an error message.
func didYouMean(ops []Operation) string {
	if len(ops) == 0 {
		return ""
	}
	parts := make([]string, len(ops))
	for i, op := range ops {
		parts[i] = fmt.Sprintf("%s (%s %s)", op.ID, op.Method, op.Path)
	}
	return "; did you mean " + strings.Join(parts, ", or ") + "?"
}

// verbMethods maps the last word of a drf-spectacular operationId to the
// methods that word stands for. The vendor's ids are drf-spectacular's:
// a view's GET is "_retrieve" (or "_list" on a viewset), a second GET on
// the same path prefix "_retrieve_2", so a guessed "_list" is most often a
// "_retrieve" of the same resource.
var verbMethods = map[string][]string{
	"list": {"GET"}, "retrieve": {"GET"}, "read": {"GET"}, "get": {"GET"},
	"create": {"POST"}, "update": {"PUT", "PATCH"}, "partial_update": {"PATCH"},
	"destroy": {"DELETE"}, "delete": {"DELETE"},
}

// stemAndVerb splits an id into its resource part and its verb: the last
// word, when it is one of verbMethods (after an optional numeric suffix
// such as "_2"), else no verb.
func stemAndVerb(id string) (stem, verb string) {
	s := id
	if i := strings.LastIndexByte(s, '_'); i > 0 && isDigits(s[i+1:]) {
		s = s[:i]
	}
	if strings.HasSuffix(s, "_partial_update") {
		return strings.TrimSuffix(s, "_partial_update"), "partial_update"
	}
	if i := strings.LastIndexByte(s, '_'); i > 0 {
		if _, ok := verbMethods[s[i+1:]]; ok {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Suggest returns up to three operations whose ids are closest to id: the
// same resource first (the id without its verb, by edit distance), then
// one whose method is the one the rule names, or the one id's verb stands
// for ("_list" is a GET), then the whole id's edit distance.
func (o *Operations) Suggest(id, method string) []Operation {
	stem, verb := stemAndVerb(id)
	want := map[string]bool{}
	if method != "" {
		want[strings.ToUpper(method)] = true
	} else {
		for _, m := range verbMethods[verb] {
			want[m] = true
		}
	}
	type scored struct {
		op                Operation
		stemDist, idDist  int
		methodMismatching int
	}
	var all []scored
	for _, op := range o.list {
		opStem, _ := stemAndVerb(op.ID)
		sc := scored{op: op, stemDist: typo.Distance(stem, opStem), idDist: typo.Distance(id, op.ID)}
		if len(want) > 0 && !want[op.Method] {
			sc.methodMismatching = 1
		}
		all = append(all, sc)
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.stemDist != b.stemDist {
			return a.stemDist < b.stemDist
		}
		if a.methodMismatching != b.methodMismatching {
			return a.methodMismatching < b.methodMismatching
		}
		if a.idDist != b.idDist {
			return a.idDist < b.idDist
		}
		return a.op.ID < b.op.ID
	})
	// Past a third of the id's length in edits, a "suggestion" is noise.
	limit := len(stem)/3 + 1
	var out []Operation
	for _, sc := range all {
		if len(out) == maxSuggestions || sc.stemDist > limit {
			break
		}
		out = append(out, sc.op)
	}
	return out
}
