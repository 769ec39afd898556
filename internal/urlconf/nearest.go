package urlconf

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iblfake/iblfake/internal/typo"
)

// Near is a view a path does not resolve to but comes within one segment
// of, and how the path misses it.
type Near struct {
	View *View
	// Why says how the path differs: a segment misspelt, one too many or
	// missing, or the trailing slash.
	Why string
	// score ranks candidates: lower is nearer.
	score int
}

// maxNear bounds the candidates one lookup collects; maxNearPath the path
// it looks at (the document's longest template is far shorter).
const (
	maxNear     = 256
	maxNearPath = 2048
)

// Nearest finds the view path comes closest to resolving to, for a 404's
// journal entry: the same path with or without its trailing slash, or
// with one segment changed, added or removed. Among several, a misspelt
// segment nearest in spelling wins, then the template first in order.
// false when none is within one segment.
func (r *Resolver) Nearest(path string) (Near, bool) {
	// No template is near a path longer than any: a request that sends a
	// megabyte of segments costs no split of it.
	if len(path) > maxNearPath || strings.Count(path, "/") > MaxParams+16 {
		return Near{}, false
	}
	segs := strings.Split(Canonical(path), "/")
	var found []Near
	var walk func(n *node, i int, e *edit)
	walk = func(n *node, i int, e *edit) {
		if len(found) >= maxNear {
			return
		}
		if i == len(segs) {
			if n.view != nil && e != nil {
				found = append(found, e.near(n.view))
			}
			if e == nil { // one segment missing at the end
				for _, k := range n.keys {
					if c := n.static[k]; c.view != nil {
						found = append(found, (&edit{kind: missingLast, key: k}).near(c.view))
					}
				}
				if n.param != nil && n.param.view != nil {
					found = append(found, (&edit{kind: missingLast}).near(n.param.view))
				}
			}
			return
		}
		seg := segs[i]
		if c := n.static[seg]; c != nil {
			walk(c, i+1, e)
		}
		if n.param != nil && seg != "" {
			walk(n.param, i+1, e)
		}
		if e != nil {
			return
		}
		// One edit: this segment misspelt, extra, or one missing before it.
		for _, k := range n.keys {
			if k != seg {
				walk(n.static[k], i+1, &edit{kind: misspelt, seg: seg, key: k})
			}
		}
		walk(n, i+1, &edit{kind: extra, seg: seg, last: i == len(segs)-1})
		for _, k := range n.keys {
			if k != "" {
				walk(n.static[k], i, &edit{kind: missing, seg: seg, key: k})
			}
		}
		if n.param != nil {
			walk(n.param, i, &edit{kind: missing, seg: seg})
		}
	}
	walk(&r.root, 0, nil)
	if len(found) == 0 {
		return Near{}, false
	}
	slices.SortStableFunc(found, func(a, b Near) int {
		if a.score != b.score {
			return a.score - b.score
		}
		return strings.Compare(a.View.Template, b.View.Template)
	})
	return found[0], true
}

// edit is how a path misses a template by one segment; its words and
// score are made only for a template it reaches.
type edit struct {
	kind     int
	seg, key string // the path's segment; the template's ("" for a parameter)
	last     bool   // seg is the path's last (an extra trailing slash)
}

const (
	misspelt = iota
	extra
	missing
	missingLast
)

func (e *edit) near(v *View) Near {
	n := Near{View: v}
	switch {
	case e.kind == misspelt:
		n.Why, n.score = fmt.Sprintf("segment %q is not %q", e.seg, e.key), typo.Distance(e.seg, e.key)
	case e.kind == extra && e.seg == "" && e.last:
		n.Why, n.score = "the path has a trailing slash the route lacks", 3
	case e.kind == extra:
		n.Why, n.score = fmt.Sprintf("segment %q is one too many", e.seg), 3
	case e.kind == missing && e.key == "":
		// A missing id or org is likelier than a missing word.
		n.Why, n.score = fmt.Sprintf("a segment (a value) is missing before %q", e.seg), 2
	case e.kind == missing:
		n.Why, n.score = fmt.Sprintf("a segment %q is missing before %q", e.key, e.seg), 3
	case e.key == "" && v.Template != "" && strings.HasSuffix(v.Template, "/"):
		n.Why, n.score = "the path lacks the trailing slash", 0
	case e.key == "":
		n.Why, n.score = "a last segment (a value) is missing", 3
	default:
		n.Why, n.score = fmt.Sprintf("a last segment %q is missing", e.key), 3
	}
	return n
}
