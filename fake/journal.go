package fake

import (
	"sync"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/labstack/echo/v4"
)

// Entry is one request as the journal records it.
type Entry struct {
	Time        time.Time `json:"time"`
	Method      string    `json:"method"`
	Path        string    `json:"path"`
	Query       string    `json:"query,omitempty"`
	OperationID string    `json:"operation_id,omitempty"`
	// Tier is how the fake answered the operation (coverage.go).
	Tier       string  `json:"tier,omitempty"`
	Status     int     `json:"status"`
	Tenant     string  `json:"tenant,omitempty"`
	DurationMS float64 `json:"duration_ms"`
	// Scenario is the scenario rule that answered, "scenario/rule".
	Scenario string `json:"scenario,omitempty"`
	// Note says what the fake did differently from what was asked (a
	// scenario delay skipped because too many requests were held).
	Note string `json:"note,omitempty"`
	// Violations are where the request or the answer departs from the
	// corrected document (a proxied real answer, say), one line each:
	// "response body /result/name: want string, got number".
	Violations []string `json:"violations,omitempty"`
}

// Journal keeps the last N requests in a ring.
type Journal struct {
	mu      sync.Mutex
	entries []Entry
	next    int
	full    bool
	total   uint64
}

// NewJournal returns a journal that keeps size entries.
func NewJournal(size int) *Journal { return &Journal{entries: make([]Entry, size)} }

// Add records e, dropping the oldest entry when full.
func (j *Journal) Add(e Entry) {
	j.mu.Lock()
	j.entries[j.next] = e
	j.next = (j.next + 1) % len(j.entries)
	j.full = j.full || j.next == 0
	j.total++
	j.mu.Unlock()
}

// Entries returns the kept entries, oldest first.
func (j *Journal) Entries() []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	if !j.full {
		return append([]Entry(nil), j.entries[:j.next]...)
	}
	return append(append([]Entry(nil), j.entries[j.next:]...), j.entries[:j.next]...)
}

// Total returns how many requests were ever recorded.
func (j *Journal) Total() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.total
}

// Clear drops every entry.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.next, j.full, j.total = 0, false, 0
}

// journalMiddleware records every vendor request and logs it.
func (s *Server) journalMiddleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			s.handleError(err, c)
		}
		req := c.Request()
		if len(req.URL.Path) >= 7 && req.URL.Path[:7] == "/_fake/" {
			return nil
		}
		e := Entry{
			Time: start.UTC(), Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery,
			OperationID: api.Operation(c), Status: c.Response().Status, Tenant: api.Tenant(c),
			DurationMS: float64(time.Since(start).Microseconds()) / 1000,
		}
		e.Scenario, _ = c.Get(ctxScenario).(string)
		e.Tier, _ = c.Get(ctxTier).(string)
		e.Note, _ = c.Get(ctxNote).(string)
		s.journal.Add(e)
		s.log.Info("request", "method", e.Method, "path", e.Path, "status", e.Status,
			"operation", e.OperationID, "tenant", e.Tenant, "ms", e.DurationMS, "scenario", e.Scenario)
		return nil
	}
}
