package credentials_test

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/credentials"
	"github.com/iblfake/iblfake/internal/faketest"
)

func TestImageUploadServeAndSearch(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	img := faketest.PNGBytes(t, 4, 3)
	r := c.Must(t, 200, "POST", faketest.Base("acme")+"images/", faketest.MultipartBody(t, "image", "Acme Logo.png", img, "name", "Acme Logo"))
	up := r.Obj(t)
	faketest.Equal(t, "name", up["name"], any("Acme Logo"))
	if _, ok := up["id"].(float64); !ok {
		t.Fatalf("id = %#v, want an integer", up["id"])
	}
	u, err := url.Parse(faketest.Str(t, up, "image"))
	if err != nil || !strings.HasPrefix(u.String(), c.Srv.URL+"/media/uploaded_images/") {
		t.Fatalf("image URL = %v, want one the fake serves", up["image"])
	}

	t.Run("ServedWithContentType", func(t *testing.T) {
		resp, err := c.HTTP.Get(u.String())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var got bytes.Buffer
		_, _ = got.ReadFrom(resp.Body)
		faketest.Equal(t, "status", resp.StatusCode, 200)
		faketest.Equal(t, "Content-Type", resp.Header.Get("Content-Type"), "image/png")
		faketest.Equal(t, "bytes", got.Bytes(), img)
		miss := c.Do(t, "GET", strings.Replace(u.Path, "Acme_Logo.png", "other.png", 1), nil)
		faketest.Equal(t, "unknown file status", miss.Status, 404)
	})
	t.Run("Search", func(t *testing.T) {
		c.Must(t, 200, "POST", faketest.Base("acme")+"images/", faketest.MultipartBody(t, "image", "bg.png", img, "name", "Background"))
		got := c.Must(t, 200, "GET", faketest.Base("acme")+"images/?query=LOGO", nil).Arr(t)
		faketest.Equal(t, "matches", len(got), 1)
		faketest.Equal(t, "match name", got[0].(map[string]any)["name"], any("Acme Logo"))
		faketest.Equal(t, "all", len(c.Must(t, 200, "GET", faketest.Base("acme")+"images/?query=a", nil).Arr(t)), 2)
		faketest.Equal(t, "other org", len(c.Must(t, 200, "GET", faketest.Base("beta")+"images/?query=a", nil).Arr(t)), 0)
	})
	t.Run("ErrQueryRequired", func(t *testing.T) {
		faketest.JSONEq(t, c.Must(t, 400, "GET", faketest.Base("acme")+"images/", nil).Body, `{"query": ["This field is required."]}`)
		c.Must(t, 400, "GET", faketest.Base("acme")+"images/?query=", nil)
	})
	big := append(faketest.PNGBytes(t, 1, 1), make([]byte, credentials.MaxImageBytes)...)
	for _, tc := range []struct {
		name string
		body any
		want string
	}{
		{"ErrNotAnImage", faketest.MultipartBody(t, "image", "notes.png", []byte("just text, not pixels")),
			`{"image": ["Upload a valid image. The file you uploaded was either not an image or a corrupted image."]}`},
		{"ErrEmptyFile", faketest.MultipartBody(t, "image", "empty.png", nil), `{"image": ["The submitted file is empty."]}`},
		{"ErrNoFile", faketest.MultipartBody(t, "image", "", nil, "name", "x"), `{"image": ["No file was submitted."]}`},
		{"ErrJSONIsNotAFile", map[string]any{"image": "https://x.test/a.png", "name": "x"},
			`{"image": ["The submitted data was not a file. Check the encoding type on the form."]}`},
		{"ErrFormIsNotAFile", faketest.RawBody{ContentType: "application/x-www-form-urlencoded", Data: "image=logo.png&name=x"},
			`{"image": ["The submitted data was not a file. Check the encoding type on the form."]}`},
		{"ErrNameTooLong", faketest.MultipartBody(t, "image", "a.png", faketest.PNGBytes(t, 1, 1), "name", strings.Repeat("n", 255)),
			`{"name": ["Ensure this field has no more than 254 characters."]}`},
		{"ErrTooLarge", faketest.MultipartBody(t, "image", "big.png", big),
			fmt.Sprintf(`{"image": ["Ensure this file is at most 5242880 bytes (it is %d bytes)."]}`, len(big))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			faketest.JSONEq(t, c.Must(t, 400, "POST", faketest.Base("acme")+"images/", tc.body).Body, tc.want)
		})
	}
}

