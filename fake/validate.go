package fake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/labstack/echo/v4"
)

// validationOptions: the fake authenticates before validating (as DRF
// does), reports every violation at once like a DRF serializer, and leaves
// defaults to the handlers.
var validationOptions = &openapi3filter.Options{
	AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
	MultiError:          true,
	SkipSettingDefaults: true,
	// kin-openapi checks date and date-time itself; `format: uri` needs
	// Django's URLValidator (formats.go). The map form: the single-validator
	// option allocates a map on every schema it validates.
	SchemaValidationOptions: []openapi3.SchemaValidationOption{
		openapi3.WithStringFormatValidators(map[string]openapi3.StringFormatValidator{"uri": urlFormat{}}),
	},
}

// parsedMediaTypes are the request bodies DRF's default parsers read; any
// other Content-Type with a body is a 415.
var parsedMediaTypes = map[string]bool{
	"application/json":                  true,
	"application/scim+json":             true,
	"application/x-www-form-urlencoded": true,
	"multipart/form-data":               true,
}

// validateRequest checks the request against its operation and, for form
// bodies, rewrites the body as JSON so handlers decode one format.
func (s *Server) validateRequest(c echo.Context, r *route) (*openapi3filter.RequestValidationInput, error) {
	req := c.Request()
	body, err := s.readBody(req)
	if err != nil {
		return nil, err
	}
	mt := ""
	if ct := req.Header.Get(echo.HeaderContentType); ct != "" {
		mt, _, _ = mime.ParseMediaType(ct)
		mt = strings.ToLower(mt)
	}
	if len(body) > 0 && !parsedMediaTypes[mt] {
		ct := req.Header.Get(echo.HeaderContentType)
		return nil, api.Detail(http.StatusUnsupportedMediaType, fmt.Sprintf("Unsupported media type \"%s\" in request.", ct))
	}
	if (mt == "application/json" || mt == "application/scim+json") && len(body) > 0 && r.kin.Operation.RequestBody != nil {
		if err := checkJSONText(body); err != nil {
			return nil, err
		}
		// DRF's JSONParser reads the whole body: trailing data after the
		// value is a parse error too, which kin-openapi's decoder ignores.
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return nil, api.Detail(http.StatusBadRequest, "JSON parse error - "+err.Error())
		}
	}
	rb := r.kin.Operation.RequestBody
	if rb != nil && rb.Value != nil && (len(body) == 0 || mt == "application/scim+json") {
		// DRF reads an empty body as {}; the field errors then say what is
		// missing. scim+json is JSON to DRF; kin knows no decoder for it.
		if len(body) == 0 {
			body = []byte("{}")
		}
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		mt = echo.MIMEApplicationJSON
	}
	isForm := mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data"
	if r.formJSON && isForm && rb != nil && rb.Value != nil && rb.Value.Content.Get(echo.MIMEApplicationJSON) != nil {
		// Convert first, so the form is validated as the JSON the handler
		// reads (kin-openapi cannot decode a form against an allOf schema).
		if err := formToJSON(req, body, rb.Value.Content.Get(mt)); err != nil {
			return nil, err
		}
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		mt = echo.MIMEApplicationJSON
	}
	setBody(req, body)
	input := &openapi3filter.RequestValidationInput{
		Request:     req,
		PathParams:  pathParams(c),
		QueryParams: pagingLenient(req.URL.Query()),
		Route:       r.kin,
		Options:     validationOptions,
	}
	if err := openapi3filter.ValidateRequest(req.Context(), input); err != nil {
		return nil, drfError(err)
	}
	if r.formJSON && isForm && mt != echo.MIMEApplicationJSON && rb != nil && rb.Value != nil {
		if err := formToJSON(req, body, rb.Value.Content.Get(mt)); err != nil {
			return nil, err
		}
	} else {
		setBody(req, body)
	}
	return input, nil
}

// pagingLenient leaves page and page_size values that are not integers out
// of what is validated: DRF's paginator reads them itself (page "last" is the
// last page, any other non-integer page a 404 "Invalid page.", a bad
// page_size the default) instead of failing with a 400.
func pagingLenient(q url.Values) url.Values {
	for _, name := range []string{"page", "page_size"} {
		for _, v := range q[name] {
			if _, err := strconv.Atoi(v); err != nil {
				q.Del(name)
				break
			}
		}
	}
	return q
}

// checkJSONText refuses, as DRF's JSONParser does, a JSON body that is not
// UTF-8 (Python's decode error, which Go's decoder would paper over with
// U+FFFD), and one nesting deeper than MaxJSONDepth, which the real service
// does not survive (Python's recursion limit) and the fake refuses early.
func checkJSONText(body []byte) error {
	if !utf8.Valid(body) {
		return api.Detail(http.StatusBadRequest, "JSON parse error - "+utf8DecodeError(body))
	}
	if d := jsonDepth(body, MaxJSONDepth); d > MaxJSONDepth {
		return api.Detail(http.StatusBadRequest,
			fmt.Sprintf("JSON parse error - nesting deeper than %d levels.", MaxJSONDepth))
	}
	return nil
}

