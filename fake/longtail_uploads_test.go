package fake_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
	"github.com/iblfake/iblfake/internal/longtail"
)

// fetch GETs an absolute URL without a key: status, Content-Type, body.
func fetch(t *testing.T, c *faketest.Client, u string) (int, http.Header, []byte) {
	t.Helper()
	resp, err := c.HTTP.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, data
}

// servedAs checks that the fake serves data at u, as an image of type ct
// with nosniff.
func servedAs(t *testing.T, c *faketest.Client, u, ct string, data []byte) {
	t.Helper()
	if !strings.HasPrefix(u, c.Srv.URL+"/media/uploads/") {
		t.Fatalf("upload URL %q is not the fake's", u)
	}
	status, h, got := fetch(t, c, u)
	if status != 200 || h.Get("Content-Type") != ct || h.Get("X-Content-Type-Options") != "nosniff" || !bytes.Equal(got, data) {
		t.Fatalf("GET %s: %d %s nosniff=%q, %d bytes (want %d)", u, status, h.Get("Content-Type"), h.Get("X-Content-Type-Options"), len(got), len(data))
	}
}

// TestALogoUploadIsStoredAndServed: a logo sent as the vendor's UI sends
// it (multipart, a file in the field the document types as a URI string)
// is accepted, stored for the tenant and served at the URL the answer
// gives; the logo's public read redirects to it, another tenant's to a
// placeholder; what is no image is refused as DRF's ImageField refuses it.
func TestALogoUploadIsStoredAndServed(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	logo := faketest.PNGBytes(t, 3, 2)
	r := c.Must(t, 200, "POST", "/api/core/orgs/acme/logo/create/", faketest.MultipartBody(t, "file", "acme logo.png", logo)).Obj(t)
	u, _ := r["file"].(string)
	servedAs(t, c, u, "image/png", logo)
	if !strings.HasSuffix(u, "/acme_logo.png") {
		t.Errorf("URL %s does not keep the file's name", u)
	}
	dark := faketest.PNGBytes(t, 4, 4)
	du := c.Must(t, 200, "POST", "/api/core/orgs/acme/dark-mode-logo/create/", faketest.MultipartBody(t, "file", "dark.png", dark)).Obj(t)["file"].(string)
	servedAs(t, c, du, "image/png", dark)

	// The logos' reads are public (an <img src> sends no key) and lead to
	// the tenant's own upload.
	c.Auth = ""
	for path, want := range map[string]string{"/api/core/orgs/acme/logo/": u, "/api/core/orgs/acme/dark-mode-logo/": du} {
		got := c.Must(t, 302, "GET", path, nil).Header.Get("Location")
		faketest.Equal(t, "GET "+path+" redirects to", got, want)
	}
	other := c.Must(t, 302, "GET", "/api/core/orgs/globex/logo/", nil).Header.Get("Location")
	if !strings.HasPrefix(other, c.Srv.URL+"/media/iblfake/image/") {
		t.Errorf("globex's logo is %s, want a placeholder", other)
	}
	status, h, img := fetch(t, c, other)
	if status != 200 || h.Get("Content-Type") != "image/png" || !bytes.HasPrefix(img, []byte("\x89PNG")) {
		t.Errorf("the placeholder: %d %s", status, h.Get("Content-Type"))
	}
	c.Auth = faketest.DefaultAuth

	// A newer upload is the logo from then on.
	newer := faketest.PNGBytes(t, 5, 5)
	nu := c.Must(t, 200, "POST", "/api/core/orgs/acme/logo/create/", faketest.MultipartBody(t, "file", "v2.png", newer)).Obj(t)["file"].(string)
	faketest.Equal(t, "the logo after another upload", c.Must(t, 302, "GET", "/api/core/orgs/acme/logo/", nil).Header.Get("Location"), nu)
	servedAs(t, c, u, "image/png", logo) // the old file stays where it was

	// DRF's ImageField refusals, on the field.
	for _, tc := range []struct {
		name string
		data []byte
		msg  string
	}{
		{"logo.png", []byte("<svg onload=alert(1)>"), "Upload a valid image. The file you uploaded was either not an image or a corrupted image."},
		{"logo.png", nil, "The submitted file is empty."},
	} {
		r := c.Must(t, 400, "POST", "/api/core/orgs/acme/logo/create/", faketest.MultipartBody(t, "file", tc.name, tc.data))
		faketest.JSONEq(t, r.Body, fmt.Sprintf(`{"file": [%q]}`, tc.msg))
	}
	faketest.JSONEq(t, c.Must(t, 400, "POST", "/api/core/orgs/acme/logo/create/", faketest.MultipartBody(t, "file", "", nil, "other", "x")).Body,
		`{"file": ["This field is required."]}`)
	// A URL string, as the document describes the field, still works.
	c.Must(t, 200, "POST", "/api/core/orgs/acme/logo/create/", map[string]any{"file": "https://cdn.example.com/logo.png"})
}