func TestUserAssignments(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	iss := c.CreateIssuer(t, "acme", "Acme")
	cred := c.CreateCredential(t, "acme", iss, "Python Basics", nil)

	t.Run("ErrEmptyDirectory", func(t *testing.T) {
		faketest.JSONEq(t, c.Must(t, 403, "GET", faketest.Base("acme")+"assignments/users/", nil).Body,
			`{"detail": "You don't have permission to view these assignments"}`)
	})
	faketest.SeedCredentialGroups(t, c, "acme")

	res := c.Must(t, 200, "POST", faketest.UserBase("acme", "carol")+"assignments/users/",
		map[string]any{"credential_id": cred, "user_ids": []int{7, 99, 7}}).Result(t)
	ok := res["successful_assignments"].([]any)
	failed := res["failed_assignments"].([]any)
	faketest.Equal(t, "successful", len(ok), 1)
	faketest.JSONEq(t, failed, `[{"user_id": 99, "error": "User 99 does not exist."}, {"user_id": 7, "error": "Duplicate user id."}]`)
	first := ok[0].(map[string]any)
	faketest.Equal(t, "status", first["status"], any("COMPLETED"))
	assignment := faketest.Str(t, first, "entity_id")
	assertion := faketest.Str(t, first["assertion"].(map[string]any), "entityId")

	// The assignment issued ada an assertion.
	faketest.Equal(t, "ada's assertions", faketest.Field(faketest.Page(t, c.Must(t, 200, "GET", faketest.Base("acme")+"assertions/", nil).Obj(t)), "entityId"), []string{})
	got := faketest.Page(t, c.Must(t, 200, "GET", faketest.UserBase("acme", "ada")+"assertions/", nil).Obj(t))
	faketest.Equal(t, "ada's assertions", faketest.Field(got, "entityId"), []string{assertion})

	t.Run("AlreadyHeld", func(t *testing.T) {
		res := c.Must(t, 200, "POST", faketest.Base("acme")+"assignments/users/", map[string]any{"credential_id": cred, "user_ids": []int{7}}).Result(t)
		faketest.JSONEq(t, res["failed_assignments"], `[{"user_id": 7, "error": "User 7 already holds this credential."}]`)
	})
	t.Run("Visibility", func(t *testing.T) {
		for _, tc := range []struct {
			user string
			want int
		}{{"carol", 1}, {"admin", 1}, {"ada", 1}, {"7", 1}, {"bob", 0}} {
			env := c.Must(t, 200, "GET", faketest.UserBase("acme", tc.user)+"assignments/users/", nil).Result(t)
			faketest.Equal(t, tc.user+" sees", len(faketest.Page(t, env)), tc.want)
		}
		env := c.Must(t, 200, "GET", faketest.Base("acme")+"assignments/users/?search=ada@acme", nil).Result(t)
		faketest.Equal(t, "search by email", len(faketest.Page(t, env)), 1)
		env = c.Must(t, 200, "GET", faketest.Base("acme")+"assignments/users/?search=nothing", nil).Result(t)
		faketest.Equal(t, "search miss", len(faketest.Page(t, env)), 0)
	})
	t.Run("ErrNotAdmin", func(t *testing.T) {
		c.Must(t, 403, "POST", faketest.UserBase("acme", "bob")+"assignments/users/", map[string]any{"credential_id": cred, "user_ids": []int{8}})
		c.Must(t, 403, "DELETE", faketest.UserBase("acme", "bob")+"assignments/"+assignment, nil)
	})
	t.Run("ErrBody", func(t *testing.T) {
		faketest.JSONEq(t, c.Must(t, 400, "POST", faketest.Base("acme")+"assignments/users/", map[string]any{"credential_id": "nope", "user_ids": []int{7}}).Body,
			`{"credential_id": ["Object with entity_id=nope does not exist."]}`)
		faketest.JSONEq(t, c.Must(t, 400, "POST", faketest.Base("acme")+"assignments/users/", map[string]any{}).Body,
			`{"credential_id": ["This field is required."], "user_ids": ["This field is required."]}`)
	})
	t.Run("RevokedHidden", func(t *testing.T) {
		c.Revoke(t, "acme", assertion, "mistake")
		env := c.Must(t, 200, "GET", faketest.Base("acme")+"assignments/users/", nil).Result(t)
		faketest.Equal(t, "after revoke", len(faketest.Page(t, env)), 0)
	})
	t.Run("DeleteCascades", func(t *testing.T) {
		faketest.JSONEq(t, c.Must(t, 200, "DELETE", faketest.Base("acme")+"assignments/"+assignment, nil).Body,
			`{"status": {"success": true, "description": "Deleted"}}`)
		c.Must(t, 404, "GET", faketest.Base("acme")+"assertions/"+assertion, nil)
		c.Must(t, 404, "DELETE", faketest.Base("acme")+"assignments/"+assignment, nil)
	})
}

