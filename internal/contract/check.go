package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/iblfake/iblfake/internal/drf"
)

// requestOptions: every violation at once, no authentication (the
// upstream decides who may call), and nothing written into the request.
var requestOptions = &openapi3filter.Options{
	AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
	MultiError:          true,
	SkipSettingDefaults: true,
	SchemaValidationOptions: []openapi3.SchemaValidationOption{
		openapi3.WithStringFormatValidators(map[string]openapi3.StringFormatValidator{"date-time": drf.DateTimeFormat{}}),
	},
}

// requestParams finds a request's violations but the body's (parameters
// and security, each at most one line); its body is checked apart, by
// checkBody. requestFirst finds a body's first violation only.
var (
	requestParams = func() *openapi3filter.Options { o := *requestOptions; o.ExcludeRequestBody = true; return &o }()
	requestFirst  = withoutMultiError(requestOptions)
)

// responseOptions are the fake's own (fake.NewTestServer's), so an answer
// the fake's tests accept is one this check accepts. responseHeaders
// checks the declared headers alone (kin-openapi reports the first that
// fails, in either mode); responseFirst a body's first violation.
var (
	responseOptions = &openapi3filter.Options{MultiError: true}
	responseHeaders = &openapi3filter.Options{ExcludeResponseBody: true}
	responseFirst   = withoutMultiError(responseOptions)
)

func withoutMultiError(o *openapi3filter.Options) *openapi3filter.Options {
	cp := *o
	cp.MultiError = false
	return &cp
}

// CheckRequest returns where a request departs from its operation, one
// line each, e.g. `request query page_size: value must be an integer`.
// body is the request's whole body; r's own is not read. A body gives at
// most MaxLines lines, and a last one if it has more.
func (d *Document) CheckRequest(ctx context.Context, r *http.Request, body []byte, m *Match) []string {
	input := func(o *openapi3filter.Options) *openapi3filter.RequestValidationInput {
		req := r.Clone(ctx)
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
		return &openapi3filter.RequestValidationInput{
			Request:     req,
			PathParams:  m.Params,
			QueryParams: drf.PagingLenient(r.URL.Query()),
			Route:       m.Route,
			Options:     o,
		}
	}
	var out []string
	if err := openapi3filter.ValidateRequest(ctx, input(requestParams)); err != nil {
		for _, e := range flatten(err) {
			out = append(out, requestLine(e)...)
		}
	}
	rb := m.Route.Operation.RequestBody
	if rb == nil || rb.Value == nil {
		return dedupe(out)
	}
	first := func() []string {
		if err := openapi3filter.ValidateRequestBody(ctx, input(requestFirst), rb.Value); err != nil {
			return requestLine(err)
		}
		return nil
	}
	var mt *openapi3.MediaType
	if len(body) > 0 {
		mt = rb.Value.Content.Get(r.Header.Get("Content-Type"))
	}
	c := newBodyCheck("request body", !m.Route.Spec.IsOpenAPI31OrLater(),
		append([]openapi3.SchemaValidationOption{openapi3.VisitAsRequest()}, requestOptions.SchemaValidationOptions...)...)
	return dedupe(append(out, checkBody(c, mt, r.Header, body, first)...))
}

// CheckResponse returns where an answer departs from the operation r
// addressed, one line each, e.g. `response body /result/name: value must
// be a string`. A success status the operation does not declare is one
// line naming those it does. Redirects are not checked, nor error
// statuses the operation does not declare: the document lists few of
// DRF's 4xx answers, and the fake's FIDELITY.md rules cover their shape.
// A body gives at most MaxLines lines, and a last one if it has more.
func (d *Document) CheckResponse(ctx context.Context, r *http.Request, m *Match, status int, header http.Header, body []byte) []string {
	if r.Method == http.MethodHead || (status >= 300 && status < 400) {
		return nil
	}
	responses := m.Route.Operation.Responses
	resp := responses.Status(status)
	if resp == nil {
		resp = responses.Default()
	}
	if resp == nil {
		if status < 200 || status >= 300 {
			return nil
		}
		var declared []string
		for code := range responses.Map() {
			if strings.HasPrefix(code, "2") {
				declared = append(declared, code)
			}
		}
		slices.Sort(declared)
		return []string{fmt.Sprintf("response status %d: the document declares %s", status, orList(declared))}
	}
	validate := func(o *openapi3filter.Options) error {
		req := r.Clone(ctx)
		req.Body = http.NoBody
		return openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: m.Params, Route: m.Route},
			Status:                 status,
			Header:                 header,
			Body:                   io.NopCloser(bytes.NewReader(body)),
			Options:                o,
		})
	}
	if err := validate(responseHeaders); err != nil {
		return responseLine(err)
	}
	if resp.Value == nil || len(resp.Value.Content) == 0 {
		return nil
	}
	first := func() []string {
		if err := validate(responseFirst); err != nil {
			return responseLine(err)
		}
		return nil
	}
	c := newBodyCheck("response body", !m.Route.Spec.IsOpenAPI31OrLater(), openapi3.VisitAsResponse())
	return dedupe(checkBody(c, resp.Value.Content.Get(header.Get("Content-Type")), header, body, first))
}

