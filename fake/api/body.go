package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// Body is a request's body as the server read it: once, under the body
// limit, before anything looks at it. Tenant lookup, scenario parameters,
// validation and the handler all read this value, never the request's
// stream, so they cannot disagree about what was sent.
type Body struct {
	// Raw is the body as sent (nil for none).
	Raw []byte
	// MediaType is the Content-Type's media type, lower-case, without
	// parameters ("" when the header is absent).
	MediaType string
	// ContentType is the Content-Type header as sent (a multipart body's
	// boundary is in it).
	ContentType string
	// Err is why the body could not be read (413 over the limit, 400 for a
	// broken stream). It is the request's answer once authentication has
	// passed, as Django reads the body only when the view asks for it.
	Err error
	// Uploads are the file parts the validator took for fields the
	// document types as URI strings (media.UploadField), by field; the
	// field's value in the body is UploadStandIn until the handler stores
	// the file and puts its URL there.
	Uploads map[string]*Upload

	value  any   // the body as JSON, forms converted (SetValue) or parsed
	parsed bool  // value (or parseErr) is known
	perr   error // why the body is not JSON
}

// Upload is a file part of a multipart body, checked (media.Check).
type Upload struct {
	Filename    string // cleaned (media.CleanFilename)
	ContentType string // as sniffed
	Data        []byte
}

// UploadStandIn is the value of an uploaded field in the body between the
// validator, which checks the file, and the handler, which stores it and
// answers its URL instead.
const UploadStandIn = "https://upload.iblfake.invalid/pending"

// ReadBody reads r's body whole, refusing more than limit bytes (from
// Content-Length before reading, else once the limit is read). The error,
// if any, is kept in Body.Err rather than returned, for the server to answer
// at the right moment.
func ReadBody(r *http.Request, limit int64) *Body {
	b := &Body{}
	if ct := r.Header.Get(echo.HeaderContentType); ct != "" {
		b.ContentType = ct
		mt, _, _ := mime.ParseMediaType(ct)
		b.MediaType = strings.ToLower(mt)
	}
	if r.Body == nil || r.Body == http.NoBody {
		return b
	}
	if r.ContentLength > limit {
		b.Err = TooLarge(limit)
		return b
	}
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		b.Err = TooLarge(limit)
	case err != nil:
		b.Err = Detail(http.StatusBadRequest, "Could not read the request body: "+err.Error())
	default:
		b.Raw = raw
	}
	return b
}

// TooLarge is the 413 for a body over limit bytes.
func TooLarge(limit int64) *Error {
	return Detail(http.StatusRequestEntityTooLarge, fmt.Sprintf("Request body exceeds the limit of %d bytes.", limit))
}

// IsJSON reports whether the media type is one DRF's JSONParser reads
// (application/json, and the SCIM variant the vendor's clients send).
func IsJSON(mediaType string) bool {
	return mediaType == "application/json" || mediaType == "application/scim+json"
}

// Value returns the body as a JSON value: what SetValue stored (a form
// converted by the validator), else the JSON body parsed on first use (see
// ParseJSON), else nil for an empty or non-JSON body.
func (b *Body) Value() (any, error) {
	if !b.parsed {
		b.parsed = true
		if len(b.Raw) > 0 && IsJSON(b.MediaType) {
			b.value, b.perr = ParseJSON(b.Raw)
		}
	}
	return b.value, b.perr
}

// SetValue replaces the body's JSON value (a form body converted to the
// JSON the handler reads).
func (b *Body) SetValue(v any) { b.value, b.perr, b.parsed = v, nil, true }

// Field returns a top-level field of a JSON object body, or of a
// form-urlencoded body (its last value, as Django's QueryDict.get), by its
// exact name. It never fails: a body that cannot be read names nothing.
func (b *Body) Field(name string) (any, bool) {
	if b.MediaType == "application/x-www-form-urlencoded" && !b.parsed {
		vals, err := url.ParseQuery(string(b.Raw))
		if err != nil || len(vals[name]) == 0 {
			return nil, false
		}
		vs := vals[name]
		return vs[len(vs)-1], true
	}
	v, err := b.Value()
	obj, ok := v.(map[string]any)
	if err != nil || !ok {
		return nil, false
	}
	f, ok := obj[name]
	return f, ok
}

// Object returns the body as a JSON object ({} when empty); handlers that
// need the keys a struct does not name (metadata filters) read it.
func (b *Body) Object() map[string]any {
	v, _ := b.Value()
	if obj, ok := v.(map[string]any); ok {
		return obj
	}
	return map[string]any{}
}

// DefaultMaxBodyBytes is the request body limit unless the server is told
// otherwise (10 MiB).
const DefaultMaxBodyBytes = 10 << 20
