package longtail

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/iblfake/iblfake/internal/urlconf"
	"github.com/labstack/echo/v4"
)

// Lists of a family's kind (FIDELITY.md, "long-tail lists of a kind"): a
// GET no family keeps whose answer is a list of the very items a family
// keeps (the list's items are the family's item schema, and the path's
// last static segment names them: /api/search/orgs/{org}/users/{username}/mentors/
// lists Mentor, which the mentors family at
// /api/ai-mentor/orgs/{org}/users/{user_id}/ keeps) lists the tenant's
// items of that family, from every collection of it (every user's
// mentors), instead of made-up ones. It filters, searches, orders and
// pages as a family's list does, by its own parameters: those named as
// the items' fields filter by value, search or query searches (the
// search service's name for DRF's search), ordering orders, or order_by
// with order_direction (desc by default, as the search service
// declares). A tenant query parameter names the platform, as the search
// service's do (a key may name only its own). A tenant with none has an
// empty list, unless WithLongTailFill asks for synthesized screens.

// kindListFamily is the family whose items the list operation op at
// template lists, or nil; decided once per template.
func (m *Module) kindListFamily(template string, op *openapi3.Operation) *family {
	if f, ok := m.kindLists.Load(template); ok {
		return f.(*family)
	}
	var f *family
	ls := inferList(op, nil)
	if ls.items != nil && ls.items.Ref != "" && objectSchema(ls.items) {
		kind := schemaKind(ls.items)
		if kind != "" && kindOf(template, false) == kind {
			if cand := m.kinds()[kind]; cand != nil && cand.infer().ok && cand.infer().item.Ref == ls.items.Ref {
				f = cand
			}
		}
	}
	m.kindLists.Store(template, f)
	return f
}

// kindList answers a list of f's kind with the tenant's items of f.
func (m *Module) kindList(c echo.Context, f *family) error {
	r := api.RequestOf(c).Route
	code, resp := pickResponse(r.Operation, "")
	media := jsonMedia(resp)
	if media == nil || media.Schema == nil {
		return m.synthesize(c)
	}
	q := c.QueryParams()
	tenant := api.Tenant(c)
	if t := urlconf.Trim(q.Get("tenant")); t != "" && t != tenant {
		if !api.Allowed(c, t) {
			return api.Detail(http.StatusForbidden, api.MsgForbidden)
		}
		tenant = t
	}
	sh := *f.infer()
	sh.list = inferList(r.Operation, sh.item)
	q = kindListQuery(q, &sh.list)
	type located struct {
		v   *view
		key string
	}
	var parts []located
	err := m.d.Store.View(func(tx store.Tx) error {
		var keys []string
		tx.Scan(Revisions, tenant+store.KeySep, false, func(k string, _ []byte) bool {
			if m.familyOfPath(k[len(tenant)+1:]) == f {
				keys = append(keys, k)
			}
			return true
		})
		for _, k := range keys {
			v, err := m.collection(tx, k, &sh)
			if err != nil {
				return err
			}
			parts = append(parts, located{v, k})
		}
		return nil
	})
	if err != nil {
		return err
	}
	all := &view{byID: map[string]*item{}}
	keyOf := map[*item]string{}
	for _, p := range parts {
		for _, it := range p.v.items {
			all.items = append(all.items, it)
			keyOf[it] = p.key
		}
	}
	if len(all.items) == 0 && m.fill {
		return m.synthesize(c) // synthesized screens, as asked
	}
	sel := selectItems(all, &sh, q)
	total := sel.count()
	start, end, page, size, err := pageOf(sh.list.paging, q, total)
	if err != nil {
		return err
	}
	rendered := make([]any, 0, end-start)
	for _, it := range sel.slice(start, end) {
		rendered = append(rendered, m.listItem(c, it, &sh, keyOf[it]))
	}
	if sh.list.field == "" {
		return api.JSON(c, code, rendered)
	}
	env, ok := synth.Value(media.Schema, m.synthOpts(c, synth.Key(m.baseSeed(prefer{}), tenant, "kind-list", f.collection))).(map[string]any)
	if !ok {
		env = map[string]any{}
	}
	env[sh.list.field] = rendered
	setLinks(env, props(media.Schema), sh.list.paging, total, page, size, start, c)
	return api.JSON(c, code, env)
}

// kindListQuery reads a kind list's own spellings of DRF's search and
// ordering parameters into DRF's: query (or q) is search, order_by with
// order_direction ("desc" unless "asc") is ordering. ls says which the
// list takes.
func kindListQuery(q url.Values, ls *listShape) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = v
	}
	for _, p := range []string{"query", "q"} {
		if v := out.Get(p); v != "" && out.Get("search") == "" {
			out.Set("search", v)
		}
	}
	if out.Get("search") != "" {
		ls.search = true
	}
	if by := out.Get("order_by"); by != "" && out.Get("ordering") == "" {
		if !strings.EqualFold(out.Get("order_direction"), "asc") {
			by = "-" + by
		}
		out.Set("ordering", by)
	}
	if out.Get("ordering") != "" {
		ls.ordering = true
	}
	return out
}
