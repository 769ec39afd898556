package demo_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/demo"
)

// longTailBuckets are the demo's long-tail buckets in an export, as JSON.
func longTailBuckets(t *testing.T, srv *fake.TestServer) []byte {
	t.Helper()
	st, err := srv.ExportState()
	if err != nil {
		t.Fatal(err)
	}
	lt := map[string]any{}
	for name, items := range st.Buckets {
		if strings.HasPrefix(name, "longtail.") {
			lt[name] = items
		}
	}
	js, err := json.Marshal(lt)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// TestDemoSeedsTheLongTail: --demo makes the long tail's resources of the
// demo platform through its operations, coherent with the rest of the
// demo (its school, subjects, groups and users): mentors, RBAC roles and
// groups, the notification templates in the school's wording and
// notifications sent to its users; the same by seed, and no other tenant
// sees any of it.
func TestDemoSeedsTheLongTail(t *testing.T) {
	srv, _ := build(t, 42)
	first := longTailBuckets(t, srv) // before the reads below make other's templates
	items := func(path string) []map[string]any {
		t.Helper()
		m := get(t, srv, path)
		rs, _ := m["results"].([]any)
		out := make([]map[string]any, len(rs))
		for i, r := range rs {
			out[i], _ = r.(map[string]any)
		}
		return out
	}
	names := func(rs []map[string]any) map[string]bool {
		out := map[string]bool{}
		for _, r := range rs {
			n, _ := r["name"].(string)
			out[n] = true
		}
		return out
	}

	mentors := items("/api/ai-mentor/orgs/" + demo.Org + "/users/admin/?page_size=50")
	mn := names(mentors)
	for _, want := range []string{"Data Science Mentor", "Software Engineering Mentor", "Business Mentor"} {
		if !mn[want] {
			t.Errorf("mentors %v: no %q", mn, want)
		}
	}
	defaults := 0
	for _, m := range mentors {
		if md, _ := m["metadata"].(map[string]any); md["default"] == true {
			defaults++
		}
	}
	if defaults != 1 {
		t.Errorf("%d default mentors, want the school's assistant alone", defaults)
	}

	groups := names(items("/api/core/rbac/groups/?platform_key=" + demo.Org))
	for _, want := range []string{"Engineering", "Clinical Staff", "Cohort Fall 2025"} {
		if !groups[want] {
			t.Errorf("RBAC groups %v: no %q (the demo's departments and cohorts)", groups, want)
		}
	}
	roles := names(items("/api/core/rbac/roles/?platform_key=" + demo.Org))
	if !roles["Analyst"] || !roles["Instructor"] {
		t.Errorf("RBAC roles = %v", roles)
	}

	tpl := get(t, srv, "/api/notification/v1/platforms/"+demo.Org+"/templates/COURSE_INVITATION/")
	title, _ := tpl["message_title"].(string)
	if !strings.HasPrefix(title, "You're invited to a course at ") || !strings.Contains(title, "University") {
		t.Errorf("course invitation template title = %q, want the school's wording", title)
	}
	if off := get(t, srv, "/api/notification/v1/platforms/"+demo.Org+"/templates/USER_NOTIF_USER_INACTIVITY/"); off["is_enabled"] != false {
		t.Errorf("the inactivity reminder is_enabled = %v, want off", off["is_enabled"])
	}

	// Every user got the welcome; the admin's bell counts it.
	if n := get(t, srv, "/api/notification/v1/orgs/"+demo.Org+"/users/admin/notifications-count/?status=UNREAD")["count"].(float64); n < 1 {
		t.Errorf("the admin's unread notifications = %v, want the welcome at least", n)
	}
	welcome := items("/api/notification/v1/orgs/" + demo.Org + "/users/admin/notifications/")
	if len(welcome) == 0 || !strings.HasPrefix(welcome[0]["title"].(string), "Welcome to ") {
		t.Errorf("the admin's notifications = %v, want the welcome", welcome)
	}

	// Another tenant has none of it.
	if n := len(items("/api/core/rbac/groups/?platform_key=other")); n != 0 {
		t.Errorf("tenant other has %d RBAC groups", n)
	}
	if n := len(items("/api/ai-mentor/orgs/other/users/admin/")); n != 0 {
		t.Errorf("tenant other has %d mentors", n)
	}
	if n := get(t, srv, "/api/notification/v1/orgs/other/users/admin/notifications-count/")["count"].(float64); n != 0 {
		t.Errorf("tenant other's admin has %v notifications", n)
	}
	if other := get(t, srv, "/api/notification/v1/platforms/other/templates/COURSE_INVITATION/"); other["message_title"] == title {
		t.Errorf("tenant other's template reads the demo school's title %q", title)
	}
	st, err := srv.ExportState()
	if err != nil {
		t.Fatal(err)
	}
	for name, entries := range st.Buckets {
		if !strings.HasPrefix(name, "longtail.") {
			continue
		}
		for k := range entries {
			if !strings.HasPrefix(k, demo.Org+"\x00") && !strings.HasPrefix(k, "other\x00") {
				t.Errorf("%s holds %q, outside the demo tenant", name, k)
			}
		}
	}

	// The same by seed, another seed another.
	again, _ := build(t, 42)
	if !bytes.Equal(first, longTailBuckets(t, again)) {
		t.Error("two demo builds with seed 42 made different long-tail records")
	}
	seed43, _ := build(t, 43)
	if bytes.Equal(first, longTailBuckets(t, seed43)) {
		t.Error("seeds 42 and 43 made the same long-tail records")
	}
}