// checkBody checks a body against its media type's schema: decoded once,
// checked whole for the first violation (a valid body, the usual case,
// costs no more than that), and if there is one, in parts, bounded. A body
// that cannot be decoded as kin-openapi would (no media type matches, a
// binary schema, no decoder, a decoding error) is left to first, the
// first violation as kin-openapi words it: one line in either mode.
func checkBody(c *bodyCheck, mt *openapi3.MediaType, header http.Header, body []byte, first func() []string) []string {
	v, ok := decodeBody(mt, header, body)
	if !ok {
		return first()
	}
	s := mt.Schema.Value
	if s.VisitJSON(v, c.one...) == nil {
		return nil
	}
	c.visit(s, v, nil)
	return c.result()
}

func requestLine(err error) []string {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		return []string{"request: " + err.Error()}
	}
	switch {
	case re.Parameter != nil:
		reason := re.Reason
		if re.Err != nil {
			var se *openapi3.SchemaError
			if errors.As(re.Err, &se) {
				reason = se.Reason
			} else {
				reason = re.Err.Error()
			}
		}
		return []string{fmt.Sprintf("request %s %s: %s", re.Parameter.In, re.Parameter.Name, reason)}
	case re.RequestBody != nil:
		if lines := schemaLines("request body", nil, re.Err); lines != nil {
			return lines
		}
		return []string{"request body: " + re.Error()[len("request body has an error: "):]}
	}
	return []string{"request: " + re.Error()}
}

func responseLine(err error) []string {
	var re *openapi3filter.ResponseError
	if !errors.As(err, &re) {
		return []string{"response: " + err.Error()}
	}
	if lines := schemaLines("response body", nil, re.Err); lines != nil {
		return lines
	}
	if strings.HasPrefix(re.Reason, "response header Content-Type") {
		return []string{"response header Content-Type: " + strings.TrimPrefix(re.Reason, "response header Content-Type ")}
	}
	return []string{"response: " + re.Error()}
}

// schemaLines words the schema violations inside err as
// `<where> <pointer>: <reason>`, or returns nil if err holds none; at is
// where in the body the value err is about sits. The parts of an allOf
// are reported one by one, each at its own pointer.
func schemaLines(where string, at []string, err error) []string {
	if err == nil {
		return nil
	}
	var me openapi3.MultiError
	if errors.As(err, &me) && isMulti(err) {
		var out []string
		for _, e := range me {
			out = append(out, schemaLines(where, at, e)...)
		}
		return out
	}
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		return nil
	}
	var parts openapi3.MultiError
	if se.SchemaField == "allOf" && se.Origin != nil && errors.As(se.Origin, &parts) {
		if out := schemaLines(where, at, parts); out != nil {
			return out
		}
	}
	return []string{fmt.Sprintf("%s %s: %s", where, Pointer(append(at[:len(at):len(at)], se.JSONPointer()...)), se.Reason)}
}

// Pointer renders path segments as a JSON pointer (RFC 6901); the root,
// whose pointer is the empty string, as "(root)" so a line never has a
// blank where the place should be.
func Pointer(segs []string) string {
	if len(segs) == 0 {
		return "(root)"
	}
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		b.WriteString(pointerEscaper.Replace(s))
	}
	return b.String()
}

// pointerEscaper escapes a pointer segment (RFC 6901 section 3); built
// once, as building one per segment cost gigabytes over a large answer.
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// flatten expands MultiErrors, also one directly inside a RequestError,
// keeping the RequestError around each part. A ResponseError is kept
// whole: responseLine expands the schema errors inside it.
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
		if errors.As(re.Err, &inner) && isMulti(re.Err) {
			var out []error
			for _, e := range inner {
				cp := *re
				cp.Err = e
				out = append(out, &cp)
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

func orList(codes []string) string {
	switch len(codes) {
	case 0:
		return "no success status"
	case 1:
		return codes[0]
	}
	return strings.Join(codes[:len(codes)-1], ", ") + " or " + codes[len(codes)-1]
}

func dedupe(lines []string) []string {
	seen := map[string]bool{}
	out := lines[:0]
	for _, l := range lines {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}
