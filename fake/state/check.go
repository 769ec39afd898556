package state

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/typo"
	"gopkg.in/yaml.v3"
)

// Schema is what the server's modules declare of the store, from which a
// state document is checked: which entries are whose (Scopes, also the
// buckets that exist at all), the indexes that must agree with their
// entities (Indexes), and the buckets the server keeps for itself
// (Private: its runtime settings), which are not state: never exported,
// refused in a document, and kept when an import replaces everything.
type Schema struct {
	Scopes  []store.Scope
	Indexes []api.Index
	Private []string
}

// private reports whether bucket is one the server keeps for itself.
func (sch *Schema) private(bucket string) bool {
	return sch != nil && slices.Contains(sch.Private, bucket)
}

// Problem is why a state document cannot be imported: the entry it is
// about (Key empty: the bucket itself; Sequence: the bucket's sequence)
// and the reason.
type Problem struct {
	Bucket, Key string
	Sequence    bool
	Reason      string
}

// Field is where the problem is in the document: buckets.B.K, buckets.B
// or sequences.B (a key that is not printable is quoted).
func (p *Problem) Field() string {
	if p.Sequence {
		return "sequences." + p.Bucket
	}
	if p.Key == "" {
		return "buckets." + p.Bucket
	}
	return "buckets." + p.Bucket + "." + printable(p.Key)
}

func (p *Problem) Error() string { return p.Field() + ": " + p.Reason }

// printable is k as written, or quoted when it holds characters a message
// should not (index keys hold NUL separators).
func printable(k string) string {
	if strconv.CanBackquote(k) && !strings.ContainsAny(k, " .") {
		return k
	}
	return strconv.Quote(k)
}

// Check finds the first reason (in a stable order) that st cannot be
// imported under sch: a bucket no module keeps (a typo), one the server
// keeps for itself, an entity the module would not store, an entity
// without the index entries the module writes beside it (the lists read
// them: a hand-written export without them loads and shows nothing), an
// index entry that disagrees with its entity or refers to none. nil when
// st is consistent.
func Check(st *State, sch *Schema) *Problem {
	if sch == nil {
		return nil
	}
	for _, b := range slices.Sorted(maps.Keys(st.Buckets)) {
		if p := sch.checkBucket(b); p != nil {
			return p
		}
	}
	for _, b := range slices.Sorted(maps.Keys(st.Sequences)) {
		if p := sch.checkBucket(b); p != nil {
			p.Sequence = true
			return p
		}
	}
	for _, idx := range sch.Indexes {
		if p := checkIndex(st, idx); p != nil {
			return p
		}
	}
	return nil
}

// checkBucket refuses a bucket name no module declares, or one the server
// keeps for itself.
func (sch *Schema) checkBucket(b string) *Problem {
	if sch.private(b) {
		return &Problem{Bucket: b, Reason: "the fake's own bucket (its runtime settings: scenarios, clock), not state; a document cannot hold it"}
	}
	if _, ok := store.Resolve(sch.Scopes, b); ok {
		return nil
	}
	known := make([]string, 0, len(sch.Scopes))
	for _, sc := range sch.Scopes {
		known = append(known, sc.Bucket)
	}
	reason := "no module keeps a bucket of this name, so nothing would ever read it"
	if near := typo.Closest(b, slices.Sorted(slices.Values(known))); near != "" {
		reason += "; did you mean " + near + "?"
	}
	return &Problem{Bucket: b, Reason: reason}
}

// checkIndex compares each index bucket of idx in st with the entries the
// entities of its entity bucket have in it.
func checkIndex(st *State, idx api.Index) *Problem {
	// The concrete entity and index buckets: one pair, or one per kind.
	kinds := map[string]bool{}
	for b := range st.Buckets {
		if k, ok := kindOf(b, idx.Of); ok {
			kinds[k] = true
		}
		if k, ok := kindOf(b, idx.Bucket); ok {
			kinds[k] = true
		}
	}
	for _, kind := range slices.Sorted(maps.Keys(kinds)) {
		of, in := idx.Of+kind, idx.Bucket+kind
		type want struct {
			value  []byte
			entity string
		}
		expected := map[string]want{}
		entities := st.Buckets[of]
		for _, k := range slices.Sorted(maps.Keys(entities)) {
			es, err := idx.Entries(k, entities[k])
			if err != nil {
				return &Problem{Bucket: of, Key: k, Reason: "not an entity this bucket can hold: " + err.Error()}
			}
			for _, e := range es {
				raw, ok := st.Buckets[in][e.Key]
				if !ok {
					return &Problem{Bucket: of, Key: k, Reason: fmt.Sprintf(
						"has no entry in %s (want key %s), which the lists read; an export holds both, and a seed file (format: iblfake-seed/1) makes them", in, strconv.Quote(e.Key))}
				}
				if e.Value != nil {
					have, err := decodeStateValue(raw)
					if err != nil || string(have) != string(e.Value) {
						return &Problem{Bucket: in, Key: e.Key, Reason: fmt.Sprintf("does not agree with %s/%s: want %s", of, strconv.Quote(k), strconv.Quote(string(e.Value)))}
					}
				}
				expected[e.Key] = want{e.Value, k}
			}
		}
		for _, k := range slices.Sorted(maps.Keys(st.Buckets[in])) {
			if _, ok := expected[k]; !ok {
				return &Problem{Bucket: in, Key: k, Reason: "an index entry for no entity of " + of + " the document holds"}
			}
		}
	}
	return nil
}

// kindOf reports whether bucket is name, or name's kind when name is a
// per-kind prefix (ending in "."), and the kind ("" for name itself).
func kindOf(bucket, name string) (string, bool) {
	if bucket == name {
		return "", true
	}
	if strings.HasSuffix(name, ".") {
		if k, ok := strings.CutPrefix(bucket, name); ok && k != "" {
			return k, true
		}
	}
	return "", false
}

// Locate turns a Problem Check found in fixtures (merged by MergeFixtures
// from states, read from files) into a *FixtureError naming the first
// file that gives the entry and its line there. read returns a file's
// bytes again, parsed only now, on the way to an error.
func Locate(p *Problem, files []string, states []*State, read func(i int) ([]byte, error)) *FixtureError {
	fe := &FixtureError{File: strings.Join(files, ", "), Field: p.Field(), Reason: p.Reason}
	for i, st := range states {
		var has bool
		switch {
		case p.Sequence:
			_, has = st.Sequences[p.Bucket]
		case p.Key == "":
			_, has = st.Buckets[p.Bucket]
		default:
			_, has = st.Buckets[p.Bucket][p.Key]
		}
		if !has {
			continue
		}
		fe.File = files[i]
		if data, err := read(i); err == nil {
			fe.Line = lineOf(data, p)
		}
		return fe
	}
	return fe
}

// lineOf is the line of p's entry in a fixture's text (YAML or JSON), 0
// when it cannot be found.
func lineOf(data []byte, p *Problem) int {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return 0
	}
	path := []string{"buckets", p.Bucket, p.Key}
	if p.Sequence {
		path = []string{"sequences", p.Bucket}
	} else if p.Key == "" {
		path = path[:2]
	}
	n, line := doc.Content[0], 0
	for _, want := range path {
		n = deref(n)
		if n.Kind != yaml.MappingNode {
			return line
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := deref(n.Content[i]); k.Value == want {
				line, n, found = k.Line, n.Content[i+1], true
				break
			}
		}
		if !found {
			return line
		}
	}
	return line
}