func TestGroupAssignmentPendingThenCompleted(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	iss := c.CreateIssuer(t, "acme", "Acme")
	cred := c.CreateCredential(t, "acme", iss, "Cohort Badge", nil)
	faketest.SeedCredentialGroups(t, c, "acme")

	res := c.Must(t, 200, "POST", faketest.Base("acme")+"assignments/groups/",
		map[string]any{"credential_id": cred, "group_ids": []string{"cohort", "ghost"}})
	faketest.Equal(t, "description", res.Obj(t)["status"].(map[string]any)["description"], any("Accepted"))
	ok := res.Result(t)["successful_assignments"].([]any)
	faketest.JSONEq(t, res.Result(t)["failed_assignments"], `[{"group_id": "ghost", "error": "Group ghost does not exist."}]`)
	ga := ok[0].(map[string]any)
	faketest.Equal(t, "status at create", ga["status"], any("PENDING"))
	id := faketest.Str(t, ga, "entity_id")

	groups := func() []map[string]any {
		return faketest.Page(t, c.Must(t, 200, "GET", faketest.Base("acme")+"assignments/groups/?group_id=cohort", nil).Result(t))
	}
	faketest.Equal(t, "status while pending", faketest.Field(groups(), "status"), []string{"PENDING"})
	faketest.Equal(t, "members' assertions while pending", len(faketest.Page(t, c.Must(t, 200, "GET", faketest.UserBase("acme", "bob")+"assertions/", nil).Obj(t))), 0)
	c.Must(t, 200, "POST", faketest.Base("acme")+"assignments/groups/", map[string]any{"credential_id": cred, "group_ids": []string{"cohort"}})

	// The worker runs GroupAssignmentDelay later on the fake's clock.
	c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": (credentials.GroupAssignmentDelay + time.Second).String()})
	done := groups()
	faketest.Equal(t, "status after delay", faketest.Field(done, "status"), []string{"COMPLETED"})
	faketest.Equal(t, "successful_count", done[0]["successful_count"], any(float64(2)))
	for _, u := range []string{"ada", "bob"} {
		faketest.Equal(t, u+"'s assertions", len(faketest.Page(t, c.Must(t, 200, "GET", faketest.UserBase("acme", u)+"assertions/", nil).Obj(t))), 1)
	}
	users := faketest.Page(t, c.Must(t, 200, "GET", faketest.Base("acme")+"assignments/users/", nil).Result(t))
	faketest.Equal(t, "user assignments", faketest.Field(users, "group_assignment_id"), []string{id, id})

	c.Must(t, 200, "DELETE", faketest.Base("acme")+"assignments/"+id, nil)
	faketest.Equal(t, "user assignments after delete", len(faketest.Page(t, c.Must(t, 200, "GET", faketest.Base("acme")+"assignments/users/", nil).Result(t))), 0)
	for _, u := range []string{"ada", "bob"} {
		faketest.Equal(t, u+"'s assertions after delete", len(faketest.Page(t, c.Must(t, 200, "GET", faketest.UserBase("acme", u)+"assertions/", nil).Obj(t))), 0)
	}
	faketest.Equal(t, "group assignments after delete", len(groups()), 0)
}

