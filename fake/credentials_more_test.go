package fake_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/credentials"
)

// pngBytes returns a w×h PNG.
func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{R: 255, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// multipartBody builds a multipart/form-data body with one file part
// (skipped when filename is "") and plain fields.
func multipartBody(t *testing.T, field, filename string, file []byte, fields ...string) rawBody {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if filename != "" {
		fw, err := w.CreateFormFile(field, filename)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(file)
	}
	for i := 0; i+1 < len(fields); i += 2 {
		_ = w.WriteField(fields[i], fields[i+1])
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return rawBody{contentType: w.FormDataContentType(), data: buf.String()}
}

func TestImageUploadServeAndSearch(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	img := pngBytes(t, 4, 3)
	r := c.must(t, 200, "POST", base("acme")+"images/", multipartBody(t, "image", "Acme Logo.png", img, "name", "Acme Logo"))
	up := r.obj(t)
	equal(t, "name", up["name"], any("Acme Logo"))
	if _, ok := up["id"].(float64); !ok {
		t.Fatalf("id = %#v, want an integer", up["id"])
	}
	u, err := url.Parse(str(t, up, "image"))
	if err != nil || !strings.HasPrefix(u.String(), c.srv.URL+"/media/uploaded_images/") {
		t.Fatalf("image URL = %v, want one the fake serves", up["image"])
	}

	t.Run("ServedWithContentType", func(t *testing.T) {
		resp, err := c.http.Get(u.String())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var got bytes.Buffer
		_, _ = got.ReadFrom(resp.Body)
		equal(t, "status", resp.StatusCode, 200)
		equal(t, "Content-Type", resp.Header.Get("Content-Type"), "image/png")
		equal(t, "bytes", got.Bytes(), img)
		miss := c.do(t, "GET", strings.Replace(u.Path, "Acme_Logo.png", "other.png", 1), nil)
		equal(t, "unknown file status", miss.Status, 404)
	})
	t.Run("Search", func(t *testing.T) {
		c.must(t, 200, "POST", base("acme")+"images/", multipartBody(t, "image", "bg.png", img, "name", "Background"))
		got := c.must(t, 200, "GET", base("acme")+"images/?query=LOGO", nil).arr(t)
		equal(t, "matches", len(got), 1)
		equal(t, "match name", got[0].(map[string]any)["name"], any("Acme Logo"))
		equal(t, "all", len(c.must(t, 200, "GET", base("acme")+"images/?query=a", nil).arr(t)), 2)
		equal(t, "other org", len(c.must(t, 200, "GET", base("beta")+"images/?query=a", nil).arr(t)), 0)
	})
	t.Run("ErrQueryRequired", func(t *testing.T) {
		jsonEq(t, c.must(t, 400, "GET", base("acme")+"images/", nil).Body, `{"query": ["This field is required."]}`)
		c.must(t, 400, "GET", base("acme")+"images/?query=", nil)
	})
	big := append(pngBytes(t, 1, 1), make([]byte, credentials.MaxImageBytes)...)
	for _, tc := range []struct {
		name string
		body any
		want string
	}{
		{"ErrNotAnImage", multipartBody(t, "image", "notes.png", []byte("just text, not pixels")),
			`{"image": ["Upload a valid image. The file you uploaded was either not an image or a corrupted image."]}`},
		{"ErrEmptyFile", multipartBody(t, "image", "empty.png", nil), `{"image": ["The submitted file is empty."]}`},
		{"ErrNoFile", multipartBody(t, "image", "", nil, "name", "x"), `{"image": ["No file was submitted."]}`},
		{"ErrJSONIsNotAFile", map[string]any{"image": "https://x.test/a.png", "name": "x"},
			`{"image": ["The submitted data was not a file. Check the encoding type on the form."]}`},
		{"ErrFormIsNotAFile", rawBody{"application/x-www-form-urlencoded", "image=logo.png&name=x"},
			`{"image": ["The submitted data was not a file. Check the encoding type on the form."]}`},
		{"ErrNameTooLong", multipartBody(t, "image", "a.png", pngBytes(t, 1, 1), "name", strings.Repeat("n", 255)),
			`{"name": ["Ensure this field has no more than 254 characters."]}`},
		{"ErrTooLarge", multipartBody(t, "image", "big.png", big),
			fmt.Sprintf(`{"image": ["Ensure this file is at most 5242880 bytes (it is %d bytes)."]}`, len(big))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			jsonEq(t, c.must(t, 400, "POST", base("acme")+"images/", tc.body).Body, tc.want)
		})
	}
}

// seedDirectory stores org's users (ada 7, bob 8, carol 9 the platform
// admin) and group "cohort" = ada + bob.
func seedDirectory(t *testing.T, c *client, org string) {
	t.Helper()
	c.must(t, 200, "PUT", "/_fake/credential-groups", map[string]any{
		"org": org,
		"users": []any{
			map[string]any{"user_id": 7, "username": "ada", "email": "ada@acme.test"},
			map[string]any{"user_id": 8, "username": "bob"},
			map[string]any{"user_id": 9, "username": "carol", "platform_admin": true},
		},
		"groups": []any{map[string]any{"id": "cohort", "name": "Cohort A", "members": []any{7, 8}}},
	})
}

func userBase(org, user string) string {
	return "/api/credentials/orgs/" + org + "/users/" + user + "/"
}

func TestUserAssignments(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	iss := c.createIssuer(t, "acme", "Acme")
	cred := c.createCredential(t, "acme", iss, "Python Basics", nil)

	t.Run("ErrEmptyDirectory", func(t *testing.T) {
		jsonEq(t, c.must(t, 403, "GET", base("acme")+"assignments/users/", nil).Body,
			`{"detail": "You don't have permission to view these assignments"}`)
	})
	seedDirectory(t, c, "acme")

	res := c.must(t, 200, "POST", userBase("acme", "carol")+"assignments/users/",
		map[string]any{"credential_id": cred, "user_ids": []int{7, 99, 7}}).result(t)
	ok := res["successful_assignments"].([]any)
	failed := res["failed_assignments"].([]any)
	equal(t, "successful", len(ok), 1)
	jsonEq(t, failed, `[{"user_id": 99, "error": "User 99 does not exist."}, {"user_id": 7, "error": "Duplicate user id."}]`)
	first := ok[0].(map[string]any)
	equal(t, "status", first["status"], any("COMPLETED"))
	assignment := str(t, first, "entity_id")
	assertion := str(t, first["assertion"].(map[string]any), "entityId")

	// The assignment issued ada an assertion.
	equal(t, "ada's assertions", field(page(t, c.must(t, 200, "GET", base("acme")+"assertions/", nil).obj(t)), "entityId"), []string{})
	got := page(t, c.must(t, 200, "GET", userBase("acme", "ada")+"assertions/", nil).obj(t))
	equal(t, "ada's assertions", field(got, "entityId"), []string{assertion})

	t.Run("AlreadyHeld", func(t *testing.T) {
		res := c.must(t, 200, "POST", base("acme")+"assignments/users/", map[string]any{"credential_id": cred, "user_ids": []int{7}}).result(t)
		jsonEq(t, res["failed_assignments"], `[{"user_id": 7, "error": "User 7 already holds this credential."}]`)
	})
	t.Run("Visibility", func(t *testing.T) {
		for _, tc := range []struct {
			user string
			want int
		}{{"carol", 1}, {"admin", 1}, {"ada", 1}, {"7", 1}, {"bob", 0}} {
			env := c.must(t, 200, "GET", userBase("acme", tc.user)+"assignments/users/", nil).result(t)
			equal(t, tc.user+" sees", len(page(t, env)), tc.want)
		}
		env := c.must(t, 200, "GET", base("acme")+"assignments/users/?search=ada@acme", nil).result(t)
		equal(t, "search by email", len(page(t, env)), 1)
		env = c.must(t, 200, "GET", base("acme")+"assignments/users/?search=nothing", nil).result(t)
		equal(t, "search miss", len(page(t, env)), 0)
	})
	t.Run("ErrNotAdmin", func(t *testing.T) {
		c.must(t, 403, "POST", userBase("acme", "bob")+"assignments/users/", map[string]any{"credential_id": cred, "user_ids": []int{8}})
		c.must(t, 403, "DELETE", userBase("acme", "bob")+"assignments/"+assignment, nil)
	})
	t.Run("ErrBody", func(t *testing.T) {
		jsonEq(t, c.must(t, 400, "POST", base("acme")+"assignments/users/", map[string]any{"credential_id": "nope", "user_ids": []int{7}}).Body,
			`{"credential_id": ["Object with entity_id=nope does not exist."]}`)
		jsonEq(t, c.must(t, 400, "POST", base("acme")+"assignments/users/", map[string]any{}).Body,
			`{"credential_id": ["This field is required."], "user_ids": ["This field is required."]}`)
	})
	t.Run("RevokedHidden", func(t *testing.T) {
		c.revoke(t, "acme", assertion, "mistake")
		env := c.must(t, 200, "GET", base("acme")+"assignments/users/", nil).result(t)
		equal(t, "after revoke", len(page(t, env)), 0)
	})
	t.Run("DeleteCascades", func(t *testing.T) {
		jsonEq(t, c.must(t, 200, "DELETE", base("acme")+"assignments/"+assignment, nil).Body,
			`{"status": {"success": true, "description": "Deleted"}}`)
		c.must(t, 404, "GET", base("acme")+"assertions/"+assertion, nil)
		c.must(t, 404, "DELETE", base("acme")+"assignments/"+assignment, nil)
	})
}

func TestGroupAssignmentPendingThenCompleted(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	iss := c.createIssuer(t, "acme", "Acme")
	cred := c.createCredential(t, "acme", iss, "Cohort Badge", nil)
	seedDirectory(t, c, "acme")

	res := c.must(t, 200, "POST", base("acme")+"assignments/groups/",
		map[string]any{"credential_id": cred, "group_ids": []string{"cohort", "ghost"}})
	equal(t, "description", res.obj(t)["status"].(map[string]any)["description"], any("Accepted"))
	ok := res.result(t)["successful_assignments"].([]any)
	jsonEq(t, res.result(t)["failed_assignments"], `[{"group_id": "ghost", "error": "Group ghost does not exist."}]`)
	ga := ok[0].(map[string]any)
	equal(t, "status at create", ga["status"], any("PENDING"))
	id := str(t, ga, "entity_id")

	groups := func() []map[string]any {
		return page(t, c.must(t, 200, "GET", base("acme")+"assignments/groups/?group_id=cohort", nil).result(t))
	}
	equal(t, "status while pending", field(groups(), "status"), []string{"PENDING"})
	equal(t, "members' assertions while pending", len(page(t, c.must(t, 200, "GET", userBase("acme", "bob")+"assertions/", nil).obj(t))), 0)
	c.must(t, 200, "POST", base("acme")+"assignments/groups/", map[string]any{"credential_id": cred, "group_ids": []string{"cohort"}})

	// The worker runs GroupAssignmentDelay later on the fake's clock.
	c.must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": (credentials.GroupAssignmentDelay + time.Second).String()})
	done := groups()
	equal(t, "status after delay", field(done, "status"), []string{"COMPLETED"})
	equal(t, "successful_count", done[0]["successful_count"], any(float64(2)))
	for _, u := range []string{"ada", "bob"} {
		equal(t, u+"'s assertions", len(page(t, c.must(t, 200, "GET", userBase("acme", u)+"assertions/", nil).obj(t))), 1)
	}
	users := page(t, c.must(t, 200, "GET", base("acme")+"assignments/users/", nil).result(t))
	equal(t, "user assignments", field(users, "group_assignment_id"), []string{id, id})

	c.must(t, 200, "DELETE", base("acme")+"assignments/"+id, nil)
	equal(t, "user assignments after delete", len(page(t, c.must(t, 200, "GET", base("acme")+"assignments/users/", nil).result(t))), 0)
	for _, u := range []string{"ada", "bob"} {
		equal(t, u+"'s assertions after delete", len(page(t, c.must(t, 200, "GET", userBase("acme", u)+"assertions/", nil).obj(t))), 0)
	}
	equal(t, "group assignments after delete", len(groups()), 0)
}

func TestCredentialGroupsAdmin(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	c.must(t, 400, "PUT", "/_fake/credential-groups", map[string]any{"users": []any{}})
	c.must(t, 400, "PUT", "/_fake/credential-groups", map[string]any{"org": "acme",
		"groups": []any{map[string]any{"id": "g", "members": []any{42}}}})
	c.must(t, 200, "PUT", "/_fake/credential-groups", map[string]any{"org": "acme",
		"groups": []any{map[string]any{"id": "g", "name": "G", "members": []any{map[string]any{"user_id": 1, "username": "u1"}}}}})
	jsonEq(t, c.must(t, 200, "GET", "/_fake/credential-groups?org=acme", nil).Body,
		`{"org": "acme", "users": [{"user_id": 1, "username": "u1", "email": null, "name": null, "platform_admin": false}],
		  "groups": [{"id": "g", "name": "G", "members": [1]}]}`)
}

func TestCourseCredentials(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	iss := c.createIssuer(t, "acme", "Acme")
	ds, ml := "course-v1:acme+DS101+2024", "course-v1:acme+ML200+2024"
	a := c.createCredential(t, "acme", iss, "DS cert", map[string]any{"courses": []string{ds}})
	b := c.createCredential(t, "acme", iss, "DS+ML cert", map[string]any{"courses": []string{ds, ml}})
	c.createCredential(t, "acme", iss, "No course", nil)

	env := c.must(t, 200, "GET", base("acme")+"course-credentials/", nil).result(t)
	equal(t, "count", env["count"], any(float64(2)))
	results := env["results"].([]any)
	first, second := results[0].(map[string]any), results[1].(map[string]any)
	equal(t, "courses in order of newest credential", []any{first["course_id"], second["course_id"]}, []any{ds, ml})
	equal(t, "name", first["name"], any("DS101"))
	var got []string
	for _, cr := range first["credentials"].([]any) {
		got = append(got, cr.(map[string]any)["entityId"].(string))
	}
	equal(t, "DS101 credentials", got, []string{b, a})

	env = c.must(t, 200, "GET", base("acme")+"course-credentials/?search=ml200", nil).result(t)
	equal(t, "search", env["count"], any(float64(1)))
	env = c.must(t, 200, "GET", base("acme")+"course-credentials/?page_size=1&page=2", nil).result(t)
	equal(t, "page 2", env["results"].([]any)[0].(map[string]any)["course_id"], any(ml))
	if env["previous"] == nil || env["next"] != nil {
		t.Fatalf("links = %v / %v, want previous only", env["previous"], env["next"])
	}
}

func TestOverTimeAnalytics(t *testing.T) {
	t.Parallel()
	c := newClient(t, fake.WithClockAt(time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)))
	iss := c.createIssuer(t, "acme", "Acme")
	cred := c.createCredential(t, "acme", iss, "Badge", nil)
	at := func(ts string) {
		c.must(t, 200, "POST", "/_fake/clock", map[string]any{"now": ts})
	}
	c.issue(t, "acme", cred, "u1", map[string]any{"course": "course-v1:acme+X+1"})
	at("2024-03-09T08:00:00Z")
	c.issue(t, "acme", cred, "u2", nil)
	c.issue(t, "acme", cred, "u3", map[string]any{"course": "course-v1:acme+X+1"})
	at("2024-03-10T23:59:00Z")
	c.createCredential(t, "acme", iss, "Second badge", nil)
	c.issue(t, "acme", cred, "u4", nil)

	r := c.must(t, 200, "GET", base("acme")+"assertions-over-time/?start_date=2024-03-08&end_date=2024-03-11", nil)
	jsonEq(t, r.Body, `{"data": {"2024-03-08": 0, "2024-03-09": 2, "2024-03-10": 1, "2024-03-11": 0}, "total": 3,
		"meta": {"total": 3, "change_range": 3, "change_range_percent": 300,
		         "change_last_seven_days": 3, "change_last_seven_days_percent": 300,
		         "change_last_thirty_days": 4, "change_last_thirty_days_percent": 100}}`)

	r = c.must(t, 200, "GET", base("acme")+"course-assertions-over-time/?start_date=2024-02-29T10:00:00Z&end_date=2024-03-02", nil)
	jsonEq(t, r.Body, `{"data": {"2024-02-29": 0, "2024-03-01": 1, "2024-03-02": 0}, "total": 1}`)
	r = c.must(t, 200, "GET", base("acme")+"credentials-over-time/", nil)
	jsonEq(t, r.Body, `{"data": {"2024-03-01": 1, "2024-03-10": 1}, "total": 2}`)
	r = c.must(t, 200, "GET", base("acme")+"credentials-over-time/?start_date=2024-03-09", nil)
	jsonEq(t, r.Body, `{"data": {"2024-03-09": 0, "2024-03-10": 1}, "total": 1}`)

	t.Run("Errors", func(t *testing.T) {
		jsonEq(t, c.must(t, 400, "GET", base("acme")+"assertions-over-time/?start_date=March", nil).Body,
			`{"start_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}`)
		c.must(t, 400, "GET", base("acme")+"assertions-over-time/?start_date=2024-03-10&end_date=2024-03-01", nil)
		c.must(t, 400, "GET", base("acme")+"assertions-over-time/?format=xml", nil)
		seedDirectory(t, c, "acme")
		c.must(t, 403, "GET", userBase("acme", "bob")+"assertions-over-time/", nil)
		c.must(t, 200, "GET", userBase("acme", "bob")+"credentials-over-time/", nil)
	})
}

