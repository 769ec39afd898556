package fake

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/internal/drf"
	"github.com/iblfake/iblfake/internal/media"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/labstack/echo/v4"
)

// validationOptions: the fake authenticates before validating (as DRF
// does), reports every violation at once like a DRF serializer, and leaves
// defaults to the handlers. A JSON body (or a form turned into JSON) is
// validated by the fake itself from the value it parsed once
// (validateBody), so kin-openapi reads the body only for a file upload.
var validationOptions = &openapi3filter.Options{
	AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
	MultiError:          true,
	SkipSettingDefaults: true,
	SchemaValidationOptions: []openapi3.SchemaValidationOption{
		openapi3.WithStringFormatValidators(paramFormats),
		openapi3.DisableReadOnlyValidation(), // as bodyVisitOptions
	},
}

// validationOptionsNoBody is validationOptions for a request whose body the
// fake validates itself.
var validationOptionsNoBody = func() *openapi3filter.Options {
	o := *validationOptions
	o.ExcludeRequestBody = true
	return &o
}()

// stringFormats replace kin-openapi's checks of these formats with
// Django's: `format: uri` is URLValidator (formats.go) and `date-time` is
// parse_datetime as DRF's DateTimeField uses it (drf.ParseDateTime), which
// takes the naive date-times the vendor's Python SDK sends. The map form:
// the single-validator option allocates a map on every schema it checks.
var stringFormats = map[string]openapi3.StringFormatValidator{
	"uri":       urlFormat{},
	"date-time": drf.DateTimeFormat{},
	"email":     emailFormat{},
}

// paramFormats are the formats checked in query and path parameters:
// stringFormats but email. The catalog's email query parameters are
// filters (a list filtered by a malformed email is simply empty), not
// EmailFields, and the public checks word their own refusal.
var paramFormats = map[string]openapi3.StringFormatValidator{
	"uri":       urlFormat{},
	"date-time": drf.DateTimeFormat{},
}

// bodyVisitOptions are what kin-openapi applies to a request body it
// validates itself, for validateBody.
var bodyVisitOptions = []openapi3.SchemaValidationOption{
	openapi3.VisitAsRequest(), openapi3.MultiErrors(), openapi3.WithStringFormatValidators(stringFormats),
	// DRF ignores read-only fields a request sends, it does not refuse
	// them ("Any 'read_only' fields that are incorrectly included in the
	// serializer input will be ignored"); the vendor's SDK sends them.
	openapi3.DisableReadOnlyValidation(),
}

// parsedMediaTypes are the request bodies DRF's default parsers read; any
// other Content-Type with a body is a 415.
var parsedMediaTypes = map[string]bool{
	"application/json":                  true,
	"application/scim+json":             true,
	"application/x-www-form-urlencoded": true,
	"multipart/form-data":               true,
}

