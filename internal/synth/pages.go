package synth

import "github.com/getkin/kin-openapi/openapi3"

// A synthesized page agrees with itself: an object holding a results
// array (DRF's page) counts what it holds and links nowhere, since the
// made-up page is the whole list (count 2 and two results, next and
// previous null), rather than the document's example links
// ("http://api.example.org/accounts/?page=4") or a made-up count. A list
// the long tail keeps sets its own counts and links on the fake's URL
// (package longtail, setLinks).

// pageLists are the array properties a page's items are in.
var pageLists = []string{"results", "data", "items"}

// pageCounts are the properties that count a page's whole list; pageLinks
// those that link to the next and previous pages; pageNumbers those that
// number pages, with the value a single page has.
var (
	pageCounts  = []string{"count", "total", "total_count", "total_results"}
	pageLinks   = []string{"next", "previous", "next_page", "previous_page", "next_url", "previous_url"}
	pageNumbers = map[string]int64{"num_pages": 1, "total_pages": 1, "current_page": 1, "page": 1, "page_number": 1}
)

// settlePage makes out, a value of s, agree with itself if it is a page.
func (g *gen) settlePage(out map[string]any, s *openapi3.Schema) {
	n := -1
	for _, f := range pageLists {
		if list, ok := out[f].([]any); ok {
			n = len(list)
			break
		}
	}
	if n < 0 {
		return
	}
	counted := false
	set := func(name string, v any) {
		p := s.Properties[name]
		if _, have := out[name]; !have || p == nil || p.Value == nil {
			return
		}
		if p.Value.VisitJSON(v, g.direction()) == nil {
			out[name] = v
		}
	}
	for _, c := range pageCounts {
		if _, ok := out[c]; ok {
			counted = true
			set(c, int64(n))
		}
	}
	if !counted {
		return // a wrapper that is no page
	}
	for _, l := range pageLinks {
		p := s.Properties[l]
		if _, have := out[l]; !have || p == nil || p.Value == nil {
			continue
		}
		switch {
		case p.Value.Nullable:
			out[l] = nil
		case p.Value.Type.Is("string"):
			set(l, "")
		}
	}
	for name, v := range pageNumbers {
		if p := s.Properties[name]; p != nil && p.Value != nil && p.Value.Type.Is("integer") {
			set(name, v)
		}
	}
}
