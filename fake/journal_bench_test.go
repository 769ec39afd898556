package fake

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/labstack/echo/v4"
)

// BenchmarkJournalCost measures what the journal middleware adds to a
// request: the same trivial handler bare and journaled, with the context
// and request reused, with the log at error (as the perf harness runs the
// binary: the request line is not built) and at info into io.Discard.
func BenchmarkJournalCost(b *testing.B) {
	for _, level := range []slog.Level{slog.LevelError, slog.LevelInfo} {
		s, err := New(WithLogger(slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: level}))))
		if err != nil {
			b.Fatal(err)
		}
		b.Run("log="+level.String(), func(b *testing.B) { benchJournal(b, s) })
	}
}

func benchJournal(b *testing.B, s *Server) {
	next := func(c echo.Context) error { return c.NoContent(http.StatusNoContent) }
	req := httptest.NewRequest(http.MethodGet, "/api/credentials/orgs/bench/users/admin/?page=2", nil)
	for _, bc := range []struct {
		name string
		h    echo.HandlerFunc
	}{{"bare", next}, {"journaled", s.journalMiddleware(next)}} {
		b.Run(bc.name, func(b *testing.B) {
			w := httptest.NewRecorder()
			c := s.echo.NewContext(req, w)
			b.ReportAllocs()
			for b.Loop() {
				c.Reset(req, w)
				api.RequestOf(c).Tier = "stateful"
				_ = bc.h(c)
			}
		})
	}
}