// validateRequest checks the request against its operation as DRF's
// parsers and serializer would, from the body the server read once
// (api.RequestBody): 413 or 400 for a body that could not be read, 415 for
// a media type no parser reads, 400 for one that does not parse, then
// every parameter and field violation in one 400. A JSON body and a form
// (turned into the JSON the schema describes) become the body's value,
// with DRF's string rules applied (normalize), which is what the handler
// binds.
func (s *Server) validateRequest(c echo.Context, r *route) (*openapi3filter.RequestValidationInput, error) {
	req := c.Request()
	b := api.RequestBody(c)
	if b.Err != nil {
		return nil, b.Err
	}
	if len(b.Raw) > 0 && !parsedMediaTypes[b.MediaType] {
		ct := req.Header.Get(echo.HeaderContentType)
		return nil, api.Detail(http.StatusUnsupportedMediaType, fmt.Sprintf("Unsupported media type \"%s\" in request.", ct))
	}
	// The field errors: an empty map from a pool, back to it unless the
	// answer (a 400) keeps it.
	fields := fieldMaps.Get().(map[string]any)
	checkParams(c, r, fields)
	var rb *openapi3.RequestBody
	if r.kin.Operation.RequestBody != nil {
		rb = r.kin.Operation.RequestBody.Value
	}
	var schema *openapi3.Schema
	own := false // the fake validates the body itself
	if rb != nil {
		var value any
		switch {
		case len(b.Raw) == 0:
			// DRF reads an empty body as {}; the field errors then say
			// what is missing.
			value, own = map[string]any{}, true
		case api.IsJSON(b.MediaType):
			v, err := b.Value()
			if err != nil {
				return nil, err
			}
			value, own = v, true
		case isForm(b.MediaType) && r.formJSON:
			v, err := formValueOf(b, mediaSchema(rb, b.MediaType), r, fields)
			if err != nil {
				return nil, err
			}
			value, own = v, true
		}
		if own {
			schema = mediaSchema(rb, echo.MIMEApplicationJSON)
			if schema == nil {
				schema = mediaSchema(rb, b.MediaType)
			}
			b.SetValue(normalize(schema, value, "", make([]string, 0, 8), fields))
		}
	}
	opts := validationOptions
	if own {
		opts = validationOptionsNoBody
	}
	query := drf.PagingLenient(c.QueryParams())
	// kin-openapi reads the body itself unless the fake does (own); when it
	// would check parameters only and the plan predicts they pass, it is
	// not asked (validate_fast.go).
	skip := (rb == nil || own) && r.plan().passes(c, query)
	var input *openapi3filter.RequestValidationInput
	if !skip || s.opts.responseChecker != nil {
		// The response check (NewTestServer) validates against the request.
		input = &openapi3filter.RequestValidationInput{
			Request:     req,
			PathParams:  pathParams(c),
			QueryParams: query,
			Route:       r.kin,
			Options:     opts,
		}
	}
	if !skip {
		setBody(req, b.Raw)
		if err := openapi3filter.ValidateRequest(req.Context(), input); err != nil {
			if whole := collectErrors(err, fields); whole != nil {
				return nil, whole
			}
		}
	}
	if own && schema != nil {
		// Visited unless the body plan predicts it passes
		// (validate_body_fast.go).
		if v, _ := b.Value(); !r.bodyPlan(schema).passes(v) {
			if err := schema.VisitJSON(v, bodyVisitOptions...); err != nil {
				collectSchemaErrors(err, v, fields)
			}
		}
	}
	if len(fields) > 0 {
		return nil, api.Fields(fields)
	}
	fieldMaps.Put(fields)
	// The handler of a file upload reads the multipart body itself; an
	// empty body was read to its end already, which reads the same.
	if len(b.Raw) > 0 {
		setBody(req, b.Raw)
	}
	return input, nil
}

// fieldMaps recycle validateRequest's field error maps: a request that
// passes (nearly all) leaves its map empty.
var fieldMaps = sync.Pool{New: func() any { return map[string]any{} }}

func isForm(mt string) bool {
	return mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data"
}

// mediaSchema returns the body schema rb declares for a media type.
func mediaSchema(rb *openapi3.RequestBody, mt string) *openapi3.Schema {
	if m := rb.Content.Get(mt); m != nil && m.Schema != nil {
		return m.Schema.Value
	}
	return nil
}

func setBody(req *http.Request, body []byte) {
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
}

func pathParams(c echo.Context) map[string]string {
	names := c.ParamNames()
	out := make(map[string]string, len(names))
	for i, v := range c.ParamValues() {
		if i < len(names) {
			out[names[i]] = v
		}
	}
	return out
}