func TestCourseExportImport(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	course := "course-v1:acme+DS101+2024"
	iss := c.createIssuer(t, "acme", "Acme")
	cred := c.createCredential(t, "acme", iss, "DS cert", map[string]any{
		"courses": []string{course}, "expires": map[string]any{"amount": 365, "duration": "days"}, "description": "old"})
	c.must(t, 200, "POST", base("acme")+"issuers/authority/", map[string]any{
		"name": "Dean", "title": "Dean", "signature": "https://x.test/s.png", "credential": cred})
	c.createCredential(t, "acme", iss, "Other course", map[string]any{"courses": []string{"course-v1:acme+ML+1"}})

	exim := "/api/credentials/exim/credentials/course/" + course
	exp := c.must(t, 200, "GET", exim+"/export/", nil).obj(t)
	equal(t, "course_id", exp["course_id"], any(course))
	items := exp["credentials"].([]any)
	equal(t, "exported", len(items), 1)
	item := items[0].(map[string]any)
	equal(t, "entityId", item["entityId"], any(cred))
	equal(t, "signatories", len(item["signatories"].([]any)), 1)

	t.Run("ReimportUpdates", func(t *testing.T) {
		item["description"] = "new"
		r := c.must(t, 201, "POST", exim+"/import/", exp)
		jsonEq(t, r.result(t), `{"course_id": "`+course+`", "imported_credentials": [{"entityId": "`+cred+`", "name": "DS cert", "status": "updated"}], "errors": []}`)
		got := c.must(t, 200, "GET", base("acme")+cred, nil).result(t)
		equal(t, "description", got["description"], any("new"))
	})
	t.Run("IntoAnotherPlatform", func(t *testing.T) {
		c.must(t, 400, "POST", exim+"/import/?platform_org=beta", exp) // beta has no issuer yet
		beta := c.createIssuer(t, "beta", "Beta")
		r := c.must(t, 201, "POST", exim+"/import/?platform_org=beta", exp)
		imp := r.result(t)["imported_credentials"].([]any)[0].(map[string]any)
		equal(t, "status", imp["status"], any("created"))
		got := c.must(t, 200, "GET", base("beta")+str(t, imp, "entityId"), nil).result(t)
		equal(t, "issuer", got["issuerDetails"].(map[string]any)["entityId"], any(beta))
		equal(t, "signatories copied", len(got["signatories"].([]any)), 1)
		equal(t, "expires copied", got["expires"], exp["credentials"].([]any)[0].(map[string]any)["expires"])
	})
	t.Run("Partial207", func(t *testing.T) {
		r := c.must(t, 207, "POST", exim+"/import/", map[string]any{"course_id": course, "credentials": []any{
			map[string]any{"name": "Fresh cert"}, map[string]any{"description": "no name"}}})
		jsonEq(t, r.result(t)["errors"], `[{"index": 1, "name": null, "error": "name: This field is required."}]`)
	})
	t.Run("None400", func(t *testing.T) {
		r := c.must(t, 400, "POST", exim+"/import/", map[string]any{"course_id": course, "credentials": []any{
			map[string]any{"name": "Bad expiry", "expires": "soon"}}})
		equal(t, "success", r.obj(t)["status"].(map[string]any)["success"], any(false))
		c.must(t, 400, "POST", exim+"/import/", nil)
	})
}

