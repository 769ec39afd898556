package longtail

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/iblfake/iblfake/internal/urlconf"
	"github.com/labstack/echo/v4"
)

// Relations, inferred from names (FIDELITY.md, "long tail"): a
// synthesized field whose name says it names another entity takes its
// value from the tenant's own entities of that kind, so an analytics
// answer names the tenant's users and courses, not made-up ones. The
// kinds: the users, courses, programs and credentials the other modules
// know (api.Names), and the long tail's own families (a "mentor" or
// "mentor_id" field names one of the tenant's mentors). A field whose
// kind the tenant has none of is synthesized as before.
//
// First of all, a field that names what the request's path names is the
// path's value (echoed): the path parameter itself where it names an id
// ("id", "session_id"), or the parameter with "_id", "_unique_id" or "_uuid"
// after it ({mentor} in a mentor_unique_id), where the value fits the
// field's schema, so a detail describes what was asked for
// (FIDELITY.md, "The vendor's frontend": path ids in answers).

// fieldKinds maps a field's name to the kind of entity it names.
var fieldKinds = map[string]string{
	"username": "username", "user": "username", "user_name": "username", "student": "username",
	"learner": "username", "owner": "username", "created_by": "username", "recipient": "username",
	"user_id": "user_id", "student_id": "user_id", "learner_id": "user_id",
	"email": "email", "user_email": "email", "student_email": "email",
	"course_id": "course", "course": "course", "course_key": "course",
	"program_id": "program", "program_key": "program", "program": "program",
	"credential_id": "credential", "credential": "credential",
}

// picker is a request's synth.Options.Pick: the tenant's names, read once
// per request, the first time a field asks; read, when not nil, is set
// when it asked the store.
func (m *Module) picker(c echo.Context, read *bool) func(synth.Field) (any, bool) {
	var once, displayOnce sync.Once
	var names map[string][]string
	var display map[string][]string
	tenant := api.Tenant(c)
	echoed := echoes(c)
	return func(f synth.Field) (any, bool) {
		field, s, seed := f.Name, f.Schema, f.Seed
		if v, ok := echoed[field]; ok {
			ref := &openapi3.SchemaRef{Value: s}
			if tv, ok := typed(ref, v); ok && fits(ref, tv) {
				return tv, true
			}
		}
		if f.Display {
			if !s.Type.Is("string") || f.Kind == "" {
				return nil, false
			}
			key := f.Kind
			if displayKinds[key] == "" {
				fam := m.kinds()[key]
				if fam == nil {
					return nil, false
				}
				key = "family:" + fam.collection
			}
			displayOnce.Do(func() { display = m.displayNamesOf(tenant) })
			if read != nil {
				*read = true
			}
			vs := display[key]
			if len(vs) == 0 {
				return nil, false
			}
			return vs[seed%uint64(len(vs))], true
		}
		kind := fieldKinds[field]
		if kind == "" {
			kind = m.familyKind(field)
		}
		if kind == "" {
			return nil, false
		}
		once.Do(func() { names = m.namesOf(tenant) })
		if read != nil {
			*read = true
		}
		if s.Type.Is("integer") {
			if kind == "username" {
				kind = "user_id"
			}
			vs := names[kind]
			for range len(vs) {
				n, err := strconv.ParseInt(vs[seed%uint64(len(vs))], 10, 64)
				if err == nil {
					return n, true
				}
				seed++
			}
			return nil, false
		}
		if kind == "user_id" && len(names["user_id"]) == 0 {
			kind = "username" // a string user_id is a username on this service
		}
		vs := names[kind]
		if len(vs) == 0 {
			return nil, false
		}
		return vs[seed%uint64(len(vs))], true
	}
}

// echoes are the fields a request's path parameters name, with their
// values: "id" for {id}, "session_id" for {session_id}; "mentor_id",
// "mentor_unique_id" and "mentor_uuid" for {mentor}. The parameters naming the tenant or the
// user are left to the tenant and the relations above.
func echoes(c echo.Context) map[string]string {
	names, values := c.ParamNames(), c.ParamValues()
	out := map[string]string{}
	for i, name := range names {
		if i >= len(values) || values[i] == "" || userParams[name] || slices.Contains(urlconf.TenantParams, name) {
			continue
		}
		if name == "id" {
			out[name] = values[i]
			continue
		}
		for _, suffix := range []string{"_id", "_unique_id", "_uuid"} {
			if strings.HasSuffix(name, suffix) {
				out[name] = values[i]
			} else {
				out[name+suffix] = values[i]
			}
		}
	}
	return out
}

// familyKind is the family a field names ("mentor", "mentor_id" and
// "mentor_unique_id" name the mentors), or "". A "mentor_name" holds a
// mentor's name, not its id: displayNamesOf.
func (m *Module) familyKind(field string) string {
	f := strings.TrimSuffix(strings.TrimSuffix(field, "_unique_id"), "_id")
	if fam := m.kinds()[f]; fam != nil {
		return "family:" + fam.collection
	}
	return ""
}

