package drf

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
)

// PagingLenient returns the query to validate: a copy of q without page
// and page_size values that are not integers, which DRF's paginator reads
// itself (page "last" is the last page, any other non-integer page a 404
// "Invalid page.", a bad page_size the default) instead of failing with a
// 400. q itself is not changed.
func PagingLenient(q url.Values) url.Values {
	out := q
	for _, name := range []string{"page", "page_size"} {
		if slices.ContainsFunc(q[name], func(v string) bool { _, err := strconv.Atoi(v); return err != nil }) {
			if len(out) == len(q) && out[name] != nil {
				out = maps.Clone(q)
			}
			delete(out, name)
		}
	}
	return out
}
