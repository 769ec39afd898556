package parity

import (
	"encoding/json"
	"fmt"
	"io"
)

// WriteTable prints the parity table: a line of totals, then one row per
// operation with its exchanges, how many matched and differed, and its
// first difference (cassette line, JSON pointer, what).
func (r *Report) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "parity: %d exchanges, %d matching, %d differing, %d skipped (upstream failures) in %s\n",
		r.Exchanges, r.Matching, r.Differing, r.Skipped, r.Duration.Round(1e6))
	if r.Torn != nil {
		fmt.Fprintf(w, "the last line (%d, %d bytes) is torn, as a writer killed mid-write leaves it, and was skipped\n", r.Torn.Line, r.Torn.Bytes)
	}
	if r.StateDivergedAt > 0 {
		fmt.Fprintf(w, "the fake's state parted from the recording's at line %d: after it, values and list lengths were not compared\n", r.StateDivergedAt)
	}
	width := len("operation")
	for _, o := range r.Operations {
		width = max(width, len(o.OperationID))
	}
	fmt.Fprintf(w, "%-*s  %9s  %8s  %9s  %s\n", width, "operation", "exchanges", "matching", "differing", "first difference")
	for _, o := range r.Operations {
		first := ""
		if o.First != nil {
			first = fmt.Sprintf("line %d %s", o.First.Line, o.First.What)
		}
		fmt.Fprintf(w, "%-*s  %9d  %8d  %9d  %s\n", width, o.OperationID, o.Exchanges, o.Matching, o.Differing, first)
	}
	return nil
}

// WriteJSON writes the report as JSON (what --json writes).
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
