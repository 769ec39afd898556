package synth

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// What a value is about (vocabulary.go): the generator keeps the kind of
// thing it is inside and that thing's seed, which picks its subject, as
// it walks into objects. An object's kind is its property's name's
// ("categories" items are categories, a "google_voice" is a voice), else
// its schema's ("RbacGroup" is a group, "MentorSettings" a mentor's),
// else its parent's; the answer's own, the operation path's.

// kindOfName is the kind of thing a name is about: its last word's, or,
// past words that only say which side of a thing it is (settings, list,
// detail), the word before's; "" when it names none.
func kindOfName(name string) string {
	ws := classOf(name).words
	for i := len(ws) - 1; i >= 0; i-- {
		if k := kindWords[ws[i]]; k != "" {
			return k
		}
		if !facetWords[ws[i]] {
			return ""
		}
	}
	return ""
}

// pathKind is the kind of thing a path template is about: its last
// static segment's, past facets (.../mentors/{mentor}/settings/ is a
// mentor's).
func pathKind(path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := len(segs) - 1; i >= 0; i-- {
		seg := segs[i]
		if seg == "" || seg[0] == '{' {
			continue
		}
		if k := kindOfName(seg); k != "" {
			return k
		}
		if !facetWords[seg] {
			return ""
		}
	}
	return ""
}

// objectKind is the kind of the object named name of schema ref, or "".
func objectKind(ref *openapi3.SchemaRef, name string) string {
	if name != "" {
		if k := kindOfName(name); k != "" {
			return k
		}
	}
	if i := strings.LastIndexByte(ref.Ref, '/'); i >= 0 {
		return kindOfName(ref.Ref[i+1:])
	}
	return ""
}
