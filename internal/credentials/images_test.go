package credentials_test

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/internal/credentials"
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