func TestClockAdmin(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	before := time.Now()
	r := c.must(t, 200, "POST", "/_fake/clock", map[string]any{"offset": "720h"}).obj(t)
	now, err := time.Parse(time.RFC3339Nano, str(t, r, "now"))
	if err != nil || now.Sub(before) < 719*time.Hour || now.Sub(before) > 721*time.Hour {
		t.Fatalf("now = %v after offset 720h from %v", r["now"], before)
	}
	equal(t, "offset", r["offset"], any("720h0m0s"))
	r = c.must(t, 200, "POST", "/_fake/clock", map[string]any{"now": "2030-01-02T03:04:05Z"}).obj(t)
	jsonEq(t, r, `{"now": "2030-01-02T03:04:05Z", "offset": "0s", "frozen": true}`)
	jsonEq(t, c.must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": "-1h"}).Body,
		`{"now": "2030-01-02T02:04:05Z", "offset": "0s", "frozen": true}`)
	jsonEq(t, c.must(t, 200, "GET", "/_fake/clock", nil).Body, `{"now": "2030-01-02T02:04:05Z", "offset": "0s", "frozen": true}`)
	c.must(t, 400, "POST", "/_fake/clock", map[string]any{"offset": "a month"})
	c.must(t, 400, "POST", "/_fake/clock", map[string]any{"offset": "1h", "now": "2030-01-02T03:04:05Z"})
	c.must(t, 400, "POST", "/_fake/clock", map[string]any{})
	r = c.must(t, 200, "POST", "/_fake/clock", map[string]any{"offset": "0s"}).obj(t)
	equal(t, "frozen after offset", r["frozen"], any(false))

	d := newClient(t, fake.WithClockOffset(-48*time.Hour))
	equal(t, "option offset", d.must(t, 200, "GET", "/_fake/clock", nil).obj(t)["offset"], any("-48h0m0s"))

	// A reset sets the clock back to its start-up setting.
	c.must(t, 200, "POST", "/_fake/clock", map[string]any{"now": "2030-01-02T03:04:05Z"})
	c.must(t, 200, "POST", "/_fake/reset", nil)
	equal(t, "frozen after reset", c.must(t, 200, "GET", "/_fake/clock", nil).obj(t)["frozen"], any(false))
	d.must(t, 200, "POST", "/_fake/clock", map[string]any{"offset": "1h"})
	d.must(t, 200, "POST", "/_fake/reset", nil)
	equal(t, "offset after reset", d.must(t, 200, "GET", "/_fake/clock", nil).obj(t)["offset"], any("-48h0m0s"))
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	e := newClient(t, fake.WithClockAt(at))
	e.must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": "24h"})
	e.must(t, 200, "POST", "/_fake/reset", nil)
	equal(t, "now after reset", e.must(t, 200, "GET", "/_fake/clock", nil).obj(t)["now"], any("2025-01-01T00:00:00Z"))
}