// TestAnImageAssetUploadIsKeptAndServed: a public image asset created with
// a file lists and reads with the file's URL (its url: the image field is
// write-only), its file/ read redirects there, and the upload survives a
// state export and import; another tenant sees none of it by any route.
func TestAnImageAssetUploadIsKeptAndServed(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	img := faketest.PNGBytes(t, 6, 3)
	coll := "/api/core/platforms/acme/public-image-assets/"
	made := c.Must(t, 201, "POST", coll, faketest.MultipartBody(t, "image", "hero.png", img, "category", "login")).Obj(t)
	u, _ := made["url"].(string)
	servedAs(t, c, u, "image/png", img)
	faketest.Equal(t, "category", made["category"], any("login"))
	id := fmt.Sprint(made["id"])
	listed := c.Must(t, 200, "GET", coll, nil).Arr(t)
	if len(listed) != 1 || listed[0].(map[string]any)["url"] != u {
		t.Fatalf("list: %v", listed)
	}
	faketest.Equal(t, "detail url", c.Must(t, 200, "GET", coll+id+"/", nil).Obj(t)["url"], any(u))
	c.Auth = ""
	faketest.Equal(t, "file/ redirects to", c.Must(t, 302, "GET", coll+id+"/file/", nil).Header.Get("Location"), u)
	c.Auth = faketest.DefaultAuth

	// Another tenant: its list, its asset of that id and the file under its
	// name are not acme's.
	if l := c.Must(t, 200, "GET", "/api/core/platforms/globex/public-image-assets/", nil).Arr(t); len(l) != 0 {
		t.Errorf("globex lists %v", l)
	}
	c.Must(t, 404, "GET", "/api/core/platforms/globex/public-image-assets/"+id+"/file/", nil)
	if status, _, _ := fetch(t, c, strings.Replace(u, "/media/uploads/acme/", "/media/uploads/globex/", 1)); status != 404 {
		t.Errorf("acme's file under globex's name: %d", status)
	}
	if status, _, _ := fetch(t, c, u[:strings.LastIndexByte(u, '/')]+"/other.png"); status != 404 {
		t.Errorf("acme's file under another name: %d", status)
	}

	// The file moves with the tenant's state.
	st, err := c.Srv.ExportTenantState("acme")
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Buckets[longtail.Files]) != 1 {
		t.Fatalf("acme's export holds %d files", len(st.Buckets[longtail.Files]))
	}
	if other, _ := c.Srv.ExportTenantState("globex"); len(other.Buckets[longtail.Files]) != 0 {
		t.Errorf("globex's export holds acme's file")
	}
	d := faketest.NewClient(t)
	if err := d.Srv.ImportState(st); err != nil {
		t.Fatal(err)
	}
	servedAs(t, d, strings.Replace(u, c.Srv.URL, d.Srv.URL, 1), "image/png", img)
}

// TestASettingsImageUploadIsKept: a mentor's settings written with a
// profile image file (a singleton) answer and keep its URL.
func TestASettingsImageUploadIsKept(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithSeed(2))
	path := "/api/ai-mentor/orgs/acme/users/alice/mentors/0b5c1f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b/settings/"
	img := faketest.PNGBytes(t, 2, 7)
	put := c.Must(t, 200, "PUT", path, faketest.MultipartBody(t, "profile_image", "me.png", img, "mentor_name", "Statistics Coach"))
	u, _ := put.Obj(t)["profile_image"].(string)
	servedAs(t, c, u, "image/png", img)
	got := c.Must(t, 200, "GET", path, nil).Obj(t)
	faketest.Equal(t, "profile_image read back", got["profile_image"], any(u))
	faketest.Equal(t, "mentor_name read back", got["mentor_name"], any("Statistics Coach"))
}
