package fake

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"
)

// checkResponse runs h, capturing what it writes, validates the response
// against the operation and reports the outcome, then sends it on.
func (s *Server) checkResponse(c echo.Context, r *route, input *openapi3filter.RequestValidationInput, h echo.HandlerFunc) error {
	resp := c.Response()
	orig := resp.Writer
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	resp.Writer = rec
	// A handler that panics leaves the answer to the recovery middleware,
	// which must write to the client, not to the recorder.
	defer func() { resp.Writer = orig }()
	err := h(c)
	if err != nil {
		s.handleError(err, c)
	}
	resp.Writer = orig
	var verr error
	if rec.status < 300 || rec.status >= 400 {
		verr = openapi3filter.ValidateResponse(c.Request().Context(), &openapi3filter.ResponseValidationInput{
			RequestValidationInput: input,
			Status:                 rec.status,
			Header:                 rec.header,
			Body:                   io.NopCloser(bytes.NewReader(rec.body.Bytes())),
			// A 204 has no body, whatever content a document declares for
			// it (a few long-tail operations do): HTTP forbids one.
			Options: &openapi3filter.Options{MultiError: true, ExcludeResponseBody: rec.status == http.StatusNoContent},
		})
	}
	if rec.status == http.StatusInternalServerError && verr == nil {
		verr = errors.New("the fake answered 500")
	}
	s.opts.responseChecker(c.Request(), r.id, rec.status, verr)
	for k, vs := range rec.header {
		orig.Header()[k] = vs
	}
	orig.WriteHeader(rec.status)
	_, _ = orig.Write(rec.body.Bytes())
	return nil
}

// recorder is an http.ResponseWriter that keeps what is written.
type recorder struct {
	header      http.Header
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = code, true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}