func TestExpiryFollowsTheClock(t *testing.T) {
	t.Parallel()
	c := newClient(t, fake.WithClockAt(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))
	iss := c.createIssuer(t, "acme", "Acme")
	cred := c.createCredential(t, "acme", iss, "Day pass", map[string]any{"expires": map[string]any{"amount": 1, "duration": "days"}})
	id := c.issue(t, "acme", cred, "ada", nil)
	pub := "/api/credentials/public/assertions/" + id + "/"
	equal(t, "expires", c.must(t, 200, "GET", pub, nil).obj(t)["expires"], any("2025-01-02T00:00:00Z"))
	c.must(t, 409, "DELETE", base("acme")+cred, nil)

	c.must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": "24h"})
	jsonEq(t, c.must(t, 404, "GET", pub, nil, "Authorization", "").Body,
		`{"detail": "This assertion has expired.", "expires": "2025-01-02T00:00:00Z"}`)
	equal(t, "listed", len(page(t, c.must(t, 200, "GET", userBase("acme", "ada")+"assertions/", nil).obj(t))), 0)
	equal(t, "listed with include_expired", len(page(t, c.must(t, 200, "GET", userBase("acme", "ada")+"assertions/?include_expired=true", nil).obj(t))), 1)
	c.must(t, 200, "DELETE", base("acme")+cred, nil)
}