// formValueOf parses a form body (urlencoded or multipart) into the JSON
// object its schema describes, converting each field to its declared type,
// so the form is validated and bound as the JSON the handler reads
// (kin-openapi cannot decode a form against an allOf schema). A file part
// is taken for a long-tail field the document types as a URI string but
// names for a file (uploads below); the other file parts are ignored, as
// DRF ignores fields its serializer does not declare.
func formValueOf(b *api.Body, schema *openapi3.Schema, r *route, fields map[string]any) (map[string]any, error) {
	probe, _ := http.NewRequest(http.MethodPost, "/", bytes.NewReader(b.Raw))
	probe.Header.Set(echo.HeaderContentType, b.MediaType)
	if b.MediaType == "multipart/form-data" {
		probe.Header.Set(echo.HeaderContentType, b.ContentType)
		if err := probe.ParseMultipartForm(32 << 20); err != nil {
			return nil, multipartError(err)
		}
		defer func() { _ = probe.MultipartForm.RemoveAll() }()
	} else if err := probe.ParseForm(); err != nil {
		return nil, api.Detail(http.StatusBadRequest, "Form parse error - "+err.Error())
	}
	if n := countValues(probe.PostForm); n > maxFields {
		return nil, tooManyFields()
	}
	var props openapi3.Schemas
	if schema != nil {
		props = synth.Properties(schema)
	}
	obj := map[string]any{}
	for k, vs := range probe.PostForm {
		var ps *openapi3.Schema
		if p := props[k]; p != nil {
			ps = p.Value
		}
		obj[k] = formValue(ps, vs)
	}
	if probe.MultipartForm != nil && r.longTail {
		uploads(b, probe.MultipartForm.File, props, r.template, obj, fields)
	}
	return obj, nil
}

// uploads takes the file parts of a multipart body sent for fields the
// document types `string, format: uri` and names for a file or an image
// (media.UploadField): the vendor's serializers have an ImageField or a
// FileField there (logo/create's file, public-image-assets' image), which
// drf-spectacular renders as a URI string, and the vendor's own UI sends a
// file (FIDELITY.md, "long-tail uploads"). Each is checked as DRF's field
// checks it (an image must be one; a name, size and content), its errors
// on the field; one that passes is kept in the body's Uploads, its value
// in the body api.UploadStandIn until the long tail stores it.
func uploads(b *api.Body, files map[string][]*multipart.FileHeader, props openapi3.Schemas, path string, obj, fields map[string]any) {
	for _, k := range slices.Sorted(maps.Keys(files)) {
		p := props[k]
		if p == nil || p.Value == nil || len(files[k]) == 0 || !p.Value.Type.Is("string") {
			continue
		}
		ok, image := media.UploadField(k, p.Value.Format, path)
		if !ok {
			continue
		}
		obj[k] = api.UploadStandIn // the file stands for the field's value
		fh := files[k][0]
		data, err := readUpload(fh)
		maxName := 0
		if p.Value.MaxLength != nil {
			maxName = int(*p.Value.MaxLength)
		}
		ct, msg := "", ""
		if err != nil {
			msg = err.Error()
		} else {
			ct, msg = media.Check(fh.Filename, data, image, maxName)
		}
		if msg != "" {
			api.AddFieldError(fields, []string{k}, msg)
			continue
		}
		if b.Uploads == nil {
			b.Uploads = map[string]*api.Upload{}
		}
		b.Uploads[k] = &api.Upload{Filename: media.CleanFilename(fh.Filename, ct), ContentType: ct, Data: data}
	}
}

// readUpload reads a file part, refusing more than media.MaxImageBytes.
func readUpload(fh *multipart.FileHeader) ([]byte, error) {
	if fh.Size > media.MaxImageBytes {
		return nil, errors.New(media.TooLarge(fh.Size))
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, media.MaxImageBytes+1))
}

// multipartError words a multipart parse failure as Django's
// MultiPartParser reports it.
func multipartError(err error) error {
	if strings.Contains(err.Error(), "boundary") || errors.Is(err, http.ErrMissingBoundary) {
		return api.Detail(http.StatusBadRequest, "Multipart form parse error - Invalid boundary in multipart: None")
	}
	return api.Detail(http.StatusBadRequest, "Multipart form parse error - "+err.Error())
}