func TestCredentialGroupsAdmin(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	c.Must(t, 400, "PUT", "/_fake/credential-groups", map[string]any{"users": []any{}})
	c.Must(t, 400, "PUT", "/_fake/credential-groups", map[string]any{"org": "acme",
		"groups": []any{map[string]any{"id": "g", "members": []any{42}}}})
	c.Must(t, 200, "PUT", "/_fake/credential-groups", map[string]any{"org": "acme",
		"groups": []any{map[string]any{"id": "g", "name": "G", "members": []any{map[string]any{"user_id": 1, "username": "u1"}}}}})
	faketest.JSONEq(t, c.Must(t, 200, "GET", "/_fake/credential-groups?org=acme", nil).Body,
		`{"org": "acme", "users": [{"user_id": 1, "username": "u1", "email": null, "name": null, "platform_admin": false}],
		  "groups": [{"id": "g", "name": "G", "members": [1]}]}`)
}

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

func TestOverTimeAnalytics(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithClockAt(time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)))
	iss := c.CreateIssuer(t, "acme", "Acme")
	cred := c.CreateCredential(t, "acme", iss, "Badge", nil)
	at := func(ts string) {
		c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"now": ts})
	}
	c.Issue(t, "acme", cred, "u1", map[string]any{"course": "course-v1:acme+X+1"})
	at("2024-03-09T08:00:00Z")
	c.Issue(t, "acme", cred, "u2", nil)
	c.Issue(t, "acme", cred, "u3", map[string]any{"course": "course-v1:acme+X+1"})
	at("2024-03-10T23:59:00Z")
	c.CreateCredential(t, "acme", iss, "Second badge", nil)
	c.Issue(t, "acme", cred, "u4", nil)

	r := c.Must(t, 200, "GET", faketest.Base("acme")+"assertions-over-time/?start_date=2024-03-08&end_date=2024-03-11", nil)
	faketest.JSONEq(t, r.Body, `{"data": {"2024-03-08": 0, "2024-03-09": 2, "2024-03-10": 1, "2024-03-11": 0}, "total": 3,
		"meta": {"total": 3, "change_range": 3, "change_range_percent": 300,
		         "change_last_seven_days": 3, "change_last_seven_days_percent": 300,
		         "change_last_thirty_days": 4, "change_last_thirty_days_percent": 100}}`)

	r = c.Must(t, 200, "GET", faketest.Base("acme")+"course-assertions-over-time/?start_date=2024-02-29T10:00:00Z&end_date=2024-03-02", nil)
	faketest.JSONEq(t, r.Body, `{"data": {"2024-02-29": 0, "2024-03-01": 1, "2024-03-02": 0}, "total": 1}`)
	r = c.Must(t, 200, "GET", faketest.Base("acme")+"credentials-over-time/", nil)
	faketest.JSONEq(t, r.Body, `{"data": {"2024-03-01": 1, "2024-03-10": 1}, "total": 2}`)
	r = c.Must(t, 200, "GET", faketest.Base("acme")+"credentials-over-time/?start_date=2024-03-09", nil)
	faketest.JSONEq(t, r.Body, `{"data": {"2024-03-09": 0, "2024-03-10": 1}, "total": 1}`)

	t.Run("Errors", func(t *testing.T) {
		faketest.JSONEq(t, c.Must(t, 400, "GET", faketest.Base("acme")+"assertions-over-time/?start_date=March", nil).Body,
			`{"start_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}`)
		c.Must(t, 400, "GET", faketest.Base("acme")+"assertions-over-time/?start_date=2024-03-10&end_date=2024-03-01", nil)
		c.Must(t, 400, "GET", faketest.Base("acme")+"assertions-over-time/?format=xml", nil)
		faketest.SeedCredentialGroups(t, c, "acme")
		c.Must(t, 403, "GET", faketest.UserBase("acme", "bob")+"assertions-over-time/", nil)
		c.Must(t, 200, "GET", faketest.UserBase("acme", "bob")+"credentials-over-time/", nil)
	})
}

