package credentials_test

import (
	"testing"

	"github.com/iblfake/iblfake/internal/faketest"
)

func TestCourseCredentials(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	iss := c.CreateIssuer(t, "acme", "Acme")
	ds, ml := "course-v1:acme+DS101+2024", "course-v1:acme+ML200+2024"
	a := c.CreateCredential(t, "acme", iss, "DS cert", map[string]any{"courses": []string{ds}})
	b := c.CreateCredential(t, "acme", iss, "DS+ML cert", map[string]any{"courses": []string{ds, ml}})
	c.CreateCredential(t, "acme", iss, "No course", nil)

	env := c.Must(t, 200, "GET", faketest.Base("acme")+"course-credentials/", nil).Result(t)
	faketest.Equal(t, "count", env["count"], any(float64(2)))
	results := env["results"].([]any)
	first, second := results[0].(map[string]any), results[1].(map[string]any)
	faketest.Equal(t, "courses in order of newest credential", []any{first["course_id"], second["course_id"]}, []any{ds, ml})
	faketest.Equal(t, "name", first["name"], any("DS101"))
	var got []string
	for _, cr := range first["credentials"].([]any) {
		got = append(got, cr.(map[string]any)["entityId"].(string))
	}
	faketest.Equal(t, "DS101 credentials", got, []string{b, a})

	env = c.Must(t, 200, "GET", faketest.Base("acme")+"course-credentials/?search=ml200", nil).Result(t)
	faketest.Equal(t, "search", env["count"], any(float64(1)))
	env = c.Must(t, 200, "GET", faketest.Base("acme")+"course-credentials/?page_size=1&page=2", nil).Result(t)
	faketest.Equal(t, "page 2", env["results"].([]any)[0].(map[string]any)["course_id"], any(ml))
	if env["previous"] == nil || env["next"] != nil {
		t.Fatalf("links = %v / %v, want previous only", env["previous"], env["next"])
	}
}