func formValue(s *openapi3.Schema, vs []string) any {
	if s == nil {
		if len(vs) == 1 {
			return vs[0]
		}
		return vs
	}
	conv := func(t *openapi3.Schema, v string) any {
		switch {
		case t == nil:
			return v
		case t.Type.Is("boolean"):
			if b, ok := api.ParseBool(v); ok {
				return b
			}
		case t.Type.Is("integer"):
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				return n
			}
		case t.Type.Is("number"):
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				return f
			}
		case t.Type.Is("object"):
			if m, err := api.ParseJSON([]byte(v)); err == nil {
				return m
			}
		}
		return v
	}
	if s.Type.Is("array") {
		var item *openapi3.Schema
		if s.Items != nil {
			item = s.Items.Value
		}
		out := make([]any, len(vs))
		for i, v := range vs {
			out[i] = conv(item, v)
		}
		return out
	}
	return conv(s, vs[0])
}

// collectErrors adds kin-openapi's validation errors to fields in DRF's
// shape ({"field": ["message"]}, nested for nested fields, DRF's wording).
// An error about the request as a whole (a body that does not parse, a
// media type the operation does not take) is returned instead.
func collectErrors(err error, fields map[string]any) *api.Error {
	for _, e := range flatten(err) {
		var re *openapi3filter.RequestError
		if !errors.As(e, &re) {
			api.AddFieldError(fields, nil, e.Error())
			continue
		}
		switch {
		case re.Parameter != nil:
			api.AddFieldError(fields, []string{re.Parameter.Name}, paramMessage(re))
		case re.RequestBody != nil:
			var pe *openapi3filter.ParseError
			if errors.As(re.Err, &pe) || (re.Err != nil && strings.Contains(re.Reason, "decode")) {
				if strings.Contains(rootCause(re.Err), "multipart") {
					return multipartError(re.Err).(*api.Error)
				}
				return api.Detail(http.StatusBadRequest, "JSON parse error - "+rootCause(re.Err))
			}
			if strings.HasPrefix(re.Reason, "header Content-Type has unexpected value") {
				return api.Detail(http.StatusUnsupportedMediaType, "Unsupported media type in request.")
			}
			if re.Err != nil {
				collectSchemaErrors(re.Err, nil, fields)
			} else {
				api.AddFieldError(fields, nil, re.Error())
			}
		default:
			api.AddFieldError(fields, nil, re.Error())
		}
	}
	return nil
}

// collectSchemaErrors adds a body schema violation (one SchemaError or a
// MultiError of them) to fields, at each error's JSON pointer. body is the
// value validated (nil if unknown): kin-openapi reports numbers as
// float64, and DRF names 1 an int, so the value sent is looked up.
func collectSchemaErrors(err error, body any, fields map[string]any) {
	var me openapi3.MultiError
	if errors.As(err, &me) && isMulti(err) {
		for _, e := range me {
			collectSchemaErrors(e, body, fields)
		}
		return
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		// allOf (and the like) report their parts' violations inside one
		// "doesn't match all schemas" error: report the parts.
		var parts openapi3.MultiError
		if se.Origin != nil && errors.As(se.Origin, &parts) {
			for _, e := range parts {
				collectSchemaErrors(e, body, fields)
			}
			return
		}
		if sent, ok := lookupPointer(body, se.JSONPointer()); ok {
			cp := *se
			cp.Value = sent
			se = &cp
		}
		api.AddFieldError(fields, se.JSONPointer(), schemaMessage(se))
		return
	}
	api.AddFieldError(fields, nil, err.Error())
}

