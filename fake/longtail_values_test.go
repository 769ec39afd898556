package fake_test

import (
	"bytes"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
	"github.com/iblfake/iblfake/spec"
)

// walkJSON calls f with every value inside v (v itself first), its JSON
// pointer and the key it is under ("" for an array's item or the root).
func walkJSON(v any, at, key string, f func(at, key string, v any)) {
	f(at, key, v)
	switch x := v.(type) {
	case map[string]any:
		for k, w := range x {
			walkJSON(w, at+"/"+k, k, f)
		}
	case []any:
		for i, w := range x {
			walkJSON(w, fmt.Sprintf("%s/%d", at, i), "", f)
		}
	}
}

// TestAnswersStayOnTheFake reads every long-tail GET of the document as a
// client would and checks what a UI does with the answers: every absolute
// URL is on the fake's own host, and the fake serves it without a key
// (an image as a PNG, a download as an attachment, a page; each with
// nosniff); every page counts what it holds, and a link to another page is
// null or the fake's own; every platform or org field, however deep,
// names the request's tenant.
func TestAnswersStayOnTheFake(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithSeed(5))
	idx, err := spec.LongTailIndex()
	if err != nil {
		t.Fatal(err)
	}
	fetched := map[string]bool{} // one file of each kind and extension
	urls, pages, bad := 0, 0, 0
	fail := func(format string, args ...any) {
		if bad++; bad <= 15 {
			t.Errorf(format, args...)
		}
	}
	for _, e := range idx {
		if e.Method != http.MethodGet || e.OK != "200" {
			continue
		}
		path, _ := tailRequest(t, e, "acme")
		r := c.Do(t, "GET", path, nil)
		if r.Status != 200 || r.Body == nil {
			continue
		}
		tenant := tenantOf(e.Path, path)

		walkJSON(r.Body, "", "", func(at, key string, v any) {
			switch x := v.(type) {
			case string:
				switch key {
				case "platform_key", "platform_org", "org", "platform":
					if x != tenant {
						fail("GET %s (%s): %s = %q, not the request's tenant", path, e.ID, at, x)
					}
				}
				if !strings.HasPrefix(x, "http://") && !strings.HasPrefix(x, "https://") || strings.Contains(key, "scope") {
					return
				}
				urls++
				if !strings.HasPrefix(x, c.Srv.URL+"/") {
					fail("GET %s (%s): %s = %q is not on the fake", path, e.ID, at, x)
					return
				}
				kind := strings.Split(strings.TrimPrefix(x, c.Srv.URL+"/media/iblfake/"), "/")[0]
				ext := x[strings.LastIndexByte(x, '/'):]
				if i := strings.LastIndexByte(ext, '.'); i >= 0 {
					kind += ext[i:]
				}
				if !fetched[kind] && strings.HasPrefix(x, c.Srv.URL+"/media/iblfake/") {
					fetched[kind] = true
					checkMadeFile(t, c, x)
				}
			case map[string]any:
				results, ok := x["results"].([]any)
				count, counted := x["count"].(float64)
				if !ok || !counted {
					return
				}
				pages++
				if int(count) < len(results) {
					fail("GET %s (%s): %s: count %v for %d results", path, e.ID, at, count, len(results))
				}
				for _, l := range []string{"next", "previous"} {
					if s, ok := x[l].(string); ok && s != "" && !strings.HasPrefix(s, c.Srv.URL+"/") {
						fail("GET %s (%s): %s/%s = %q", path, e.ID, at, l, s)
					}
				}
				if int(count) == len(results) && (x["next"] != nil && x["next"] != "") {
					fail("GET %s (%s): %s: the whole list on one page links to a next one: %v", path, e.ID, at, x["next"])
				}
			}
		})
	}
	for _, kind := range []string{"image.png", "page", "file.txt", "audio.wav"} {
		if !fetched[kind] {
			t.Errorf("no answer had a %s URL", kind)
		}
	}
	if bad > 0 {
		t.Errorf("%d values leave the fake or disagree with their page", bad)
	}
	t.Logf("%d URLs on the fake (%d kinds fetched), %d pages", urls, len(fetched), pages)
}

// tenantOf is the tenant of a request for path (of template tpl) as the
// tenant rule reads it: a query's platform_org, the path's tenant
// parameter, a query's platform_key, key or org, else the default.
func tenantOf(tpl, path string) string {
	u, _ := url.Parse(path)
	if v := u.Query().Get("platform_org"); v != "" {
		return v
	}
	segs := strings.Split(u.Path, "/")
	for i, seg := range strings.Split(tpl, "/") {
		switch seg {
		case "{org}", "{platform_key}", "{platform_org}", "{key}":
			return segs[i]
		}
	}
	if v := firstSet(u.Query(), "platform_key", "key", "org"); v != "" {
		return v
	}
	return fake.DefaultTenant
}

