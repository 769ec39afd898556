package fake

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/labstack/echo/v4"
)

// teeWriter passes an answer through to the client and keeps its first
// MaxExchangeBody bytes, for the journal's exchange. It is installed only
// while someone watches the journal.
type teeWriter struct {
	http.ResponseWriter
	reqHeader http.Header
	body      []byte
	size      int
}

// captureResponse installs a teeWriter under c's response and copies the
// request's headers (secrets masked) before a handler can change them.
func captureResponse(c echo.Context) *teeWriter {
	t := &teeWriter{ResponseWriter: c.Response().Writer, reqHeader: maskHeader(c.Request().Header)}
	c.Response().Writer = t
	return t
}

func (t *teeWriter) Write(b []byte) (int, error) {
	if room := MaxExchangeBody - len(t.body); room > 0 {
		t.body = append(t.body, b[:min(room, len(b))]...)
	}
	t.size += len(b)
	return t.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flushes, and
// the hijack of a scenario's connection fault).
func (t *teeWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// exchange is what the request and its answer carried. The request body is
// the one the server read once (api.RequestBody), so capturing it reads
// nothing more from the client; its kept part is a copy, so a large body
// is not held whole.
func (t *teeWriter) exchange(c echo.Context) *Exchange {
	var raw []byte
	if b := api.ReadRequestBody(c); b != nil {
		raw = b.Raw
	}
	return &Exchange{
		RequestHeader: t.reqHeader, RequestBody: bytes.Clone(raw[:min(len(raw), MaxExchangeBody)]),
		RequestSize:    len(raw),
		ResponseHeader: maskHeader(c.Response().Header()), ResponseBody: t.body, ResponseSize: t.size,
	}
}

// secretHeaders are masked in a captured exchange: whoever reads the live
// log holds the admin token, not the callers' API keys.
var secretHeaders = map[string]bool{"Authorization": true, "Cookie": true, "Set-Cookie": true,
	"X-Api-Key": true, "Api-Key": true, "Proxy-Authorization": true}

// maskHeader copies h with the values of secretHeaders replaced by
// "[secret]" (an Authorization header keeps its scheme).
func maskHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		vs = append([]string(nil), vs...)
		if secretHeaders[http.CanonicalHeaderKey(k)] {
			for i, v := range vs {
				if scheme, _, ok := strings.Cut(strings.TrimSpace(v), " "); ok && k == "Authorization" {
					vs[i] = scheme + " [secret]"
				} else {
					vs[i] = "[secret]"
				}
			}
		}
		out[k] = vs
	}
	return out
}
