package longtail

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/internal/edxkey"
	"github.com/iblfake/iblfake/internal/urlconf"
	"github.com/labstack/echo/v4"
)

// The search service's catalog (FIDELITY.md, "catalog search"): the
// personalized catalog and the catalog search list the tenant's own
// courses and programs, those its credentials, licenses and invitations
// name (api.Names), with the names its credentials give them (api.Titles),
// as the vendor's course and program pickers read them (corrections
// catalog-search-*): {count, next, previous, current_page, total_pages,
// results: [{type: "course", data: {id, course_id, name}}, {type:
// "program", data: {id, program_id, program_key, name}}]}. content picks
// the kinds (courses, programs; none: both), query keeps the entities
// whose name or key holds every word of it (case-insensitive), tenant
// names the platform searched (else the request's tenant: for these
// public operations the default tenant), limit and offset page.

// catalogSearchOps are the operations answered so, spelled out once.
var catalogSearchOps = map[string]bool{
	"search_personalized_catalog_retrieve": true,
	"search_catalog_retrieve":              true,
}

// searchPageSize is the operations' declared default limit.
const searchPageSize = 12

// searchKinds maps the content parameter's values to the result types
// the fake holds entities of; a value it holds none of ("pathways",
// "resources") lists nothing.
var searchKinds = map[string]string{"courses": "course", "course": "course", "programs": "program", "program": "program"}

// catalogSearch answers one of catalogSearchOps.
func (m *Module) catalogSearch(c echo.Context) error {
	tenant := api.Tenant(c)
	q := c.QueryParams()
	if t := urlconf.Trim(q.Get("tenant")); t != "" && t != tenant {
		// The search's platform filter names the platform searched. Both
		// searches are public in the document, as the vendor's public
		// catalog is (no key is read, so any platform may be named); were
		// one to take a key, it could name only the key's platforms.
		if !api.Allowed(c, t) {
			return api.Detail(http.StatusForbidden, api.MsgForbidden)
		}
		tenant = t
	}
	want := map[string]bool{}
	for _, v := range q["content"] {
		for _, s := range strings.Split(v, ",") {
			want[searchKinds[strings.ToLower(strings.TrimSpace(s))]] = true
		}
	}
	if len(q["content"]) == 0 {
		want["course"], want["program"] = true, true
	}
	words := strings.Fields(strings.ToLower(q.Get("query")))
	names, titles := m.namesOf(tenant), m.titlesOf(tenant)
	var results []any
	if want["course"] {
		for _, key := range names["course"] {
			name := titleOf(titles, "course", key)
			if holdsAll(words, name, key) {
				results = append(results, map[string]any{"type": "course", "data": map[string]any{"id": key, "course_id": key, "name": name}})
			}
		}
	}
	if want["program"] {
		for _, p := range programsOf(names["program"], titles) {
			if holdsAll(words, p.name, p.key, p.id) {
				results = append(results, map[string]any{"type": "program", "data": map[string]any{"id": p.key, "program_id": p.id, "program_key": p.key, "name": p.name}})
			}
		}
	}
	size := searchPageSize
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
		size = min(n, maxPageSize)
	}
	start := 0
	if n, err := strconv.Atoi(q.Get("offset")); err == nil && n > 0 {
		start = min(n, len(results))
	}
	end := min(len(results), start+size)
	env := map[string]any{"results": append([]any{}, results[start:end]...)}
	code, resp := pickResponse(api.RequestOf(c).Route.Operation, "")
	if media := jsonMedia(resp); media != nil && media.Schema != nil {
		setLinks(env, props(media.Schema), "offset", len(results), start/size+1, size, start, c)
	}
	return api.JSON(c, code, env)
}

// program is one program of the tenant: its key, a program id that
// names it ("" when only the key is known) and its name.
type program struct{ key, id, name string }

// programsOf groups the tenant's program ids and keys (api.Names mixes
// them) by program key, in key order.
func programsOf(idsAndKeys []string, titles map[string]string) []program {
	byKey := map[string]*program{}
	var keys []string
	for _, v := range idsAndKeys {
		key, ok := edxkey.ProgramKey(v)
		if !ok {
			continue
		}
		p := byKey[key]
		if p == nil {
			p = &program{key: key}
			byKey[key] = p
			keys = append(keys, key)
		}
		if v != key && (p.id == "" || v < p.id) {
			p.id = v
		}
	}
	slices.Sort(keys)
	out := make([]program, 0, len(keys))
	for _, k := range keys {
		p := byKey[k]
		p.name = titles[p.id]
		if p.name == "" {
			p.name = titleOf(titles, "program", k)
		}
		out = append(out, *p)
	}
	return out
}

// holdsAll reports whether every word is in one of the texts
// (case-insensitive); no words hold everything.
func holdsAll(words []string, texts ...string) bool {
	for _, w := range words {
		found := false
		for _, t := range texts {
			if strings.Contains(strings.ToLower(t), w) {
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