// flatten expands MultiErrors, also those nested in a RequestError, keeping
// the RequestError around each part.
func flatten(err error) []error {
	var me openapi3.MultiError
	if errors.As(err, &me) && isMulti(err) {
		var out []error
		for _, e := range me {
			out = append(out, flatten(e)...)
		}
		return out
	}
	var re *openapi3filter.RequestError
	if errors.As(err, &re) && re.Err != nil {
		var inner openapi3.MultiError
		if errors.As(re.Err, &inner) {
			var out []error
			for _, e := range inner {
				for _, f := range flatten(e) {
					cp := *re
					cp.Err = f
					out = append(out, &cp)
				}
			}
			return out
		}
	}
	return []error{err}
}

// lookupPointer returns the value at path (a JSON pointer's segments) in v.
func lookupPointer(v any, path []string) (any, bool) {
	if v == nil {
		return nil, false
	}
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func isMulti(err error) bool {
	_, ok := err.(openapi3.MultiError)
	return ok
}

func rootCause(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err.Error()
		}
		err = u
	}
}

func paramMessage(re *openapi3filter.RequestError) string {
	if errors.Is(re.Err, openapi3filter.ErrInvalidRequired) {
		return api.MsgRequired
	}
	var se *openapi3.SchemaError
	if errors.As(re.Err, &se) {
		return schemaMessage(se)
	}
	var s *openapi3.Schema
	if re.Parameter.Schema != nil {
		s = re.Parameter.Schema.Value
	}
	if s != nil {
		return typeMessage(s, nil)
	}
	return re.Error()
}

// schemaMessage words a schema violation as DRF's fields do.
func schemaMessage(se *openapi3.SchemaError) string {
	s := se.Schema
	switch se.SchemaField {
	case "required":
		return api.MsgRequired
	case "nullable":
		return "This field may not be null."
	case "type":
		if s.Type.Is("object") && len(se.JSONPointer()) == 0 {
			// The body itself: DRF's Serializer words it.
			return fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", api.PyType(se.Value))
		}
		return typeMessage(s, se.Value)
	case "minLength":
		if s.MinLength == 1 {
			return "This field may not be blank."
		}
		return fmt.Sprintf("Ensure this field has at least %d characters.", s.MinLength)
	case "maxLength":
		if s.MaxLength != nil {
			return fmt.Sprintf("Ensure this field has no more than %d characters.", *s.MaxLength)
		}
	case "minItems":
		if s.MinItems == 1 {
			return "This list may not be empty."
		}
		return fmt.Sprintf("Ensure this field has at least %d elements.", s.MinItems)
	case "maxItems":
		if s.MaxItems != nil {
			return fmt.Sprintf("Ensure this field has no more than %d elements.", *s.MaxItems)
		}
	case "minimum":
		if s.Min != nil {
			return fmt.Sprintf("Ensure this value is greater than or equal to %s.", strconv.FormatFloat(*s.Min, 'f', -1, 64))
		}
	case "maximum":
		if s.Max != nil {
			return fmt.Sprintf("Ensure this value is less than or equal to %s.", strconv.FormatFloat(*s.Max, 'f', -1, 64))
		}
	case "enum":
		return fmt.Sprintf("\"%v\" is not a valid choice.", se.Value)
	case "format":
		switch s.Format {
		case "email":
			return "Enter a valid email address."
		case "uri":
			return "Enter a valid URL."
		case "date-time":
			return drf.DateTimeMessage(se.Origin)
		case "date":
			return "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
		}
	}
	return se.Reason
}

func typeMessage(s *openapi3.Schema, v any) string {
	switch {
	case s == nil:
	case s.Type.Is("integer"):
		return "A valid integer is required."
	case s.Type.Is("number"):
		return "A valid number is required."
	case s.Type.Is("boolean"):
		return "Must be a valid boolean."
	case s.Type.Is("string"):
		return "Not a valid string."
	case s.Type.Is("array"):
		return fmt.Sprintf("Expected a list of items but got type \"%s\".", api.PyType(v))
	case s.Type.Is("object"):
		return fmt.Sprintf("Expected a dictionary of items but got type \"%s\".", api.PyType(v))
	}
	return "Invalid value."
}
