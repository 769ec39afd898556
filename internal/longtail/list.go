package longtail

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/labstack/echo/v4"
)

// A family's list in the document's own terms (FIDELITY.md, "long tail"):
// the items of the collection the path names, in creation order, filtered
// by the query parameters named like the items' fields (by value, as
// django-filter compares), searched by DRF's search parameter over the
// items' text fields (any of the words, case-insensitive, as SearchFilter
// does), ordered by DRF's ordering parameter (comma-separated fields, "-"
// for descending; unknown fields are ignored, as OrderingFilter ignores
// them), then paged as the operation declares: page and page_size
// (PageNumberPagination: a page past the last is its 404 "Invalid
// page."), limit and offset (LimitOffsetPagination: past the end is an
// empty page), or everything at once; in the envelope the answer's schema
// has (DRF's count/next/previous/results, a bare array, another wrapper),
// with next and previous on the fake's own URL.

// Page sizes where the operation declares paging but the vendor's
// settings are not known: DRF's PAGE_SIZE is the vendor's, and 10 is what
// the modelled lists of the same service use.
const (
	defaultPageSize = 10
	maxPageSize     = 1000
)

// listItems answers a family's list.
func (m *Module) listItems(c echo.Context, f *family) error {
	sh := f.infer()
	r := api.RequestOf(c).Route
	code, resp := pickResponse(r.Operation, "")
	media := jsonMedia(resp)
	if media == nil || media.Schema == nil || sh.list.items == nil {
		return m.synthesize(c) // a list the model cannot fill
	}
	key := collectionKey(api.Tenant(c), collectionPath(f.collection, c.Param))
	if m.fill && len(sh.enumIDs) == 0 {
		if err := m.fillOnce(c, f, key); err != nil {
			return err
		}
	}
	v, err := api.Read(m.d.Store, func(tx store.Tx) (*view, error) { return m.collection(tx, key, sh) })
	if err != nil {
		return err
	}
	q := c.QueryParams()
	sel := selectItems(v, sh, q)
	total := sel.count()
	start, end, page, size, err := pageOf(sh.list.paging, q, total)
	if err != nil {
		return err
	}
	rendered := make([]any, 0, end-start)
	for _, it := range sel.slice(start, end) {
		rendered = append(rendered, m.listItem(c, it, sh, key))
	}
	if sh.list.field == "" {
		return api.JSON(c, code, rendered)
	}
	env, ok := synth.Value(media.Schema, m.synthOpts(c, synth.Key(m.baseSeed(prefer{}), key, "envelope"))).(map[string]any)
	if !ok {
		env = map[string]any{}
	}
	env[sh.list.field] = rendered
	setLinks(env, props(media.Schema), sh.list.paging, total, page, size, start, c)
	return api.JSON(c, code, env)
}

// listItem renders an item as the list's item schema wants it, once per
// item, schema and origin (the fields it lacks are synthesized with URLs
// on the fake's host as the request reached it).
func (m *Module) listItem(c echo.Context, it *item, sh *shape, key string) map[string]any {
	s := sh.list.items
	k := answerKey{s.Value, origin(c)}
	it.mu.Lock()
	defer it.mu.Unlock()
	if a, ok := it.answers[k]; ok {
		return a
	}
	a := render(it.obj, s, synthBase(s, m.synthOpts(c, synth.Key(m.baseSeed(prefer{}), key, "item", it.id))))
	withID(a, s, sh.idField, it.id)
	if it.answers == nil {
		it.answers = map[answerKey]map[string]any{}
	}
	it.answers[k] = a
	return a
}

// selection is a view's items as a list's query filters, searches and
// orders them, read without copying them out: count counts them, slice
// takes a page.
type selection struct {
	v       *view
	order   []int // the items' places in the order asked
	filters []filter
	words   []string
}

// filter is one field filter of a list's query.
type filter struct {
	col    []cell
	text   string
	b, isB bool // the query as a boolean, where it reads as one
}

