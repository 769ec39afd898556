package longtail

import (
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/labstack/echo/v4"
)

// TestAFieldNamingAnEntityNamesTheTenantsOwn: the picker gives a field
// named for a user, a course or a long-tail family one of the tenant's own
// (the other modules' names, the family's items), typed as the schema
// types it, and nothing for a field that names no entity or a kind the
// tenant has none of.
func TestAFieldNamingAnEntityNamesTheTenantsOwn(t *testing.T) {
	names := map[string]map[string][]string{
		"acme": {"username": {"ada", "bob"}, "user_id": {"7", "8"}, "course": {"course-v1:acme+DS1+2026"}, "course_name": {"Data Science 1"}},
	}
	m := newTestModule(t, Options{Names: func(_ store.Tx, tenant string) map[string][]string { return names[tenant] }})
	// One mentor item of acme's, as a create would store it.
	if err := m.d.Store.Update(func(tx store.Tx) error {
		_, err := putItem(tx, collectionKey("acme", "/api/ai-mentor/orgs/acme/users/alice/"), "data-science", "", map[string]any{"name": "data-science", "display_name": "Data Science Tutor"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	pick := func(tenant, field string, s *openapi3.Schema, seed uint64) (any, bool) {
		c := echo.New().NewContext(httptest.NewRequest("GET", "/", nil), httptest.NewRecorder())
		api.RequestOf(c).Tenant = tenant
		return m.picker(c, nil)(synth.Field{Name: field, Schema: s, Seed: seed})
	}
	display := func(field, kind string, seed uint64) (any, bool) {
		c := echo.New().NewContext(httptest.NewRequest("GET", "/", nil), httptest.NewRecorder())
		api.RequestOf(c).Tenant = "acme"
		return m.picker(c, nil)(synth.Field{Name: field, Schema: openapi3.NewStringSchema(), Seed: seed, Kind: kind, Display: true})
	}
	str, integer := openapi3.NewStringSchema(), openapi3.NewIntegerSchema()
	for seed := range uint64(4) {
		if v, ok := pick("acme", "username", str, seed); !ok || !slices.Contains(names["acme"]["username"], v.(string)) {
			t.Errorf("username: %v %v", v, ok)
		}
		if v, ok := pick("acme", "user_id", integer, seed); !ok || v != int64(7) && v != int64(8) {
			t.Errorf("user_id (integer): %v %v", v, ok)
		}
		if v, ok := pick("acme", "course_id", str, seed); !ok || v != "course-v1:acme+DS1+2026" {
			t.Errorf("course_id: %v %v", v, ok)
		}
		if v, ok := pick("acme", "mentor", str, seed); !ok || v != "data-science" {
			t.Errorf("mentor (a long-tail family): %v %v", v, ok)
		}
	}
	// Display names: a mentor's is its display name, not its id; a
	// course's the name its credentials give it; a kind the tenant has
	// none of keeps its made-up name.
	if v, ok := display("mentor_name", "mentor", 3); !ok || v != "Data Science Tutor" {
		t.Errorf("mentor_name: %v %v", v, ok)
	}
	if v, ok := display("course_name", "course", 3); !ok || v != "Data Science 1" {
		t.Errorf("course_name: %v %v", v, ok)
	}
	if v, ok := display("name", "skill", 3); ok {
		t.Errorf("a skill's name from nothing: %v", v)
	}
	if v, ok := pick("acme", "mentor_name", str, 1); ok {
		t.Errorf("mentor_name as an id: %v", v)
	}
	if v, ok := pick("acme", "description", str, 1); ok {
		t.Errorf("description named an entity: %v", v)
	}
	if v, ok := pick("globex", "username", str, 1); ok {
		t.Errorf("globex has no users, got %v", v)
	}
}

// TestAFieldNamingThePathsEntityIsThePaths: a synthesized field named for
// a path parameter (the parameter, or it with _id, _unique_id, _uuid) is
// the path's value where that fits the field's schema; the tenant's and
// the user's parameters are left to their own rules.
func TestAFieldNamingThePathsEntityIsThePaths(t *testing.T) {
	m := newTestModule(t, Options{})
	const mentor = "01f3b9e9-6bef-4588-98d8-fe2294a3920b"
	c := echo.New().NewContext(httptest.NewRequest("GET", "/", nil), httptest.NewRecorder())
	c.SetParamNames("org", "user_id", "mentor", "session_id", "id")
	c.SetParamValues("acme", "alice", mentor, "s-1", "42")
	api.RequestOf(c).Tenant = "acme"
	pick := m.picker(c, nil)
	str, integer, uuid := openapi3.NewStringSchema(), openapi3.NewIntegerSchema(), openapi3.NewUUIDSchema()
	for _, tc := range []struct {
		field string
		s     *openapi3.Schema
		want  any
	}{
		{"mentor_unique_id", str, mentor},
		{"mentor_uuid", uuid, mentor},
		{"session_id", str, "s-1"},
		{"id", integer, int64(42)},
		{"id", str, "42"},
	} {
		if v, ok := pick(synth.Field{Name: tc.field, Schema: tc.s, Seed: 1}); !ok || v != tc.want {
			t.Errorf("%s: %v %v, want %v", tc.field, v, ok, tc.want)
		}
	}
	for _, field := range []string{"mentor_id", "org_id", "user_id_id", "description"} {
		s := str
		if field == "mentor_id" {
			s = integer // the path's uuid is no integer
		}
		if v, ok := pick(synth.Field{Name: field, Schema: s, Seed: 1}); ok {
			t.Errorf("%s echoed %v", field, v)
		}
	}
	if v, ok := pick(synth.Field{Name: "session_id", Schema: uuid, Seed: 1}); ok {
		t.Errorf("a uuid field took the path's non-uuid %v", v)
	}
}
