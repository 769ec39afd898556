package fake

import (
	"bytes"
	"log/slog"
	"net/http"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/journal"
	"github.com/labstack/echo/v4"
)

// journalMiddleware records every vendor request and logs it. While
// someone watches the journal, or when it keeps bodies (WithJournalBodies),
// it also captures the request's and the answer's headers and bodies
// (bounded, see Exchange). A request no operation answered (a 404 or 405)
// is told the route that came closest (Server.closest, routes.go).
func (s *Server) journalMiddleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		req := c.Request()
		admin := len(req.URL.Path) >= 7 && req.URL.Path[:7] == "/_fake/"
		rec := api.Begin(c)
		defer api.End(c, rec)
		var tee *teeWriter
		if !admin && s.journal.Capturing() {
			tee = captureResponse(c, s.journal.BodyLimit())
		}
		err := next(c)
		if err != nil {
			s.handleError(err, c)
		}
		if admin {
			return nil
		}
		e := journal.Entry{
			Time: start.UTC(), Method: req.Method, Path: journal.Text(req.URL.Path), Query: journal.Text(req.URL.RawQuery),
			Status:     c.Response().Status,
			DurationMS: float64(time.Since(start).Microseconds()) / 1000,
		}
		e.OperationID, e.Tenant, e.Tier = rec.Operation, rec.Tenant, rec.Tier
		e.Scenario, e.Note = rec.Scenario, rec.Note
		if e.OperationID == "" && (e.Status == http.StatusNotFound || e.Status == http.StatusMethodNotAllowed) {
			e.Closest = s.closest(req.Method, req.URL.Path, e.Status)
		}
		if tee != nil {
			s.journal.AddExchange(e, tee.exchange(c))
		} else {
			s.journal.Add(e)
		}
		// Asked first: the line's arguments cost allocations even when
		// the level drops it (the harness runs at error).
		if s.log.Enabled(req.Context(), slog.LevelInfo) {
			s.log.Info("request", "method", e.Method, "path", e.Path, "status", e.Status,
				"operation", e.OperationID, "tenant", e.Tenant, "ms", e.DurationMS, "scenario", e.Scenario)
		}
		return nil
	}
}

// teeWriter passes an answer through to the client and keeps its first
// limit bytes, for the journal's exchange. It is installed only while the
// journal captures (journal.Capturing).
type teeWriter struct {
	http.ResponseWriter
	reqHeader http.Header
	body      []byte
	size      int
	limit     int
}

// captureResponse installs a teeWriter under c's response and copies the
// request's headers (secrets masked) before a handler can change them.
func captureResponse(c echo.Context, limit int) *teeWriter {
	t := &teeWriter{ResponseWriter: c.Response().Writer, reqHeader: journal.MaskHeader(c.Request().Header), limit: limit}
	c.Response().Writer = t
	return t
}

func (t *teeWriter) Write(b []byte) (int, error) {
	if room := t.limit - len(t.body); room > 0 {
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
func (t *teeWriter) exchange(c echo.Context) *journal.Exchange {
	var raw []byte
	if b := api.ReadRequestBody(c); b != nil {
		raw = b.Raw
	}
	return &journal.Exchange{
		RequestHeader: t.reqHeader, RequestBody: bytes.Clone(raw[:min(len(raw), t.limit)]),
		RequestSize:    len(raw),
		ResponseHeader: journal.MaskHeader(c.Response().Header()), ResponseBody: t.body, ResponseSize: t.size,
	}
}
