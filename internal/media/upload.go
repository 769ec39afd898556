// Package media is what the fake serves outside the vendor's API: the
// checks an uploaded file passes (Django's FileField and ImageField, as
// DRF words their errors), how an upload is served back, and the files
// the fake makes up for the URLs in its synthesized answers (placeholder
// images, downloads, link pages), each deterministic from a seed. It
// imports nothing of the project: the credentials module, the long tail
// and package synth share it.
package media

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // decoders image.DecodeConfig checks uploads with
	_ "image/jpeg"
	_ "image/png"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"
)

// MaxImageBytes is the largest file upload accepted. The real limit is not
// documented; a larger file is a 400 on its field.
const MaxImageBytes = 5 << 20

// DRF's FileField and ImageField messages.
const (
	MsgNoFile       = "No file was submitted."
	MsgNotAFile     = "The submitted data was not a file. Check the encoding type on the form."
	MsgNoFilename   = "No filename could be determined."
	MsgEmptyFile    = "The submitted file is empty."
	MsgInvalidImage = "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
)

// TooLarge is the message for a file of size bytes over MaxImageBytes.
func TooLarge(size int64) string {
	return fmt.Sprintf("Ensure this file is at most %d bytes (it is %d bytes).", MaxImageBytes, size)
}

// SniffImage returns the media type of an image the fake accepts: PNG,
// JPEG and GIF are decoded (as Pillow would open them); WebP and BMP are
// recognised by their signature. Anything else (SVG included: it can
// carry script) is not an image.
func SniffImage(data []byte) (string, bool) {
	if _, format, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
		return "image/" + format, true
	}
	switch ct := http.DetectContentType(data); ct {
	case "image/webp", "image/bmp":
		return ct, true
	}
	return "", false
}

// CleanFilename keeps the base name of an uploaded file with only URL-safe
// characters, as Django's storage does with get_valid_name; a name left
// empty becomes "file" with the media type's subtype as its extension.
func CleanFilename(name, contentType string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('_')
		}
	}
	out := strings.Trim(b.String(), ".")
	if out == "" {
		base := "file"
		if strings.HasPrefix(contentType, "image/") {
			base = "image"
		}
		_, sub, _ := strings.Cut(contentType, "/")
		sub, _, _ = strings.Cut(sub, ";")
		if sub == "" || sub == "octet-stream" {
			sub = "bin"
		}
		out = base + "." + sub
	}
	return out
}

// Check is the validation of one uploaded file as DRF's FileField (image
// false) or ImageField (image true) does it, with the field's max_length
// (0 for none) bounding the file's name: the file's media type, or the
// message of the first check it fails.
func Check(filename string, data []byte, image bool, maxName int) (contentType, msg string) {
	switch {
	case filename == "":
		return "", MsgNoFilename
	case len(data) == 0:
		return "", MsgEmptyFile
	case len(data) > MaxImageBytes:
		return "", TooLarge(int64(len(data)))
	}
	if n := utf8.RuneCountInString(filename); maxName > 0 && n > maxName {
		return "", fmt.Sprintf("Ensure this filename has at most %d characters (it has %d).", maxName, n)
	}
	if image {
		ct, ok := SniffImage(data)
		if !ok {
			return "", MsgInvalidImage
		}
		return ct, ""
	}
	return SafeContentType(data), ""
}

// SafeContentType is the media type an uploaded file that need not be an
// image is served with: an image, audio, video, PDF or plain text as it
// sniffs, anything else (HTML, SVG, XML, script) application/octet-stream,
// so the fake's origin never serves a page a client uploaded.
func SafeContentType(data []byte) string {
	if ct, ok := SniffImage(data); ok {
		return ct
	}
	ct := http.DetectContentType(data)
	base, _, _ := strings.Cut(ct, ";")
	switch {
	case strings.HasPrefix(base, "audio/"), strings.HasPrefix(base, "video/"), base == "application/pdf":
		return base
	case base == "text/plain":
		return ct
	}
	return "application/octet-stream"
}

// Serve writes a file the fake serves (an upload, a made-up file): its
// media type, nosniff (an upload is checked, but a polyglot, a GIF that is
// also HTML, passes: nosniff stops a browser running it as a page), a
// policy that lets nothing it names run, and for anything but an image,
// audio or video an attachment named filename, so a browser saves it
// rather than shows it.
func Serve(w http.ResponseWriter, contentType, filename string, data []byte, cache string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	if cache != "" {
		h.Set("Cache-Control", cache)
	}
	if !inline(contentType) {
		h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", filename))
	}
	h.Set("Content-Length", fmt.Sprint(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

// inline reports whether a file of contentType is shown rather than
// downloaded: images, audio, video, and the fake's own link pages.
func inline(contentType string) bool {
	for _, p := range []string{"image/", "audio/", "video/", "text/html"} {
		if strings.HasPrefix(contentType, p) {
			return true
		}
	}
	return false
}

// uploadWords are the last words of a field's name that say it holds a
// file; uploadImages those that say the file is an image.
var (
	uploadWords  = set("file image logo icon avatar photo picture thumbnail banner favicon attachment document audio video recording resume")
	uploadImages = set("image logo icon avatar photo picture thumbnail banner favicon")
)

// UploadField reports whether a multipart file part is taken for the
// request field name, a string of the given format, in an operation of
// path: a URI string named for a file or an image (file, image,
// profile_image, source_file). drf-spectacular writes a serializer's
// ImageField and FileField as `type: string, format: uri` when request and
// answer share a component, so the document says URL where the service
// reads a file. image says the file must be an image: the name says so, or
// it is a bare "file" of an operation about one (a logo's, a favicon's).
func UploadField(name, format, path string) (ok, image bool) {
	if format != "uri" {
		return false, false
	}
	ws := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '_' || r == '-' })
	if len(ws) == 0 || !uploadWords[ws[len(ws)-1]] {
		return false, false
	}
	head := ws[len(ws)-1]
	if uploadImages[head] {
		return true, true
	}
	if head == "file" {
		for _, w := range strings.FieldsFunc(strings.ToLower(path), func(r rune) bool { return r == '/' || r == '-' || r == '_' }) {
			if uploadImages[w] {
				return true, true
			}
		}
	}
	return true, false
}

func set(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(s) {
		out[w] = true
	}
	return out
}