// utf8DecodeError words the first invalid byte of b as Python's utf-8
// codec does.
func utf8DecodeError(b []byte) string {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || n != 1 {
			i += n
			continue
		}
		reason := "invalid start byte"
		if b[i] >= 0xc2 && b[i] <= 0xf4 {
			reason = "invalid continuation byte"
			if !utf8.FullRune(b[i:]) {
				reason = "unexpected end of data"
			}
		}
		return fmt.Sprintf("'utf-8' codec can't decode byte 0x%02x in position %d: %s", b[i], i, reason)
	}
	return "'utf-8' codec can't decode the body"
}

// readBody reads the whole body within the size limit.
func (s *Server) readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if req.ContentLength > s.opts.maxBodyBytes {
		// Refused from its declared length, before reading any of it.
		return nil, api.Detail(http.StatusRequestEntityTooLarge,
			fmt.Sprintf("Request body exceeds the limit of %d bytes.", s.opts.maxBodyBytes))
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, req.Body, s.opts.maxBodyBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, api.Detail(http.StatusRequestEntityTooLarge,
			fmt.Sprintf("Request body exceeds the limit of %d bytes.", s.opts.maxBodyBytes))
	}
	if err != nil {
		return nil, api.Detail(http.StatusBadRequest, "Could not read the request body: "+err.Error())
	}
	return body, nil
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

// formToJSON rewrites a validated form body as the JSON object the schema
// describes, converting each field to its declared type.
func formToJSON(req *http.Request, body []byte, mt *openapi3.MediaType) error {
	form := url.Values{}
	if err := func() error {
		probe, _ := http.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		probe.Header.Set(echo.HeaderContentType, req.Header.Get(echo.HeaderContentType))
		if err := probe.ParseMultipartForm(32 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return err
		}
		form = probe.PostForm
		return nil
	}(); err != nil {
		return api.Detail(http.StatusBadRequest, "Multipart form parse error - "+err.Error())
	}
	var props openapi3.Schemas
	if mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
		props = flatProperties(mt.Schema.Value)
	}
	obj := map[string]any{}
	for k, vs := range form {
		var schema *openapi3.Schema
		if p := props[k]; p != nil {
			schema = p.Value
		}
		obj[k] = formValue(schema, vs)
	}
	js, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	setBody(req, js)
	return nil
}

// flatProperties collects the properties of a schema and its allOf parts.
func flatProperties(s *openapi3.Schema) openapi3.Schemas {
	out := openapi3.Schemas{}
	for k, v := range s.Properties {
		out[k] = v
	}
	for _, part := range s.AllOf {
		if part.Value != nil {
			for k, v := range flatProperties(part.Value) {
				out[k] = v
			}
		}
	}
	return out
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
			b, err := strconv.ParseBool(v)
			if err != nil {
				return v
			}
			return b
		case t.Type.Is("integer"):
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				return n
			}
		case t.Type.Is("number"):
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				return f
			}
		case t.Type.Is("object"):
			var m any
			if jsonDepth([]byte(v), MaxJSONDepth) <= MaxJSONDepth && json.Unmarshal([]byte(v), &m) == nil {
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

// drfError turns kin-openapi's validation errors into DRF's 400 body:
// {"field": ["message"]}, nested for nested fields, with DRF's wording.
func drfError(err error) error {
	fields := map[string]any{}
	for _, e := range flatten(err) {
		var re *openapi3filter.RequestError
		if !errors.As(e, &re) {
			addField(fields, nil, e.Error())
			continue
		}
		switch {
		case re.Parameter != nil:
			addField(fields, []string{re.Parameter.Name}, paramMessage(re))
		case re.RequestBody != nil:
			var pe *openapi3filter.ParseError
			if errors.As(re.Err, &pe) || (re.Err != nil && strings.Contains(re.Reason, "decode")) {
				return api.Detail(http.StatusBadRequest, "JSON parse error - "+rootCause(re.Err))
			}
			if strings.HasPrefix(re.Reason, "header Content-Type has unexpected value") {
				return api.Detail(http.StatusUnsupportedMediaType, "Unsupported media type in request.")
			}
			var se *openapi3.SchemaError
			if errors.As(re.Err, &se) {
				addField(fields, se.JSONPointer(), schemaMessage(se))
			} else {
				addField(fields, nil, re.Error())
			}
		default:
			addField(fields, nil, re.Error())
		}
	}
	return api.Fields(fields)
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

// addField puts msg at path in DRF's nested error shape; an empty path is a
// non-field error.
func addField(fields map[string]any, path []string, msg string) {
	if len(path) == 0 {
		path = []string{"non_field_errors"}
	}
	m := fields
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	last := path[len(path)-1]
	list, _ := m[last].([]string)
	for _, have := range list {
		if have == msg {
			return
		}
	}
	m[last] = append(list, msg)
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
			return "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
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
		return fmt.Sprintf("Expected a list of items but got type \"%s\".", pyType(v))
	case s.Type.Is("object"):
		return fmt.Sprintf("Expected a dictionary of items but got type \"%s\".", pyType(v))
	}
	return "Invalid value."
}

// pyType names a JSON value's type as Python (and so DRF) would.
func pyType(v any) string {
	switch v.(type) {
	case string:
		return "str"
	case bool:
		return "bool"
	case float64, json.Number:
		return "float"
	case int, int64:
		return "int"
	case []any:
		return "list"
	case map[string]any:
		return "dict"
	case nil:
		return "NoneType"
	}
	return fmt.Sprintf("%T", v)
}