// selectItems is the selection of v's items the query asks for (the view
// is never changed). Filters and orderings read the view's columns, and
// the ordering is an index the view keeps, so a list of a large
// collection looks into no item's map but those it searches.
func selectItems(v *view, sh *shape, q map[string][]string) selection {
	sel := selection{v: v, order: v.order(sh, q)}
	for param, field := range sh.list.filters {
		if vs := q[param]; len(vs) > 0 && vs[len(vs)-1] != "" {
			f := filter{col: v.column(field), text: vs[len(vs)-1]}
			f.b, f.isB = api.ParseBool(f.text)
			sel.filters = append(sel.filters, f)
		}
	}
	if sh.list.search {
		if vs := q["search"]; len(vs) > 0 {
			// SearchFilter splits on white space and commas; an item matches
			// when every term is in one of its fields.
			sel.words = strings.FieldsFunc(strings.ToLower(vs[len(vs)-1]), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
		}
	}
	return sel
}

// keeps reports whether the item at place i is selected.
func (s selection) keeps(i int) bool {
	for _, f := range s.filters {
		if !f.col[i].equals(f.text, f.b, f.isB) {
			return false
		}
	}
	return len(s.words) == 0 || searched(s.v.items[i].obj, s.words)
}

// count is how many items are selected.
func (s selection) count() int {
	if len(s.filters) == 0 && len(s.words) == 0 {
		return len(s.order)
	}
	n := 0
	for _, i := range s.order {
		if s.keeps(i) {
			n++
		}
	}
	return n
}

// slice is the selected items [start, end) in order.
func (s selection) slice(start, end int) []*item {
	out := make([]*item, 0, end-start)
	n := 0
	for _, i := range s.order {
		if n >= end {
			break
		}
		if !s.keeps(i) {
			continue
		}
		if n >= start {
			out = append(out, s.v.items[i])
		}
		n++
	}
	return out
}

// maxOrders bounds the orderings a view keeps.
const maxOrders = 8

// order is the places of v's items as the query's ordering sorts them
// (creation order without one), made once per view and ordering.
func (v *view) order(sh *shape, q map[string][]string) []int {
	spec := ""
	if sh.list.ordering {
		if vs := q["ordering"]; len(vs) > 0 {
			spec = vs[len(vs)-1]
		}
	}
	v.mu.Lock()
	idx, ok := v.orders[spec]
	v.mu.Unlock()
	if ok {
		return idx
	}
	idx = make([]int, len(v.items))
	for i := range idx {
		idx[i] = i
	}
	if spec != "" {
		ordered(v, idx, strings.Split(spec, ","), props(sh.item))
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.orders == nil || len(v.orders) >= maxOrders {
		v.orders = map[string][]int{}
	}
	v.orders[spec] = idx
	return idx
}

// cell is one item's value of a field, read once per view for filters
// and orderings: its text (as a filter compares it; a related object's id),
// and its number or boolean where it is one.
type cell struct {
	text string
	num  float64
	kind uint8 // cellNull, cellNumber, cellBool, cellText, cellObject
	b    bool
}

const (
	cellNull uint8 = iota
	cellNumber
	cellBool
	cellText
	cellObject
)

// cellOf reads a value as a cell.
func cellOf(v any) cell {
	switch x := v.(type) {
	case nil:
		return cell{kind: cellNull}
	case bool:
		return cell{kind: cellBool, b: x, text: strconv.FormatBool(x)}
	case float64:
		return cell{kind: cellNumber, num: x, text: idString(x)}
	case map[string]any:
		// A related object is filtered by its id, as a foreign key is.
		for _, k := range []string{"id", "unique_id", "pk", "slug", "key", "name"} {
			if w, ok := x[k]; ok {
				return cell{kind: cellObject, text: idString(w)}
			}
		}
		return cell{kind: cellObject} // no id: no filter selects it
	case string:
		return cell{kind: cellText, text: x}
	}
	return cell{kind: cellText, text: idString(v)}
}

// equals reports whether a filter's query value selects the cell: a
// boolean as DRF's spellings read, the rest compared as text.
func (c cell) equals(q string, qb, isBool bool) bool {
	switch c.kind {
	case cellBool:
		return isBool && qb == c.b
	case cellObject:
		return c.text == q && c.text != ""
	}
	return c.text == q
}

// column is field's cells, one per item in the view's order.
func (v *view) column(field string) []cell {
	v.mu.Lock()
	defer v.mu.Unlock()
	if col, ok := v.cols[field]; ok {
		return col
	}
	col := make([]cell, len(v.items))
	for i, it := range v.items {
		col[i] = cellOf(it.obj[field])
	}
	if v.cols == nil {
		v.cols = map[string][]cell{}
	}
	v.cols[field] = col
	return col
}

// searched reports whether every word is in one of obj's text fields.
func searched(obj map[string]any, words []string) bool {
	for _, w := range words {
		found := false
		for _, v := range obj {
			if s, ok := v.(string); ok && strings.Contains(strings.ToLower(s), w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// ordered sorts idx, places in view v, by fields ("-" descending),
// ignoring the fields the item schema does not have; stable, so creation
// order breaks ties.
func ordered(v *view, idx []int, fields []string, ps map[string]*openapi3.SchemaRef) {
	type key struct {
		col  []cell
		desc bool
	}
	var keys []key
	for _, f := range fields {
		f = strings.TrimSpace(f)
		desc := strings.HasPrefix(f, "-")
		f = strings.TrimPrefix(f, "-")
		if ps[f] != nil {
			keys = append(keys, key{v.column(f), desc})
		}
	}
	if len(keys) == 0 {
		return
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		for _, k := range keys {
			c := compareCells(k.col[a], k.col[b])
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
}

// compareCells orders values: nulls first (PostgreSQL's order for
// ascending is nulls last; DRF leaves it to the database, and the fake
// puts them first so an ascending page is stable), numbers numerically,
// booleans false first, the rest as text.
func compareCells(a, b cell) int {
	switch {
	case a.kind == cellNull && b.kind == cellNull:
		return 0
	case a.kind == cellNull:
		return -1
	case b.kind == cellNull:
		return 1
	case a.kind == cellNumber && b.kind == cellNumber:
		return cmp.Compare(a.num, b.num)
	case a.kind == cellBool && b.kind == cellBool:
		return cmp.Compare(boolInt(a.b), boolInt(b.b))
	}
	return strings.Compare(a.text, b.text)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pageOf is the slice of total items a query's page is, as the paginator
// reads it: [start, end), with the page number and size for the links.
func pageOf(paging string, q map[string][]string, total int) (start, end, page, size int, err error) {
	last := func(name string) string {
		if vs := q[name]; len(vs) > 0 {
			return vs[len(vs)-1]
		}
		return ""
	}
	switch paging {
	case "page":
		size = defaultPageSize
		if n, e := strconv.Atoi(last("page_size")); e == nil && n > 0 {
			size = min(n, maxPageSize)
		}
		pages := max(1, (total+size-1)/size)
		page = 1
		if p := last("page"); p != "" {
			n, e := strconv.Atoi(p)
			switch {
			case p == "last":
				n = pages
			case e != nil || n < 1 || n > pages:
				return 0, 0, 0, 0, api.Detail(http.StatusNotFound, api.MsgInvalidPage)
			}
			page = n
		}
		start = (page - 1) * size
		return start, min(total, start+size), page, size, nil
	case "offset":
		size = defaultPageSize
		if n, e := strconv.Atoi(last("limit")); e == nil && n > 0 {
			size = min(n, maxPageSize)
		}
		if n, e := strconv.Atoi(last("offset")); e == nil && n > 0 {
			start = min(n, total)
		}
		return start, min(total, start+size), 0, size, nil
	}
	return 0, total, 1, max(total, 1), nil
}

// setLinks fills an envelope's count, links and page numbers, those its
// schema declares.
func setLinks(env map[string]any, ps openapi3.Schemas, paging string, total, page, size, start int, c echo.Context) {
	set := func(name string, v any) {
		if ps[name] != nil {
			env[name] = v
		}
	}
	for _, n := range []string{"count", "total", "total_count", "total_results"} {
		set(n, total)
	}
	pages := max(1, (total+size-1)/size)
	// link sets a link field: the page number n, or the fake's own URL
	// with query's parameters set ("" removes one: DRF's link to the first
	// page carries no page parameter).
	link := func(name string, exists bool, n int, query map[string]string) {
		p := ps[name]
		if p == nil || p.Value == nil {
			return
		}
		switch {
		case !exists && p.Value.Nullable:
			env[name] = nil
		case p.Value.Type.Is("integer"):
			if exists {
				env[name] = n
			} else {
				env[name] = 0
			}
		case p.Value.Type.Is("string") && exists:
			u := *c.Request().URL
			qv := u.Query()
			for k, v := range query {
				if v == "" {
					qv.Del(k)
				} else {
					qv.Set(k, v)
				}
			}
			u.RawQuery = qv.Encode()
			env[name] = c.Scheme() + "://" + c.Request().Host + u.String()
		case p.Value.Type.Is("string"):
			env[name] = ""
		}
	}
	switch paging {
	case "offset":
		next := map[string]string{"limit": strconv.Itoa(size), "offset": strconv.Itoa(start + size)}
		prev := map[string]string{"limit": strconv.Itoa(size), "offset": strconv.Itoa(max(0, start-size))}
		if start-size <= 0 {
			prev["offset"] = "" // DRF's link back to the start has no offset
		}
		link("next", start+size < total, 0, next)
		link("previous", start > 0, 0, prev)
	default:
		prev := map[string]string{"page": strconv.Itoa(page - 1)}
		if page-1 == 1 {
			prev["page"] = ""
		}
		next := map[string]string{"page": strconv.Itoa(page + 1)}
		link("next", page < pages, page+1, next)
		link("previous", page > 1, page-1, prev)
		link("next_page", page < pages, page+1, next)
		link("previous_page", page > 1, page-1, prev)
	}
	set("num_pages", pages)
	set("total_pages", pages)
	for _, n := range []string{"current_page", "page_number", "page"} {
		if p := ps[n]; p != nil && p.Value != nil && p.Value.Type.Is("integer") {
			env[n] = page
		}
	}
	for _, n := range []string{"page_size", "max_page_size"} {
		if p := ps[n]; p != nil && p.Value != nil && p.Value.Type.Is("integer") {
			env[n] = size
		}
	}
}
