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
	"github.com/iblfake/iblfake/fake/drf"
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

// responseOptions are the fake's own (fake.NewTestServer's), so an answer
// the fake's tests accept is one this check accepts.
var responseOptions = &openapi3filter.Options{MultiError: true}

// CheckRequest returns where a request departs from its operation, one
// line each, e.g. `request query page_size: value must be an integer`.
// body is the request's whole body; r's own is not read.
func (d *Document) CheckRequest(ctx context.Context, r *http.Request, body []byte, m *Match) []string {
	req := r.Clone(ctx)
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	input := &openapi3filter.RequestValidationInput{
		Request:     req,
		PathParams:  m.Params,
		QueryParams: drf.PagingLenient(r.URL.Query()),
		Route:       m.Route,
		Options:     requestOptions,
	}
	err := openapi3filter.ValidateRequest(ctx, input)
	if err == nil {
		return nil
	}
	var out []string
	for _, e := range flatten(err) {
		out = append(out, requestLine(e)...)
	}
	return dedupe(out)
}

// CheckResponse returns where an answer departs from the operation r
// addressed, one line each, e.g. `response body /result/name: value must
// be a string`. A success status the operation does not declare is one
// line naming those it does. Redirects are not checked, nor error
// statuses the operation does not declare: the document lists few of
// DRF's 4xx answers, and the fake's FIDELITY.md rules cover their shape.
func (d *Document) CheckResponse(ctx context.Context, r *http.Request, m *Match, status int, header http.Header, body []byte) []string {
	if r.Method == http.MethodHead || (status >= 300 && status < 400) {
		return nil
	}
	responses := m.Route.Operation.Responses
	if responses.Status(status) == nil && responses.Default() == nil {
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
	req := r.Clone(ctx)
	req.Body = http.NoBody
	err := openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: m.Params, Route: m.Route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                responseOptions,
	})
	if err == nil {
		return nil
	}
	var out []string
	for _, e := range flatten(err) {
		out = append(out, responseLine(e)...)
	}
	return dedupe(out)
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
		if lines := schemaLines("request body", re.Err); lines != nil {
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
	if lines := schemaLines("response body", re.Err); lines != nil {
		return lines
	}
	if strings.HasPrefix(re.Reason, "response header Content-Type") {
		return []string{"response header Content-Type: " + strings.TrimPrefix(re.Reason, "response header Content-Type ")}
	}
	return []string{"response: " + re.Error()}
}

// schemaLines words the schema violations inside err as
// `<where> <pointer>: <reason>`, or returns nil if err holds none. The
// parts of an allOf are reported one by one, each at its own pointer.
func schemaLines(where string, err error) []string {
	if err == nil {
		return nil
	}
	var me openapi3.MultiError
	if errors.As(err, &me) && isMulti(err) {
		var out []string
		for _, e := range me {
			out = append(out, schemaLines(where, e)...)
		}
		return out
	}
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		return nil
	}
	var parts openapi3.MultiError
	if se.SchemaField == "allOf" && se.Origin != nil && errors.As(se.Origin, &parts) {
		if out := schemaLines(where, parts); out != nil {
			return out
		}
	}
	return []string{fmt.Sprintf("%s %s: %s", where, Pointer(se.JSONPointer()), se.Reason)}
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
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(s))
	}
	return b.String()
}

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