func TestImageSurvivesStateExportImport(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	img := pngBytes(t, 2, 2)
	up := c.must(t, 200, "POST", base("acme")+"images/", multipartBody(t, "image", "a.png", img)).obj(t)
	u, _ := url.Parse(str(t, up, "image"))
	state := c.must(t, 200, "GET", "/_fake/state", nil).Raw
	c.must(t, 200, "POST", "/_fake/reset", nil)
	c.must(t, 404, "GET", u.Path, nil)
	c.must(t, 200, "PUT", "/_fake/state", rawBody{"application/json", string(state)})
	got := c.must(t, 200, "GET", u.Path, nil)
	equal(t, "bytes", got.Raw, img)
	equal(t, "name", up["name"], nil)
}

// TestCourseExportImportKeyScope: export and import are DM-admin only
// (SKILL-C exim), so with keys bound a platform key gets 403 for both, even
// for its own org, and a DM admin's export spans every org.
func TestCourseExportImportKeyScope(t *testing.T) {
	t.Parallel()
	c := newClient(t, fake.WithAPIKey("k-all", "acme", "beta"), fake.WithAPIKey("k-dm", fake.DMAdmin))
	c.auth = "Api-Token k-all"
	course := "course-v1:acme+DS101+2024"
	for _, org := range []string{"acme", "beta"} {
		iss := c.createIssuer(t, org, org)
		c.createCredential(t, org, iss, "Cert "+org, map[string]any{"courses": []string{course}})
	}
	exim := "/api/credentials/exim/credentials/course/" + course
	c.must(t, 403, "GET", exim+"/export/", nil)
	c.must(t, 403, "POST", exim+"/import/", map[string]any{"course_id": course, "credentials": []any{}})
	c.auth = "Api-Token k-dm"
	equal(t, "all orgs", len(c.must(t, 200, "GET", exim+"/export/", nil).obj(t)["credentials"].([]any)), 2)
	exp := c.must(t, 200, "GET", exim+"/export/?platform_org=beta", nil).obj(t)
	equal(t, "platform_org", len(exp["credentials"].([]any)), 1)
	c.must(t, 201, "POST", exim+"/import/?platform_org=beta", exp)
}

func TestGroupAssignmentFailsWhenGroupIsGone(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	iss := c.createIssuer(t, "acme", "Acme")
	cred := c.createCredential(t, "acme", iss, "Badge", nil)
	seedDirectory(t, c, "acme")
	c.must(t, 200, "POST", base("acme")+"assignments/groups/", map[string]any{"credential_id": cred, "group_ids": []string{"cohort"}})
	c.must(t, 200, "PUT", "/_fake/credential-groups", map[string]any{"org": "acme", "users": []any{}})
	c.must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": "1m"})
	got := page(t, c.must(t, 200, "GET", base("acme")+"assignments/groups/", nil).result(t))
	equal(t, "status", field(got, "status"), []string{"FAILED"})
	// A failed group assignment does not block assigning the group again.
	seedDirectory(t, c, "acme")
	res := c.must(t, 200, "POST", base("acme")+"assignments/groups/", map[string]any{"credential_id": cred, "group_ids": []string{"cohort"}}).result(t)
	equal(t, "reassigned", len(res["successful_assignments"].([]any)), 1)
}