// firstSet is the first of q's parameters names that is set.
func firstSet(q url.Values, names ...string) string {
	for _, n := range names {
		if v := q.Get(n); v != "" {
			return v
		}
	}
	return ""
}

// checkMadeFile fetches a made-up file's URL without a key: 200, nosniff,
// and what its extension says.
func checkMadeFile(t *testing.T, c *faketest.Client, u string) {
	t.Helper()
	resp, err := c.HTTP.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	ct := resp.Header.Get("Content-Type")
	if resp.StatusCode != 200 || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("GET %s: %d %v", u, resp.StatusCode, resp.Header)
	}
	switch {
	case strings.HasSuffix(u, ".png"):
		if _, err := png.DecodeConfig(bytes.NewReader(data)); err != nil || ct != "image/png" {
			t.Errorf("GET %s: %s, not a PNG: %v", u, ct, err)
		}
	case strings.HasSuffix(u, ".wav"):
		if ct != "audio/wav" || !bytes.HasPrefix(data, []byte("RIFF")) {
			t.Errorf("GET %s: %s %.8q", u, ct, data)
		}
	case strings.HasSuffix(u, ".csv"), strings.HasSuffix(u, ".txt"):
		if !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") || len(data) == 0 {
			t.Errorf("GET %s: %s, %q, not a download", u, ct, resp.Header.Get("Content-Disposition"))
		}
	default:
		if !strings.HasPrefix(ct, "text/html") || !bytes.Contains(data, []byte("iblfake")) {
			t.Errorf("GET %s: %s %.80q", u, ct, data)
		}
	}
}

// TestADetailDescribesWhatItsPathNames: a synthesized answer about an
// entity its path names carries that entity's id in its own fields: a
// mentor's settings name the mentor of the path (mentor, mentor_unique_id),
// the mentor's detail has the path's id as its unique_id, a report's
// detail (wrapped in data) its report_name.
func TestADetailDescribesWhatItsPathNames(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	const id = "0b5c1f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
	base := "/api/ai-mentor/orgs/acme/users/alice/mentors/" + id + "/"
	settings := c.Must(t, 200, "GET", base+"settings/", nil).Obj(t)
	faketest.Equal(t, "settings' mentor", settings["mentor"], any(id))
	faketest.Equal(t, "settings' mentor_unique_id", settings["mentor_unique_id"], any(id))
	detail := c.Must(t, 200, "GET", base, nil).Obj(t)
	faketest.Equal(t, "detail's unique_id", detail["unique_id"], any(id))
	public := c.Must(t, 200, "GET", base+"public-settings/", nil).Obj(t)
	faketest.Equal(t, "public settings' mentor_unique_id", public["mentor_unique_id"], any(id))
	// A detail wrapped in data: a report's names the report (the reports
	// module answers it; its own tests follow the download).
	report := c.Must(t, 200, "GET", "/api/reports/platforms/acme/ai-mentor-chat-history", nil).Obj(t)["data"].(map[string]any)
	faketest.Equal(t, "report_name", report["report_name"], any("ai-mentor-chat-history"))
	// Another mentor, another answer about it.
	other := c.Must(t, 200, "GET", strings.Replace(base, id, "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", 1)+"settings/", nil).Obj(t)
	faketest.Equal(t, "another mentor's settings", other["mentor_unique_id"], any("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"))
}

// TestNestedTenantFieldsNameTheTenant: an item the long tail keeps, listed
// through a schema that nests another entity the item was not written
// with (a periodic agent's mentor, written as its id, listed as an
// object), names the request's tenant in the nested platform fields, and
// reads the same in the list and alone.
func TestNestedTenantFieldsNameTheTenant(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	coll := "/api/ai-mentor/orgs/acme/users/alice/periodic-agents/"
	made := c.Must(t, 201, "POST", coll, map[string]any{"title": "Daily digest", "mentor": "0b5c1f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
		"task": map[string]any{"name": "digest", "crontab": map[string]any{"minute": "0", "hour": "8"}}}).Obj(t)
	page, _ := c.Must(t, 200, "GET", coll, nil).Obj(t)["results"].([]any)
	if len(page) != 1 {
		t.Fatalf("list: %v", page)
	}
	mentor, ok := page[0].(map[string]any)["mentor"].(map[string]any)
	if !ok {
		t.Fatalf("listed item = %v", page[0])
	}
	cc, _ := mentor["call_configuration"].(map[string]any)
	faketest.Equal(t, "the listed mentor's platform", mentor["platform"], any("acme"))
	faketest.Equal(t, "its call configuration's platform_key", cc["platform_key"], any("acme"))
	detail := c.Must(t, 200, "GET", fmt.Sprintf("%s%v/", coll, made["id"]), nil).Obj(t)
	faketest.JSONEq(t, detail["mentor"], mustJSON(mentor))
}

