package fake_test

import (
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
)

// pdf is a small PDF, as the vendor's ResumeTab uploads one.
var pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// TestAResumeUploadedIsTheUsersResume replays the vendor's ResumeTab
// (WC resume-tab.tsx: POST the form {user, platform, resume}, then read
// data.files and show the one of type "resume") on every backend: a user
// with none has no files, an upload is stored and served at the URL the
// read gives, a second upload (the data layer's default PUT) replaces it,
// a body without the file is DRF's 400 on resume; another user and
// another tenant have none of it (FIDELITY.md, "career resume").
func TestAResumeUploadedIsTheUsersResume(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)), fake.WithAPIKey("key-acme", "acme"), fake.WithAPIKey("key-globex", "globex"))
			c.Auth = "Token key-acme"
			const path = "/api/career/resume/orgs/acme/users/ada/"
			files := func(t *testing.T, key, path string) []any {
				t.Helper()
				c.Auth = key
				fs, ok := c.Must(t, 200, "GET", path, nil).Obj(t)["files"].([]any)
				if !ok {
					t.Fatalf("GET %s: no files list", path)
				}
				return fs
			}
			faketest.Equal(t, "files before any", len(files(t, "Token key-acme", path)), 0)

			c.Must(t, 200, "POST", path, faketest.MultipartBody(t, "resume", "Ada Lovelace resume.pdf", pdf, "user", "ada", "platform", "acme"))
			fs := files(t, "Token key-acme", path)
			faketest.Equal(t, "files after the upload", len(fs), 1)
			f := fs[0].(map[string]any)
			faketest.Equal(t, "type", f["type"], any("resume"))
			faketest.Equal(t, "name", f["name"], any("Ada_Lovelace_resume.pdf"))
			servedAs(t, c, faketest.Str(t, f, "url"), "application/pdf", pdf)

			// The data layer's default method replaces it.
			second := append([]byte{}, pdf...)
			second = append(second, []byte("% second\n")...)
			c.Must(t, 200, "PUT", path, faketest.MultipartBody(t, "resume", "cv-2026.pdf", second))
			fs = files(t, "Token key-acme", path)
			faketest.Equal(t, "files after the replace", len(fs), 1)
			f = fs[0].(map[string]any)
			faketest.Equal(t, "replaced name", f["name"], any("cv-2026.pdf"))
			servedAs(t, c, faketest.Str(t, f, "url"), "application/pdf", second)

			// No file: DRF's 400 on the field; nothing changes.
			c.Auth = "Token key-acme"
			c.Must(t, 400, "POST", path, faketest.MultipartBody(t, "", "", nil, "user", "ada", "resume", "not a file"))
			faketest.JSONEq(t, c.Must(t, 400, "POST", path, faketest.MultipartBody(t, "resume", "empty.pdf", nil)).Body,
				`{"resume": ["The submitted file is empty."]}`)
			faketest.JSONEq(t, c.Must(t, 400, "POST", path, map[string]any{"resume": "https://example.com/cv.pdf"}).Body,
				`{"resume": ["The submitted data was not a file. Check the encoding type on the form."]}`)
			faketest.Equal(t, "after the refusals", files(t, "Token key-acme", path)[0].(map[string]any)["name"], any("cv-2026.pdf"))

			// Another user, another tenant: none.
			faketest.Equal(t, "grace's files", len(files(t, "Token key-acme", "/api/career/resume/orgs/acme/users/grace/")), 0)
			faketest.Equal(t, "globex's ada", len(files(t, "Token key-globex", "/api/career/resume/orgs/globex/users/ada/")), 0)
			c.Must(t, 403, "GET", path, nil)
		})
	}
}