func TestCourseExportImport(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	course := "course-v1:acme+DS101+2024"
	iss := c.CreateIssuer(t, "acme", "Acme")
	cred := c.CreateCredential(t, "acme", iss, "DS cert", map[string]any{
		"courses": []string{course}, "expires": map[string]any{"amount": 365, "duration": "days"}, "description": "old"})
	c.Must(t, 200, "POST", faketest.Base("acme")+"issuers/authority/", map[string]any{
		"name": "Dean", "title": "Dean", "signature": "https://x.test/s.png", "credential": cred})
	c.CreateCredential(t, "acme", iss, "Other course", map[string]any{"courses": []string{"course-v1:acme+ML+1"}})

	exim := "/api/credentials/exim/credentials/course/" + course
	exp := c.Must(t, 200, "GET", exim+"/export/", nil).Obj(t)
	faketest.Equal(t, "course_id", exp["course_id"], any(course))
	items := exp["credentials"].([]any)
	faketest.Equal(t, "exported", len(items), 1)
	item := items[0].(map[string]any)
	faketest.Equal(t, "entityId", item["entityId"], any(cred))
	faketest.Equal(t, "signatories", len(item["signatories"].([]any)), 1)

	t.Run("ReimportUpdates", func(t *testing.T) {
		item["description"] = "new"
		r := c.Must(t, 201, "POST", exim+"/import/", exp)
		faketest.JSONEq(t, r.Result(t), `{"course_id": "`+course+`", "imported_credentials": [{"entityId": "`+cred+`", "name": "DS cert", "status": "updated"}], "errors": []}`)
		got := c.Must(t, 200, "GET", faketest.Base("acme")+cred, nil).Result(t)
		faketest.Equal(t, "description", got["description"], any("new"))
	})
	t.Run("IntoAnotherPlatform", func(t *testing.T) {
		c.Must(t, 400, "POST", exim+"/import/?platform_org=beta", exp) // beta has no issuer yet
		beta := c.CreateIssuer(t, "beta", "Beta")
		r := c.Must(t, 201, "POST", exim+"/import/?platform_org=beta", exp)
		imp := r.Result(t)["imported_credentials"].([]any)[0].(map[string]any)
		faketest.Equal(t, "status", imp["status"], any("created"))
		got := c.Must(t, 200, "GET", faketest.Base("beta")+faketest.Str(t, imp, "entityId"), nil).Result(t)
		faketest.Equal(t, "issuer", got["issuerDetails"].(map[string]any)["entityId"], any(beta))
		faketest.Equal(t, "signatories copied", len(got["signatories"].([]any)), 1)
		faketest.Equal(t, "expires copied", got["expires"], exp["credentials"].([]any)[0].(map[string]any)["expires"])
	})
	t.Run("Partial207", func(t *testing.T) {
		r := c.Must(t, 207, "POST", exim+"/import/", map[string]any{"course_id": course, "credentials": []any{
			map[string]any{"name": "Fresh cert"}, map[string]any{"description": "no name"}}})
		faketest.JSONEq(t, r.Result(t)["errors"], `[{"index": 1, "name": null, "error": "name: This field is required."}]`)
	})
	t.Run("None400", func(t *testing.T) {
		r := c.Must(t, 400, "POST", exim+"/import/", map[string]any{"course_id": course, "credentials": []any{
			map[string]any{"name": "Bad expiry", "expires": "soon"}}})
		faketest.Equal(t, "success", r.Obj(t)["status"].(map[string]any)["success"], any(false))
		c.Must(t, 400, "POST", exim+"/import/", nil)
	})
}