// TestDisplayNamesAreTheTenantsOwn: a synthesized answer's display names
// are the tenant's where it has things of that kind: a course_name one of
// the names its credentials give their courses, a group_name one of the
// RBAC groups it created; a tenant without any keeps made-up ones, never
// another tenant's.
func TestDisplayNamesAreTheTenantsOwn(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	issuer := c.CreateIssuer(t, "acme", "Acme School of Nursing")
	c.CreateCredential(t, "acme", issuer, "Patient Safety Certificate", map[string]any{
		"courses": []any{map[string]any{"course_id": "course-v1:acme+NUR101+2026", "name": "Patient Safety Basics"}}})
	c.Must(t, 201, "POST", "/api/core/rbac/groups/", map[string]any{"name": "Nursing Faculty", "unique_id": "nursing-faculty", "platform_key": "acme"})
	course := func(org string) any {
		r := c.Must(t, 200, "GET", "/api/ai-analytics/perlearner/orgs/"+org+"/users/alice/last-access", nil).Obj(t)
		return r["data"].(map[string]any)["course_last_accessed"].(map[string]any)["course_name"]
	}
	faketest.Equal(t, "acme's course_name", course("acme"), any("Patient Safety Basics"))
	if got := course("globex"); got == "Patient Safety Basics" {
		t.Errorf("globex's course_name is acme's: %v", got)
	}
	groups := func(org string) []string {
		var out []string
		for _, it := range c.Must(t, 200, "GET", "/api/catalog/suggestions/course/manage/group/?platform_key="+org, nil).Obj(t)["results"].([]any) {
			out = append(out, it.(map[string]any)["group_name"].(string))
		}
		return out
	}
	acme := groups("acme")
	if len(acme) == 0 {
		t.Fatal("no suggestions to read a group_name from")
	}
	for _, g := range acme {
		faketest.Equal(t, "acme's group_name", g, "Nursing Faculty")
	}
	for _, g := range groups("globex") {
		if g == "Nursing Faculty" {
			t.Errorf("globex's group_name is acme's")
		}
	}
}

// TestASynthesizedReadFollowsTheTenantsRecords: a synthesized answer that
// took a name from the tenant's records is answered again from the cache
// only while those records are as they were: once the tenant has a
// course, the same read names it (it once kept the made-up name it gave
// before), and a group deleted is no longer named; on every backend.
func TestASynthesizedReadFollowsTheTenantsRecords(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)))
			course := func() any {
				r := c.Must(t, 200, "GET", "/api/ai-analytics/perlearner/orgs/acme/users/alice/last-access", nil).Obj(t)
				return r["data"].(map[string]any)["course_last_accessed"].(map[string]any)["course_name"]
			}
			before := course()
			if before == "Patient Safety Basics" {
				t.Fatal("a tenant without courses names the course it is about to get")
			}
			faketest.Equal(t, "the same read again", course(), before)
			issuer := c.CreateIssuer(t, "acme", "Acme School of Nursing")
			c.CreateCredential(t, "acme", issuer, "Patient Safety Certificate", map[string]any{
				"courses": []any{map[string]any{"course_id": "course-v1:acme+NUR101+2026", "name": "Patient Safety Basics"}}})
			faketest.Equal(t, "course_name once acme has the course", course(), any("Patient Safety Basics"))

			g := c.Must(t, 201, "POST", "/api/core/rbac/groups/", map[string]any{"name": "Nursing Faculty", "unique_id": "nursing-faculty", "platform_key": "acme"}).Obj(t)
			groups := func() []string {
				var out []string
				for _, it := range c.Must(t, 200, "GET", "/api/catalog/suggestions/course/manage/group/?platform_key=acme", nil).Obj(t)["results"].([]any) {
					out = append(out, it.(map[string]any)["group_name"].(string))
				}
				return out
			}
			if got := groups(); len(got) == 0 || got[0] != "Nursing Faculty" {
				t.Fatalf("group names %v, want acme's Nursing Faculty", got)
			}
			c.Must(t, 204, "DELETE", fmt.Sprintf("/api/core/rbac/groups/%v/?platform_key=acme", g["id"]), nil)
			for _, n := range groups() {
				if n == "Nursing Faculty" {
					t.Fatalf("a deleted group is still named: %v", n)
				}
			}
		})
	}
}
