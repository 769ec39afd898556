package longtail

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
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
// per request, the first time a field asks.
func (m *Module) picker(c echo.Context) func(string, *openapi3.Schema, uint64) (any, bool) {
	var once sync.Once
	var names map[string][]string
	tenant := api.Tenant(c)
	echoed := echoes(c)
	return func(field string, s *openapi3.Schema, seed uint64) (any, bool) {
		if v, ok := echoed[field]; ok {
			ref := &openapi3.SchemaRef{Value: s}
			if tv, ok := typed(ref, v); ok && fits(ref, tv) {
				return tv, true
			}
		}
		kind := fieldKinds[field]
		if kind == "" {
			kind = m.familyKind(field)
		}
		if kind == "" {
			return nil, false
		}
		once.Do(func() { names = m.namesOf(tenant) })
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
// "mentor_unique_id" name the mentors), or "".
func (m *Module) familyKind(field string) string {
	f := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(field, "_unique_id"), "_id"), "_name")
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

// familyOfPath is the family a concrete collection path is one of, or
// nil.
func (m *Module) familyOfPath(path string) *family {
	var match urlconf.Match
	if !m.urls.Resolve(path, &match) {
		return nil
	}
	return m.model.byCollection[match.View.Template]
}
