package proxy

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"sync"
)

// Summary is what a proxy run saw, per operation and status: the
// evidence to take into a correction.
type Summary struct {
	Upstream string `json:"upstream"`
	// Exchanges counts every request forwarded (or failed upstream);
	// WithViolations those with at least one violation.
	Exchanges      int `json:"exchanges"`
	WithViolations int `json:"with_violations"`
	UpstreamErrors int `json:"upstream_errors"`
	Recorded       int `json:"recorded"`
	RecordErrors   int `json:"record_errors"`
	// Operations are sorted by operation, then status.
	Operations []OperationSummary `json:"operations"`
}

// OperationSummary is one operation answered with one status.
type OperationSummary struct {
	// OperationID is empty for requests no operation of the document
	// matches; Template is then "(no operation)".
	OperationID    string           `json:"operation_id"`
	Method         string           `json:"method"`
	Template       string           `json:"path"`
	Status         int              `json:"status"`
	Exchanges      int              `json:"exchanges"`
	WithViolations int              `json:"with_violations"`
	Violations     []ViolationCount `json:"violations,omitempty"`
}

// ViolationCount is one violation line and how many exchanges had it.
// Array indices in its pointer are shown as "*", so the same wrong key in
// every item of a list is one line.
type ViolationCount struct {
	Violation string `json:"violation"`
	Count     int    `json:"count"`
}

// maxDistinct bounds the distinct violation lines kept per operation and
// status; past it they are counted in a last line.
const maxDistinct = 100

type summary struct {
	mu  sync.Mutex
	s   Summary
	ops map[opKey]*opStats
}

type opKey struct {
	op, method, path string
	status           int
}

type opStats struct {
	exchanges, violating int
	order                []string
	counts               map[string]int
	overflow             int
}

func newSummary(upstream string) *summary {
	return &summary{s: Summary{Upstream: upstream}, ops: map[opKey]*opStats{}}
}

// index matches an array index in a JSON pointer.
var index = regexp.MustCompile(`/[0-9]+(/|:)`)

func (s *summary) add(x *exchange) {
	// Requests no operation matches (an image under /media/, a path the
	// document lacks) share one row per method and status, so a stream
	// of distinct paths cannot grow the summary; their violation lines
	// still name each path, up to maxDistinct.
	k := opKey{method: x.req.Method, path: "(no operation)", status: x.status}
	if x.match != nil {
		k.op, k.method, k.path = x.match.OperationID, x.match.Method, x.match.Template
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.s.Exchanges++
	if x.upErr != "" {
		s.s.UpstreamErrors++
	}
	st := s.ops[k]
	if st == nil {
		st = &opStats{counts: map[string]int{}}
		s.ops[k] = st
	}
	st.exchanges++
	if len(x.viol) == 0 {
		return
	}
	s.s.WithViolations++
	st.violating++
	seen := map[string]bool{}
	for _, v := range x.viol {
		v = generalize(v)
		if seen[v] {
			continue
		}
		seen[v] = true
		if _, ok := st.counts[v]; !ok {
			if len(st.order) == maxDistinct {
				st.overflow++
				continue
			}
			st.order = append(st.order, v)
		}
		st.counts[v]++
	}
}

// generalize replaces the array indices of a violation's pointer by "*".
func generalize(v string) string {
	for {
		w := index.ReplaceAllString(v, "/*$1")
		if w == v {
			return v
		}
		v = w
	}
}

func (s *summary) recorded() {
	s.mu.Lock()
	s.s.Recorded++
	s.mu.Unlock()
}

func (s *summary) recordFailed() {
	s.mu.Lock()
	s.s.RecordErrors++
	s.mu.Unlock()
}

func (s *summary) snapshot() Summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.s
	out.Operations = make([]OperationSummary, 0, len(s.ops))
	for k, st := range s.ops {
		o := OperationSummary{OperationID: k.op, Method: k.method, Template: k.path, Status: k.status,
			Exchanges: st.exchanges, WithViolations: st.violating}
		for _, v := range st.order {
			o.Violations = append(o.Violations, ViolationCount{Violation: v, Count: st.counts[v]})
		}
		if st.overflow > 0 {
			o.Violations = append(o.Violations, ViolationCount{Violation: fmt.Sprintf("... %d more distinct violations", st.overflow), Count: st.overflow})
		}
		out.Operations = append(out.Operations, o)
	}
	sort.Slice(out.Operations, func(i, j int) bool {
		a, b := out.Operations[i], out.Operations[j]
		if a.OperationID != b.OperationID {
			return a.OperationID < b.OperationID
		}
		if a.Template != b.Template {
			return a.Template < b.Template
		}
		return a.Status < b.Status
	})
	return out
}

// WriteText prints the summary as the proxy does at shutdown: a line of
// totals, then a row per operation and status, each violation under its
// row with how many exchanges had it.
func (s Summary) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "proxy summary: %d exchanges with %s, %d with violations, %d upstream errors, %d recorded",
		s.Exchanges, s.Upstream, s.WithViolations, s.UpstreamErrors, s.Recorded)
	if s.RecordErrors > 0 {
		fmt.Fprintf(w, ", %d NOT recorded", s.RecordErrors)
	}
	fmt.Fprintln(w)
	if len(s.Operations) == 0 {
		return nil
	}
	names := make([]string, len(s.Operations))
	width := len("operation")
	for i, o := range s.Operations {
		names[i] = o.OperationID
		if names[i] == "" {
			names[i] = o.Method + " " + o.Template
		}
		width = max(width, len(names[i]))
	}
	// Violations go under their row, not in a column: one long line must
	// not push every row's numbers to the right.
	fmt.Fprintf(w, "%-*s  %6s  %9s  %15s\n", width, "operation", "status", "exchanges", "with violations")
	for i, o := range s.Operations {
		fmt.Fprintf(w, "%-*s  %6d  %9d  %15d\n", width, names[i], o.Status, o.Exchanges, o.WithViolations)
		for _, v := range o.Violations {
			fmt.Fprintf(w, "    %dx %s\n", v.Count, v.Violation)
		}
	}
	return nil
}