// kinds maps what the families' items are called to the families: by
// their collection's path (".../mcp-servers/" holds mcp_servers) and by
// their item schema's name (Mentor, MentorDetail: mentor), which every
// family's inference decides, once per server.
func (m *Module) kinds() map[string]*family {
	m.kindsOnce.Do(func() {
		m.byKind = map[string]*family{}
		for _, f := range m.model.families {
			if k := schemaKind(f.infer().item); k != "" && m.byKind[k] == nil {
				m.byKind[k] = f
			}
		}
		for k, f := range m.model.byKind {
			if m.byKind[k] == nil {
				m.byKind[k] = f
			}
		}
	})
	return m.byKind
}

// schemaKind is a schema's component name as a field would name it:
// "MentorDetail" is a mentor, "MCPServer" an mcp_server.
func schemaKind(s *openapi3.SchemaRef) string {
	name := refName(s)
	if name == "the answer" {
		return ""
	}
	for _, suffix := range []string{"Serializer", "Response", "Detail", "List", "Read", "Public", "Create", "Update"} {
		name = strings.TrimSuffix(name, suffix)
	}
	var b strings.Builder
	for i, r := range name {
		upper := r >= 'A' && r <= 'Z'
		if upper {
			// A word starts at an upper-case letter after a lower-case one,
			// or before one ("MCPServer": mcp_server).
			if i > 0 && (name[i-1] >= 'a' && name[i-1] <= 'z' || i+1 < len(name) && name[i+1] >= 'a' && name[i+1] <= 'z' && name[i-1] >= 'A' && name[i-1] <= 'Z') {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// namesOf reads a tenant's names: the other modules' and the long tail's
// families' ids (each family's items across its parents), each list
// sorted and without repeats so a seed picks the same one every time.
func (m *Module) namesOf(tenant string) map[string][]string {
	names, _ := api.Read(m.d.Store, func(tx store.Tx) (map[string][]string, error) {
		out := map[string][]string{}
		if m.names != nil {
			for k, vs := range m.names(tx, tenant) {
				out[k] = vs
			}
		}
		tx.Scan(IDs, tenant+store.KeySep, false, func(k string, _ []byte) bool {
			parts := strings.Split(k, store.KeySep)
			if len(parts) != 3 {
				return true
			}
			if f := m.familyOfPath(parts[1]); f != nil {
				kind := "family:" + f.collection
				if len(out[kind]) < maxFamilyNames {
					out[kind] = append(out[kind], parts[2])
				}
			}
			return true
		})
		for k, vs := range out {
			slices.Sort(vs)
			out[k] = slices.Compact(vs)
		}
		return out, nil
	})
	return names
}

const maxFamilyNames = 500

// displayKinds are the kinds of the other modules' entities whose
// display names api.Names gives (a course's name, not its key), and the
// Names kind that holds them.
var displayKinds = map[string]string{"course": "course_name", "program": "program_name", "credential": "credential_name"}

// maxDisplayNames bounds the names read of one family's items: enough to
// vary, few enough to read on a request.
const maxDisplayNames = 50

// displayNamesOf reads the display names of a tenant's things: its
// courses', programs' and credentials' names the other modules know (by
// kind), and the name, title or display_name of its long-tail items (by
// "family:" and the family's collection), so a field synth says names a
// group names one of the tenant's RBAC groups; each list sorted and
// without repeats.
func (m *Module) displayNamesOf(tenant string) map[string][]string {
	out, _ := api.Read(m.d.Store, func(tx store.Tx) (map[string][]string, error) {
		out := map[string][]string{}
		if m.names != nil {
			all := m.names(tx, tenant)
			for kind, k := range displayKinds {
				out[kind] = append(out[kind], all[k]...)
			}
		}
		tx.Scan(IDs, tenant+store.KeySep, false, func(k string, place []byte) bool {
			parts := strings.Split(k, store.KeySep)
			if len(parts) != 3 {
				return true
			}
			f := m.familyOfPath(parts[1])
			if f == nil {
				return true
			}
			kind := "family:" + f.collection
			if len(out[kind]) >= maxDisplayNames {
				return true
			}
			var rec struct {
				Name        any `json:"name"`
				Title       any `json:"title"`
				DisplayName any `json:"display_name"`
			}
			raw := tx.Get(Records, tenant+store.KeySep+parts[1]+store.KeySep+string(place))
			if raw == nil || json.Unmarshal(raw, &rec) != nil {
				return true
			}
			for _, v := range []any{rec.DisplayName, rec.Name, rec.Title} {
				if s, ok := v.(string); ok && strings.TrimSpace(s) != "" {
					out[kind] = append(out[kind], s)
					break
				}
			}
			return true
		})
		for k, vs := range out {
			slices.Sort(vs)
			out[k] = slices.Compact(vs)
		}
		return out, nil
	})
	return out
}

// familyOfPath is the family a concrete collection path is one of, or
// nil.
func (m *Module) familyOfPath(path string) *family {
	var match urlconf.Match
	if !m.urls.Resolve(path, &match) {
		return nil
	}
	if f := m.model.byCollection[match.View.Template]; f != nil {
		return f
	}
	if one := m.model.byTemplate[match.View.Template]; one != nil {
		return one.queryFamily()
	}
	return nil
}
