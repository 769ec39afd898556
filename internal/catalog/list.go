package catalog

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/labstack/echo/v4"
)

// Page sizes of the catalog lists. No source gives them; DRF's page-number
// paginator with the data manager's usual default and ceiling.
const (
	defaultPageSize = 10
	maxPageSize     = 100
)

// tenantParams are the query parameters that name the tenant; they are
// never metadata filters.
var tenantParams = []string{"platform_key", "key", "org", "platform_org"}

// pagingParams are read by every list.
var pagingParams = []string{"page", "page_size", "sort", "verbose"}

// Envelope is the catalog list envelope. Sources disagree on the link keys
// (the spec's next_page/previous_page, the descriptions' and SKILL-CI's
// next/previous), so both pairs are sent (FIDELITY.md, catalog-page-links).
type Envelope struct {
	Count        int     `json:"count"`
	Next         *string `json:"next"`
	Previous     *string `json:"previous"`
	NextPage     *string `json:"next_page"`
	PreviousPage *string `json:"previous_page"`
	Results      any     `json:"results"`
}

// row is one list item: its view and how to sort and filter it.
type row struct {
	view   any
	fields map[string]any // sortable fields by name
}

// listQuery is how a list reads its query string.
type listQuery struct {
	known       map[string]bool
	sortable    map[string]bool
	defaultSort string
}

// newListQuery describes a list: its default sort, the fields it sorts by
// and the filter parameters it reads (any other parameter filters on
// metadata).
func newListQuery(defaultSort string, sortable []string, filters ...string) listQuery {
	q := listQuery{known: map[string]bool{}, sortable: map[string]bool{}, defaultSort: defaultSort}
	for _, f := range sortable {
		q.sortable[f] = true
	}
	for _, group := range [][]string{tenantParams, pagingParams, filters} {
		for _, p := range group {
			q.known[p] = true
		}
	}
	return q
}

// metadataFilters returns the query parameters the list does not know:
// the real service turns each into a metadata__<key> filter (SKILL-CI).
func (q listQuery) metadataFilters(c echo.Context) map[string]string {
	out := map[string]string{}
	for k, vs := range c.QueryParams() {
		if !q.known[k] && len(vs) > 0 {
			out[k] = vs[len(vs)-1]
		}
	}
	return out
}

// matchesMetadata reports whether md holds every filter value (compared as
// the query string spells it).
func matchesMetadata(md map[string]any, filters map[string]string) bool {
	for k, want := range filters {
		v, ok := md[k]
		if !ok || metadataString(v) != want {
			return false
		}
	}
	return true
}

func metadataString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	default:
		return fmt.Sprint(t)
	}
}

// respond sorts rows as the sort parameter says (default q.defaultSort;
// several fields may be given comma-separated, "-" for descending), pages
// them and writes the envelope.
func (q listQuery) respond(c echo.Context, rows []row) error {
	spec := c.QueryParam("sort")
	if spec == "" {
		spec = q.defaultSort
	}
	var keys []string
	for _, k := range strings.Split(spec, ",") {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		if name := strings.TrimPrefix(k, "-"); !q.sortable[name] {
			return api.Field("sort", fmt.Sprintf("Cannot sort by %q.", name))
		}
		keys = append(keys, k)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		for _, k := range keys {
			desc := strings.HasPrefix(k, "-")
			name := strings.TrimPrefix(k, "-")
			c := compare(rows[i].fields[name], rows[j].fields[name])
			if c == 0 {
				continue
			}
			if desc {
				return c > 0
			}
			return c < 0
		}
		return false
	})
	p, err := api.ParsePage(c, len(rows), defaultPageSize, maxPageSize)
	if err != nil {
		return err
	}
	page := api.Slice(p, rows)
	views := make([]any, len(page))
	for i, r := range page {
		views[i] = r.view
	}
	next, prev := p.Links(c)
	return api.JSON(c, http.StatusOK, Envelope{Count: p.Count, Next: next, Previous: prev,
		NextPage: next, PreviousPage: prev, Results: views})
}

// compare orders two field values of one type; nil sorts after every value
// (PostgreSQL's default: NULLs last ascending, first descending).
func compare(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	switch x := a.(type) {
	case int64:
		y, _ := b.(int64)
		return cmpOrdered(x, y)
	case int:
		y, _ := b.(int)
		return cmpOrdered(x, y)
	case string:
		y, _ := b.(string)
		return cmpOrdered(x, y)
	case bool:
		y, _ := b.(bool)
		return cmpOrdered(boolInt(x), boolInt(y))
	case time.Time:
		y, _ := b.(time.Time)
		return x.Compare(y)
	}
	return 0
}

func cmpOrdered[T int | int64 | string](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ptrValue turns a nil-able pointer into a sortable value (nil stays nil).
func ptrValue[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// hasQuery reports whether the query string names param.
func hasQuery(c echo.Context, param string) bool { return c.QueryParams().Has(param) }

// queryInt64 reads an integer query parameter (already validated).
func queryInt64(c echo.Context, param string) (int64, bool) {
	n, err := strconv.ParseInt(c.QueryParam(param), 10, 64)
	return n, err == nil
}
