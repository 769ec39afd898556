package media_test

import (
	"bytes"
	"image/png"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/internal/media"
)

// TestMadeFilesAreWhatTheirURLsSay: every kind a URL names is served as
// that kind (a PNG that decodes, a WAV, a CSV, a page), the same bytes
// for the same seed and others for another, and a path MadeURL does not
// write is no file.
func TestMadeFilesAreWhatTheirURLsSay(t *testing.T) {
	for _, tc := range []struct{ kind, ext, ct string }{
		{media.Image, "", "image/png"}, {media.Audio, "", "audio/wav"},
		{media.File, "csv", "text/csv; charset=utf-8"}, {media.File, "txt", "text/plain; charset=utf-8"},
		{media.Page, "", "text/html; charset=utf-8"},
	} {
		u := media.MadeURL("http://127.0.0.1:9", tc.kind, 0xfeedface12345678, "Profile Image!", tc.ext)
		rest, ok := strings.CutPrefix(u, "http://127.0.0.1:9"+media.MadePrefix)
		if !ok {
			t.Fatalf("%s: %s is not under %s", tc.kind, u, media.MadePrefix)
		}
		parts := strings.Split(rest, "/")
		if len(parts) != 3 || parts[0] != tc.kind || parts[1] != "feedface12345678" || !strings.HasPrefix(parts[2], "profileimage") {
			t.Fatalf("%s: URL %s", tc.kind, u)
		}
		ct, _, data, ok := media.Made(parts[0], parts[1], parts[2])
		if !ok || ct != tc.ct || len(data) == 0 {
			t.Fatalf("%s: Made(%q) = %q, %d bytes, %v", tc.kind, rest, ct, len(data), ok)
		}
		_, _, again, _ := media.Made(parts[0], parts[1], parts[2])
		_, _, other, _ := media.Made(parts[0], "feedface12345679", parts[2])
		if !bytes.Equal(data, again) {
			t.Errorf("%s: one seed, two files", tc.kind)
		}
		if tc.kind == media.Image || tc.kind == media.File && tc.ext == "csv" {
			if bytes.Equal(data, other) {
				t.Errorf("%s: two seeds, one file", tc.kind)
			}
		}
	}
	img := media.Placeholder(42)
	if cfg, err := png.DecodeConfig(bytes.NewReader(img)); err != nil || cfg.Width != 128 {
		t.Fatalf("placeholder: %v %+v", err, cfg)
	}
	for _, bad := range [][3]string{
		{"image", "xyz", "a.png"}, {"image", "feedface1234567g", "a.png"}, {"image", "feedface12345678", "a.gif"},
		{"image", "feedface12345678", "../a.png"}, {"exe", "feedface12345678", "a.png"}, {"page", "feedface12345678", "a.html"},
		{"file", "feedface12345678", "A.csv"}, {"page", "feedface12345678", "<b>"},
	} {
		if _, _, _, ok := media.Made(bad[0], bad[1], bad[2]); ok {
			t.Errorf("Made%q is a file", bad)
		}
	}
}

// TestUploadChecks: DRF's FileField and ImageField refusals, and what a
// file that need not be an image is served as (never a page).
func TestUploadChecks(t *testing.T) {
	pngData := media.Placeholder(1)
	for _, tc := range []struct {
		name    string
		data    []byte
		image   bool
		maxName int
		ct, msg string
	}{
		{"", pngData, true, 0, "", media.MsgNoFilename},
		{"a.png", nil, true, 0, "", media.MsgEmptyFile},
		{"a.png", []byte("<html>"), true, 0, "", media.MsgInvalidImage},
		{"a.png", pngData, true, 0, "image/png", ""},
		{"a-very-long-name.png", pngData, true, 10, "", "Ensure this filename has at most 10 characters (it has 20)."},
		{"a.png", make([]byte, media.MaxImageBytes+1), false, 0, "", media.TooLarge(media.MaxImageBytes + 1)},
		{"a.html", []byte("<html><script>alert(1)</script></html>"), false, 0, "application/octet-stream", ""},
		{"a.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), false, 0, "text/plain; charset=utf-8", ""}, // text, never an image
		{"a.txt", []byte("hello"), false, 0, "text/plain; charset=utf-8", ""},
		{"a.wav", media.Tone(1), false, 0, "audio/wave", ""},
	} {
		ct, msg := media.Check(tc.name, tc.data, tc.image, tc.maxName)
		if ct != tc.ct || msg != tc.msg {
			t.Errorf("Check(%q, image %v) = %q, %q; want %q, %q", tc.name, tc.image, ct, msg, tc.ct, tc.msg)
		}
	}
	if got := media.CleanFilename("../My Logo (1).png", "image/png"); got != "My_Logo_1.png" {
		t.Errorf("CleanFilename = %q", got)
	}
	if got := media.CleanFilename("///", "image/png"); got != "image.png" {
		t.Errorf("CleanFilename of nothing = %q", got)
	}
}

// TestServeHeaders: a served file says what it is, is never sniffed, runs
// nothing, and is downloaded unless it is an image, audio or a page.
func TestServeHeaders(t *testing.T) {
	for _, tc := range []struct {
		ct, disposition string
	}{
		{"image/png", ""},
		{"application/octet-stream", `attachment; filename="x.bin"`},
		{"text/csv; charset=utf-8", `attachment; filename="x.bin"`},
	} {
		w := httptest.NewRecorder()
		media.Serve(w, tc.ct, "x.bin", []byte("data"), "public, max-age=60")
		h := w.Result().Header
		if h.Get("Content-Type") != tc.ct || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "sandbox") || h.Get("Content-Disposition") != tc.disposition ||
			h.Get("Cache-Control") != "public, max-age=60" {
			t.Errorf("%s: headers %v", tc.ct, h)
		}
	}
}