func TestClockAdmin(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	before := time.Now()
	r := c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"offset": "720h"}).Obj(t)
	now, err := time.Parse(time.RFC3339Nano, faketest.Str(t, r, "now"))
	if err != nil || now.Sub(before) < 719*time.Hour || now.Sub(before) > 721*time.Hour {
		t.Fatalf("now = %v after offset 720h from %v", r["now"], before)
	}
	faketest.Equal(t, "offset", r["offset"], any("720h0m0s"))
	r = c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"now": "2030-01-02T03:04:05Z"}).Obj(t)
	faketest.JSONEq(t, r, `{"now": "2030-01-02T03:04:05Z", "offset": "0s", "frozen": true}`)
	faketest.JSONEq(t, c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": "-1h"}).Body,
		`{"now": "2030-01-02T02:04:05Z", "offset": "0s", "frozen": true}`)
	faketest.JSONEq(t, c.Must(t, 200, "GET", "/_fake/clock", nil).Body, `{"now": "2030-01-02T02:04:05Z", "offset": "0s", "frozen": true}`)
	c.Must(t, 400, "POST", "/_fake/clock", map[string]any{"offset": "a month"})
	c.Must(t, 400, "POST", "/_fake/clock", map[string]any{"offset": "1h", "now": "2030-01-02T03:04:05Z"})
	c.Must(t, 400, "POST", "/_fake/clock", map[string]any{})
	r = c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"offset": "0s"}).Obj(t)
	faketest.Equal(t, "frozen after offset", r["frozen"], any(false))

	d := faketest.NewClient(t, fake.WithClockOffset(-48*time.Hour))
	faketest.Equal(t, "option offset", d.Must(t, 200, "GET", "/_fake/clock", nil).Obj(t)["offset"], any("-48h0m0s"))

	// A reset sets the clock back to its start-up setting.
	c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"now": "2030-01-02T03:04:05Z"})
	c.Must(t, 200, "POST", "/_fake/reset", nil)
	faketest.Equal(t, "frozen after reset", c.Must(t, 200, "GET", "/_fake/clock", nil).Obj(t)["frozen"], any(false))
	d.Must(t, 200, "POST", "/_fake/clock", map[string]any{"offset": "1h"})
	d.Must(t, 200, "POST", "/_fake/reset", nil)
	faketest.Equal(t, "offset after reset", d.Must(t, 200, "GET", "/_fake/clock", nil).Obj(t)["offset"], any("-48h0m0s"))
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	e := faketest.NewClient(t, fake.WithClockAt(at))
	e.Must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": "24h"})
	e.Must(t, 200, "POST", "/_fake/reset", nil)
	faketest.Equal(t, "now after reset", e.Must(t, 200, "GET", "/_fake/clock", nil).Obj(t)["now"], any("2025-01-01T00:00:00Z"))
}

func TestExpiryFollowsTheClock(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithClockAt(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))
	iss := c.CreateIssuer(t, "acme", "Acme")
	cred := c.CreateCredential(t, "acme", iss, "Day pass", map[string]any{"expires": map[string]any{"amount": 1, "duration": "days"}})
	id := c.Issue(t, "acme", cred, "ada", nil)
	pub := "/api/credentials/public/assertions/" + id + "/"
	faketest.Equal(t, "expires", c.Must(t, 200, "GET", pub, nil).Obj(t)["expires"], any("2025-01-02T00:00:00Z"))
	c.Must(t, 409, "DELETE", faketest.Base("acme")+cred, nil)

	c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": "24h"})
	faketest.JSONEq(t, c.Must(t, 404, "GET", pub, nil, "Authorization", "").Body,
		`{"detail": "This assertion has expired.", "expires": "2025-01-02T00:00:00Z"}`)
	faketest.Equal(t, "listed", len(faketest.Page(t, c.Must(t, 200, "GET", faketest.UserBase("acme", "ada")+"assertions/", nil).Obj(t))), 0)
	faketest.Equal(t, "listed with include_expired", len(faketest.Page(t, c.Must(t, 200, "GET", faketest.UserBase("acme", "ada")+"assertions/?include_expired=true", nil).Obj(t))), 1)
	c.Must(t, 200, "DELETE", faketest.Base("acme")+cred, nil)
}

