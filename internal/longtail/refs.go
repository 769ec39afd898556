package longtail

import (
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/edxkey"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/labstack/echo/v4"
)

// Lists of the entities the other modules hold (FIDELITY.md, "long
// tail"): a list whose path names courses, programs or users, and that no
// family keeps, lists the tenant's own (a catalog's course listing holds
// the courses its credentials, licenses and invitations name, each an
// item of the list's schema with the course's key and its name, the one
// the tenant's credentials give it, else its code), filtered by the
// list's search, query or q parameter and paged as it declares. A tenant
// that has none has an empty list, unless WithLongTailFill asks for
// synthesized screens.

// refKinds are the path segments that list another module's entities,
// and the Names kind they list.
var refKinds = map[string]string{"courses": "course", "programs": "program", "users": "username", "credentials": "credential"}

// refKind is the kind of entity a list path lists, or "".
func refKind(template string) string {
	segs := strings.Split(strings.Trim(template, "/"), "/")
	for i := len(segs) - 1; i >= 0; i-- {
		if s := segs[i]; s != "" && s[0] != '{' && s != "search" && s != "list" {
			return refKinds[s]
		}
	}
	return ""
}

// refFields are the item fields that hold an entity's key, by kind.
var refFields = map[string][]string{
	"course":     {"course_id", "course_key", "id", "key"},
	"program":    {"program_id", "program_key", "id", "key"},
	"username":   {"username", "user_id", "id"},
	"credential": {"credential_id", "entity_id", "entityId", "id"},
}

// refNameFields are the item fields that hold a display name.
var refNameFields = []string{"name", "display_name", "title", "course_name", "program_name"}

// refList answers a list of the tenant's entities of kind; ok is false
// when the answer's schema is no list of objects.
func (m *Module) refList(c echo.Context, kind string) (bool, error) {
	r := api.RequestOf(c).Route
	code, resp := pickResponse(r.Operation, "")
	media := jsonMedia(resp)
	if media == nil || media.Schema == nil {
		return false, nil
	}
	ls := inferList(r.Operation, nil)
	if ls.items == nil || !objectSchema(ls.items) {
		return false, nil
	}
	tenant := api.Tenant(c)
	keys := m.namesOf(tenant)[kind]
	titles := m.titlesOf(tenant)
	if len(keys) == 0 && m.fill {
		return false, nil // synthesized screens, as asked
	}
	sort.Strings(keys)
	q := c.QueryParams()
	var words []string
	for _, p := range []string{"search", "query", "q"} {
		if v := q.Get(p); v != "" {
			words = strings.Fields(strings.ToLower(v))
			break
		}
	}
	var items []map[string]any
	for _, k := range keys {
		it := m.refItem(c, ls.items, kind, k, titleOf(titles, kind, k))
		if searched(it, words) {
			items = append(items, it)
		}
	}
	start, end, page, size, err := pageOf(ls.paging, q, len(items))
	if err != nil {
		return true, err
	}
	out := make([]any, 0, end-start)
	for _, it := range items[start:end] {
		out = append(out, it)
	}
	if ls.field == "" {
		return true, api.JSON(c, code, out)
	}
	env, ok := synth.Value(media.Schema, m.synthOpts(c, synth.Key(m.baseSeed(prefer{}), tenant, "refs", kind))).(map[string]any)
	if !ok {
		env = map[string]any{}
	}
	env[ls.field] = out
	setLinks(env, props(media.Schema), ls.paging, len(items), page, size, start, c)
	return true, api.JSON(c, code, env)
}

// refItem is one entity as an item of schema s: made from the schema,
// seeded by the entity's key, with the key and its name in the fields
// that hold them.
func (m *Module) refItem(c echo.Context, s *openapi3.SchemaRef, kind, key, name string) map[string]any {
	obj := synthBase(s, m.synthOpts(c, synth.Key(m.baseSeed(prefer{}), api.Tenant(c), kind, key)))()
	ps := props(s)
	for _, f := range refFields[kind] {
		if p := ps[f]; p != nil && p.Value != nil && p.Value.Type.Is("string") && fits(p, key) {
			obj[f] = key
			break
		}
	}
	for _, f := range refNameFields {
		if p := ps[f]; p != nil && p.Value != nil && p.Value.Type.Is("string") && fits(p, name) {
			obj[f] = name
		}
	}
	return obj
}

// titleOf is an entity's name: the one the tenant's modules know it by
// (api.Titles: a course's name in its credentials), else as its key says
// it: a course key's course code (course-v1:demo+DS101+2024 is DS101), a
// program key's program, a username as it is.
func titleOf(titles map[string]string, kind, key string) string {
	if t := titles[key]; t != "" {
		return t
	}
	if kind == "course" || kind == "program" {
		return edxkey.Code(key)
	}
	return key
}

// titlesOf reads what the other modules know a tenant's courses and
// programs are called (Options.Titles).
func (m *Module) titlesOf(tenant string) map[string]string {
	if m.titles == nil {
		return nil
	}
	titles, _ := api.Read(m.d.Store, func(tx store.Tx) (map[string]string, error) { return m.titles(tx, tenant), nil })
	return titles
}