func TestImageSurvivesStateExportImport(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	img := faketest.PNGBytes(t, 2, 2)
	up := c.Must(t, 200, "POST", faketest.Base("acme")+"images/", faketest.MultipartBody(t, "image", "a.png", img)).Obj(t)
	u, _ := url.Parse(faketest.Str(t, up, "image"))
	state := c.Must(t, 200, "GET", "/_fake/state", nil).Raw
	c.Must(t, 200, "POST", "/_fake/reset", nil)
	c.Must(t, 404, "GET", u.Path, nil)
	c.Must(t, 200, "PUT", "/_fake/state", faketest.RawBody{ContentType: "application/json", Data: string(state)})
	got := c.Must(t, 200, "GET", u.Path, nil)
	faketest.Equal(t, "bytes", got.Raw, img)
	faketest.Equal(t, "name", up["name"], nil)
}

// TestCourseExportImportKeyScope: export and import are DM-admin only
// (SKILL-C exim), so with keys bound a platform key gets 403 for both, even
// for its own org, and a DM admin's export spans every org.
func TestCourseExportImportKeyScope(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithAPIKey("k-all", "acme", "beta"), fake.WithAPIKey("k-dm", fake.DMAdmin))
	c.Auth = "Api-Token k-all"
	course := "course-v1:acme+DS101+2024"
	for _, org := range []string{"acme", "beta"} {
		iss := c.CreateIssuer(t, org, org)
		c.CreateCredential(t, org, iss, "Cert "+org, map[string]any{"courses": []string{course}})
	}
	exim := "/api/credentials/exim/credentials/course/" + course
	c.Must(t, 403, "GET", exim+"/export/", nil)
	c.Must(t, 403, "POST", exim+"/import/", map[string]any{"course_id": course, "credentials": []any{}})
	c.Auth = "Api-Token k-dm"
	faketest.Equal(t, "all orgs", len(c.Must(t, 200, "GET", exim+"/export/", nil).Obj(t)["credentials"].([]any)), 2)
	exp := c.Must(t, 200, "GET", exim+"/export/?platform_org=beta", nil).Obj(t)
	faketest.Equal(t, "platform_org", len(exp["credentials"].([]any)), 1)
	c.Must(t, 201, "POST", exim+"/import/?platform_org=beta", exp)
}

func TestGroupAssignmentFailsWhenGroupIsGone(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	iss := c.CreateIssuer(t, "acme", "Acme")
	cred := c.CreateCredential(t, "acme", iss, "Badge", nil)
	faketest.SeedCredentialGroups(t, c, "acme")
	c.Must(t, 200, "POST", faketest.Base("acme")+"assignments/groups/", map[string]any{"credential_id": cred, "group_ids": []string{"cohort"}})
	c.Must(t, 200, "PUT", "/_fake/credential-groups", map[string]any{"org": "acme", "users": []any{}})
	c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": "1m"})
	got := faketest.Page(t, c.Must(t, 200, "GET", faketest.Base("acme")+"assignments/groups/", nil).Result(t))
	faketest.Equal(t, "status", faketest.Field(got, "status"), []string{"FAILED"})
	// A failed group assignment does not block assigning the group again.
	faketest.SeedCredentialGroups(t, c, "acme")
	res := c.Must(t, 200, "POST", faketest.Base("acme")+"assignments/groups/", map[string]any{"credential_id": cred, "group_ids": []string{"cohort"}}).Result(t)
	faketest.Equal(t, "reassigned", len(res["successful_assignments"].([]any)), 1)
}
